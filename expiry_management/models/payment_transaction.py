# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Payments of renewal orders: the same gate whatever the route.

- a payment being created (shop checkout, /my/orders, payment link, token)
  is refused for a renewal that could no longer apply;
- a payment completing an order paid in part releases its renewals then;
- a refund, or a done payment voided afterwards, reverts them.
"""

from odoo import api, models

from .sale_order import NOT_PAYING_OPERATIONS


class PaymentTransaction(models.Model):
    _inherit = "payment.transaction"

    @api.model_create_multi
    def create(self, vals_list):
        transactions = super().create(vals_list)
        # Customer payments of quotations and orders (not refunds, not the
        # partial captures of an authorized payment, not card validations).
        paying = transactions.filtered(
            lambda tx: tx.operation not in NOT_PAYING_OPERATIONS and not tx.source_transaction_id
        )
        paying.sale_order_ids._expiry_check_payable()
        return transactions

    def _expiry_orders(self):
        """The orders a transaction pays or refunds."""
        return self.sale_order_ids | self.source_transaction_id.sale_order_ids

    def _update_state(self, allowed_states, target_state, state_message):
        was_done = self.filtered(lambda tx: tx.state == "done")
        updated = super()._update_state(allowed_states, target_state, state_message)
        if target_state in ("cancel", "error"):
            for tx in updated & was_done:
                tx._expiry_orders()._expiry_payment_reversed(tx, voided=True)
        elif target_state == "done":
            for tx in updated.filtered(lambda tx: tx.operation == "refund"):
                tx._expiry_orders()._expiry_payment_reversed(tx)
        return updated

    def _post_process(self):
        result = super()._post_process()
        # An order confirmed on a partial payment renews when a later payment
        # completes it (the confirmation itself went through the gate).
        paid = self.filtered(lambda tx: tx.state == "done" and tx.operation not in NOT_PAYING_OPERATIONS)
        paid.sale_order_ids._expiry_release_renewals()
        return result
