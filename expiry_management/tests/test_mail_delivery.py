# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Timed e-mails through a real SMTP server (not a mock): what the customer
receives, and what Odoo records when the server refuses the e-mail."""

import datetime

from odoo.tests import freeze_time, tagged
from odoo.tools import mute_logger

from .common import ReminderCase
from .smtp_server import smtp_server

D = datetime.date


@tagged("post_install", "-at_install")
class TestMailDelivery(ReminderCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("de_DE")
        cls.env["ir.module.module"]._load_module_terms(["expiry_management"], ["de_DE"], overwrite=True)

    def _reminder(self, deadline, stage):
        return deadline.reminder_ids.filtered(lambda r: r.stage_id == stage)

    def test_reminder_and_expiry_notice_arrive_in_the_customers_language(self):
        self.customer.lang = "de_DE"
        soon = self._create_deadline(D(2026, 5, 31))
        lapsed = self._create_deadline(D(2026, 4, 30))
        with freeze_time("2026-05-01 03:00:00"):
            self._run(deliver=False)
        reminder = self._reminder(soon, self.stage_30)
        notice = self._reminder(lapsed, self.stage_notice)
        self.assertEqual((reminder.state, notice.state), ("queued", "queued"))
        with smtp_server(self.env) as received:
            (reminder.mail_id | notice.mail_id).send(raise_exception=False)
        # Odoo delivers the salesperson's copy (Cc) as an e-mail of its own
        self.assertEqual(len(received), 4)
        to_customer = {
            item["message"]["Subject"]: item
            for item in received
            if "carla@customer.example" in item["rcpt_tos"]
        }
        to_salesperson = {
            item["message"]["Subject"] for item in received if "sally@reminder.example" in item["rcpt_tos"]
        }
        self.assertEqual(set(to_customer), to_salesperson, "the salesperson gets a copy of each")
        german = [subject for subject in to_customer if subject.startswith("Erinnerung: ")]
        self.assertEqual(len(german), 1, list(to_customer))
        self.assertTrue(
            any("abgelaufen" in subject for subject in to_customer), "the notice is in German too"
        )
        message = to_customer[german[0]]["message"]
        self.assertIn("carla@customer.example", message["To"])
        body = message.get_body(("html",)).get_content()
        self.assertIn(soon.name, body)
        self.assertEqual(reminder.mail_id.state, "sent")
        self.assertEqual(notice.mail_id.state, "sent")
        self.assertEqual(reminder.state, "sent")
        # the chatter's message of the e-mail shows it delivered to the customer
        notification = reminder.mail_id.mail_message_id.notification_ids
        self.assertEqual(notification.res_partner_id, self.customer)
        self.assertEqual(notification.notification_status, "sent")

    def test_a_refused_delivery_fails_the_reminder_with_the_servers_reason(self):
        deadline = self._create_deadline(D(2026, 5, 31))
        with freeze_time("2026-05-01 03:00:00"):
            self._run(deliver=False)
        reminder = self._reminder(deadline, self.stage_30)
        with smtp_server(self.env, refuse=True) as received, mute_logger("odoo.addons.mail.models.mail_mail"):
            reminder.mail_id.send(raise_exception=False)
        self.assertFalse(received)
        self.assertEqual(reminder.mail_id.state, "exception")
        self.assertEqual(reminder.state, "failed")
        self.assertIn("Mailbox unavailable", reminder.error)
        # the chatter's message of the e-mail shows the failure
        notification = reminder.mail_id.mail_message_id.notification_ids
        self.assertEqual(notification.notification_status, "exception")
        # fixed (e.g. the address corrected), the salesperson retries it
        with freeze_time("2026-05-02 03:00:00"):
            reminder.action_retry()
            self._run()
        self.assertEqual(reminder.state, "sent")
