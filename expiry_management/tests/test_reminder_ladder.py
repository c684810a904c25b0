# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import datetime
from unittest.mock import patch

from psycopg2 import IntegrityError

from odoo.exceptions import UserError
from odoo.tests import freeze_time, tagged
from odoo.tools import mute_logger

from .common import ReminderCase

D = datetime.date
EXPIRY = D(2026, 6, 30)  # 60 before: 05-01, 30: 05-31, 7: 06-23, notice: 07-01, 7 after: 07-07


@tagged("post_install", "-at_install")
class TestReminderLadder(ReminderCase):
    def _run_days(self, first, last, company=None):
        day = first
        while day <= last:
            with freeze_time(f"{day} 03:00:00"):
                self._run(company)
            day += datetime.timedelta(days=1)

    def test_each_stage_is_sent_exactly_once_on_its_day(self):
        deadline = self._create_deadline(EXPIRY)
        self._run_days(D(2026, 4, 20), D(2026, 7, 15))
        sent = deadline.reminder_ids.filtered(lambda r: r.state == "sent")
        self.assertEqual(sent.stage_id, self.ladder)
        self.assertEqual(len(sent), 5, "one e-mail per stage, never twice")
        expected = {
            self.stage_60: D(2026, 5, 1),
            self.stage_30: D(2026, 5, 31),
            self.stage_7: D(2026, 6, 23),
            self.stage_notice: D(2026, 7, 1),
            self.stage_after_7: D(2026, 7, 7),
        }
        for reminder in sent:
            self.assertEqual(reminder.date_sent.date(), expected[reminder.stage_id], reminder.stage_id.name)
            self.assertEqual(reminder.mail_id.res_id, deadline.id)
        mails = self._mails(deadline)
        self.assertEqual(len(mails), 5)
        self.assertEqual(mails.recipient_ids, self.customer)
        self.assertEqual(set(mails.mapped("email_cc")), {"sally@reminder.example"})
        self.assertEqual(deadline.state, "expired")
        # the chatter shows what went out: each e-mail is one message of the
        # deadline (not a mail plus a note), to the customer, by the salesperson
        messages = deadline.message_ids.filtered(lambda m: m.message_type == "email_outgoing")
        self.assertEqual(messages, mails.mail_message_id, "one message per e-mail")
        self.assertEqual(messages.author_id, deadline.user_id.partner_id)
        self.assertFalse(deadline.message_ids.filtered(lambda m: "Timed e-mail" in (m.body or "")))
        for message in messages:
            self.assertEqual(message.notification_ids.res_partner_id, self.customer)
            self.assertEqual(message.notification_ids.notification_type, "email")

    def test_rerunning_the_pass_sends_nothing_new(self):
        deadline = self._create_deadline(EXPIRY)
        with freeze_time("2026-05-01 03:00:00"):
            self._run()
            self._run()
            self.Reminder._cron_daily_pass()
        self.assertEqual(len(self._mails(deadline)), 1)
        self.assertEqual(self._sent(deadline), self.stage_60)

    def test_unique_reminder_per_stage_and_term_in_the_database(self):
        deadline = self._create_deadline(EXPIRY)
        values = {
            "deadline_id": deadline.id,
            "stage_id": self.stage_60.id,
            "company_id": self.company.id,
            "date_expiry": EXPIRY,
            "date_due": D(2026, 5, 1),
        }
        self.Reminder.create(values)
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"), self.env.cr.savepoint():
            self.Reminder.create(values)

    def test_renewal_mid_ladder_cancels_the_rest_and_starts_a_new_ladder(self):
        # one review activity per e-mail, removed with it (digest: test_reminder_review.py)
        self.company.expiry_review_mode = "per_email"
        deadline = self._create_deadline(EXPIRY)
        self._run_days(D(2026, 4, 30), D(2026, 5, 28))
        scheduled_30 = deadline.reminder_ids.filtered(lambda r: r.stage_id == self.stage_30)
        self.assertEqual(scheduled_30.state, "scheduled", "visible a week before it is due")
        self.assertTrue(scheduled_30.activity_id, "in the salesperson's activities")
        with freeze_time("2026-05-28 10:00:00"):
            deadline._apply_renewal(renewal_date=D(2026, 5, 28))
        self.assertEqual(deadline.date_expiry, D(2027, 6, 30))
        self.assertEqual(scheduled_30.state, "cancelled")
        self.assertIn("expiry date changed", scheduled_30.error)
        self.assertFalse(scheduled_30.activity_id)
        self._run_days(D(2026, 5, 29), D(2026, 7, 15))
        self.assertEqual(len(self._mails(deadline)), 1, "only the 60-day e-mail of the old term")
        with freeze_time("2027-05-01 03:00:00"):
            self._run()
        new_term = deadline.reminder_ids.filtered(lambda r: r.date_expiry == D(2027, 6, 30))
        self.assertEqual(new_term.filtered(lambda r: r.state == "sent").stage_id, self.stage_60)
        self.assertEqual(len(self._mails(deadline)), 2)

    def test_customer_without_email_fails_with_a_reason_and_others_go_out(self):
        nomail = self.env["res.partner"].create({"name": "No Mail Ltd"})
        bad = self._create_deadline(EXPIRY, partner_id=nomail)
        good = self._create_deadline(EXPIRY)
        with freeze_time("2026-05-01 03:00:00"):
            self._run()
        failed = bad.reminder_ids.filtered(lambda r: r.stage_id == self.stage_60)
        self.assertEqual(failed.state, "failed")
        self.assertIn("No Mail Ltd has no valid e-mail address", failed.error)
        self.assertEqual(self._sent(good), self.stage_60)
        # fix the address, retry: it goes out on the next pass
        nomail.email = "hello@nomail.example"
        with freeze_time("2026-05-02 03:00:00"):
            failed.with_user(self.salesperson).action_retry()
            self._run()
        self.assertEqual(failed.state, "sent")

    def test_a_failing_template_fails_alone(self):
        self.company.expiry_group_by_customer = False  # one e-mail each (grouped: test_reminder_grouping)
        bad = self._create_deadline(EXPIRY, description="boom")
        good = self._create_deadline(EXPIRY)
        original = type(self.Reminder)._queue_mails

        def queue_mails(records, template, email_values):
            if bad in records.deadline_id:
                raise ValueError("template error")
            return original(records, template, email_values)

        with (
            freeze_time("2026-05-01 03:00:00"),
            patch.object(type(self.Reminder), "_queue_mails", queue_mails),
        ):
            self._run()
        self.assertEqual(bad.reminder_ids.state, "failed")
        self.assertIn("template error", bad.reminder_ids.error)
        self.assertEqual(self._sent(good), self.stage_60)

    def test_archived_stage_sends_nothing(self):
        self.stage_30.active = False
        deadline = self._create_deadline(EXPIRY)
        self._run_days(D(2026, 5, 24), D(2026, 6, 1))
        self.assertFalse(deadline.reminder_ids)
        # archived after its e-mail was prepared: cancelled, not sent
        self.stage_30.active = True
        with freeze_time("2026-06-01 03:00:00"):
            self._run()
        late = deadline.reminder_ids.filtered(lambda r: r.stage_id == self.stage_30)
        self.assertEqual(late.state, "sent", "due yesterday, inside the catch-up tolerance")
        with freeze_time("2026-06-17 03:00:00"):
            self._run()
        notice_7 = deadline.reminder_ids.filtered(lambda r: r.stage_id == self.stage_7)
        self.assertEqual(notice_7.state, "scheduled")
        self.stage_7.active = False
        with freeze_time("2026-06-23 03:00:00"):
            self._run()
        self.assertEqual(notice_7.state, "cancelled")
        self.assertIn("archived", notice_7.error)

    def test_stage_restricted_to_a_category_skips_other_products(self):
        other_categ = self.env["product.category"].create({"name": "Other line"})
        self.stage_60.product_categ_ids = other_categ
        deadline = self._create_deadline(EXPIRY)
        with freeze_time("2026-05-01 03:00:00"):
            self._run()
        self.assertFalse(deadline.reminder_ids)
        self.stage_60.product_categ_ids = self.product.categ_id
        with freeze_time("2026-05-01 04:00:00"):
            self._run()
        self.assertEqual(self._sent(deadline), self.stage_60)

    def test_salesperson_edits_text_and_date_before_it_goes_out(self):
        # the e-mail's own review activity follows its date (digest: test_reminder_review.py)
        self.company.expiry_review_mode = "per_email"
        deadline = self._create_deadline(EXPIRY)
        with freeze_time("2026-04-25 03:00:00"):
            self._run()
        reminder = deadline.reminder_ids
        self.assertEqual(
            (reminder.stage_id, reminder.state, reminder.date_due),
            (self.stage_60, "scheduled", D(2026, 5, 1)),
        )
        activity = reminder.activity_id
        self.assertEqual((activity.user_id, activity.date_deadline), (self.salesperson, D(2026, 5, 1)))
        as_sally = reminder.with_user(self.salesperson)
        as_sally.action_customize()
        self.assertIn("Carla Customer", as_sally.body_html)
        as_sally.write({"subject": "Let us talk about your renewal", "date_due": D(2026, 4, 28)})
        self.assertTrue(reminder.is_customized)
        self.assertEqual(activity.date_deadline, D(2026, 4, 28))
        with freeze_time("2026-04-27 03:00:00"):
            self._run()
        self.assertEqual(reminder.state, "scheduled")
        with freeze_time("2026-04-28 03:00:00"):
            self._run()
        self.assertEqual(reminder.state, "sent")
        self.assertEqual(reminder.mail_id.subject, "Let us talk about your renewal")
        with self.assertRaises(UserError):
            as_sally.write({"date_due": D(2026, 5, 3)})
        with self.assertRaises(UserError):
            as_sally.write({"state": "scheduled"})

    def test_send_now_and_cancel_by_the_salesperson(self):
        first = self._create_deadline(EXPIRY)
        second = self._create_deadline(EXPIRY)
        with freeze_time("2026-04-25 03:00:00"):
            self._run()
            first.reminder_ids.with_user(self.salesperson).action_send_now()
            second.reminder_ids.with_user(self.salesperson).action_cancel()
        self.assertEqual(first.reminder_ids.state, "queued", "sent once the mail server accepted it")
        self._deliver_queued_mails()
        self.assertEqual(first.reminder_ids.state, "sent")
        self.assertEqual(second.reminder_ids.state, "cancelled")
        self.assertIn("Sally Sales", second.reminder_ids.error)
        self.assertFalse(second.reminder_ids.activity_id)
        with freeze_time("2026-05-01 03:00:00"):
            self._run()
        self.assertEqual(len(self._mails(first | second)), 1)
        with self.assertRaises(UserError):
            first.reminder_ids.with_user(self.salesperson).action_send_now()

    def test_template_is_rendered_in_the_customer_language(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        template = self.stage_60.mail_template_id
        template.with_context(lang="fr_FR").subject = "Renouvellement de {{ object.name }}"
        french = self.env["res.partner"].create(
            {"name": "Client", "email": "client@fr.example", "lang": "fr_FR"}
        )
        fr_deadline = self._create_deadline(EXPIRY, partner_id=french)
        en_deadline = self._create_deadline(EXPIRY)
        with freeze_time("2026-05-01 03:00:00"):
            self._run()
        self.assertEqual(fr_deadline.reminder_ids.mail_id.subject, f"Renouvellement de {fr_deadline.name}")
        self.assertTrue(en_deadline.reminder_ids.mail_id.subject.startswith("Renewal of Maintenance plan"))

    def test_callback_activity_stays_overdue_until_done(self):
        deadline = self._create_deadline(EXPIRY)
        Activity = self.env["mail.activity"]
        callback_type = self.env.ref("expiry_management.mail_activity_type_callback")
        domain = [
            ("res_model", "=", "expiry.deadline"),
            ("res_id", "=", deadline.id),
            ("activity_type_id", "=", callback_type.id),
        ]
        with freeze_time("2026-05-31 03:00:00"):
            self._run()
        callback = Activity.search(domain)
        self.assertEqual((callback.user_id, callback.date_deadline), (self.salesperson, D(2026, 5, 31)))
        with freeze_time("2026-06-10 09:00:00"):
            callback.invalidate_recordset(["state"])
            self.assertEqual(callback.with_context(tz="UTC").state, "overdue")
            self.assertIn(callback, Activity.search([("user_id", "=", self.salesperson.id)]))
        with freeze_time("2026-06-23 03:00:00"):
            self._run()
        self.assertEqual(Activity.search(domain), callback, "still the one open callback, not a second one")
        with freeze_time("2026-06-24 09:00:00"):
            callback.with_user(self.salesperson).action_done()
        self.assertEqual(self.customer.last_callback_date, D(2026, 6, 24))
        self.assertFalse(Activity.search(domain))
