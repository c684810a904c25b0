# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import ast
from datetime import date

from odoo.tests import freeze_time, tagged

from .common import ExpiryCommon


@tagged("post_install", "-at_install")
@freeze_time("2027-03-10 12:00:00")
class TestCollection(ExpiryCommon):
    def _invoiced_renewal(self, deadline):
        order = self.env["sale.order"].browse(deadline.action_renew()["res_id"])
        order.action_confirm()
        invoice = order._create_invoices()
        invoice.invoice_date_due = date(2027, 3, 1)
        invoice.action_post()
        return invoice

    def _pay(self, invoice, amount=None):
        wizard = (
            self.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"amount": amount} if amount else {})
        )
        wizard._create_payments()

    def test_unpaid_renewal_invoice_is_followed_up_until_paid(self):
        deadline = self._create_deadline(date(2027, 3, 31), price_unit=500)
        untouched = self._create_deadline(date(2027, 3, 31))
        invoice = self._invoiced_renewal(deadline)
        self.assertTrue(deadline.renewal_unpaid)
        self.assertEqual(deadline.renewal_invoice_ids, invoice)
        self.assertEqual(deadline.renewal_amount_due, invoice.amount_residual)
        self.assertEqual(invoice.expiry_deadline_id, deadline)
        self.assertEqual(invoice.expiry_days_overdue, 9)
        Deadline = self.env["expiry.deadline"]
        ids = (deadline | untouched).ids
        self.assertEqual(Deadline.search([("id", "in", ids), ("renewal_unpaid", "=", True)]), deadline)
        self.assertEqual(Deadline.search([("id", "in", ids), ("renewal_unpaid", "=", False)]), untouched)
        action = self.env.ref("expiry_management.action_expiry_unpaid_renewals")
        self.assertIn(invoice, self.env["account.move"].search(ast.literal_eval(action.domain)))

        self._pay(invoice, amount=invoice.amount_residual / 2)
        deadline.invalidate_recordset()
        self.assertTrue(deadline.renewal_unpaid)
        self.assertEqual(invoice.payment_state, "partial")

        self._pay(invoice)
        deadline.invalidate_recordset()
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self.assertFalse(deadline.renewal_unpaid)
        self.assertEqual(deadline.renewal_amount_due, 0)
        self.assertNotIn(invoice, self.env["account.move"].search(ast.literal_eval(action.domain)))

    def test_collection_call_is_planned_for_the_salesperson(self):
        deadline = self._create_deadline(date(2027, 3, 31))
        invoice = self._invoiced_renewal(deadline)
        invoice.action_expiry_schedule_collection_call()
        activity = invoice.activity_ids
        self.assertEqual(
            activity.activity_type_id, self.env.ref("expiry_management.mail_activity_type_payment_reminder")
        )
        self.assertEqual(activity.date_deadline, date(2027, 3, 10))
