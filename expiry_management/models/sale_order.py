# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.tools import SQL

# Payment transactions that bring no money in for an order: refunds and card
# validations. Every other one pays (whatever its operation, even none).
NOT_PAYING_OPERATIONS = ("refund", "validation")


class SaleOrder(models.Model):
    _inherit = "sale.order"

    deadline_ids = fields.Many2many(
        "expiry.deadline",
        compute="_compute_deadline_ids",
        string="Renewed Deadlines",
    )
    deadline_count = fields.Integer(compute="_compute_deadline_ids")
    expiry_renewal_released = fields.Boolean(
        string="Renewals Released",
        copy=False,
        readonly=True,
        groups="base.group_user",
        help="The order passed the renewal gate: it is confirmed and, when it is paid online, "
        "paid in full, so its renewal lines were applied (or skipped and reported).",
    )

    def _expiry_check_gate_flag(self, vals_list):
        """The gate's flag is the gate's own: nobody sets it, by create, write
        or a default of the context."""
        if self.env.su:
            return
        if "default_expiry_renewal_released" in self.env.context or any(
            "expiry_renewal_released" in vals for vals in vals_list
        ):
            raise AccessError(
                self.env._("Whether an order's renewals were released is decided by the renewal gate only.")
            )

    @api.model_create_multi
    def create(self, vals_list):
        self._expiry_check_gate_flag(vals_list)
        return super().create(vals_list)

    def write(self, vals):
        self._expiry_check_gate_flag([vals])
        return super().write(vals)

    @api.depends("order_line.deadline_id")
    def _compute_deadline_ids(self):
        for order in self:
            order.deadline_ids = order.order_line.deadline_id
            order.deadline_count = len(order.deadline_ids)

    def _action_confirm(self):
        # Every confirmation path (button, signature, payment, zero-amount
        # checkout) goes through here; the renewals go through the gate.
        result = super()._action_confirm()
        self._expiry_release_renewals(at_confirmation=True)
        return result

    def _action_cancel(self):
        result = super()._action_cancel()
        # sudo: the flag is the gate's own bookkeeping, reset for a re-confirmation
        self.sudo().filtered("expiry_renewal_released").expiry_renewal_released = False
        self.order_line._expiry_rollback_renewals()
        return result

    def action_view_deadlines(self):
        self.ensure_one()
        self._expiry_check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id("expiry_management.action_expiry_deadline")
        if self.deadline_count == 1:
            action.update(views=[(False, "form")], res_id=self.deadline_ids.id)
        else:
            action["domain"] = [("id", "in", self.deadline_ids.ids)]
        action["context"] = {"create": False}
        return action

    # ------------------------------------------------------------------
    # The gate: where money becomes a renewal
    # ------------------------------------------------------------------
    def _expiry_paying_transactions(self):
        """The order's online payments: authorized or done transactions that
        bring money in. A pending one (a wire transfer announced through the
        "custom" provider) is not: the salesperson confirms such an order by
        hand when the money arrives, and it renews then, as any back-office
        order. (The helpers below read payments: call them on a sudo order.)"""
        self.ensure_one()
        return self.transaction_ids.filtered(
            lambda tx: tx.operation not in NOT_PAYING_OPERATIONS and tx.state in ("authorized", "done")
        )

    def _expiry_is_paid_online(self):
        """Whether the order is paid online: it has (authorized or done)
        payment transactions. An order confirmed by hand without one is the
        salesperson's decision and renews at confirmation, whatever the
        prepayment the company asks online."""
        self.ensure_one()
        return bool(self._expiry_paying_transactions())

    def _expiry_amount_paid_online(self):
        """What the done transactions brought in, net of the done refunds."""
        self.ensure_one()
        transactions = self.transaction_ids
        payments = transactions.filtered(
            lambda tx: tx.state == "done" and tx.operation not in NOT_PAYING_OPERATIONS
        )
        refunds = (transactions | transactions.child_transaction_ids).filtered(
            lambda tx: tx.state == "done" and tx.operation == "refund"
        )
        # refunds are negative amounts
        return sum(payments.mapped("amount")) + sum(refunds.mapped("amount"))

    def _expiry_invoices_paid(self):
        """Whether the whole order is invoiced and its invoices are paid with
        money (not written off, not by a voided payment)."""
        self.ensure_one()
        invoices = self.invoice_ids.filtered(lambda m: m.state == "posted" and m.move_type == "out_invoice")
        return (
            bool(invoices)
            and self.invoice_status == "invoiced"
            and all(move._expiry_is_paid_with_money() for move in invoices)
        )

    def _expiry_is_paid_in_full(self):
        self.ensure_one()
        # sudo: the payments and invoices of this order, to decide on its renewals
        order = self.sudo()
        paid = order._expiry_amount_paid_online()
        return (
            order.currency_id.compare_amounts(paid, order.amount_total) >= 0 or order._expiry_invoices_paid()
        )

    def _expiry_renewal_awaits_payment(self):
        """An order paid online renews when paid in full, not before."""
        self.ensure_one()
        # sudo: the payments and invoices of this order, to decide on its renewals
        order = self.sudo()
        return order._expiry_is_paid_online() and not order._expiry_is_paid_in_full()

    def _expiry_release_renewals(self, at_confirmation=False):
        """The one gate where money becomes a renewal: a confirmed order renews
        its deadlines, and an order paid online only once paid in full (a
        partial prepayment confirms the order, the renewal waits). At that
        moment every line is checked again (sale.order.line._expiry_get_skip_reason),
        whatever the route that got here: what fails is skipped and reported.
        Once per confirmation (idempotent: webhooks, status polls, re-runs)."""
        # sudo: called by confirmations and payments of any user (public user's
        # payment); each order is one the caller confirmed or paid.
        for order in self.sudo():
            if order.state != "sale" or order.expiry_renewal_released:
                continue
            lines = order.order_line.filtered("deadline_id")
            if not lines:
                continue
            if order._expiry_renewal_awaits_payment():
                if at_confirmation:
                    order._expiry_report_renewal_deferred(lines)
                continue
            order.expiry_renewal_released = True
            lines._expiry_apply_renewals()

    def _expiry_report_renewal_deferred(self, lines):
        self.ensure_one()
        self.message_post(
            body=Markup("<p>%s</p>")
            % self.env._(
                "Confirmed before being paid in full: the renewal of %(deadlines)s applies when "
                "the order is paid in full.",
                deadlines=", ".join(lines.deadline_id.mapped("name")),
            ),
            subtype_xmlid="mail.mt_note",
        )

    def _expiry_check_payable(self):
        """Refuse the payment of a quotation or cart (a transaction being
        created, whatever the route) for a renewal the gate would skip: the
        same rule, asked before the money moves, so that the customer is told
        instead of refunded."""
        # sudo: the orders being paid by the caller (the payment routes check the
        # order's access token before creating the transaction)
        orders = self.sudo()
        deadlines = orders.filtered(lambda order: order.state in ("draft", "sent")).order_line.deadline_id
        if deadlines:
            # the automatic renewal (expiry.deadline._cron_auto_renew) holds its
            # deadlines locked: this payment waits for it (then sees its cart
            # cancelled), and a renewal being paid is skipped by it meanwhile
            self.env.cr.execute(
                SQL(
                    "SELECT id FROM expiry_deadline WHERE id IN %s ORDER BY id FOR NO KEY UPDATE",
                    tuple(deadlines.ids),
                )
            )
        for order in orders:
            if order.state == "cancel" and order.order_line.filtered("deadline_id"):
                # e.g. cancelled by the automatic renewal while the customer was paying
                raise ValidationError(
                    self.env._(
                        "The renewal order %(order)s is cancelled: it can no longer be paid. "
                        "Please check your deadline page, or contact us.",
                        order=order.name,
                    )
                )
            if order.state not in ("draft", "sent"):
                # a confirmed order is due as agreed: the rest of a partial
                # payment is taken, the gate skips and reports what fails
                continue
            for line in order.order_line.filtered("deadline_id"):
                reason = line._expiry_get_skip_reason()
                if reason:
                    raise ValidationError(
                        self.env._(
                            "The renewal of %(deadline)s cannot be paid: %(reason)s "
                            "Please remove it from your cart and renew it again from your "
                            "deadline page, or contact us.",
                            deadline=line.deadline_id.name,
                            reason=reason,
                        )
                    )

    # ------------------------------------------------------------------
    # The way back: a refunded or voided payment
    # ------------------------------------------------------------------
    def _expiry_arrears_amount(self):
        """What of this order's total pays older invoices (the portal's
        arrears lines), not its renewals: none in the core."""
        self.ensure_one()
        return 0.0

    def _expiry_arrears_reopen(self, transaction):
        """The renewals of this order were undone by ``transaction``: reopen
        the older invoices its payment settled (the portal's arrears). Nothing
        in the core."""
        self.ensure_one()

    def _expiry_payment_reversed(self, transaction, voided=False):
        """``transaction`` (a refund, or a voided payment) took money back:
        revert the renewals when the order had been paid in full online and no
        longer is paid in full (online or by its invoices); otherwise (the
        order was confirmed by hand, or its invoice is paid by other money, or
        only part came back) keep them and say so."""
        # sudo: called from the payment provider's notification (public user)
        for order in self.sudo():
            lines = order.order_line.filtered("deadline_id")
            if not lines:
                continue
            now = order._expiry_amount_paid_online()
            # refunds are negative amounts; a voided payment no longer counts
            before = now + transaction.amount if voided else now - transaction.amount
            currency = order.currency_id
            was_paid_online = currency.compare_amounts(before, order.amount_total) >= 0
            arrears = order._expiry_arrears_amount()
            if voided:
                gone = not order._expiry_is_paid_in_full()
            elif arrears:
                # what older invoices the order carried (the portal's arrears)
                # counts as paid first: the renewal goes when what is still
                # paid no longer covers the renewal's own part
                gone = (
                    currency.compare_amounts(now, order.amount_total - arrears) < 0
                    and not order._expiry_invoices_paid()
                )
            else:
                # a refund in part keeps the renewal, as a partial credit note does
                gone = currency.compare_amounts(now, 0) <= 0 and not order._expiry_invoices_paid()
            if was_paid_online and gone:
                order._expiry_arrears_reopen(transaction)
                reason = (
                    self.env._("the payment %(reference)s was voided", reference=transaction.reference)
                    if voided
                    else self.env._(
                        "the payment was refunded (%(reference)s)", reference=transaction.reference
                    )
                )
                # the order stays released: a later payment or reconciliation
                # does not renew again what the refund took back
                lines._expiry_revert_renewals(reason)
            else:
                order.message_post(
                    body=Markup("<p>%s</p>")
                    % self.env._(
                        "Payment %(reference)s was refunded or voided in part: the renewal of "
                        "%(deadlines)s is kept; adjust the deadline by hand if this ends the contract.",
                        reference=transaction.reference,
                        deadlines=", ".join(lines.deadline_id.mapped("name")),
                    ),
                    subtype_xmlid="mail.mt_note",
                )
