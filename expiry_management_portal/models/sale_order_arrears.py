# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""One timeline per customer (issue 18): the online renewal of a deadline
whose previous invoice is overdue carries the overdue amount in the same
checkout. Next to the renewal line, one arrears line per overdue invoice
(expiry.deadline._get_renewal_arrears: the rule of the renewal-push block):
its price is the invoice's residual, it is never invoiced again (the overdue
invoice is the invoice), the customer cannot change or remove it alone, and
the payment is linked to the overdue invoice too, so that Odoo's
account_payment reconciles the one payment with both invoices."""

from markupsafe import Markup

from odoo import Command, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, format_amount
from odoo.tools.misc import format_date

from odoo.addons.expiry_management.models.sale_order import NOT_PAYING_OPERATIONS

ARREARS_PRODUCT_XMLID = "expiry_management_portal.product_expiry_arrears"


class SaleOrder(models.Model):
    _inherit = "sale.order"

    # ------------------------------------------------------------------
    # What the renewals of this order carry
    # ------------------------------------------------------------------
    def _expiry_get_expected_arrears(self, strict=True):
        """``{invoice: (deadline, due date, residual)}``: the overdue invoices
        the renewal lines of this order carry (the deadline's current customer
        and company, due before the company's today, residual > 0). An invoice
        in another currency than the order's cannot be carried: a UserError
        (``strict``), or left out (then the payment is refused, readably)."""
        self.ensure_one()
        # sudo: the renewal lines and overdue invoices of the caller's own order
        order = self.sudo()
        deadlines = order.order_line.filtered(
            lambda line: line.deadline_id and not line.expiry_arrears_move_id
        ).deadline_id
        expected = {}
        customer = order.partner_id.commercial_partner_id
        for deadline_id, arrears in deadlines._get_renewal_arrears_by_deadline().items():
            deadline = deadlines.browse(deadline_id)
            for move, date_due, residual in arrears:
                # only the order's own customer's open invoices, of the order's company
                if (
                    move.commercial_partner_id != customer
                    or move.company_id != order.company_id
                    or move.state != "posted"
                ):
                    continue
                if move.currency_id != order.currency_id:
                    if not strict:
                        continue
                    raise UserError(
                        self.env._(
                            "The overdue invoice %(invoice)s of %(deadline)s is in %(currency)s, your renewal "
                            "in %(order_currency)s: they cannot be paid together. Please pay the invoice "
                            "first, or contact us.",
                            invoice=move.name,
                            deadline=deadline.display_name,
                            currency=move.currency_id.name,
                            order_currency=order.currency_id.name,
                        )
                    )
                expected[move] = (deadline, date_due, residual)
        return expected

    def _expiry_arrears_product(self):
        product = self.env.ref(ARREARS_PRODUCT_XMLID, raise_if_not_found=False)
        if not product:
            raise UserError(
                self.env._(
                    "The product carrying overdue amounts into online renewals is missing (it was "
                    "deleted?): please update the Expiry Management Portal module, or contact us."
                )
            )
        return product

    def _expiry_prepare_arrears_line_values(self, move, deadline, date_due, residual):
        self.ensure_one()
        product = self._expiry_arrears_product()
        renewal = self.order_line.filtered(lambda line: line.deadline_id == deadline)[:1]
        return {
            "order_id": self.id,
            "product_id": product.id,
            # the product's name, then the invoice (the cart shows the lines after the first)
            "name": "\n".join(
                (
                    product.with_context(lang=self.partner_id.lang).display_name,
                    self.env._(
                        "Overdue: %(invoice)s, due %(date)s",
                        invoice=move.name,
                        date=format_date(self.env, date_due),
                    ),
                )
            ),
            "product_uom_qty": 1.0,
            "price_unit": residual,
            "technical_price_unit": residual,
            "discount": 0.0,
            "tax_id": [Command.clear()],
            "expiry_arrears_move_id": move.id,
            "sequence": renewal.sequence if renewal else 10,
        }

    def _expiry_sync_arrears(self, strict=True):
        """Bring the arrears lines of these open orders up to date: one per
        overdue invoice of their renewals, at its residual of now; the line of
        an invoice paid since (or of a renewal removed) goes. ``strict``: see
        _expiry_get_expected_arrears."""
        # sudo: the caller's own orders (carts, the share link's quotation)
        for order in self.sudo().filtered(lambda o: o.state in ("draft", "sent")):
            lines = order.order_line.filtered("expiry_arrears_move_id")
            if not lines and not order.order_line.filtered("deadline_id"):
                continue
            expected = order._expiry_get_expected_arrears(strict=strict)
            to_unlink = lines.browse()
            to_write = []
            for line in lines:
                values = expected.pop(line.expiry_arrears_move_id, None)
                if values is None:
                    to_unlink |= line
                    continue
                new = order._expiry_prepare_arrears_line_values(line.expiry_arrears_move_id, *values)
                if order.currency_id.compare_amounts(line.price_unit, new["price_unit"]) or (
                    line.name != new["name"]
                ):
                    to_write.append(
                        (line, {key: new[key] for key in ("name", "price_unit", "technical_price_unit")})
                    )
            if (to_unlink or to_write or expected) and order._expiry_has_payment():
                # what a payment was made for is not changed under it
                raise UserError(
                    self.env._(
                        "A payment of %(order)s was made already: its overdue amount can no longer be "
                        "changed online. Please contact us.",
                        order=order.name,
                    )
                )
            to_unlink.unlink()
            for line, values in to_write:
                line.write(values)
            if expected:
                # sudo: the arrears lines of the caller's own order (see above)
                self.env["sale.order.line"].sudo().create(
                    [
                        order._expiry_prepare_arrears_line_values(move, *values)
                        for move, values in expected.items()
                    ]
                )

    def _expiry_get_stale_arrears_reason(self):
        """Why the arrears this open order carries are no longer what its
        renewals owe (an invoice paid or changed since, a new one overdue), or
        False. Asked when the payment is created: never a stale amount paid."""
        self.ensure_one()
        # sudo: the caller's own order (see _expiry_sync_arrears)
        order = self.sudo()
        expected = order._expiry_get_expected_arrears()
        carried = {
            line.expiry_arrears_move_id: line for line in order.order_line if line.expiry_arrears_move_id
        }
        for move, line in carried.items():
            if move not in expected:
                return self.env._("the invoice %(invoice)s was paid in the meantime.", invoice=move.name)
            residual = expected[move][2]
            if order.currency_id.compare_amounts(line.price_subtotal, residual):
                return self.env._(
                    "the overdue amount of %(invoice)s is now %(amount)s.",
                    invoice=move.name,
                    amount=format_amount(self.env, residual, order.currency_id),
                )
        # the portal's own renewals (the cart, the share link's quotation) carry
        # all of it; a salesperson's quotation is theirs to make
        missing = [move for move in expected if move not in carried]
        if missing and (order.website_id or order.expiry_guest_renewal):
            return self.env._("the invoice %(invoice)s is now overdue.", invoice=missing[0].name)
        return False

    def _expiry_has_payment(self):
        """Whether an (authorized or done) payment of this order was made."""
        self.ensure_one()
        # sudo: the order's own payments
        return bool(
            self.sudo().transaction_ids.filtered(
                lambda tx: tx.operation not in NOT_PAYING_OPERATIONS and tx.state in ("authorized", "done")
            )
        )

    def _expiry_check_payable(self):
        result = super()._expiry_check_payable()
        # sudo: the orders being paid by the caller (see the core's gate)
        moves = self.sudo().filtered(lambda o: o.state in ("draft", "sent"))._expiry_arrears_moves()
        if moves:
            # with the deadlines (the core's gate): two payments of the overdue
            # invoice (its own page, this checkout, an automatic renewal's charge)
            # wait for each other (payment.transaction._expiry_check_arrears_payment)
            self.env.cr.execute(
                SQL(
                    "SELECT id FROM account_move WHERE id IN %s ORDER BY id FOR NO KEY UPDATE",
                    tuple(moves.ids),
                )
            )
        # sudo: the orders being paid by the caller (see the core's gate)
        for order in self.sudo().filtered(lambda o: o.state in ("draft", "sent")):
            if not order.order_line.filtered(lambda line: line.deadline_id or line.expiry_arrears_move_id):
                continue
            reason = order._expiry_get_stale_arrears_reason()
            if reason:
                raise ValidationError(
                    self.env._(
                        "The overdue amount in your renewal changed: %(reason)s Please reload the page "
                        "(or renew again from your deadline page) to pay the amount of now.",
                        reason=reason,
                    )
                )
        return result

    # ------------------------------------------------------------------
    # The cart: the arrears follow their renewal, never changed alone
    # ------------------------------------------------------------------
    def _cart_update(self, product_id, line_id=None, add_qty=0, set_qty=0, **kwargs):
        result = super()._cart_update(product_id, line_id=line_id, add_qty=add_qty, set_qty=set_qty, **kwargs)
        # what cannot be carried does not stop the cart (the Renew route and the
        # payment refuse it, readably)
        self._expiry_sync_arrears(strict=False)
        return result

    def _verify_updated_quantity(self, order_line, product_id, new_qty, **kwargs):
        if order_line and order_line._expiry_arrears_lines():
            return 1.0, self.env._(
                "The overdue amount is part of your renewal: it goes when the renewal is removed."
            )
        return super()._verify_updated_quantity(order_line, product_id, new_qty, **kwargs)

    def _cart_update_order_line(self, product_id, quantity, order_line, **kwargs):
        if order_line and order_line._expiry_arrears_lines():
            # neither removed nor changed alone (removing its renewal removes it)
            return order_line
        return super()._cart_update_order_line(product_id, quantity, order_line, **kwargs)

    def _prepare_order_line_values(self, product_id, quantity, **kwargs):
        # the overdue amount comes with its renewal only (_expiry_sync_arrears),
        # never as a product of its own (it would be a line at no price)
        product = self.env.ref(ARREARS_PRODUCT_XMLID, raise_if_not_found=False)
        if product and product_id == product.id:
            raise UserError(self.env._("The overdue amount is added by the renewal of your deadline only."))
        return super()._prepare_order_line_values(product_id, quantity, **kwargs)

    def _get_copiable_order_lines(self):
        # a duplicate carries no overdue amount (the renewal of the copy brings it anew)
        return super()._get_copiable_order_lines() - self.order_line._expiry_arrears_lines()

    def _get_prepayment_required_amount(self):
        # the overdue amount is paid in full with the renewal, never a part of
        # it as a prepayment (it would end up in a down payment invoice)
        if self.order_line._expiry_arrears_lines():
            return self.amount_total
        return super()._get_prepayment_required_amount()

    # ------------------------------------------------------------------
    # Invoicing: the overdue invoice is the arrears' invoice
    # ------------------------------------------------------------------
    def _get_invoiceable_lines(self, final=False):
        return super()._get_invoiceable_lines(final=final) - self.order_line._expiry_arrears_lines()

    def _force_lines_to_invoice_policy_order(self):
        result = super()._force_lines_to_invoice_policy_order()
        self.order_line._expiry_arrears_lines().qty_to_invoice = 0.0
        return result

    def _expiry_arrears_moves(self):
        """The overdue invoices these orders' arrears lines pay."""
        # sudo: the orders' own arrears lines (an employees' field)
        return self.sudo().order_line.expiry_arrears_move_id

    # ------------------------------------------------------------------
    # The way back: a refund reopens the overdue invoice
    # ------------------------------------------------------------------
    def _expiry_arrears_amount(self):
        self.ensure_one()
        # sudo: the order's own arrears lines (an employees' field)
        return sum(self.sudo().order_line._expiry_arrears_lines().mapped("price_total"))

    def _expiry_arrears_reopen(self, transaction):
        """The renewal was undone by ``transaction`` (a refund, or a voided
        payment): the overdue invoices its payment settled are open again
        (their reconciliation with that payment is undone), so that the
        collection chases them; told on the order and on each invoice."""
        self.ensure_one()
        paying = transaction.source_transaction_id if transaction.operation == "refund" else transaction
        # sudo: the payments of this order's own transaction and the overdue invoices it settled
        paying = paying.sudo()
        payment_moves = (paying | paying.child_transaction_ids).payment_id.move_id
        if not payment_moves:
            return
        for move in self._expiry_arrears_moves():
            partials = (move.line_ids.matched_credit_ids | move.line_ids.matched_debit_ids).filtered(
                lambda partial: partial.credit_move_id.move_id in payment_moves
                or partial.debit_move_id.move_id in payment_moves
            )
            if not partials:
                continue
            partials.unlink()
            body = Markup("<p>%s</p>") % self.env._(
                "The renewal paid by %(reference)s was undone: the overdue invoice %(invoice)s that "
                "payment settled is open again.",
                reference=paying.reference,
                invoice=move.name,
            )
            # sudo: the note on the order whose payment was refunded (the provider's notification)
            for record in (self.sudo(), move):
                record.message_post(body=body, subtype_xmlid="mail.mt_note")
