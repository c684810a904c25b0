# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The invoice copy really carries the invoice PDF, rendered by wkhtmltopdf
(tests render reports as HTML unless ``force_report_rendering`` is set); the
overrides of Odoo internals the collection e-mails use give Odoo's own
output: the payments prefetch (models/account_move.py,
_get_all_reconciled_invoice_partials) in the invoice report, the compiled
rendering (expiry_management's mail_render_mixin.py) on every template the
collection ships; and the Odoo internals they rely on are pinned."""

import datetime
import shutil
import subprocess

from odoo import Command
from odoo.tests import freeze_time, tagged

from odoo.addons.account.models.account_move import AccountMove as OdooAccountMove
from odoo.addons.expiry_management.tests.render_check import OdooInternalsMixin, TemplateRenderMixin

from .common import CollectionCase


def pdf_text(data):
    result = subprocess.run(
        [shutil.which("pdftotext") or "pdftotext", "-layout", "-", "-"],
        input=data,
        capture_output=True,
        check=True,
        timeout=60,
    )
    return result.stdout.decode()


@tagged("post_install", "-at_install")
@freeze_time("2027-03-10 10:00:00")
class TestCollectionPdf(CollectionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # see expiry_management's test_report_deadlines: no server to wait for
        cls.env["ir.config_parameter"].sudo().set_param("report.url", "http://127.0.0.1:9")

    def test_invoice_copy_carries_the_pdf_of_each_invoice(self):
        deadline = self._create_deadline(200)
        first = self._invoice(deadline, -5, 450.0)
        second = self._invoice(deadline, -40, 125.0)
        deadline.with_context(force_report_rendering=True).action_collection_resend_invoice()
        for move in (first, second):
            mail = self.env["mail.mail"].search([("model", "=", "account.move"), ("res_id", "=", move.id)])
            attachment = mail.attachment_ids
            self.assertEqual(attachment.mimetype, "application/pdf")
            self.assertTrue(attachment.raw.startswith(b"%PDF"))
            text = pdf_text(attachment.raw)
            self.assertIn(move.name, text)
            self.assertNotIn(((first | second) - move).name, text, "one PDF per invoice")


@tagged("post_install", "-at_install")
@freeze_time("2027-03-10 10:00:00")
class TestInvoicePaymentsReadForABatch(CollectionCase):
    """Rendering a batch of invoices reads their payments (the report's "Paid
    on" lines) for all of them at once: the result is Odoo's own."""

    def _partials(self, moves, batch):
        moves = moves.with_context(expiry_prefetch_payments=batch)
        moves.invalidate_recordset()
        return {
            move.id: sorted(
                (p["aml"].id, p["partial_id"], p["amount"], p["currency"].id, p["is_exchange"])
                for p in move._get_all_reconciled_invoice_partials()
            )
            for move in moves
        }

    def _assert_same(self, moves):
        self.assertEqual(self._partials(moves, True), self._partials(moves, False))
        widgets = {}
        for batch in (True, False):
            moves.invalidate_recordset()
            widgets[batch] = [
                m.invoice_payments_widget for m in moves.with_context(expiry_prefetch_payments=batch)
            ]
        self.assertEqual(widgets[True], widgets[False])

    def test_unpaid_partially_paid_and_credited_invoices(self):
        deadline = self._create_deadline(200)
        unpaid = self._invoice(deadline, -5, 300.0)
        twice = self._invoice(deadline, -20, 500.0)
        self._pay(twice, amount=100.0, date=self.TODAY - datetime.timedelta(days=3))
        self._pay(twice, amount=50.0)
        credited = self._invoice(deadline, -10, 400.0)
        refund = self.env["account.move"].create(
            {
                "move_type": "out_refund",
                "partner_id": self.customer.id,
                "invoice_date": self.TODAY,
                "invoice_line_ids": [
                    Command.create(
                        {"name": "Credit", "quantity": 1, "price_unit": 80.0, "tax_ids": [Command.clear()]}
                    )
                ],
            }
        )
        refund.action_post()
        (credited | refund).line_ids.filtered(
            lambda line: line.account_type == "asset_receivable"
        ).reconcile()
        moves = unpaid | twice | credited
        self.assertEqual(
            [len(v) for v in self._partials(moves, True).values()], [0, 2, 1], "what each invoice's paid by"
        )
        self._assert_same(moves)
        batch = moves.with_context(expiry_prefetch_payments=True)
        batch.invalidate_recordset()
        queries = self.cr.sql_log_count
        widgets = [move.invoice_payments_widget for move in batch]  # computed for all three at once
        self.assertEqual(len(widgets), 3)
        self.assertLess(self.cr.sql_log_count - queries, 12, "the payments of all three read at once")

    def test_exchange_difference_goes_odoos_way(self):
        eur = self.env.ref("base.EUR")
        usd = self.env.ref("base.USD")
        foreign = usd if self.company.currency_id == eur else eur
        foreign.active = True
        Rate = self.env["res.currency.rate"]
        Rate.create(
            {"currency_id": foreign.id, "company_id": self.company.id, "name": "2027-01-01", "rate": 2.0}
        )
        Rate.create(
            {"currency_id": foreign.id, "company_id": self.company.id, "name": "2027-03-01", "rate": 2.5}
        )
        move = self._invoice(self._create_deadline(200), -20, 300.0, currency=foreign)
        self._pay(move, amount=100.0)
        self.assertTrue(
            move.line_ids.matched_credit_ids.exchange_move_id, "the payment made an exchange difference"
        )
        self._assert_same(move)

    def _paid_in_full_twice_and_credited(self):
        """Invoices paid every way: none, part, in full, several payments, a
        credit note reconciled."""
        deadline = self._create_deadline(200)
        unpaid = self._invoice(deadline, -5, 300.0)
        partial = self._invoice(deadline, -8, 250.0)
        self._pay(partial, amount=100.0)
        full = self._invoice(deadline, -12, 180.0)
        self._pay(full)
        several = self._invoice(deadline, -20, 500.0)
        self._pay(several, amount=100.0, date=self.TODAY - datetime.timedelta(days=3))
        self._pay(several, amount=50.0, date=self.TODAY - datetime.timedelta(days=2))
        self._pay(several)
        credited = self._invoice(deadline, -10, 400.0)
        refund = self.env["account.move"].create(
            {
                "move_type": "out_refund",
                "partner_id": self.customer.id,
                "invoice_date": self.TODAY,
                "invoice_line_ids": [
                    Command.create(
                        {"name": "Credit", "quantity": 1, "price_unit": 80.0, "tax_ids": [Command.clear()]}
                    )
                ],
            }
        )
        refund.action_post()
        (credited | refund).line_ids.filtered(
            lambda line: line.account_type == "asset_receivable"
        ).reconcile()
        self._pay(credited, amount=20.0)
        return unpaid | partial | full | several | credited

    def test_invoice_report_payment_lines_are_odoos(self):
        """The invoice report (its "Paid on" lines) of a batch rendered with the
        payments prefetched is the report Odoo renders without it."""
        moves = self._paid_in_full_twice_and_credited()
        self.assertEqual(moves[:2].mapped("payment_state"), ["not_paid", "partial"])
        self.assertIn(moves[2].payment_state, ("paid", "in_payment"), "paid in full")
        self.assertEqual(
            [len(v) for v in self._partials(moves, True).values()], [0, 1, 1, 3, 2], "each invoice's payments"
        )
        self._assert_same(moves)
        report = self.env.ref("account.account_invoices")
        html = {}
        for batch in (True, False):
            self.env.invalidate_all()
            Report = self.env["ir.actions.report"].with_context(expiry_prefetch_payments=batch)
            html[batch] = str(Report._render_qweb_html(report, moves.ids)[0])
        self.assertEqual(html[True], html[False])
        self.assertEqual(html[False].count("Paid on"), 7, "the payment lines are in the report")
        # and what the collection e-mails attach: the batch's own rendering, split per invoice
        parts, kind = moves._expiry_render_invoices(report)
        self.assertEqual(kind, "html")
        for move in moves:
            self.assertEqual(
                parts[move.id].decode().count("Paid on"),
                len(self._partials(move, False)[move.id]),
                move.name,
            )


@tagged("post_install", "-at_install")
@freeze_time("2027-03-10 10:00:00")
class TestCollectionTemplatesRenderAsOdoo(TemplateRenderMixin, CollectionCase):
    """Every template the collection ships (invoices, instalments; SMS too),
    rendered on a batch with the body compiled once, as Odoo renders it."""

    #: models of shipped templates that the core's tests render (test_mail_render_compiled)
    RENDERED_ELSEWHERE = {"expiry.deadline"}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("fr_FR")
        cls.other_customer.write({"lang": "fr_FR", "mobile": "+33 6 12 34 56 78"})
        cls.escaped = cls.env["res.partner"].create(
            {"name": "Óscar <Ö> & Co", "email": "oscar@example.com", "mobile": "+34 600 000 000"}
        )

    def _records(self):
        """{model: a batch of varied records}: invoices in two languages, paid
        and unpaid, with and without a deadline; a payment plan's instalments."""
        deadline = self._create_deadline(200)
        french = self._create_deadline(150, partner_id=self.other_customer, description="Flotte « Or »")
        escaped = self._create_deadline(90, partner_id=self.escaped, user_id=False)
        first = self._invoice(deadline, -5, 450.0)
        second = self._invoice(deadline, -40, 125.0)
        self._pay(second, amount=25.0)
        moves = (
            first
            | second
            | self._invoice(french, -15, 300.0)
            | self._invoice(french, -60, 99.99)
            | self._invoice(escaped, -3, 1234.5)
        )
        moves |= self._invoice(escaped, -30, 10.0)
        plan = self._plan(deadline)
        self.assertGreaterEqual(len(plan.line_ids), 2)
        return {"account.move": moves, "expiry.collection.plan.line": plan.line_ids}

    def test_every_shipped_template_renders_as_odoo(self):
        records = self._records()
        templates = self._shipped_templates()
        collection = templates.filtered(
            lambda t: t.get_external_id()[t.id].startswith("expiry_management_collection.")
        )
        self.assertEqual(
            set(collection.mapped("model")),
            set(records),
            "the collection's templates, on invoices and instalments",
        )
        for template in templates:
            if template.model in records:
                self.assertRendersAsOdoo(template, records[template.model])
            else:
                self.assertIn(
                    template.model,
                    self.RENDERED_ELSEWHERE,
                    f"{template.name}: no test compares its rendering with Odoo's (add it to one)",
                )
        sms_templates = self._shipped_templates("sms.template")
        self.assertTrue(sms_templates, "the collection ships SMS templates")
        for template in sms_templates:
            if template.model in records:
                self.assertSmsRendersAsOdoo(template, records[template.model])
            else:
                # the core's SMS of the renewal ladder (test_reminder_channels)
                self.assertIn(template.model, self.RENDERED_ELSEWHERE, f"{template.name}: add records here")


@tagged("post_install", "-at_install")
class TestOdooInternalsOfThePaymentsPrefetch(OdooInternalsMixin, CollectionCase):
    """models/account_move.py copies account.move
    _get_all_reconciled_invoice_partials (without exchange differences): if
    Odoo changes it, this fails before an invoice PDF does."""

    OVERRIDE = "expiry_management_collection/models/account_move.py"

    def test_the_odoo_method_the_override_copies_is_unchanged(self):
        self.assertSignature(OdooAccountMove._get_all_reconciled_invoice_partials, "(self)")
        self.assertSourceUnchanged(
            OdooAccountMove._get_all_reconciled_invoice_partials, "240dde04a2350c79", self.OVERRIDE
        )
        self.assertOnlyOverriddenBy(
            "account.move",
            "_get_all_reconciled_invoice_partials",
            ("account", "expiry_management_collection"),
        )

    def test_same_keys_as_odoos_partials(self):
        deadline = self._create_deadline(200)
        move = self._invoice(deadline, -5, 300.0)
        self._pay(move, amount=100.0)
        for batch in (True, False):
            move.invalidate_recordset()
            partials = move.with_context(
                expiry_prefetch_payments=batch
            )._get_all_reconciled_invoice_partials()
            self.assertEqual(len(partials), 1)
            self.assertEqual(
                set(partials[0]), {"aml_id", "aml", "partial_id", "amount", "currency", "is_exchange"}, batch
            )
