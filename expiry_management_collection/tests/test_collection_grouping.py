# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Issue 19: one collection e-mail per customer and step. A customer's
overdue invoices reaching the same e-mail step on the same day go out in
one e-mail listing them all, with every invoice PDF attached; the log keeps
one row per invoice and step, each pointing to that e-mail, and the chatter
of each invoice and deadline shows it. The company's setting
(``expiry_group_by_customer``) turns it off."""

from odoo.tests import freeze_time, tagged
from odoo.tools import mute_logger

from odoo.addons.expiry_management.tests.render_check import TemplateRenderMixin

from ..models.expiry_collection_log_send import GROUPED_TEMPLATES
from .common import CollectionCase


@tagged("post_install", "-at_install")
@freeze_time("2027-03-10 10:00:00")
class TestCollectionGrouping(TemplateRenderMixin, CollectionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.expiry_group_by_customer = True

    def _overdue(self, count, days=3, partner=None, amounts=(480.0, 125.5, 300.0, 75.0)):
        """``count`` deadlines of ``partner`` (default: the customer), each
        with one invoice overdue by ``days``."""
        moves = self.env["account.move"]
        for index in range(count):
            values = {"partner_id": partner.id} if partner else {}
            deadline = self._create_deadline(200, **values)
            moves |= self._invoice(deadline, -days, amounts[index % len(amounts)])
        return moves

    def test_one_e_mail_for_three_overdue_invoices(self):
        moves = self._overdue(3)
        self._run(deliver=False)
        logs = self._logs(moves)
        self.assertEqual(len(logs), 3, "one row per invoice and step")
        self.assertEqual(set(logs.mapped("step_id")), {self.step_first})
        self.assertEqual(set(logs.mapped("state")), {"queued"})
        mail = logs.mail_id
        self.assertEqual(len(mail), 1, "one e-mail for the three invoices")
        self.assertEqual(mail.recipient_ids, self.customer)
        self.assertEqual(mail.email_from, self.collector.email_formatted)
        for move in moves:
            self.assertIn(move.name, mail.body_html)
            self.assertIn(move.expiry_deadline_id.display_name, mail.body_html)
            self.assertIn(f"/my/invoices/{move.id}?access_token=", mail.body_html)
        for amount in ("480.00", "125.50", "300.00", "905.50"):
            self.assertIn(amount, mail.body_html)
        # every invoice's PDF (tests render reports as HTML), each once
        self.assertEqual(len(mail.attachment_ids), 3)
        for move in moves:
            self.assertEqual(
                len(mail.attachment_ids.filtered(lambda a, m=move: m.name.replace("/", "_") in a.name)), 1
            )
        self.assertEqual(mail.mail_message_id.notification_ids.res_partner_id, self.customer)
        # the e-mail is a message of the first invoice; the chatter of each
        # invoice shows it (with its files and its delivery), of each deadline
        # and of the customer the step
        self.assertEqual((mail.model, mail.res_id), ("account.move", moves[0].id))
        for move in moves:
            shown = move.message_ids.filtered(lambda m: m.subject == mail.subject)
            self.assertEqual(len(shown), 1, move.name)
            self.assertEqual(shown.body, mail.mail_message_id.body)
            self.assertEqual(shown.attachment_ids, mail.attachment_ids)
            self.assertEqual(shown.notification_ids.res_partner_id, self.customer)
            self.assertFalse(move.message_ids.filtered(lambda m: "Friendly reminder" in (m.body or "")))
            for record in (move.expiry_deadline_id, self.customer):
                self.assertTrue(
                    record.message_ids.filtered(
                        lambda m, move=move: "Friendly reminder" in (m.body or "") and move.name in m.body
                    ),
                    move.name,
                )
        # delivered: every row is done, every invoice's chatter says so
        self._deliver_queued_mails()
        self.assertEqual(set(logs.mapped("state")), {"done"})
        notifications = self.env["mail.notification"].search([("mail_mail_id", "=", mail.id)])
        self.assertEqual(len(notifications), 3)
        self.assertEqual(set(notifications.mapped("notification_status")), {"sent"})
        self.assertEqual(logs.mapped("amount"), [480.0, 125.5, 300.0])
        # a second pass the same day sends nothing more
        mails = self.env["mail.mail"].search([])
        self._run()
        self.assertEqual(self._logs(moves), logs)
        self.assertEqual(self.env["mail.mail"].search([]), mails)

    def test_setting_off_one_e_mail_each(self):
        self.company.expiry_group_by_customer = False
        moves = self._overdue(3)
        self._run()
        logs = self._logs(moves)
        self.assertEqual(len(logs.mail_id), 3)
        self.assertEqual(logs.mapped("mail_id.model"), ["account.move"] * 3)
        self.assertEqual(logs.mapped("mail_id.res_id"), moves.ids)
        self.assertEqual([len(log.mail_id.attachment_ids) for log in logs], [1, 1, 1])
        self.assertEqual(set(logs.mapped("state")), {"done"})

    def test_a_single_invoice_goes_its_own_way(self):
        move = self._overdue(1)
        self._run()
        log = self._logs(move)
        self.assertEqual((log.mail_id.model, log.mail_id.res_id), ("account.move", move.id))
        self.assertIn(move.name, log.mail_id.subject)

    def test_several_invoices_of_one_deadline(self):
        deadline = self._create_deadline(200)
        moves = self._invoice(deadline, -3, 480.0) | self._invoice(deadline, -3, 125.5)
        self._run(deliver=False)
        logs = self._logs(moves)
        self.assertEqual(len(logs), 2)
        self.assertEqual(len(logs.mail_id), 1, "one e-mail for the deadline's two invoices")
        self.assertEqual(len(logs.mail_id.attachment_ids), 2)

    def test_other_customers_and_steps_get_their_own_e_mails(self):
        other = self.env["res.partner"].create(
            {"name": "Baltic Cargo OY", "is_company": True, "email": "ap@balticcargo.example.com"}
        )
        first = self._overdue(2)
        second = self._overdue(2, days=20)
        others = self._overdue(2, partner=other)
        self._run(deliver=False)
        first_logs, second_logs, other_logs = self._logs(first), self._logs(second), self._logs(others)
        self.assertEqual(set(first_logs.step_id), {self.step_first})
        self.assertEqual(set(second_logs.step_id), {self.step_second})
        for logs in (first_logs, second_logs, other_logs):
            self.assertEqual(len(logs), 2)
            self.assertEqual(len(logs.mail_id), 1)
        self.assertEqual(len(first_logs.mail_id | second_logs.mail_id | other_logs.mail_id), 3)
        self.assertEqual(other_logs.mail_id.recipient_ids, other)
        self.assertEqual(first_logs.mail_id.recipient_ids, self.customer)
        self.assertNotEqual(first_logs.mail_id.body_html, second_logs.mail_id.body_html)
        for move in others:
            self.assertIn(move.name, other_logs.mail_id.body_html)
            self.assertNotIn(move.name, first_logs.mail_id.body_html)

    def test_final_notice_says_so(self):
        moves = self._overdue(2, days=20)
        self._run()
        self.assertEqual(set(self._logs(moves).step_id), {self.step_second})
        with freeze_time("2027-04-04 10:00:00"):
            self._run(deliver=False)
        logs = self._logs(moves).filtered(
            lambda log: log.step_id == self.step_final and log.channel == "email"
        )
        self.assertEqual(len(logs), 2)
        self.assertEqual(len(logs.mail_id), 1)
        self.assertIn("Final notice", logs.mail_id.subject)

    def test_a_bad_invoice_does_not_block_the_others(self):
        other = self.env["res.partner"].create(
            {"name": "Baltic Cargo OY", "is_company": True, "email": "ap@balticcargo.example.com"}
        )
        moves = self._overdue(3)
        others = self._overdue(2, partner=other)
        Log = self.env["expiry.collection.log"]
        original = type(Log)._process_email

        def explode(rows):
            if moves[1] in rows.move_id:
                raise ValueError("template crashed")
            return original(rows)

        with mute_logger("odoo.addons.expiry_management.tools.batch"):
            self.patch(type(Log), "_process_email", explode)
            self._run()
        self.assertEqual([self._logs(move).state for move in moves], ["done", "failed", "done"])
        self.assertIn("template crashed", self._logs(moves[1]).error)
        # the other customer's group still goes out as one e-mail
        other_logs = self._logs(others)
        self.assertEqual(set(other_logs.mapped("state")), {"done"})
        self.assertEqual(len(other_logs.mail_id), 1)

    def test_a_customer_without_e_mail_fails_alone(self):
        no_mail = self.env["res.partner"].create({"name": "No Mail Ltd", "is_company": True})
        moves = self._overdue(2)
        silent = self._overdue(2, partner=no_mail)
        self._run()
        self.assertEqual(set(self._logs(moves).mapped("state")), {"done"})
        self.assertEqual(set(self._logs(silent).mapped("state")), {"failed"})

    def test_a_refused_delivery_fails_every_row_of_the_e_mail(self):
        moves = self._overdue(3)
        self._run(deliver=False)
        logs = self._logs(moves)
        logs.mail_id.write({"state": "exception", "failure_reason": "550 5.1.1 mailbox unknown"})
        logs.mail_id._postprocess_sent_message(success_pids=[], failure_type="mail_bounce")
        self.assertEqual(set(logs.mapped("state")), {"failed"})
        for log in logs:
            self.assertIn("550 5.1.1", log.error)

    def test_an_outage_retries_every_row_of_the_e_mail(self):
        moves = self._overdue(2)
        self._run(deliver=False)
        logs = self._logs(moves)
        mail = logs.mail_id
        mail.write({"state": "exception", "failure_reason": "Connection refused"})
        mail._postprocess_sent_message(success_pids=[], failure_type="mail_smtp")
        self.assertEqual(set(logs.mapped("state")), {"queued"})
        self.assertEqual(logs.mapped("delivery_attempts"), [1, 1])
        self.assertEqual(mail.state, "outgoing")

    def test_a_paid_invoice_does_not_withdraw_the_e_mail_of_the_others(self):
        """While the e-mail waits for a retry, one of its invoices is paid:
        its row is cancelled, the e-mail stays for the others."""
        moves = self._overdue(2)
        self._run(deliver=False)
        logs = self._logs(moves)
        mail = logs.mail_id
        mail.write({"state": "exception", "failure_reason": "Connection refused"})
        mail._postprocess_sent_message(success_pids=[], failure_type="mail_smtp")
        self._pay(moves[0])
        self._run(deliver=False)
        self.assertEqual(
            [(log.state, log.cancel_code) for log in logs], [("cancelled", "paid"), ("queued", False)]
        )
        self.assertEqual(mail.state, "outgoing")
        # all rows of the e-mail cancelled: it is withdrawn
        self._pay(moves[1])
        self._run(deliver=False)
        self.assertEqual(set(logs.mapped("state")), {"cancelled"})
        self.assertEqual(mail.state, "cancel")

    def test_a_full_batch_takes_the_rest_of_its_customers_e_mails(self):
        """The batch's limit falls between a customer's invoices: they still
        go out in one e-mail, and the next batch takes what is left."""
        other = self.env["res.partner"].create(
            {"name": "Baltic Cargo OY", "is_company": True, "email": "ap@balticcargo.example.com"}
        )
        moves = self._overdue(3)
        others = self._overdue(2, partner=other)
        Log = self.env["expiry.collection.log"].sudo()
        Log._collection_prepare(self.company, self.TODAY)
        processed, left = Log._collection_send_due(self.company, self.TODAY, 2)
        self.assertEqual((processed, left), (3, 2))
        self.assertEqual(len(self._logs(moves).mail_id), 1)
        self.assertFalse(self._logs(others).mail_id)
        Log._collection_send_due(self.company, self.TODAY, 2)
        self.assertEqual(len(self._logs(others).mail_id), 1)

    def test_the_grouped_templates_render_as_odoo(self):
        """Compiled once per batch (expiry_management's mail.render.mixin),
        the grouped e-mails are those Odoo renders, in each language; without
        the invoices in the context (a preview) they show their own."""
        self.env["res.lang"]._activate_lang("fr_FR")
        french = self.env["res.partner"].create(
            {"name": "Flotte « Or » SA", "email": "compta@flotte.example.com", "lang": "fr_FR"}
        )
        mine, theirs = self._overdue(3), self._overdue(2, partner=french)
        context = {
            moves[:1].id: {"moves": moves, "names": ", ".join(moves.mapped("name")), "urls": {}}
            for moves in (mine, theirs)
        }
        for xmlid in GROUPED_TEMPLATES.values():
            template = self.env.ref(xmlid).sudo()
            for records, groups in ((mine[:1] | theirs[:1], context), (mine | theirs, {})):
                rendered = self.assertRendersAsOdoo(
                    template.with_context(expiry_collection_groups=groups), records
                )
                for move in mine if groups else mine[:1]:
                    self.assertIn(move.name, rendered[mine[0].id]["body_html"])
                self.assertNotIn(theirs[0].name, rendered[mine[0].id]["body_html"])

    def test_one_sms_for_several_invoices(self):
        moves = self._overdue(3, days=10)
        self._run(deliver=False)
        logs = self._logs(moves)
        sms_logs = logs.filtered(lambda log: log.channel == "sms")
        self.assertEqual(len(sms_logs), 3, "one row per invoice and step")
        sms = sms_logs.sms_id
        self.assertEqual(len(sms), 1, "one SMS for the three invoices")
        self.assertEqual(sms.partner_id, self.customer)
        self.assertIn("3 invoices", sms.body)
        for move in moves:
            self.assertIn(move.name, sms.body)
        self.assertIn("905.50", sms.body)
        # the calls stay one per deadline
        self.assertEqual(len(logs.filtered(lambda log: log.channel == "call").activity_id), 3)
        self._deliver_queued_mails()
        self.assertEqual(set(sms_logs.mapped("state")), {"done"})
        # a second pass sends nothing more
        self._run()
        self.assertEqual(self._logs(moves), logs)
        self.assertEqual(len(self.env["sms.sms"].search([("partner_id", "=", self.customer.id)])), 1)

    def test_setting_off_one_sms_each(self):
        self.company.expiry_group_by_customer = False
        moves = self._overdue(3, days=10)
        self._run()
        sms_logs = self._logs(moves).filtered(lambda log: log.channel == "sms")
        self.assertEqual(len(sms_logs.sms_id), 3)
        for log in sms_logs:
            self.assertIn(log.move_id.name, log.sms_id.body)
        self.assertEqual(set(sms_logs.mapped("state")), {"done"})

    def _blacklisted_sms_logs(self, count):
        """The SMS rows of ``count`` overdue invoices of the customer, whose
        mobile is on the phone blacklist, after a pass."""
        self.env["phone.blacklist"].sudo()._add([self.customer.mobile])
        moves = self._overdue(count, days=10)
        self._run()
        return self._logs(moves).filtered(lambda log: log.channel == "sms")

    def test_a_blacklisted_number_gets_no_sms(self):
        """Issue 19 review (H2): Odoo's SMS queue does not check the
        blacklist; the collection ladder does, as the renewal ladder."""
        sms_logs = self._blacklisted_sms_logs(1)
        self.assertEqual(len(sms_logs), 1)
        self.assertEqual((sms_logs.state, sms_logs.cancel_code), ("cancelled", "optout"))
        self.assertIn("blacklist", sms_logs.error)
        self.assertFalse(sms_logs.sms_id)
        self.assertFalse(self.env["sms.sms"].sudo().search([("partner_id", "=", self.customer.id)]))

    def test_a_blacklisted_number_gets_no_grouped_sms(self):
        sms_logs = self._blacklisted_sms_logs(3)
        self.assertEqual(len(sms_logs), 3)
        self.assertEqual(set(sms_logs.mapped("state")), {"cancelled"})
        self.assertEqual(set(sms_logs.mapped("cancel_code")), {"optout"})
        self.assertFalse(sms_logs.sms_id)
        self.assertFalse(self.env["sms.sms"].sudo().search([("partner_id", "=", self.customer.id)]))

    def test_an_opted_out_customer_gets_no_sms(self):
        """One of the customer's numbers (the phone) on the blacklist: no SMS
        to their mobile either."""
        self.customer.phone = "+46 8 123 456 78"
        self.env["phone.blacklist"].sudo()._add([self.customer._phone_format(fname="phone")])
        moves = self._overdue(2, days=10)
        self._run()
        sms_logs = self._logs(moves).filtered(lambda log: log.channel == "sms")
        self.assertEqual(set(sms_logs.mapped("cancel_code")), {"optout"})
        self.assertIn("opted out", sms_logs[0].error)
        self.assertFalse(sms_logs.sms_id)

    def test_the_grouped_template_is_editable(self):
        template = self.env.ref("expiry_management_collection.mail_template_collection_grouped")
        self.assertEqual(template.model, "account.move")
        template.sudo().subject = "Edited: your invoices"
        self._overdue(2)
        self._run()
        mail = self.env["mail.mail"].search([("subject", "=", "Edited: your invoices")])
        self.assertEqual(len(mail), 1)


@tagged("post_install", "-at_install")
@freeze_time("2027-03-10 10:00:00")
class TestCollectionGroupingQueryCount(CollectionCase):
    """Grouping costs no query per invoice nor per customer: a pass for 10
    and for 100 customers with two overdue invoices each (e-mail; SMS and
    call). What grows is Odoo's ORM writing rows by chunks of 100."""

    #: queries of one whole pass: {channel: {customers: queries}}
    BUDGET = {"email": {10: 70, 100: 75}, "sms_call": {10: 55, 100: 65}}

    def _assert_pass_flat(self, budget, days):
        self.company.expiry_group_by_customer = True
        Log = self.env["expiry.collection.log"].sudo()
        # the caches of templates, views and rules warm up on a first pass
        for count in (2, 10, 100):
            moves = self.env["account.move"]
            for index in range(count):
                partner = self.env["res.partner"].create(
                    {
                        "name": f"Customer {count}-{index}",
                        "email": f"c{count}-{index}@example.com",
                        "mobile": "+46 70 123 45 67",
                        "expiry_collector_id": self.collector.id,
                    }
                )
                for _invoice in range(2):
                    moves |= self._invoice(self._create_deadline(200, partner_id=partner), -days)
            self.env.flush_all()
            self.env.invalidate_all()
            with self.assertQueryCount(budget.get(count, 1000)):
                Log._collection_prepare(self.company, self.TODAY)
                Log._collection_send_due(self.company, self.TODAY, 1000)
            logs = self._logs(moves)
            messages = logs.filtered(lambda log: log.channel in ("email", "sms"))
            self.assertEqual(len(messages), 2 * count, "one row per invoice and step")
            self.assertEqual(len(messages.mail_id) + len(messages.sms_id), count, "one message per customer")
            self.assertEqual(set(messages.mapped("state")), {"queued"})
            if messages[:1].channel == "email":
                self.assertEqual(len(messages.mail_id.attachment_ids), 2 * count)
            else:
                self.assertEqual(len(logs.filtered(lambda log: log.channel == "call").activity_id), 2 * count)

    def test_grouped_e_mail_step_queries_flat(self):
        self._assert_pass_flat(self.BUDGET["email"], 3)

    def test_grouped_sms_step_queries_flat(self):
        self._assert_pass_flat(self.BUDGET["sms_call"], 10)
