# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The payment of a portal renewal carrying arrears (sale_order_arrears.py):
one payment of the whole order, the only one, while no other payment of the
overdue invoice is under way; the overdue invoices are linked to it once it
is done and pays the whole order (account_payment's _create_payment then
reconciles the one payment with them), and only those still open."""

from markupsafe import Markup

from odoo import SUPERUSER_ID, Command, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import format_amount

from odoo.addons.expiry_management.models.sale_order import NOT_PAYING_OPERATIONS

#: the states of an overdue invoice a payment may still settle
OPEN_PAYMENT_STATES = ("not_paid", "partial")


class PaymentTransaction(models.Model):
    _inherit = "payment.transaction"

    def _expiry_is_customer_payment(self):
        self.ensure_one()
        return self.operation not in NOT_PAYING_OPERATIONS and not self.source_transaction_id

    @api.model_create_multi
    def create(self, vals_list):
        # the core's create asks the payment gate (sale.order._expiry_check_payable:
        # a stale overdue amount is refused, the overdue invoices are locked)
        transactions = super().create(vals_list)
        paying = transactions.filtered(lambda tx: tx._expiry_is_customer_payment())
        paying._expiry_check_arrears_payment()
        paying._expiry_check_invoice_payment()
        return transactions

    def _expiry_check_invoice_payment(self):
        """The payment of an invoice (its own portal page) is refused while a
        renewal checkout carrying it is being paid: the checkout links it only
        once its payment is done. (An automatic renewal's charge is the daily
        pass's: not refused here, see expiry.renewal.charge.)"""
        today = fields.Date.today()
        # sudo: the invoices these new transactions pay, and the open orders carrying them
        for tx in self.sudo().filtered(lambda t: t.invoice_ids and not t.expiry_renewal_charge_id):
            lines = (
                self.env["sale.order.line"]
                .sudo()
                .search(
                    [
                        ("expiry_arrears_move_id", "in", tx.invoice_ids.ids),
                        ("order_id.state", "in", ("draft", "sent")),
                    ]
                )
            )
            under_way = (lines.order_id.transaction_ids - tx)._expiry_under_way(today)
            if under_way:
                raise ValidationError(
                    self.env._(
                        "A payment of the invoice %(invoice)s is under way (with a renewal): please wait "
                        "until it is done, then reload the page.",
                        invoice=lines.expiry_arrears_move_id[:1].name,
                    )
                )

    def _expiry_check_arrears_payment(self):
        """A quotation carrying arrears is paid once, in full: a payment of a
        part would be reconciled with the overdue invoice and leave the renewal
        unpaid, a second payment would pay again what the first one settled."""
        today = fields.Date.today()
        # sudo: the transactions just created for the caller's orders (the payment
        # routes checked the order's access token first)
        for tx in self.sudo():
            orders = tx.sale_order_ids.filtered(lambda order: order.state in ("draft", "sent"))
            moves = orders._expiry_arrears_moves()
            if not moves:
                continue
            if len(tx.sale_order_ids) != 1:
                raise ValidationError(
                    self.env._("A renewal carrying an overdue amount is paid alone, not with other orders.")
                )
            order = orders
            paid = (order.transaction_ids - tx).filtered(
                lambda other: other.operation not in NOT_PAYING_OPERATIONS
                and other.state in ("authorized", "done")
            )
            if paid:
                raise ValidationError(
                    self.env._(
                        "A payment of %(order)s was made already: the rest of a renewal carrying an "
                        "overdue amount cannot be paid online. Please contact us.",
                        order=order.name,
                    )
                )
            if tx.currency_id != order.currency_id or order.currency_id.compare_amounts(
                tx.amount, order.amount_total
            ):
                raise ValidationError(
                    self.env._(
                        "Your renewal includes the overdue amount: it is paid in one payment of the "
                        "whole amount (%(amount)s), not in part.",
                        amount=format_amount(self.env, order.amount_total, order.currency_id),
                    )
                )
            # another payment of the overdue invoice (its own page, an automatic
            # renewal's charge) would pay it twice
            under_way = (moves.transaction_ids - order.transaction_ids)._expiry_under_way(today)
            if under_way:
                raise ValidationError(
                    self.env._(
                        "A payment of the invoice %(invoice)s is under way: please wait until it is "
                        "done, then reload the page.",
                        invoice=(under_way.invoice_ids & moves)[:1].name,
                    )
                )

    # ------------------------------------------------------------------
    # The overdue invoices the done payment settles
    # ------------------------------------------------------------------
    def _post_process(self):
        # before account_payment creates the payment and reconciles it
        self._expiry_settle_arrears(report=True)
        return super()._post_process()

    def _invoice_sale_orders(self):
        # sale sets the transaction's invoices to the orders' new invoices
        # (Command.set): the overdue invoices it settles are linked again
        # sudo: the transactions being post-processed and their own orders' invoices
        linked = {tx: tx.invoice_ids & tx.sale_order_ids._expiry_arrears_moves() for tx in self.sudo()}
        result = super()._invoice_sale_orders()
        for tx, moves in linked.items():
            if moves - tx.invoice_ids:
                tx.invoice_ids = [Command.link(move.id) for move in moves - tx.invoice_ids]
        self._expiry_settle_arrears()
        return result

    def _expiry_settle_arrears(self, report=False):
        """Link to the done payment of an order carrying arrears the overdue
        invoices it settles, once the payment covers the whole order, and only
        those still posted and open: one cancelled, reset to draft or paid
        otherwise meanwhile is unlinked (never reconciled, never posted by the
        payment), and, with ``report``, told on the order and the invoice, with
        an activity for the salesperson (the money it carried is the customer's
        credit now)."""
        # sudo: the transactions being post-processed (the provider's
        # notification runs as the public user) and their own orders' invoices
        for tx in self.sudo().filtered(lambda t: t.state == "done" and t._expiry_is_customer_payment()):
            if tx.payment_id:
                # recorded already: a re-run changes nothing
                continue
            orders = tx.sale_order_ids
            carried = orders._expiry_arrears_moves()
            if not carried:
                continue
            payable = carried.filtered(
                lambda move: move.state == "posted" and move.payment_state in OPEN_PAYMENT_STATES
            )
            if (
                len(orders) != 1
                or orders.currency_id.compare_amounts(
                    orders._expiry_amount_paid_online(), orders.amount_total
                )
                < 0
            ):
                payable = payable.browse()
            unsettled = carried - payable
            commands = [Command.unlink(move.id) for move in unsettled & tx.invoice_ids]
            commands += [Command.link(move.id) for move in payable - tx.invoice_ids]
            if commands:
                tx.invoice_ids = commands
            if report and not tx.is_post_processed:
                for move in unsettled:
                    tx._expiry_report_unsettled_arrears(orders, move)

    def _expiry_report_unsettled_arrears(self, orders, move):
        self.ensure_one()
        line = orders.order_line.filtered(lambda line: line.expiry_arrears_move_id == move)[:1]
        body = self.env._(
            "The overdue invoice %(invoice)s was not settled by the payment %(reference)s: it is no "
            "longer open (%(state)s). The %(amount)s the payment carried for it are the customer's "
            "credit: allocate or refund them.",
            invoice=move.name or move.display_name,
            reference=self.reference,
            state=dict(move._fields["state"]._description_selection(self.env)).get(move.state)
            if move.state != "posted"
            else dict(move._fields["payment_state"]._description_selection(self.env)).get(move.payment_state),
            amount=format_amount(self.env, line.price_subtotal, line.currency_id or self.currency_id),
        )
        for record in (orders[:1], move):
            record.message_post(body=Markup("<p>%s</p>") % body, subtype_xmlid="mail.mt_note")
        order = orders[:1]
        order.activity_schedule(
            "mail.mail_activity_data_todo",
            summary=self.env._("Overdue invoice not settled by the payment"),
            note=body,
            user_id=(order.user_id or move.invoice_user_id).id or SUPERUSER_ID,
        )

    def _send_invoice(self):
        # the overdue invoices the payment settled were sent when issued
        # sudo: the orders' own arrears lines (an employees' field)
        moves = self.sudo().sale_order_ids._expiry_arrears_moves()
        return super(PaymentTransaction, self.with_context(expiry_arrears_move_ids=moves.ids))._send_invoice()
