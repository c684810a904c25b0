# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Issue 20, review: the one-message-per-e-mail batch and the review of the
coming e-mails, attacked (portal, another salesperson, another company) and
checked against what Odoo does."""

import datetime
from unittest.mock import patch

from odoo.exceptions import AccessError
from odoo.tests import freeze_time, new_test_user, tagged

from .common import ReminderCase

D = datetime.date
EXPIRY = D(2026, 6, 30)  # the 60-day e-mail is due on 1 May 2026


@tagged("post_install", "-at_install")
class TestIssue20Review(ReminderCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Review = cls.env["expiry.reminder.review"]
        cls.email_type = cls.env.ref("expiry_management.mail_activity_type_timed_email")
        cls.portal = new_test_user(
            cls.env, login="portal_issue20", name="Paul Portal", groups="base.group_portal"
        )

    def _pass(self, day):
        with freeze_time(f"{day} 03:00:00"):
            self.env["expiry.daily.pass"]._run_company(self.company)

    def test_switching_from_the_digest_to_per_email_keeps_the_review(self):
        deadlines = self._create_deadline(EXPIRY) | self._create_deadline(EXPIRY)
        self._pass(D(2026, 4, 25))
        self.assertTrue(self.Review.search([("company_id", "=", self.company.id)]))
        self.company.expiry_review_mode = "per_email"
        self._pass(D(2026, 4, 26))
        self.assertFalse(self.Review.search([("company_id", "=", self.company.id)]))
        reminders = deadlines.reminder_ids.filtered(lambda r: r.state == "scheduled")
        self.assertEqual(len(reminders), 2)
        self.assertEqual(
            len(reminders.activity_id),
            2,
            "the e-mails prepared under the digest are shown one by one, not left without review",
        )
        self.assertEqual(reminders.activity_id.activity_type_id, self.email_type)
        # and not twice on the next pass
        self._pass(D(2026, 4, 27))
        activities = self.env["mail.activity"].search(
            [("res_model", "=", "expiry.deadline"), ("res_id", "in", deadlines.ids)]
        )
        self.assertEqual(activities, reminders.activity_id)

    def test_a_layout_template_is_sent_by_its_author_like_the_others(self):
        deadline = self._create_deadline(EXPIRY)
        template = self.stage_60.mail_template_id.copy({"email_from": False})
        with_layout = template.copy({"email_layout_xmlid": "mail.mail_notification_light"})
        author = {deadline.id: self.salesperson.partner_id.id}
        plain = template.sudo()._expiry_send_batch(deadline.ids, author_ids=author)
        layout = with_layout.sudo()._expiry_send_batch(deadline.ids, author_ids=author)
        self.assertEqual(plain.author_id, self.salesperson.partner_id)
        self.assertEqual(plain.email_from, self.salesperson.email_formatted)
        self.assertEqual(layout.author_id, self.salesperson.partner_id)
        self.assertEqual(
            layout.email_from,
            plain.email_from,
            "the sender is the author shown in the chatter, layout or not",
        )
        self.assertEqual(layout.mail_message_id.notification_ids.author_id, self.salesperson.partner_id)

    def test_the_review_is_not_for_a_portal_user_or_another_salesperson(self):
        self._create_deadline(EXPIRY)
        self._pass(D(2026, 4, 25))
        review = self.Review.search([("company_id", "=", self.company.id)])
        self.assertEqual(len(review), 1)
        other = new_test_user(
            self.env,
            login="olaf_issue20",
            company_id=self.company.id,
            company_ids=self.company.ids,
            groups="expiry_management.group_expiry_user",
        )
        for user in (self.portal, other):
            with self.assertRaises(AccessError):
                review.with_user(user).action_open_reminders()
            with self.assertRaises(AccessError):
                review.with_user(user).activity_ids.action_open_document()
        with self.assertRaises(AccessError):
            self.Review.with_user(self.portal).search([])
        self.assertFalse(self.Review.with_user(other).search([("id", "=", review.id)]))
        # the message of a sent e-mail: not for another customer of the portal
        with freeze_time("2026-05-01 03:00:00"):
            self._run()
        message = self.env["mail.message"].search(
            [("model", "=", "expiry.deadline"), ("message_type", "=", "email_outgoing")]
        )
        self.assertTrue(message)
        with self.assertRaises(AccessError):
            message.with_user(self.portal).check_access("read")

    def test_a_portal_user_reads_no_other_customers_delivery_lines(self):
        """Each timed e-mail has a delivery line (mail.notification) per
        recipient; Odoo lets portal users read every one (no read rule): the
        customer's name and the e-mail's subject (its mail's name)."""
        self._create_deadline(EXPIRY)
        with freeze_time("2026-05-01 03:00:00"):
            self._run(deliver=False)
        lines = self.env["mail.notification"].search(
            [("res_partner_id", "=", self.customer.id), ("mail_message_id.model", "=", "expiry.deadline")]
        )
        self.assertEqual(len(lines), 1)
        self.assertFalse(
            self.env["mail.notification"]
            .with_user(self.portal)
            .search_read([("res_partner_id", "=", self.customer.id)], ["mail_mail_id"]),
            "another customer's e-mail is none of this portal user's business",
        )
        # the customer reads their own
        customer_user = new_test_user(
            self.env, login="carla_issue20", groups="base.group_portal", partner_id=self.customer.id
        )
        self.assertEqual(self.env["mail.notification"].with_user(customer_user).search([]), lines)

    def test_another_worker_creating_the_same_review_is_no_error(self):
        self._create_deadline(EXPIRY)
        with freeze_time("2026-04-25 03:00:00"):
            self.Reminder._prepare_reminders(self.company, D(2026, 4, 25))
            self.Review._sync_company(self.company, D(2026, 4, 25))
        reviews = self.Review.search([("company_id", "=", self.company.id)])
        self.assertEqual(len(reviews), 1)
        values = (reviews.user_id.id, reviews.company_id.id, reviews.date)
        reviews.unlink()
        Review = type(self.Review)
        count_scheduled = Review._count_scheduled

        def count_then_race(model, company, today):
            counts = count_scheduled(model, company, today)
            # another worker of the pass inserts the same day's review meanwhile
            self.env.cr.execute(
                "INSERT INTO expiry_reminder_review (user_id, company_id, date, reminder_count) "
                "VALUES (%s, %s, %s, 1)",
                values,
            )
            return counts

        with patch.object(Review, "_count_scheduled", count_then_race):
            self.Review._sync_company(self.company, D(2026, 4, 25))
        # rolled back to its savepoint: the other worker's review stays, the pass goes on
        review = self.Review.search([("company_id", "=", self.company.id)])
        self.assertEqual((len(review), review.reminder_count), (1, 1))
        self.Review._sync_company(self.company, D(2026, 4, 25))
        self.assertEqual(self.Review.search([("company_id", "=", self.company.id)]), review)

    def test_another_companys_user_sees_neither_the_review_nor_its_activity(self):
        self._create_deadline(EXPIRY)
        self._pass(D(2026, 4, 25))
        review = self.Review.search([("company_id", "=", self.company.id)])
        other = self._company("Issue20 Other Co")
        manager = new_test_user(
            self.env,
            login="olga_issue20",
            company_id=other.id,
            company_ids=other.ids,
            groups="expiry_management.group_expiry_manager",
        )
        Activity = self.env["mail.activity"].with_user(manager)
        self.assertFalse(
            Activity.search([("res_model", "=", "expiry.reminder.review")]) & review.activity_ids
        )
        with self.assertRaises(AccessError):
            review.activity_ids.with_user(manager).read(["summary"])
        with self.assertRaises(AccessError):
            review.with_user(manager).action_open_reminders()
        self.assertFalse(
            self.env["expiry.dashboard"].with_user(manager)._get_todo({"today": D(2026, 5, 1)}),
            "not in their to-do either",
        )

    def test_an_auto_delete_template_keeps_the_message_and_its_delivery(self):
        self.stage_60.mail_template_id = self.stage_60.mail_template_id.copy({"auto_delete": True})
        deadline = self._create_deadline(EXPIRY)
        with freeze_time("2026-05-01 03:00:00"):
            self._run()
        reminder = deadline.reminder_ids.filtered(lambda r: r.stage_id == self.stage_60)
        self.assertEqual(reminder.state, "sent", "delivered before its mail was deleted")
        self.assertFalse(self._mails(deadline), "deleted once delivered")
        message = deadline.message_ids.filtered(lambda m: m.message_type == "email_outgoing")
        self.assertEqual(len(message), 1, "the chatter keeps what went out")
        self.assertEqual(message.notification_ids.res_partner_id, self.customer)
        self.assertEqual(message.notification_ids.notification_status, "sent")

    def test_same_e_mails_as_send_mail_batch_with_reports_attachments_and_edits(self):
        deadlines = self._create_deadline(EXPIRY) | self._create_deadline(D(2026, 7, 15))
        static = self.env["ir.attachment"].create(
            {"name": "terms.txt", "raw": b"Terms", "res_model": "mail.template", "res_id": 0}
        )
        template = self.stage_30.mail_template_id.copy(
            {
                "email_from": False,
                "scheduled_date": "{{ '2026-05-03 08:00:00' }}",
                "report_template_ids": [
                    (6, 0, self.env.ref("expiry_management.action_report_deadline_period").ids)
                ],
                "attachment_ids": [(6, 0, static.ids)],
            }
        ).sudo()
        edits = {"subject": "Edited subject", "body_html": "<p>Edited body</p>"}

        def values(mail):
            return {
                "subject": mail.subject,
                "body_html": mail.body_html,
                "body": mail.mail_message_id.body,
                "email_from": mail.email_from,
                "author": mail.author_id,
                "scheduled_date": mail.scheduled_date,
                "recipients": mail.recipient_ids,
                "attachments": sorted(
                    (a.name, a.raw, a.res_model, a.res_id == mail.mail_message_id.id or a.res_id)
                    for a in mail.attachment_ids
                ),
            }

        theirs = template.send_mail_batch(deadlines.ids, email_values=edits)
        ours = template._expiry_send_batch(deadlines.ids, email_values=edits)
        self.assertEqual(len(ours[0].attachment_ids), 2, "the report and the static file")
        for mine, odoo in zip(ours, theirs, strict=True):
            self.assertEqual(values(mine), values(odoo))
