# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Issue 17: a timed e-mail is sent when the mail server accepted it, not
when it was queued; a mail-server outage is retried with a backoff until the
server is back, a refusal fails the e-mail at once with the server's reason.
Through a real SMTP server on 127.0.0.1 (tests/smtp_server.py)."""

import datetime

from odoo import Command, fields
from odoo.exceptions import UserError
from odoo.tests import freeze_time, new_test_user, tagged
from odoo.tools import mute_logger

from .common import ReminderCase
from .smtp_server import smtp_server

D = datetime.date
MAIL_LOGGERS = ("odoo.addons.mail.models.mail_mail", "odoo.addons.base.models.ir_mail_server")


@tagged("post_install", "-at_install")
class TestDeliveryRetry(ReminderCase):
    def _queued_reminder(self):
        deadline = self._create_deadline(D(2026, 5, 31))
        with freeze_time("2026-05-01 03:00:00"):
            self._run(deliver=False)
        reminder = deadline.reminder_ids.filtered(lambda r: r.stage_id == self.stage_30)
        self.assertEqual(reminder.state, "queued", "not sent before the mail server accepted it")
        self.assertFalse(reminder.date_sent)
        self.assertEqual(reminder.mail_id.state, "outgoing")
        return reminder

    def _run_mail_queue(self, mails):
        """Odoo's mail queue (the "Mail: Email Queue Manager" action) for these mails."""
        self.env["mail.mail"].sudo().process_email_queue(ids=mails.ids)

    def _time_passes(self, mail):
        """The mail's next attempt is due (as after the backoff)."""
        mail.scheduled_date = fields.Datetime.now() - datetime.timedelta(seconds=1)

    def test_an_outage_is_retried_until_the_server_is_back(self):
        reminder = self._queued_reminder()
        mail = reminder.mail_id
        with smtp_server(self.env, started=False) as received, mute_logger(*MAIL_LOGGERS):
            # the server is down: the connection is refused
            self._run_mail_queue(mail)
            self.assertEqual(reminder.state, "queued", "a transient failure is retried, not failed")
            self.assertEqual(reminder.delivery_attempts, 1)
            self.assertEqual(mail.state, "outgoing")
            first_delay = mail.scheduled_date - fields.Datetime.now()
            self.assertGreater(first_delay, datetime.timedelta(minutes=1))
            self.assertEqual(reminder.date_next_attempt, mail.scheduled_date)
            self.assertIn("retrying on", reminder.error)
            # before its next attempt, the queue leaves it alone
            self._run_mail_queue(mail)
            self.assertEqual(reminder.delivery_attempts, 1)
            # still down at the next attempt: a longer wait
            self._time_passes(mail)
            self._run_mail_queue(mail)
            self.assertEqual(reminder.delivery_attempts, 2)
            self.assertGreater(mail.scheduled_date - fields.Datetime.now(), first_delay)
            # the server is back: the e-mail arrives without anyone clicking
            received.start()
            self._time_passes(mail)
            self._run_mail_queue(mail)
        self.assertEqual(len([m for m in received if "carla@customer.example" in m["rcpt_tos"]]), 1)
        self.assertEqual(reminder.state, "sent")
        self.assertTrue(reminder.date_sent)
        self.assertFalse(reminder.error)
        self.assertFalse(reminder.date_next_attempt)

    def test_an_outage_longer_than_the_retries_fails_the_reminder(self):
        self.company.expiry_delivery_retries = 2
        reminder = self._queued_reminder()
        mail = reminder.mail_id
        with smtp_server(self.env, started=False), mute_logger(*MAIL_LOGGERS):
            for _attempt in range(3):
                self._time_passes(mail)
                self._run_mail_queue(mail)
        self.assertEqual(reminder.state, "failed")
        self.assertEqual(reminder.delivery_attempts, 2)
        self.assertIn("Connection refused", reminder.error)
        self.assertEqual(mail.state, "exception")

    def test_a_temporary_refusal_is_retried(self):
        reminder = self._queued_reminder()
        mail = reminder.mail_id
        with smtp_server(self.env, refuse="450 4.2.0 Mailbox busy, try later") as received:
            with mute_logger(*MAIL_LOGGERS):
                self._run_mail_queue(mail)
            self.assertEqual((reminder.state, reminder.delivery_attempts), ("queued", 1))
            received.refuse = False
            self._time_passes(mail)
            self._run_mail_queue(mail)
        self.assertEqual(reminder.state, "sent")
        self.assertTrue(received)

    def test_a_permanent_refusal_fails_at_once_with_the_servers_reason(self):
        reminder = self._queued_reminder()
        with smtp_server(self.env, refuse=True) as received, mute_logger(*MAIL_LOGGERS):
            self._run_mail_queue(reminder.mail_id)
        self.assertFalse(received)
        self.assertEqual(reminder.state, "failed")
        self.assertEqual(reminder.delivery_attempts, 0)
        self.assertIn("Mailbox unavailable", reminder.error)
        # the salesperson fixes the address and retries: a new e-mail goes out
        with freeze_time("2026-05-02 03:00:00"):
            reminder.with_user(self.salesperson).action_retry()
            self._run(deliver=False)
        self.assertEqual(reminder.state, "queued")
        self.assertEqual(reminder.delivery_attempts, 0, "a new e-mail counts its own attempts")
        self._deliver_queued_mails()
        self.assertEqual(reminder.state, "sent")

    def test_a_mail_cancelled_or_deleted_in_the_queue_fails_its_reminder(self):
        reminder = self._queued_reminder()
        reminder.mail_id.sudo().cancel()
        self.assertEqual(reminder.state, "failed", "never queued for ever")
        self.assertIn("cancelled in the mail queue", reminder.error)
        other = self._create_deadline(D(2026, 5, 31))
        with freeze_time("2026-05-01 03:00:00"):
            self._run(deliver=False)
        queued = other.reminder_ids.filtered(lambda r: r.stage_id == self.stage_30)
        queued.mail_id.sudo().unlink()
        self.assertEqual(queued.state, "failed")
        self.assertIn("deleted", queued.error)

    def test_a_failed_reminder_is_sent_when_its_mail_is_retried(self):
        reminder = self._queued_reminder()
        with smtp_server(self.env, refuse=True), mute_logger(*MAIL_LOGGERS):
            self._run_mail_queue(reminder.mail_id)
        self.assertEqual(reminder.state, "failed")
        # an administrator fixes it in Settings > Technical > Emails and retries the e-mail itself
        reminder.mail_id.sudo().action_retry()
        with smtp_server(self.env) as received:
            self._run_mail_queue(reminder.mail_id)
        self.assertTrue(received)
        self.assertEqual(reminder.state, "sent")
        self.assertFalse(reminder.error)

    def test_a_reminder_waiting_for_a_retry_is_cancelled_with_its_deadline(self):
        """Review: a reminder whose e-mail waits for its next attempt (the mail
        server was down) is cancelled, and its e-mail with it, when the
        deadline is cancelled or renewed in the meantime: "renew now" must not
        reach a customer who renewed yesterday."""
        reminder = self._queued_reminder()
        mail = reminder.mail_id
        with smtp_server(self.env, started=False) as received, mute_logger(*MAIL_LOGGERS):
            self._run_mail_queue(mail)
            self.assertEqual((reminder.state, reminder.delivery_attempts), ("queued", 1))
            reminder.deadline_id.with_user(self.salesperson).action_cancel()
            self.assertEqual(reminder.state, "cancelled")
            self.assertEqual(reminder.cancel_code, "ended")
            self.assertEqual(mail.state, "cancel")
            received.start()
            self._time_passes(mail)
            self._run_mail_queue(mail)
        self.assertFalse(received, "the e-mail of a cancelled reminder never goes out")
        self.assertEqual(reminder.state, "cancelled")

    def test_a_retried_reminder_withdraws_its_failed_mail(self):
        """Review: Retry sends a new e-mail; the failed one leaves the mail
        queue, so that retrying the failed e-mails there (Settings >
        Technical > Emails) does not send the customer the same e-mail twice."""
        reminder = self._queued_reminder()
        old_mail = reminder.mail_id
        with smtp_server(self.env, refuse=True), mute_logger(*MAIL_LOGGERS):
            self._run_mail_queue(old_mail)
        self.assertEqual((reminder.state, old_mail.state), ("failed", "exception"))
        with freeze_time("2026-05-02 03:00:00"):
            reminder.with_user(self.salesperson).action_retry()
        self.assertEqual(reminder.state, "scheduled")
        self.assertEqual(old_mail.state, "cancel")
        with freeze_time("2026-05-02 03:00:00"):
            self._run(deliver=False)
        self.assertEqual(reminder.state, "queued")
        self.assertNotEqual(reminder.mail_id, old_mail)

    def test_a_user_cannot_create_a_step_tied_to_a_mail(self):
        """Review: a manager may create timed e-mails, but not their log: a row
        created "sent", or tied to another e-mail (whose delivery would drive
        it, and which it would cancel or retry), is refused."""
        deadline = self._create_deadline(D(2026, 5, 31))
        other_mail = (
            self.env["mail.mail"]
            .sudo()
            .create({"subject": "Not a ladder's", "email_to": "x@example.com", "body_html": "<p>x</p>"})
        )
        manager = new_test_user(
            self.env,
            login="review_step_manager",
            groups="base.group_user,expiry_management.group_expiry_manager",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        values = {
            "deadline_id": deadline.id,
            "stage_id": self.stage_30.id,
            "company_id": self.company.id,
            "date_expiry": deadline.date_expiry,
            "date_due": D(2026, 6, 1),
        }
        Reminder = self.env["expiry.reminder"].with_user(manager)
        for forged in ({"mail_id": other_mail.id, "state": "queued"}, {"state": "sent"}):
            with self.assertRaises(UserError):
                Reminder.create(dict(values, **forged))
        self.assertEqual(Reminder.create(values).state, "scheduled")
