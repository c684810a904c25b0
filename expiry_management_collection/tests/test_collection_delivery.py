# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Issue 17: a collection e-mail step is done when the mail server accepted
the e-mail; an outage is retried until the server is back; a refusal fails
the step at once, and the ladder does not go on to the next step until the
e-mail was delivered or a person decided (retry or cancel). Through a real
SMTP server on 127.0.0.1."""

import datetime

from odoo import fields
from odoo.tests import freeze_time, tagged
from odoo.tools import mute_logger

from odoo.addons.expiry_management.tests.smtp_server import smtp_server
from odoo.addons.sms.tests.common import MockSMS

from .common import CollectionCase

MAIL_LOGGERS = ("odoo.addons.mail.models.mail_mail", "odoo.addons.base.models.ir_mail_server")


@tagged("post_install", "-at_install")
class TestCollectionDelivery(MockSMS, CollectionCase):
    def _run_on(self, day):
        with freeze_time(f"{day} 10:00:00"):
            self._run(deliver=False)

    def _run_mail_queue(self, mails):
        self.env["mail.mail"].sudo().process_email_queue(ids=mails.ids)

    def _time_passes(self, mail):
        mail.scheduled_date = fields.Datetime.now() - datetime.timedelta(seconds=1)

    def _first_step(self):
        deadline = self._create_deadline(200)
        move = self._invoice(deadline, -3, 480.0)
        self._run_on("2027-03-10")
        log = self._logs(move)
        self.assertEqual((log.step_id, log.channel), (self.step_first, "email"))
        self.assertEqual(log.state, "queued", "not done before the mail server accepted it")
        self.assertFalse(log.date_done)
        return move, log

    def test_an_outage_is_retried_until_the_server_is_back(self):
        move, log = self._first_step()
        mail = log.mail_id
        with smtp_server(self.env, started=False) as received, mute_logger(*MAIL_LOGGERS):
            self._run_mail_queue(mail)
            self.assertEqual((log.state, log.delivery_attempts), ("queued", 1))
            self.assertIn("retrying on", log.error)
            # a week later, still not delivered: the ladder waits
            self._run_on("2027-03-17")
            self.assertEqual(self._logs(move), log, "no SMS nor call while the e-mail is undelivered")
            received.start()
            self._time_passes(mail)
            self._run_mail_queue(mail)
        self.assertEqual(
            len([m for m in received if "billing@nordicfreight.example.com" in m["rcpt_tos"]]), 1
        )
        self.assertIn(move.name, received[0]["message"]["Subject"])
        self.assertEqual(log.state, "done")
        self.assertTrue(log.date_done)
        self.assertFalse(log.error)
        # delivered: the ladder goes on
        self._run_on("2027-03-18")
        self.assertEqual(self._logs(move).step_id, self.step_first | self.step_sms_call)

    def test_a_permanent_refusal_fails_the_step_and_the_ladder_waits(self):
        move, log = self._first_step()
        with smtp_server(self.env, refuse=True) as received, mute_logger(*MAIL_LOGGERS):
            self._run_mail_queue(log.mail_id)
        self.assertFalse(received)
        self.assertEqual(log.state, "failed")
        self.assertIn("Mailbox unavailable", log.error)
        # the day of the SMS and the call: nothing, the customer was never told
        self._run_on("2027-03-17")
        self._run_on("2027-03-27")
        self.assertEqual(self._logs(move), log)
        # the collector decides: the e-mail is cancelled, the ladder goes on
        with freeze_time("2027-03-27 10:00:00"):
            log.with_user(self.collector).action_cancel()
        self.assertEqual(log.state, "cancelled")
        self._run_on("2027-03-28")
        self.assertEqual(len(self._logs(move)), 2)
        self.assertEqual(self._logs(move)[-1].step_id, self.step_second)

    def test_a_retried_step_escalates_once_delivered(self):
        move, log = self._first_step()
        with smtp_server(self.env, refuse=True), mute_logger(*MAIL_LOGGERS):
            self._run_mail_queue(log.mail_id)
        self.assertEqual(log.state, "failed")
        with freeze_time("2027-03-12 10:00:00"):
            log.with_user(self.collector).action_retry()
        self._run_on("2027-03-12")
        self.assertEqual(log.state, "queued")
        self._run_on("2027-03-17")
        self.assertEqual(self._logs(move), log, "still waiting for the delivery")
        self._deliver_queued_mails()
        self.assertEqual(log.state, "done")
        self._run_on("2027-03-20")
        self.assertEqual(self._logs(move).step_id, self.step_first | self.step_sms_call)

    def test_a_step_waiting_for_a_retry_is_withdrawn_when_the_invoice_is_paid(self):
        """Review: the customer pays while the dunning e-mail waits for its
        next attempt (the mail server was down): the step is cancelled and
        its e-mail never goes out."""
        move, log = self._first_step()
        mail = log.mail_id
        with smtp_server(self.env, started=False) as received, mute_logger(*MAIL_LOGGERS):
            self._run_mail_queue(mail)
            self.assertEqual((log.state, log.delivery_attempts), ("queued", 1))
            self._pay(move)
            self._run_on("2027-03-11")
            self.assertEqual((log.state, log.cancel_code), ("cancelled", "paid"))
            self.assertEqual(mail.state, "cancel")
            received.start()
            self._time_passes(mail)
            self._run_mail_queue(mail)
        self.assertFalse(received, "no dunning e-mail for a paid invoice")
        self.assertEqual(log.state, "cancelled")


@tagged("post_install", "-at_install")
class TestCollectionCatchUp(MockSMS, CollectionCase):
    """Issue 17: like the timed e-mails, a collection step that fell due longer
    ago than the catch-up tolerance (3 days) when the pass runs, on its first
    run after installing or after days without a run, is not taken late."""

    def _run_on(self, day):
        with freeze_time(f"{day} 10:00:00"):
            self._run()

    def test_first_pass_after_installing_does_not_send_old_steps(self):
        deadline = self._create_deadline(200)
        move = self._invoice(deadline, -25)  # due 13 February
        self._run_on("2027-03-10")
        log = self._logs(move)
        self.assertEqual(log.step_id, self.step_second, "one step per invoice: the latest one due")
        self.assertEqual((log.state, log.cancel_code), ("cancelled", "stale"))
        self.assertIn("more than 3 days", log.error)
        self.assertFalse(log.mail_id)
        self.assertFalse(
            self.env["mail.mail"].search([("model", "=", "account.move"), ("res_id", "=", move.id)])
        )
        # the next days: nothing more, until the next step falls due: the
        # final notice, at the ladder's spacing after the skipped step
        self._run_on("2027-03-11")
        self._run_on("2027-04-03")
        self.assertEqual(self._logs(move), log)
        self._run_on("2027-04-04")
        final = self._logs(move) - log
        self.assertEqual(final.step_id, self.step_final)
        self.assertEqual(set(final.mapped("channel")), {"email", "letter"})
        self.assertEqual(set(final.mapped("state")), {"done"})

    def test_days_without_a_pass_skip_the_steps_missed_too_long_ago(self):
        deadline = self._create_deadline(200)
        move = self._invoice(deadline, -3)  # due 7 March: first step today
        self._run_on("2027-03-10")
        self.assertEqual(self._logs(move).state, "done")
        # no pass from 11 to 29 March: SMS and call were due on the 17th,
        # the second reminder on the 27th (within the tolerance)
        self._run_on("2027-03-30")
        new = self._logs(move).filtered(lambda r: r.date_due == datetime.date(2027, 3, 30))
        self.assertEqual(new.step_id, self.step_second)
        self.assertEqual(new.state, "done")
        self.assertFalse(self._logs(move).filtered(lambda r: r.step_id == self.step_sms_call))

    def test_a_step_left_scheduled_for_days_is_cancelled_as_stale(self):
        deadline = self._create_deadline(200)
        move = self._invoice(deadline, -3)
        with freeze_time("2027-03-10 10:00:00"):
            self.env["expiry.collection.log"].sudo()._collection_prepare(self.company, self.TODAY)
        log = self._logs(move)
        self.assertEqual(log.state, "scheduled")
        self._run_on("2027-03-15")
        self.assertEqual((log.state, log.cancel_code), ("cancelled", "stale"))
        self.assertFalse(log.mail_id)
