# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Issue 19: one renewal e-mail per customer and day. Several deadlines of a
recipient (the deadline's contact) and salesperson reaching stages of the
same kind (grouped template) on the same day go out as one e-mail listing
them all; each keeps its row in the sent log, pointing to that one mail, and
each deadline's chatter shows it."""

import datetime
from unittest.mock import patch

from odoo.tests import freeze_time, tagged
from odoo.tools import mute_logger

from ..models.expiry_reminder_send import ExpiryReminder
from .common import ReminderCase

D = datetime.date
TODAY = D(2026, 5, 1)
EXPIRY = D(2026, 6, 30)  # 60 days after TODAY: the "60 days before" stage is due


@tagged("post_install", "-at_install")
@freeze_time("2026-05-01 03:00:00")
class TestReminderGrouping(ReminderCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.expiry_group_by_customer = True
        cls.contact = cls.env["res.partner"].create(
            {"name": "Cid Contact", "email": "cid@customer.example", "parent_id": cls.customer.id}
        )
        cls.customer.is_company = True
        cls.other_customer = cls.env["res.partner"].create(
            {"name": "Otto Other", "email": "otto@other.example", "lang": "en_US"}
        )

    def _three(self, **values):
        return (
            self._create_deadline(EXPIRY, description="Van 1", **values)
            | self._create_deadline(EXPIRY, description="Van 2", **values)
            | self._create_deadline(EXPIRY, description="Van 3", **values)
        )

    def _reminders(self, deadlines):
        return deadlines.reminder_ids.filtered(lambda r: r.stage_id == self.stage_60)

    def test_a_customer_with_three_deadlines_gets_one_e_mail_listing_them(self):
        deadlines = self._three()
        self._run(deliver=False)
        reminders = self._reminders(deadlines)
        self.assertEqual(len(reminders), 3)
        self.assertEqual(set(reminders.mapped("state")), {"queued"})
        mail = reminders.mail_id
        self.assertEqual(len(mail), 1, "one e-mail for the three")
        self.assertEqual(len(self._mails(deadlines)), 1)
        self.assertEqual(mail.recipient_ids, self.customer)
        self.assertEqual(mail.email_cc, "sally@reminder.example")
        self.assertIn("3 of your contracts", mail.subject)
        for deadline in deadlines:
            self.assertIn(deadline.name, mail.body_html)
            self.assertIn(deadline.description, mail.body_html)
        # each deadline's chatter shows the message, with its delivery line
        for deadline in deadlines:
            message = deadline.message_ids.filtered(lambda m: m.message_type == "email_outgoing")
            self.assertEqual(len(message), 1, deadline.name)
            self.assertEqual(message.body, mail.mail_message_id.body)
            self.assertEqual(message.author_id, self.salesperson.partner_id)
            self.assertEqual(message.notification_ids.res_partner_id, self.customer)
            self.assertEqual(message.notification_ids.mail_mail_id, mail)
        # delivered: every row of the group is sent, and every chatter says so
        self._deliver_queued_mails()
        self.assertEqual(set(reminders.mapped("state")), {"sent"})
        self.assertTrue(all(reminders.mapped("date_sent")))
        notifications = deadlines.message_ids.notification_ids
        self.assertEqual(len(notifications), 3)
        self.assertEqual(set(notifications.mapped("notification_status")), {"sent"})
        # callbacks per deadline as before (the 60-day stage has none: the 30-day one)
        self.assertFalse(
            self.env["mail.activity"]
            .search([("res_id", "in", deadlines.ids)])
            .filtered(
                lambda a: a.activity_type_id == self.env.ref("expiry_management.mail_activity_type_callback")
            )
        )

    def test_a_batch_boundary_does_not_split_a_customers_e_mail(self):
        self.company.expiry_reminder_batch_size = 2
        deadlines = self._three()
        other = self._create_deadline(EXPIRY, partner_id=self.other_customer)
        today = self.Deadline._company_today(self.company)
        self.Reminder._prepare_reminders(self.company, today)
        done, _left = self.Reminder._send_due_reminders(self.company, today, 2)
        self.assertEqual(done, 3, "the customer's third e-mail joined the batch of two")
        self.assertEqual(len(self._reminders(deadlines).mail_id), 1)
        self.assertEqual(self._reminders(other).state, "scheduled")
        self._run()
        self.assertEqual(len(self._mails(deadlines | other)), 2)

    def test_a_rerun_sends_nothing_more(self):
        deadlines = self._three()
        self._run()
        self._run()
        self.Reminder._cron_daily_pass()
        self._deliver_queued_mails()
        self.assertEqual(len(self._mails(deadlines)), 1)
        self.assertEqual(len(self._reminders(deadlines)), 3)
        self.assertEqual(set(self._reminders(deadlines).mapped("state")), {"sent"})

    def test_grouping_off_sends_one_e_mail_each(self):
        self.company.expiry_group_by_customer = False
        deadlines = self._three()
        self._run()
        mails = self._mails(deadlines)
        self.assertEqual(len(mails), 3)
        self.assertEqual(sorted(mails.mapped("res_id")), sorted(deadlines.ids))
        self.assertEqual(set(self._reminders(deadlines).mapped("state")), {"sent"})
        template = self.stage_60.mail_template_id
        for mail in mails:
            self.assertIn(template._render_field("subject", [mail.res_id])[mail.res_id], mail.subject)

    def test_a_group_of_one_is_the_stages_own_e_mail(self):
        deadline = self._create_deadline(EXPIRY)
        self._run()
        mail = self._mails(deadline)
        self.assertEqual(len(mail), 1)
        subject = self.stage_60.mail_template_id._render_field("subject", deadline.ids)[deadline.id]
        self.assertEqual(mail.subject, subject)

    def test_contacts_of_one_customer_share_the_e_mail(self):
        # each contact gets their own e-mail, listing their own deadlines only
        # (never another contact's, nor its links); one with several gets one
        mine = self._create_deadline(EXPIRY) | self._create_deadline(EXPIRY)
        contacts = self._create_deadline(EXPIRY, partner_id=self.contact) | self._create_deadline(
            EXPIRY, partner_id=self.contact
        )
        self._run(deliver=False)
        mine_mail, contact_mail = self._reminders(mine).mail_id, self._reminders(contacts).mail_id
        self.assertEqual(len(mine_mail), 1)
        self.assertEqual(len(contact_mail), 1)
        self.assertNotEqual(mine_mail, contact_mail)
        self.assertEqual(mine_mail.recipient_ids, self.customer)
        self.assertEqual(contact_mail.recipient_ids, self.contact)
        for deadline in contacts:
            self.assertNotIn(deadline.name, mine_mail.body_html)
            self.assertIn(deadline.name, contact_mail.body_html)
        for deadline in mine:
            self.assertNotIn(deadline.name, contact_mail.body_html)

    def test_another_salespersons_deadlines_go_apart(self):
        other_user = self.salesperson.copy(
            {"login": "olga_reminder", "name": "Olga", "email": "olga@r.example"}
        )
        sally = self._create_deadline(EXPIRY) | self._create_deadline(EXPIRY)
        olga = self._create_deadline(EXPIRY, user_id=other_user.id) | self._create_deadline(
            EXPIRY, user_id=other_user.id
        )
        self._run(deliver=False)
        sally_mail, olga_mail = self._reminders(sally).mail_id, self._reminders(olga).mail_id
        self.assertEqual(len(sally_mail), 1)
        self.assertEqual(len(olga_mail), 1)
        self.assertNotEqual(sally_mail, olga_mail)
        for deadline in olga:
            self.assertNotIn(deadline.name, sally_mail.body_html)
            message = deadline.message_ids.filtered(lambda m: m.message_type == "email_outgoing")
            self.assertEqual(message.author_id, other_user.partner_id)
            for deadline in sally:
                self.assertNotIn(deadline.name, message.body)
        self.assertEqual(sally_mail.email_cc, "sally@reminder.example")
        self.assertIn("olga@r.example", olga_mail.email_from)

    def test_process_now_of_two_stages_gives_one_tracked_mail_per_group(self):
        # 30 and 7 days before of X and Y scheduled together, processed at once
        self.company.expiry_upcoming_days = 30
        deadlines = self._create_deadline(D(2026, 5, 31), description="Van Xylo") | self._create_deadline(
            D(2026, 5, 31), description="Van Yoyo"
        )
        self.Reminder._prepare_reminders(self.company, TODAY)
        reminders = deadlines.reminder_ids.filtered(lambda r: r.stage_id in (self.stage_30 | self.stage_7))
        self.assertEqual(len(reminders), 4)
        reminders.action_process_now()
        self.assertEqual(set(reminders.mapped("state")), {"queued"})
        mails = self._mails(deadlines)
        self.assertEqual(reminders.mail_id, mails, "no untracked mail")
        self.assertEqual(len(mails), 1)
        for deadline in deadlines:
            self.assertEqual(mails.body_html.count(deadline.description), 1, "each deadline listed once")

    def test_a_group_larger_than_a_renew_all_link_is_split(self):
        deadlines = self._three()
        with patch.object(ExpiryReminder, "_group_max_deadlines", 2):
            self._run(deliver=False)
        reminders = self._reminders(deadlines)
        mails = self._mails(deadlines)
        self.assertEqual(len(mails), 2)
        self.assertEqual(reminders.mail_id, mails)
        self.assertEqual(set(reminders.mapped("state")), {"queued"})

    def test_the_listed_deadlines_are_the_recipients_only(self):
        mine = self._create_deadline(EXPIRY)
        other = self._create_deadline(EXPIRY, partner_id=self.other_customer)
        listed = mine.with_context(
            expiry_reminder_groups=((mine.id, tuple((mine | other).ids)),)
        ).reminder_group_ids
        self.assertEqual(listed, mine)

    def test_a_managers_grouped_template_stays_when_the_kind_changes(self):
        chosen = self.env.ref("expiry_management.mail_template_grouped_expiry_notice")
        self.stage_60.grouped_mail_template_id = chosen
        self.stage_60.renewal_push = not self.stage_60.renewal_push
        self.stage_60.flush_recordset()
        self.assertEqual(self.stage_60.grouped_mail_template_id, chosen)

    def test_other_customer_language_or_stage_go_apart(self):
        self.env["res.lang"]._activate_lang("de_DE")
        german = self.env["res.partner"].create(
            {"name": "Gerd", "email": "gerd@customer.example", "lang": "de_DE", "parent_id": self.customer.id}
        )
        mine = self._create_deadline(EXPIRY) | self._create_deadline(EXPIRY)
        others = self._create_deadline(EXPIRY, partner_id=self.other_customer) | self._create_deadline(
            EXPIRY, partner_id=self.other_customer
        )
        in_german = self._create_deadline(EXPIRY, partner_id=german)
        # another stage of the same kind due the same day (30 days before) for the same customer
        later = self._create_deadline(D(2026, 5, 31)) | self._create_deadline(D(2026, 5, 31))
        self._run(deliver=False)
        mine_mail = self._reminders(mine).mail_id
        others_mail = self._reminders(others).mail_id
        self.assertEqual(len(mine_mail), 1)
        self.assertEqual(len(others_mail), 1)
        self.assertNotEqual(mine_mail, others_mail)
        self.assertEqual(others_mail.recipient_ids, self.other_customer)
        german_mail = in_german.reminder_ids.mail_id
        self.assertEqual(len(german_mail), 1)
        self.assertNotIn(german_mail, mine_mail | others_mail)
        # a stage of the same kind (its grouped template) the same day: the same e-mail
        later_mail = later.reminder_ids.filtered(lambda r: r.stage_id == self.stage_30).mail_id
        self.assertEqual(later_mail, mine_mail)
        for deadline in mine | later:
            self.assertIn(deadline.name, mine_mail.body_html)
        self.assertEqual(len(self._mails(mine | others | in_german | later)), 3)

    def test_a_customized_reminder_goes_alone(self):
        deadlines = self._three()
        self.Reminder._prepare_reminders(self.company, TODAY)
        edited = self._reminders(deadlines[0])
        edited.write({"subject": "Just for you", "body_html": "<p>Your van</p>"})
        self._run(deliver=False)
        self.assertEqual(edited.mail_id.subject, "Just for you")
        self.assertEqual(edited.mail_id.res_id, deadlines[0].id)
        rest = self._reminders(deadlines[1:]).mail_id
        self.assertEqual(len(rest), 1)
        self.assertNotIn(deadlines[0].name, rest.body_html)
        self.assertEqual(len(self._mails(deadlines)), 2)

    def test_a_row_cancelled_before_delivery_withdraws_the_grouped_e_mail(self):
        deadlines = self._three()
        self._run(deliver=False)
        reminders = self._reminders(deadlines)
        mail = reminders.mail_id
        self.assertEqual(len(mail), 1)
        # the first deadline is closed before the mail queue runs
        gone = self._reminders(deadlines[0])
        gone.sudo()._set_cancelled("The deadline was closed.", "ended")
        self.assertEqual(gone.state, "cancelled")
        self.assertEqual(mail.state, "cancel", "the e-mail listing it is withdrawn")
        rest = self._reminders(deadlines[1:])
        self.assertEqual(set(rest.mapped("state")), {"scheduled"}, "the others wait for the next batch")
        self.assertFalse(rest.mail_id)
        # the next batch: one e-mail for the two others, without the closed one; once
        self._run()
        new_mail = rest.mail_id
        self.assertEqual(len(new_mail), 1)
        self.assertNotEqual(new_mail, mail)
        self.assertNotIn(deadlines[0].name, new_mail.body_html)
        self.assertEqual(set(rest.mapped("state")), {"sent"})
        self.assertEqual(gone.state, "cancelled")
        self._run()
        self.assertEqual(self._mails(deadlines).filtered(lambda m: m.state != "cancel"), new_mail)

    def test_a_failure_fails_every_row_of_the_group(self):
        deadlines = self._three()
        self._run(deliver=False)
        reminders = self._reminders(deadlines)
        mail = reminders.mail_id
        # a transient failure: all wait for the same retry
        mail.write(
            {"state": "exception", "failure_type": "mail_smtp", "failure_reason": "Connection refused"}
        )
        mail._postprocess_sent_message(success_pids=self.env["res.partner"], failure_type="mail_smtp")
        self.assertEqual(set(reminders.mapped("state")), {"queued"})
        self.assertEqual(set(reminders.mapped("delivery_attempts")), {1})
        self.assertEqual(mail.state, "outgoing")
        # a permanent one: all fail with the reason
        mail.write({"state": "exception", "failure_type": "mail_email_invalid"})
        mail._postprocess_sent_message(
            success_pids=self.env["res.partner"], failure_type="mail_email_invalid"
        )
        self.assertEqual(set(reminders.mapped("state")), {"failed"})
        self.assertEqual(len(set(reminders.mapped("error"))), 1)
        # retried: one new e-mail for the three again
        reminders.with_user(self.salesperson).action_retry()
        self._run(deliver=False)
        self.assertEqual(set(reminders.mapped("state")), {"queued"})
        self.assertEqual(len(reminders.mail_id), 1)
        self.assertNotEqual(reminders.mail_id, mail)

    def test_one_bad_deadline_does_not_block_the_others(self):
        deadlines = self._three()
        bad = deadlines[1]
        schedule = ExpiryReminder._schedule_callbacks

        def failing(reminders):
            if bad in reminders.deadline_id:
                raise ValueError("broken deadline")
            return schedule(reminders)

        with (
            patch.object(ExpiryReminder, "_schedule_callbacks", failing),
            mute_logger("odoo.addons.expiry_management.tools.batch"),
        ):
            self._run(deliver=False)
        self.assertEqual(self._reminders(bad).state, "failed")
        self.assertIn("broken deadline", self._reminders(bad).error)
        good = self._reminders(deadlines - bad)
        self.assertEqual(set(good.mapped("state")), {"queued"})
        self.assertFalse(self._mails(bad), "the rolled-back group left no e-mail behind")
        self.assertEqual(len(self._mails(deadlines - bad)), 2)

    def test_a_customer_without_e_mail_fails_alone(self):
        deadlines = self._three()
        nobody = self.env["res.partner"].create({"name": "No Mail", "parent_id": self.customer.id})
        deadlines[2].partner_id = nobody
        self._run(deliver=False)
        self.assertEqual(self._reminders(deadlines[2]).state, "failed")
        self.assertEqual(len(self._reminders(deadlines[:2]).mail_id), 1)

    def test_grouped_e_mails_cost_no_query_per_e_mail(self):
        Reminder = self.Reminder.sudo()
        counts = {}
        # each customer has 3 deadlines expiring on the day: one e-mail each;
        # each round a stage of its own due today (7, 30 and 60 days before)
        for customers, expiry in ((2, D(2026, 5, 8)), (10, D(2026, 5, 31)), (60, D(2026, 6, 30))):
            partners = self.env["res.partner"].create(
                [
                    {"name": f"Customer {expiry} {index}", "email": f"g{index}@example.com"}
                    for index in range(customers)
                ]
            )
            deadlines = self.Deadline.create(
                [
                    dict(self._deadline_defaults(expiry, self.company), partner_id=partner.id)
                    for partner in partners
                    for _copy in range(3)
                ]
            )
            deadlines.flush_recordset()
            self.env.invalidate_all()
            queries = self.env.cr.sql_log_count
            Reminder._prepare_reminders(self.company, TODAY)
            Reminder._send_due_reminders(self.company, TODAY, 10000)
            self.env.flush_all()
            counts[customers] = self.env.cr.sql_log_count - queries
            self.assertEqual(len(self._mails(deadlines)), customers, deadlines.reminder_ids.mapped("error"))
        # 50 e-mails (150 deadlines) more: no query per e-mail nor per deadline
        self.assertLess(counts[60] - counts[10], 40, counts)
