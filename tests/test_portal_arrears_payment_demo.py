# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Issue 18, "one timeline per customer", paid through Odoo's demo payment
provider (payment_demo, installed on the database setup/test builds, on which
no addon of ours depends: hence here, run by pytest only): the portal
customer renews a deadline whose previous invoice is overdue, pays the one
checkout with the demo card, and both the overdue invoice and the renewal
invoice end paid, the deadline renewed once; a refund through the provider
undoes the renewal."""

import datetime

from odoo import Command, http
from odoo.tests import HttpCase, tagged

from odoo.addons.expiry_management_portal.tests.common import ExpiryPortalCommon


@tagged("post_install", "-at_install")
class TestPortalArrearsPaymentDemo(ExpiryPortalCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setUpExpiryPortal()
        cls.provider = cls.env.ref("payment.payment_provider_demo")
        cls.provider.write({"state": "test", "is_published": True})
        cls.method = cls.env.ref("payment_demo.payment_method_demo")
        due = cls.today - datetime.timedelta(days=20)
        cls.overdue = cls.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": cls.customer_a.id,
                "expiry_deadline_id": cls.deadline_a.id,
                "invoice_date": due - datetime.timedelta(days=30),
                "invoice_date_due": due,
                "invoice_line_ids": [
                    Command.create(
                        {"name": "Premium", "quantity": 1, "price_unit": 45.0, "tax_ids": [Command.clear()]}
                    )
                ],
            }
        )
        cls.overdue.action_post()

    def _renew_and_pay_with_the_demo_card(self):
        self.authenticate(self.portal_user_a.login, self.portal_user_a.login)
        self.url_open(
            f"/my/deadlines/{self.deadline_a.id}/renew",
            data={"csrf_token": http.Request.csrf_token(self)},
            allow_redirects=False,
        )
        order = self.env["sale.order.line"].search([("deadline_id", "=", self.deadline_a.id)]).order_id
        self.assertEqual(order.amount_total, 125.0, "the renewal (80.00) and the overdue amount (45.00)")
        self.make_jsonrpc_request(
            f"/shop/payment/transaction/{order.id}",
            {
                "provider_id": self.provider.id,
                "payment_method_id": self.method.id,
                "token_id": None,
                "amount": order.amount_total,
                "flow": "direct",
                "tokenization_requested": False,
                "landing_route": "/shop/payment/validate",
                "access_token": order._portal_ensure_token(),
            },
        )
        tx = order.transaction_ids
        self.assertEqual((len(tx), tx.provider_code), (1, "demo"))
        self.make_jsonrpc_request(
            "/payment/demo/simulate_payment",
            {"reference": tx.reference, "payment_details": "4242", "simulated_state": "done"},
        )
        # Odoo's post-processing (its scheduled action)
        tx._post_process()
        return order, tx

    def _check_paid_and_renewed_once(self, order, tx):
        self.overdue.invalidate_recordset()
        self.assertEqual(tx.state, "done")
        self.assertIn(self.overdue, tx.invoice_ids)
        self.assertIn(self.overdue.payment_state, ("paid", "in_payment"))
        self.assertEqual(order.state, "sale")
        self.assertEqual(len(self.deadline_a.term_ids.filtered(lambda t: t.state == "done")), 1)

    def test_the_demo_card_pays_the_overdue_and_the_renewal_invoice_at_once(self):
        self.env["ir.config_parameter"].sudo().set_param("sale.automatic_invoice", True)
        order, tx = self._renew_and_pay_with_the_demo_card()
        self._check_paid_and_renewed_once(order, tx)
        self.assertEqual(order.invoice_ids.amount_total, 80.0, "the arrears are not invoiced again")
        self.assertIn(order.invoice_ids.payment_state, ("paid", "in_payment"))

    def test_the_demo_card_pays_the_overdue_invoice_without_automatic_invoice(self):
        self.env["ir.config_parameter"].sudo().set_param("sale.automatic_invoice", False)
        order, tx = self._renew_and_pay_with_the_demo_card()
        self._check_paid_and_renewed_once(order, tx)
        self.assertFalse(order.invoice_ids)

    def test_a_refund_through_the_demo_provider_undoes_the_renewal(self):
        old_expiry = self.deadline_a.date_expiry
        _order, tx = self._renew_and_pay_with_the_demo_card()
        self.assertNotEqual(self.deadline_a.date_expiry, old_expiry)
        tx.action_refund()
        refund = tx.child_transaction_ids.filtered(lambda child: child.operation == "refund")
        self.assertEqual(refund.state, "done")
        refund._post_process()
        self.assertEqual(self.deadline_a.date_expiry, old_expiry)
        self.assertEqual(self.deadline_a.term_ids.state, "cancelled")
