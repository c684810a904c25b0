# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The arrears line of a portal renewal (sale_order_arrears.py): the overdue
invoice whose residual it carries; never invoiced again, never priced by the
pricelist, linked by this module's own code only."""

from odoo import api, fields, models
from odoo.exceptions import AccessError

#: context key of this module's own code linking an arrears line to its invoice
ARREARS_LINK_CONTEXT_KEY = "expiry_arrears_link"


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    expiry_arrears_move_id = fields.Many2one(
        "account.move",
        string="Overdue Invoice Paid Here",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="restrict",
        check_company=True,
        groups="base.group_user",
        help="The overdue invoice whose residual this line carries into the online renewal's "
        "checkout: the payment settles it, the line is never invoiced again.",
    )

    def _expiry_check_arrears_link(self, vals_list):
        """The invoice link is this module's own (the checkout sets it from the
        deadline's overdue invoices): nobody sets it by create, write or a
        default of the context (as the core's _expiry_check_gate_flag)."""
        if self.env.su or self.env.context.get(ARREARS_LINK_CONTEXT_KEY):
            return
        if "default_expiry_arrears_move_id" in self.env.context or any(
            "expiry_arrears_move_id" in vals for vals in vals_list
        ):
            raise AccessError(
                self.env._("Which overdue invoice an order line pays is set by the online renewal only.")
            )

    @api.model_create_multi
    def create(self, vals_list):
        self._expiry_check_arrears_link(vals_list)
        return super().create(vals_list)

    def write(self, vals):
        self._expiry_check_arrears_link([vals])
        return super().write(vals)

    def _expiry_arrears_lines(self):
        # sudo: the lines' own field (readable by employees only), to tell them apart
        return self.filtered(lambda line: line.sudo().expiry_arrears_move_id)

    def _is_not_sellable_line(self):
        # the cart shows no quantity controls for it (nor may it be changed)
        return bool(self._expiry_arrears_lines()) or super()._is_not_sellable_line()

    # An arrears line is invoiced already (by the overdue invoice it pays):
    # nothing to invoice, and "invoiced" once the order is confirmed so that the
    # order's invoice status is the renewal's (Odoo's order status is "no" as
    # soon as one line is "no" and none is "to invoice").
    @api.depends("expiry_arrears_move_id")
    def _compute_qty_to_invoice(self):
        arrears = self._expiry_arrears_lines()
        result = super(SaleOrderLine, self - arrears)._compute_qty_to_invoice()
        arrears.qty_to_invoice = 0.0
        return result

    @api.depends("expiry_arrears_move_id")
    def _compute_invoice_status(self):
        arrears = self._expiry_arrears_lines()
        result = super(SaleOrderLine, self - arrears)._compute_invoice_status()
        for line in arrears:
            line.invoice_status = "invoiced" if line.state == "sale" else "no"
        return result

    @api.depends("expiry_arrears_move_id")
    def _compute_untaxed_amount_to_invoice(self):
        arrears = self._expiry_arrears_lines()
        result = super(SaleOrderLine, self - arrears)._compute_untaxed_amount_to_invoice()
        arrears.untaxed_amount_to_invoice = 0.0
        return result

    # The price is the invoice's residual, set by the order: no pricelist,
    # discount or tax computation touches it.
    def _compute_price_unit(self):
        return super(SaleOrderLine, self - self._expiry_arrears_lines())._compute_price_unit()

    def _compute_discount(self):
        return super(SaleOrderLine, self - self._expiry_arrears_lines())._compute_discount()

    def _compute_tax_id(self):
        arrears = self._expiry_arrears_lines()
        result = super(SaleOrderLine, self - arrears)._compute_tax_id()
        arrears.tax_id = False
        return result
