# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The invoice copy really carries the invoice PDF, rendered by wkhtmltopdf
(tests render reports as HTML unless ``force_report_rendering`` is set)."""

import datetime
import shutil
import subprocess

from odoo import Command
from odoo.tests import freeze_time, tagged

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
