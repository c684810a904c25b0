# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import datetime
import logging
from unittest.mock import patch

from odoo.tests import freeze_time, tagged

from odoo.addons.expiry_management.models.expiry_reminder_send import ExpiryReminder

from .common import ReminderCase

_logger = logging.getLogger(__name__)
D = datetime.date
EXPIRY = D(2026, 6, 30)


@tagged("post_install", "-at_install")
class TestCronDailyPass(ReminderCase):
    def test_cron_record_runs_the_daily_pass(self):
        cron = self.env.ref("expiry_management.ir_cron_expiry_daily_pass")
        self.assertEqual(cron.code.strip(), "model._cron_daily_pass()")
        deadline = self._create_deadline(EXPIRY)
        with freeze_time("2026-05-01 03:00:00"):
            cron.method_direct_trigger()
        self.assertEqual(self._sent(deadline), self.stage_60)

    def test_states_change_at_midnight_in_the_company_time_zone(self):
        auckland = self._company("Kiwi Co", "Pacific/Auckland")
        kiwi_expiring = self._create_deadline(D(2026, 3, 10), company_id=auckland)
        kiwi_starting = self._create_deadline(
            D(2027, 3, 10), company_id=auckland, state="draft", date_start=D(2026, 3, 11)
        )
        utc_expiring = self._create_deadline(D(2026, 3, 10))
        utc_starting = self._create_deadline(D(2027, 3, 10), state="draft", date_start=D(2026, 3, 11))
        # 11:30 UTC on 10 March is already 00:30 on 11 March in Auckland
        with freeze_time("2026-03-10 11:30:00"):
            self.Reminder._cron_daily_pass()
        self.assertEqual(kiwi_expiring.state, "expired")
        self.assertEqual(kiwi_starting.state, "active")
        self.assertEqual(utc_expiring.state, "active", "still 10 March in UTC: expires at the end of the day")
        self.assertEqual(utc_starting.state, "draft")
        with freeze_time("2026-03-11 00:00:01"):
            self.Reminder._cron_daily_pass()
        self.assertEqual((utc_expiring.state, utc_starting.state), ("expired", "active"))

    def test_expired_deadlines_are_closed_after_the_configured_days(self):
        deadline = self._create_deadline(D(2026, 1, 31))
        with freeze_time("2026-02-10 03:00:00"):
            self._run()
        self.assertEqual(deadline.state, "expired")
        with freeze_time("2026-05-01 03:00:00"):
            self._run()
        self.assertEqual(deadline.state, "expired", "90 days after expiry is 1 May: not yet")
        with freeze_time("2026-05-02 03:00:00"):
            self._run()
        self.assertEqual(deadline.state, "closed")
        kept = self._create_deadline(D(2025, 1, 31))
        self.company.expiry_close_after_days = 0
        with freeze_time("2026-05-03 03:00:00"):
            self._run()
        self.assertEqual(kept.state, "expired", "0 disables closing")

    def test_missed_days_are_caught_up_without_stale_mails(self):
        deadline = self._create_deadline(EXPIRY)
        with freeze_time("2026-04-28 03:00:00"):
            self._run()
        reminder_60 = deadline.reminder_ids
        self.assertEqual((reminder_60.stage_id, reminder_60.state), (self.stage_60, "scheduled"))
        # the server is down from 29 April to 2 June
        with freeze_time("2026-06-02 03:00:00"):
            self.Reminder._cron_daily_pass()
        self.assertEqual(reminder_60.state, "cancelled", "due on 1 May, a month ago: stale")
        self.assertIn("more than 3 days ago", reminder_60.error)
        self.assertFalse(reminder_60.activity_id)
        self.assertEqual(
            self._sent(deadline), self.stage_30, "due on 31 May, within the tolerance: caught up"
        )
        self.assertEqual(len(self._mails(deadline)), 1)

    def test_crash_between_batches_loses_and_duplicates_nothing(self):
        self.env["res.company"].search([]).write(
            # one e-mail per deadline, so that batches of 2 cut between them
            {"expiry_reminder_batch_size": 2, "expiry_group_by_customer": False}
        )
        deadlines = self.Deadline.browse()
        for _i in range(5):
            deadlines |= self._create_deadline(EXPIRY)
        with freeze_time("2026-05-01 03:00:00"):
            for _run in range(20):
                done, remaining = self.Reminder._cron_daily_pass()
                if not remaining:
                    break
                sent_before = len(self._mails(deadlines))
                # the next batch dies after queueing its mails (worker killed, timeout)
                with (
                    self.assertRaises(RuntimeError),
                    patch.object(ExpiryReminder, "_schedule_callbacks", side_effect=RuntimeError("killed")),
                    self.env.cr.savepoint(),
                ):
                    self.Reminder._cron_daily_pass()
                self.env.invalidate_all()
                self.assertEqual(
                    len(self._mails(deadlines)), sent_before, "the crashed batch left nothing behind"
                )
            self.assertFalse(remaining)
        self._deliver_queued_mails()
        reminders = deadlines.reminder_ids
        self.assertEqual(len(reminders), 5)
        self.assertEqual(set(reminders.mapped("state")), {"sent"})
        mails = self._mails(deadlines)
        self.assertEqual(len(mails), 5)
        self.assertEqual(sorted(mails.mapped("res_id")), sorted(deadlines.ids), "each deadline exactly once")

    def test_a_reminder_sent_by_another_worker_is_not_sent_again(self):
        deadline = self._create_deadline(EXPIRY)
        with freeze_time("2026-05-01 03:00:00"):
            self.Reminder._prepare_reminders(self.company, D(2026, 5, 1))
            claimed = self.Reminder._claim_due(self.company, D(2026, 5, 1), 10)
            self.assertEqual(claimed.deadline_id, deadline)
            claimed._send()
            self.assertEqual(claimed.state, "queued", claimed.error)
            # a worker holding a stale copy of the same rows
            claimed._send()
            again = self.Reminder._claim_due(self.company, D(2026, 5, 1), 10)
            self.assertFalse(
                again,
                [(r.id, r.state, r.stage_id.name, r.deadline_id.name, r.date_due) for r in again | claimed],
            )
        self.assertEqual(len(self._mails(deadline)), 1)

    def test_companies_are_isolated(self):
        other = self._company("Other Co", "Asia/Tokyo")
        other_template = self.stage_30.mail_template_id.copy({"name": "Other Co 45 days"})
        other_stage = self.env["expiry.reminder.stage"].create(
            {
                "name": "45 days (Other Co)",
                "offset_days": -45,
                "mail_template_id": other_template.id,
                "company_id": other.id,
            }
        )
        mine = self._create_deadline(EXPIRY)
        theirs = self._create_deadline(EXPIRY, company_id=other)
        with freeze_time("2026-05-16 03:00:00"):
            self._run()
        self.assertFalse(mine.reminder_ids.filtered(lambda r: r.stage_id == other_stage))
        self.assertFalse(theirs.reminder_ids, "a pass for one company leaves the others alone")
        with freeze_time("2026-05-16 03:00:00"):
            self._run(other)
        self.assertEqual(theirs.reminder_ids.stage_id, other_stage)
        self.assertEqual(theirs.reminder_ids.company_id, other)
        self.assertEqual(theirs.reminder_ids.state, "sent")
        self.assertFalse(
            self.Reminder.with_user(self.salesperson).search([("id", "in", theirs.reminder_ids.ids)]),
            "the salesperson of one company does not see the other's e-mails",
        )


@tagged("post_install", "-at_install")
class TestDailyPassSteps(ReminderCase):
    def test_only_and_skip_choose_the_steps(self):
        Pass = self.env["expiry.daily.pass"]
        deadline = self._create_deadline(EXPIRY)
        self.assertIn("send reminders", Pass._get_parallel_steps())
        with freeze_time("2026-05-01 03:00:00"):
            Pass._run_company(self.company, only=Pass._get_parallel_steps())
            self.assertFalse(deadline.reminder_ids, "the ladder is prepared by the other steps")
            Pass._run_company(self.company, skip=Pass._get_parallel_steps())
            self.assertEqual(deadline.reminder_ids.mapped("state"), ["scheduled"], "prepared, not sent")
            Pass._run_company(self.company, only=Pass._get_parallel_steps())
        self.assertEqual(self._sent(deadline), self.stage_60)
