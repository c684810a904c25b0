# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Issue 18: the reminder ladder anchored where it matters. A deadline that
renews automatically gets the notice stages (counted from its notice date:
"it renews on ...; to stop it, tell us before ..."), and its salesperson a
re-quote activity once per term; a manual deadline gets the expiry stages as
before; a declined term gets nothing; when the renewal mode or the notice
period changes, the term's e-mails not sent yet follow."""

import datetime

from odoo.exceptions import ValidationError
from odoo.tests import freeze_time, tagged

from .common import ReminderCase

D = datetime.date
EXPIRY = D(2026, 6, 30)  # notice 30 days before: 05-31; its stages: 05-01 (-30), 05-24 (-7)


@tagged("post_install", "-at_install")
class TestRenewalNoticeLadder(ReminderCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.notice_30 = cls.env.ref("expiry_management.reminder_stage_auto_renew_30")
        cls.notice_7 = cls.env.ref("expiry_management.reminder_stage_auto_renew_7")
        cls.notice_stages = cls.notice_30 | cls.notice_7
        cls.notice_stages.active = True
        cls.requote_type = cls.env.ref("expiry_management.mail_activity_type_requote")

    def _automatic(self, expiry=EXPIRY, notice_days=30, **values):
        return self._create_deadline(expiry, renewal_mode="automatic", notice_days=notice_days, **values)

    def _run_days(self, first, last):
        day = first
        while day <= last:
            with freeze_time(f"{day} 03:00:00"):
                self._run()
            day += datetime.timedelta(days=1)

    def _requotes(self, deadline):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "expiry.deadline"),
                ("res_id", "=", deadline.id),
                ("activity_type_id", "=", self.requote_type.id),
            ]
        )

    def test_an_automatic_deadline_gets_the_notice_stages_on_their_days(self):
        automatic = self._automatic()
        manual = self._create_deadline(EXPIRY)
        self.assertEqual(automatic.date_notice, D(2026, 5, 31))
        self._run_days(D(2026, 4, 25), D(2026, 6, 2))
        sent = automatic.reminder_ids.filtered(lambda r: r.state == "sent")
        self.assertEqual(sent.stage_id, self.notice_stages, "the notice stages only, no expiry stage")
        self.assertEqual(
            {r.stage_id: r.date_sent.date() for r in sent},
            {self.notice_30: D(2026, 5, 1), self.notice_7: D(2026, 5, 24)},
        )
        self.assertEqual(
            automatic.reminder_ids.stage_id, self.notice_stages, "no row of another stage either"
        )
        # the manual deadline keeps the expiry ladder (60 and 30 days before)
        self.assertEqual(self._sent(manual), self.stage_60 | self.stage_30)
        # the e-mail says when it renews and until when it can be stopped
        mail = self._mails(automatic).filtered(lambda m: "05/31/2026" in m.body_html)
        self.assertEqual(len(mail), 2, self._mails(automatic).mapped("subject"))
        self.assertIn("automatically on <strong>06/30/2026</strong>", mail[0].body_html)

    def test_the_salesperson_gets_one_re_quote_activity_per_term_before_the_notice_date(self):
        deadline = self._automatic()
        self._run_days(D(2026, 4, 22), D(2026, 4, 23))
        self.assertFalse(self._requotes(deadline), "prepared 7 days before the e-mail (05-01): not yet")
        self._run_days(D(2026, 4, 24), D(2026, 4, 26))
        requote = self._requotes(deadline)
        self.assertEqual(len(requote), 1)
        self.assertEqual(requote.user_id, self.salesperson)
        self.assertEqual(requote.date_deadline, D(2026, 5, 1))
        self.assertLess(requote.date_deadline, deadline.date_notice)
        requote.action_feedback(feedback="New price agreed")
        self._run_days(D(2026, 4, 27), D(2026, 5, 3))
        self.assertFalse(self._requotes(deadline), "done: not scheduled again in the same term")
        # a manual deadline gets none
        manual = self._create_deadline(EXPIRY)
        self._run_days(D(2026, 5, 4), D(2026, 5, 4))
        self.assertFalse(self._requotes(manual))

    def test_a_declined_term_gets_no_timed_e_mail(self):
        manual = self._create_deadline(EXPIRY)
        stopped = self._automatic()
        with freeze_time("2026-04-20 03:00:00"):
            manual._expiry_decline()
            stopped._expiry_decline(stop_only=True)
        self.assertFalse(stopped.auto_renew)
        self._run_days(D(2026, 4, 25), D(2026, 5, 2))
        self.assertFalse(manual.reminder_ids, "declined: not even prepared")
        self.assertFalse(stopped.reminder_ids, "stopped: neither the notice stages nor the expiry ones")
        self.assertFalse(self._requotes(stopped))

    def test_changing_the_renewal_mode_or_the_notice_period_re_prepares_the_term(self):
        deadline = self._create_deadline(EXPIRY)
        with freeze_time("2026-05-26 03:00:00"):
            self._run(deliver=False)
            row_30 = deadline.reminder_ids.filtered(lambda r: r.stage_id == self.stage_30)
            self.assertEqual((row_30.state, row_30.date_due), ("scheduled", D(2026, 5, 31)))
            # automatic, 30 days' notice (05-31): the expiry stage goes, the
            # notice stage of 7 days before (05-24, within the catch-up) comes
            deadline.write({"renewal_mode": "automatic", "notice_days": 30})
            self.assertEqual((row_30.state, row_30.cancel_code), ("cancelled", "changed"))
            row_7 = deadline.reminder_ids.filtered(lambda r: r.stage_id == self.notice_7)
            self.assertEqual((row_7.state, row_7.date_due), ("scheduled", D(2026, 5, 24)))
            # 20 days' notice (06-10): its e-mail moves to 06-03, beyond the
            # days prepared ahead (7): cancelled until then
            deadline.notice_days = 20
            self.assertEqual(deadline.date_notice, D(2026, 6, 10))
            self.assertEqual((row_7.state, row_7.cancel_code), ("cancelled", "changed"))
        with freeze_time("2026-05-27 03:00:00"):
            self._run(deliver=False)
            self.assertEqual(
                (row_7.state, row_7.date_due), ("scheduled", D(2026, 6, 3)), "back on its new day"
            )
            # back to manual: the notice e-mail goes, the expiry one comes back
            deadline.renewal_mode = "manual"
            self.assertFalse(deadline.date_notice)
            self.assertEqual((row_7.state, row_7.cancel_code), ("cancelled", "changed"))
            self.assertEqual((row_30.state, row_30.date_due), ("scheduled", D(2026, 5, 31)))
        with freeze_time("2026-05-31 03:00:00"):
            self._run()
        self.assertEqual(row_30.state, "sent")
        self.assertEqual(row_7.state, "cancelled")

    def test_turning_the_automatic_renewal_off_by_hand_moves_to_the_expiry_ladder(self):
        deadline = self._automatic()
        with freeze_time("2026-04-25 03:00:00"):
            self._run(deliver=False)
            row = deadline.reminder_ids
            self.assertEqual(row.stage_id, self.notice_30)
            deadline.auto_renew = False
            self.assertEqual((row.state, row.cancel_code), ("cancelled", "changed"))
            self.assertEqual(
                deadline.reminder_ids.filtered(lambda r: r.state == "scheduled").stage_id, self.stage_60
            )

    def test_a_notice_stage_cannot_be_for_expired_deadlines_only(self):
        with self.assertRaises(ValidationError):
            self.notice_7.copy({"only_if_expired": True, "offset_days": 1})

    def test_the_send_step_checks_the_mode_again(self):
        """A row prepared for the other mode (its deadline changed without the
        ORM, e.g. an import in SQL) is not sent."""
        deadline = self._automatic()
        with freeze_time("2026-04-25 03:00:00"):
            self._run(deliver=False)
        row = deadline.reminder_ids
        self.assertEqual(row.stage_id, self.notice_30)
        self.env.cr.execute("UPDATE expiry_deadline SET auto_renew = FALSE WHERE id = %s", [deadline.id])
        deadline.invalidate_recordset(["auto_renew"])
        with freeze_time("2026-05-01 03:00:00"):
            self._run(deliver=False)
        self.assertEqual((row.state, row.cancel_code), ("cancelled", "changed"))
