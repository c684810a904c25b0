# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Payments of renewal orders: the same gate whatever the route.

- a payment being created (shop checkout, /my/orders, payment link, token)
  is refused for a renewal that could no longer apply;
- a payment completing an order paid in part releases its renewals then;
- a refund, or a done payment voided afterwards, reverts them;
- the outcome of an automatic renewal's charge (expiry.renewal.charge) is
  told to it, whenever the provider tells it.
"""

import datetime

from odoo import api, fields, models

from .sale_order import NOT_PAYING_OPERATIONS

#: a payment the customer started (draft) and left no longer counts as under
#: way this many days after it was started
STALE_DRAFT_DAYS = 2


class PaymentTransaction(models.Model):
    _inherit = "payment.transaction"

    expiry_renewal_charge_id = fields.Many2one(
        "expiry.renewal.charge",
        string="Renewal Charge",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
        copy=False,
        groups="base.group_user",
        help="The automatic renewal whose invoice this transaction charges.",
    )

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
        """The orders a transaction pays or refunds: its own, or the renewal
        order of the automatic renewal whose invoice it charges."""
        # sudo: the renewal order of the charge this transaction (or its source) pays
        charges = (self | self.source_transaction_id).sudo().expiry_renewal_charge_id
        return self.sale_order_ids | self.source_transaction_id.sale_order_ids | charges.order_id

    def _expiry_under_way(self, today):
        """The payments of ``self`` under way on ``today`` (a date): pending
        or authorized (the provider tells later), done but not post-processed
        yet (the payment is being recorded), or draft and started less than
        STALE_DRAFT_DAYS ago (one the customer started and left does not block
        forever). The one rule of "being paid" of the automatic renewal (a
        renewal the customer pays wins) and of its charge (no new charge while
        a payment of the invoice is under way)."""
        cutoff = today - datetime.timedelta(days=STALE_DRAFT_DAYS)
        return self.filtered(
            lambda tx: tx.operation not in NOT_PAYING_OPERATIONS
            and (
                tx.state in ("pending", "authorized")
                or (tx.state == "done" and not tx.is_post_processed)
                or (tx.state == "draft" and (tx.create_date or fields.Datetime.now()).date() > cutoff)
            )
        )

    def _update_state(self, allowed_states, target_state, state_message):
        was_done = self.filtered(lambda tx: tx.state == "done")
        updated = super()._update_state(allowed_states, target_state, state_message)
        if target_state in ("cancel", "error"):
            for tx in updated & was_done:
                tx._expiry_orders()._expiry_payment_reversed(tx, voided=True)
        elif target_state == "done":
            for tx in updated.filtered(lambda tx: tx.operation == "refund"):
                tx._expiry_orders()._expiry_payment_reversed(tx)
        # sudo: the provider's notification (public user) tells the renewal charge its outcome
        for tx in updated.sudo().filtered("expiry_renewal_charge_id"):
            tx.expiry_renewal_charge_id._expiry_sync_transaction(tx)
        return updated

    def _post_process(self):
        result = super()._post_process()
        # An order confirmed on a partial payment renews when a later payment
        # completes it (the confirmation itself went through the gate).
        paid = self.filtered(lambda tx: tx.state == "done" and tx.operation not in NOT_PAYING_OPERATIONS)
        paid.sale_order_ids._expiry_release_renewals()
        return result
