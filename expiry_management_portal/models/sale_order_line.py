# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import float_compare


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    deadline_expiry_ordered = fields.Date(
        string="Expiry When Ordered",
        copy=False,
        readonly=True,
        help="Expiry date of the renewed deadline when the customer put it in "
        "the cart. If the deadline was renewed since (another order, two "
        "carts), confirming this order does not extend it a second time.",
    )

    @api.constrains("product_uom_qty", "deadline_id")
    def _check_online_renewal_quantity(self):
        """In a website cart, a renewal renews the deadline's quantity: no
        route of the shop may lower or raise it (the price follows it)."""
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
        reason = super()._expiry_get_skip_reason()
        if reason:
            return reason
        line = self.sudo()
        if line.deadline_expiry_ordered and line.deadline_id.date_expiry != line.deadline_expiry_ordered:
            return self.env._(
                "it was already renewed (now expiring on %(date)s) after the customer ordered it.",
                date=line.deadline_id.date_expiry,
            )
        return False

    def _expiry_check_portal_renewal_still_valid(self):
        """Raise a ValidationError when this cart renewal line cannot be paid."""
        for line in self.sudo():
            deadline = line.deadline_id
            if not deadline:
                continue
            if line.deadline_expiry_ordered and deadline.date_expiry != line.deadline_expiry_ordered:
                raise ValidationError(
                    self.env._(
                        "%(deadline)s has already been renewed (it now expires on %(date)s). "
                        "Please remove it from your cart.",
                        deadline=deadline.display_name,
                        date=deadline.date_expiry,
                    )
                )
            error = deadline._get_portal_renewal_error(line.order_id.partner_id)
            if error:
                raise ValidationError(error + " " + self.env._("Please remove it from your cart."))
