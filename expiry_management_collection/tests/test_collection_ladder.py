# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The collection ladder run by the daily pass: channels, exactly once,
payments stopping it, catch-up, failures, query counts."""

from odoo.tests import freeze_time, tagged
from odoo.tools import mute_logger

from odoo.addons.sms.tests.common import MockSMS

from .common import CollectionCase, D


@tagged("post_install", "-at_install")
@freeze_time("2027-03-10 10:00:00")
class TestCollectionLadder(MockSMS, CollectionCase):
    def _mails(self, moves):
        return self.env["mail.mail"].search([("model", "=", "account.move"), ("res_id", "in", moves.ids)])

    def test_first_step_e_mails_the_invoice_with_its_pdf(self):
        deadline = self._create_deadline(200)
        move = self._invoice(deadline, -3, 480.0)
        self._run()
        log = self._logs(move)
        self.assertEqual((log.step_id, log.channel, log.state), (self.step_first, "email", "done"))
        self.assertEqual(log.amount, 480.0)
        mail = log.mail_id
        self.assertEqual(mail.recipient_ids, self.customer)
        self.assertIn(move.name, mail.subject)
        self.assertIn("480.00", mail.body_html)
        self.assertEqual(mail.email_from, self.collector.email_formatted)
        # tests render reports as HTML; test_collection_pdf renders the real PDF
        self.assertEqual(len(mail.attachment_ids), 1)
        self.assertIn(move.name.replace("/", "_"), mail.attachment_ids.name)
        # logged in the chatter of the deadline and the customer; on the
        # invoice, the e-mail itself is the message (issue 20: one message per
        # e-mail), with its delivery to the customer
        for record in (deadline, self.customer):
            self.assertTrue(
                record.message_ids.filtered(lambda m, r=record: "Friendly reminder" in (m.body or "")),
                record._name,
            )
        self.assertIn(mail.mail_message_id, move.message_ids)
        self.assertEqual(mail.mail_message_id.notification_ids.res_partner_id, self.customer)
        self.assertFalse(move.message_ids.filtered(lambda m: "Friendly reminder" in (m.body or "")))

    def test_a_refused_delivery_fails_the_step(self):
        """Issue 17: a collection e-mail the mail server refuses is not "done"
        (the core traces the delivery of every ladder's e-mails)."""
        deadline = self._create_deadline(200)
        move = self._invoice(deadline, -3, 480.0)
        self._run()
        log = self._logs(move)
        self.assertEqual(log.state, "done")
        log.mail_id.write({"state": "exception", "failure_reason": "550 5.1.1 mailbox unknown"})
        log.mail_id._postprocess_sent_message(success_pids=[], failure_type="mail_bounce")
        self.assertEqual(log.state, "failed")
        self.assertIn("550 5.1.1", log.error)

    def test_rerun_the_same_day_does_nothing_new(self):
        deadline = self._create_deadline(200)
        move = self._invoice(deadline, -3)
        self._run()
        self._run()
        self.env["expiry.reminder"]._cron_daily_pass()
        self.assertEqual(len(self._logs(move)), 1)
        self.assertEqual(len(self._mails(move)), 1)

    def test_sms_and_call_on_day_ten(self):
        deadline = self._create_deadline(200)
        move = self._invoice(deadline, -10, 250.0)
        self._run(deliver=False)
        logs = self._logs(move)
        self.assertEqual(set(logs.mapped("channel")), {"sms", "call"})
        # the SMS step is done when the provider accepted the SMS
        self.assertEqual(logs.filtered(lambda r: r.channel == "sms").state, "queued")
        self.assertEqual(logs.filtered(lambda r: r.channel == "call").state, "done")
        sms = logs.filtered(lambda r: r.channel == "sms").sms_id
        self.assertEqual(sms.number.replace(" ", ""), "+46701234567")
        self.assertIn(move.name, sms.body)
        activity = logs.filtered(lambda r: r.channel == "call").activity_id
        self.assertEqual(activity.user_id, self.collector)
        self.assertEqual(activity.res_id, deadline.id)
        self.assertEqual(
            activity.activity_type_id,
            self.env.ref("expiry_management.mail_activity_type_payment_reminder"),
        )
        with self.mockSMSGateway():
            sms.send()
        self.assertEqual(self._sms[0]["number"].replace(" ", ""), "+46701234567")
        self.assertEqual(set(logs.mapped("state")), {"done"})

    def test_an_sms_the_provider_refuses_fails_its_step(self):
        deadline = self._create_deadline(200)
        move = self._invoice(deadline, -10, 250.0)
        self._run(deliver=False)
        step = self._logs(move).filtered(lambda r: r.channel == "sms")
        with self.mockSMSGateway(sim_error="wrong_number_format"):
            step.sms_id.send()
        self.assertEqual(step.state, "failed")
        self.assertIn("Wrong Number Format", step.error)

    def test_an_sms_deleted_from_the_queue_fails_its_step(self):
        """Review: an SMS deleted before the provider took it fails its step
        (a person decides), the ladder never waits for ever."""
        deadline = self._create_deadline(200)
        move = self._invoice(deadline, -10, 250.0)
        self._run(deliver=False)
        step = self._logs(move).filtered(lambda r: r.channel == "sms")
        self.assertEqual(step.state, "queued")
        step.sms_id.sudo().unlink()
        self.assertEqual(step.state, "failed")
        self.assertIn("deleted", step.error)

    def test_sms_to_a_customer_without_number_fails_readably(self):
        self.customer.mobile = False
        deadline = self._create_deadline(200)
        move = self._invoice(deadline, -10)
        self._run()
        logs = self._logs(move)
        failed = logs.filtered(lambda r: r.channel == "sms")
        self.assertEqual(failed.state, "failed")
        self.assertIn("no valid mobile or phone number", failed.error)
        self.assertEqual(logs.filtered(lambda r: r.channel == "call").state, "done")

    def test_e_mail_to_a_customer_without_address_fails_alone(self):
        no_mail = self.env["res.partner"].create({"name": "No Mail Ltd", "is_company": True})
        bad = self._create_deadline(200, partner_id=no_mail)
        good = self._create_deadline(200)
        bad_move = self._invoice(bad, -3)
        good_move = self._invoice(good, -3)
        self._run()
        self.assertEqual(self._logs(bad_move).state, "failed")
        self.assertIn("no valid e-mail address", self._logs(bad_move).error)
        self.assertEqual(self._logs(good_move).state, "done")

    def test_full_payment_stops_the_ladder(self):
        deadline = self._create_deadline(200)
        move = self._invoice(deadline, -10)
        self._run()
        call = self._logs(move).filtered(lambda r: r.channel == "call")
        self.assertTrue(call.activity_id)
        self._pay(move)
        with freeze_time("2027-03-25 10:00:00"):
            self._run()
        self.assertEqual(len(self._logs(move)), 2, "no step after the payment")
        self.assertFalse(call.activity_id.exists(), "the collector's call is removed once paid")

    def test_scheduled_step_of_a_paid_invoice_is_cancelled(self):
        deadline = self._create_deadline(200)
        move = self._invoice(deadline, -3)
        Log = self.env["expiry.collection.log"].sudo()
        rows = Log._collection_prepare(self.company, self.TODAY)
        self.assertEqual(rows.state, "scheduled")
        self._pay(move)
        self._run()
        self.assertEqual((rows.state, rows.cancel_code), ("cancelled", "paid"))
        self.assertFalse(self._mails(move))

    def test_partial_payment_keeps_the_ladder_going_on_the_residual(self):
        deadline = self._create_deadline(200)
        move = self._invoice(deadline, -3, 500.0)
        self._run()
        self._pay(move, 300.0)
        with freeze_time("2027-03-17 10:00:00"):
            self._run()
        logs = self._logs(move)
        self.assertEqual(logs.mapped("step_id"), self.step_first | self.step_sms_call)
        self.assertEqual(logs.filtered(lambda r: r.channel == "sms").amount, 200.0)

    def test_missed_days_send_only_the_latest_step(self):
        deadline = self._create_deadline(200)
        # the second reminder fell due 2 days ago, within the catch-up tolerance
        move = self._invoice(deadline, -22)
        self._run()
        self.assertEqual(self._logs(move).step_id, self.step_second)
        self.assertEqual(len(self._mails(move)), 1)

    def test_final_notice_follows_the_ladder_and_prints_the_letter(self):
        deadline = self._create_deadline(200)
        move = self._invoice(deadline, -22)
        self._run()
        with freeze_time("2027-04-04 10:00:00"):
            self._run()
        logs = self._logs(move).filtered(lambda r: r.step_id == self.step_final)
        self.assertEqual(set(logs.mapped("channel")), {"email", "letter"})
        letter = logs.filtered(lambda r: r.channel == "letter").activity_id
        self.assertEqual(letter.user_id, self.collector)
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("expiry_management_collection.action_report_collection_letter", move.ids)[0]
            .decode()
        )
        self.assertIn("Final notice", html)
        self.assertIn(move.name, html)

    def test_handed_over_cases_get_no_step(self):
        deadline = self._create_deadline(200)
        move = self._invoice(deadline, -3)
        deadline.action_collection_hand_over(self.agency)
        self._run()
        self.assertFalse(self._logs(move))

    def test_archived_step_is_skipped(self):
        self.step_first.active = False
        deadline = self._create_deadline(200)
        move = self._invoice(deadline, -3)
        self._run()
        self.assertFalse(self._logs(move))

    def test_bad_record_does_not_block_the_others(self):
        deadlines = [self._create_deadline(200) for _i in range(3)]
        moves = [self._invoice(d, -3) for d in deadlines]
        Log = self.env["expiry.collection.log"]
        original = type(Log)._process_email

        def explode(rows):
            if moves[1] in rows.move_id:
                raise ValueError("template crashed")
            return original(rows)

        with mute_logger("odoo.addons.expiry_management.models.expiry_ladder_step_mixin"):
            self.patch(type(Log), "_process_email", explode)
            self._run()
        states = [self._logs(move).state for move in moves]
        self.assertEqual(states, ["done", "failed", "done"])
        self.assertIn("template crashed", self._logs(moves[1]).error)

    def test_retry_after_fixing_the_address(self):
        no_mail = self.env["res.partner"].create(
            {"name": "No Mail Ltd", "is_company": True, "expiry_collector_id": self.collector.id}
        )
        deadline = self._create_deadline(200, partner_id=no_mail)
        move = self._invoice(deadline, -3)
        self._run()
        log = self._logs(move)
        no_mail.email = "fixed@example.com"
        log.with_user(self.collector).action_retry()
        self._run()
        self.assertEqual(log.state, "done")


@tagged("post_install", "-at_install")
@freeze_time("2027-03-10 10:00:00")
class TestCollectionMultiCompany(CollectionCase):
    def test_each_company_runs_its_own_ladder_on_its_own_day(self):
        # at 11:30 UTC on 10 March it is already 11 March in Auckland
        other = self._company("Kiwi Brokers", tz="Pacific/Auckland")
        self.env["account.chart.template"].try_loading("generic_coa", company=other, install_demo=False)
        step = self.env["expiry.collection.step"].create(
            {
                "name": "Kiwi reminder",
                "company_id": other.id,
                "offset_days": 1,
                "channel_email": True,
                "mail_template_id": self.env.ref(
                    "expiry_management_collection.mail_template_collection_first"
                ).id,
            }
        )
        here = self._invoice(self._create_deadline(200), -3)
        there_deadline = self._create_deadline(
            200,
            company_id=other,
            partner_id=self.other_customer,
            user_id=False,
            currency_id=other.currency_id,
        )
        there = self._invoice(there_deadline, D(2027, 3, 10))
        self._run(self.company)
        self.assertEqual(self._logs(here).step_id, self.step_first)
        self.assertFalse(self._logs(there), "the other company's invoices wait for its own pass")
        self._run(other)
        self.assertFalse(self._logs(there), "still 10 March in Auckland")
        with freeze_time("2027-03-10 11:30:00"):
            self._run(other)
        self.assertEqual(
            self._logs(there).step_id, step, "its own step, one day after the due date, its time"
        )
        self.assertNotIn(step, self.env["expiry.collection.step"]._get_ladder(self.company))
        # the collector of the first company sees none of it
        self.assertFalse(
            self.env["expiry.collection.log"].with_user(self.collector).search([("move_id", "=", there.id)])
        )


@tagged("post_install", "-at_install")
@freeze_time("2027-03-10 10:00:00")
class TestCollectionQueryCount(CollectionCase):
    """The collection pass costs no query per invoice: preparing the steps,
    and taking them (e-mails with the invoice PDF rendered, SMS, activities,
    logs and chatter) for 10 and for 200 invoices. What grows is Odoo's ORM
    writing rows to a table by chunks of 100 (``INSERT_BATCH_SIZE``): one
    query more for each hundred mails, messages, attachments or logs."""

    #: queries of one whole pass: {channel: {invoices: queries}}
    BUDGET = {
        "email": {10: 60, 200: 70},
        "email_partial": {10: 66, 200: 76},
        "sms_call": {10: 52, 200: 62},
    }

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # one message per invoice; the grouped path: test_collection_grouping
        cls.company.expiry_group_by_customer = False

    def _portfolio(self, count, days, paid=0.0):
        moves = self.env["account.move"]
        for _index in range(count):
            moves |= self._invoice(self._create_deadline(200), -days)
        if paid:
            for move in moves:
                self._pay(move, amount=paid)
        return moves

    def _assert_pass_flat(self, budget, days, paid=0.0):
        Log = self.env["expiry.collection.log"].sudo()
        # the caches of templates, views and rules warm up on a first pass
        for count in (2, 10, 200):
            moves = self._portfolio(count, days, paid)
            self.env.flush_all()
            self.env.invalidate_all()
            with self.assertQueryCount(budget.get(count, 1000)):
                Log._collection_prepare(self.company, self.TODAY)
                Log._collection_send_due(self.company, self.TODAY, 1000)
            logs = self._logs(moves)
            # an e-mail (SMS) step is done when the mail server (SMS provider) accepted it
            self.assertEqual(
                {(log.channel, log.state) for log in logs},
                {
                    (channel, "queued" if channel in ("email", "sms") else "done")
                    for channel in logs.mapped("channel")
                },
                f"{count} invoices",
            )
            self.assertEqual(len(logs), count * len(logs[:1].step_id._get_channels()), "one row per channel")
            if logs[:1].channel == "email":
                self.assertEqual(len(logs.mail_id.attachment_ids), count, "each mail carries its invoice")

    def test_e_mail_step_queries_flat(self):
        self._assert_pass_flat(self.BUDGET["email"], 3)

    def test_e_mail_step_queries_flat_partially_paid(self):
        self._assert_pass_flat(self.BUDGET["email_partial"], 3, paid=100.0)

    def test_sms_and_call_step_queries_flat(self):
        self._assert_pass_flat(self.BUDGET["sms_call"], 10)
