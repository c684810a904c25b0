# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import float_compare, format_amount


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    deadline_expiry_ordered = fields.Date(
        string="Expiry When Ordered",
        copy=False,
        readonly=True,
        groups="base.group_user",
        help="Expiry date of the renewed deadline when the customer put it in "
        "the cart. If the deadline was renewed since (another order, two "
        "carts), confirming this order does not extend it a second time.",
    )
    deadline_price_ordered = fields.Float(
        string="Agreed Price When Ordered",
        digits="Product Price",
        copy=False,
        readonly=True,
        groups="base.group_user",
        help="Agreed unit price of the renewed deadline when the customer put it in the cart: "
        "if it changed since, the cart cannot be paid at the old price.",
    )

    @api.constrains("product_uom_qty", "deadline_id")
    def _check_online_renewal_quantity(self):
        """In a website cart, a renewal renews the deadline's quantity: no
        route of the shop may lower or raise it (the price follows it)."""
        # sudo: the lines being written by the caller; reads their deadline's quantity
        for line in self.sudo().filtered(lambda sol: sol.deadline_id and sol.order_id.website_id):
            if line.state not in ("draft", "sent"):
                continue
            quantity = line.deadline_id.quantity or 1.0
            if float_compare(
                line.product_uom_qty, quantity, precision_rounding=line.product_uom.rounding or 0.01
            ):
                raise ValidationError(
                    self.env._(
                        "The renewal of %(deadline)s is for %(quantity)s, as agreed: it cannot be changed online.",
                        deadline=line.deadline_id.display_name,
                        quantity=quantity,
                    )
                )

    def _expiry_get_skip_reason(self):
        """The core's rule, plus the online renewal's for a website cart line:
        asked when the payment is created and again when the renewal is
        released, whatever the payment route (the cart's checks at the time
        it was made may no longer hold)."""
        reason = super()._expiry_get_skip_reason()
        if reason:
            return reason
        # sudo: the order's own line and deadline (the gate runs for the payer)
        line = self.sudo()
        if not line.deadline_expiry_ordered:
            return False
        deadline = line.deadline_id
        if deadline.date_expiry != line.deadline_expiry_ordered:
            return self.env._(
                "it was already renewed (now expiring on %(date)s) after the customer ordered it.",
                date=deadline.date_expiry,
            )
        error = deadline._get_portal_renewal_error(line.order_id.partner_id, order=line.order_id)
        if error:
            return error
        return line._expiry_get_changed_terms_reason()

    def _expiry_get_changed_terms_reason(self):
        """Why the agreed terms of this cart renewal changed since it was put in
        the cart (the deadline's product, quantity or price), or False."""
        self.ensure_one()
        # sudo: the cart line's own deadline (quantity and price, agreed with the customer)
        line = self.sudo()
        deadline = line.deadline_id
        if line.product_id != deadline._get_renewal_product():
            return self.env._(
                "its product or service was changed to %(product)s after it was put in the cart.",
                product=deadline._get_renewal_product().display_name,
            )
        quantity = deadline.quantity or 1.0
        if float_compare(
            line.product_uom_qty, quantity, precision_rounding=line.product_uom.rounding or 0.01
        ):
            return self.env._(
                "its quantity was changed to %(quantity)s after it was put in the cart.",
                quantity=quantity,
            )
        if float_compare(
            deadline.price_unit,
            line.deadline_price_ordered,
            precision_digits=deadline.currency_id.decimal_places,
        ):
            return self.env._(
                "its price was changed to %(price)s after it was put in the cart.",
                price=format_amount(self.env, deadline.price_unit, deadline.currency_id),
            )
        return False
