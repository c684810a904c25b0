# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, fields, models
from odoo.exceptions import ValidationError


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

    def _get_display_price(self):
        """A renewal is charged at the deadline's agreed unit price, when it
        has one in the order's currency; otherwise the pricelist applies."""
        deadline = self.deadline_id.sudo()
        if (
            deadline
            and deadline.price_unit
            and self.product_id == deadline.product_id
            and deadline.currency_id == self.order_id.currency_id
        ):
            return deadline.price_unit
        return super()._get_display_price()

    def _expiry_stale_renewal_lines(self):
        """Lines ordered for an expiry date the deadline no longer has, and
        not applied yet: their deadline was renewed by something else since."""
        lines = self.sudo().filtered(lambda line: line.deadline_id and line.deadline_expiry_ordered)
        if not lines:
            return lines
        applied = (
            self.env["expiry.deadline.term"]
            .sudo()
            .search([("sale_order_line_id", "in", lines.ids), ("state", "=", "done")])
            .sale_order_line_id
        )
        return (lines - applied).filtered(
            lambda line: line.deadline_id.date_expiry != line.deadline_expiry_ordered
        )

    def _expiry_apply_renewals(self):
        stale = self._expiry_stale_renewal_lines()
        for line in stale:
            line.order_id.message_post(
                body=_(
                    "%(deadline)s was not renewed by this order: it was already renewed "
                    "(now expiring on %(date)s) after the customer ordered it. "
                    "Refund or adjust the order.",
                    deadline=line.deadline_id._get_html_link(),
                    date=line.deadline_id.date_expiry,
                ),
                subtype_xmlid="mail.mt_note",
            )
        return super(SaleOrderLine, self - stale)._expiry_apply_renewals()

    def _expiry_check_portal_renewal_still_valid(self):
        """Raise a ValidationError when this cart renewal line cannot be paid."""
        for line in self.sudo():
            deadline = line.deadline_id
            if not deadline:
                continue
            if line.deadline_expiry_ordered and deadline.date_expiry != line.deadline_expiry_ordered:
                raise ValidationError(
                    _(
                        "%(deadline)s has already been renewed (it now expires on %(date)s). "
                        "Please remove it from your cart.",
                        deadline=deadline.display_name,
                        date=deadline.date_expiry,
                    )
                )
            error = deadline._get_portal_renewal_error(line.order_id.partner_id)
            if error:
                raise ValidationError(error + " " + _("Please remove it from your cart."))
