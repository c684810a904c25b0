# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    deadline_id = fields.Many2one(
        "expiry.deadline",
        string="Renewed Deadline",
        copy=False,
        index="btree_not_null",
        ondelete="restrict",
        help="Confirming the order extends this deadline by the product's renewal duration.",
    )
    deadline_term_ids = fields.One2many("expiry.deadline.term", "sale_order_line_id")

    @api.constrains("deadline_id", "order_partner_id")
    def _check_deadline_partner(self):
        for line in self.sudo().filtered("deadline_id"):
            if line.deadline_id.commercial_partner_id != line.order_id.partner_id.commercial_partner_id:
                raise ValidationError(
                    _(
                        "Deadline %(deadline)s belongs to %(owner)s: it cannot be renewed on an order of %(customer)s.",
                        deadline=line.deadline_id.name,
                        owner=line.deadline_id.commercial_partner_id.display_name,
                        customer=line.order_id.partner_id.commercial_partner_id.display_name,
                    )
                )
            if line.deadline_id.company_id != line.order_id.company_id:
                raise ValidationError(
                    _(
                        "Deadline %(deadline)s belongs to another company than order %(order)s.",
                        deadline=line.deadline_id.name,
                        order=line.order_id.name,
                    )
                )

    def _expiry_apply_renewals(self):
        """Extend the linked deadlines, once per line (confirmed orders)."""
        lines = self.sudo().filtered("deadline_id")
        if not lines:
            return
        # The constraint runs on the line's own writes; check again here in
        # case the order's customer changed since the line was added.
        lines._check_deadline_partner()
        applied = (
            self.env["expiry.deadline.term"]
            .sudo()
            .search([("sale_order_line_id", "in", lines.ids), ("state", "=", "done")])
            .sale_order_line_id
        )
        for line in lines - applied:
            line.deadline_id._apply_renewal(product=line.product_id, sale_line=line)

    def _expiry_rollback_renewals(self):
        terms = self.sudo().deadline_term_ids.filtered(lambda t: t.state == "done")
        terms._rollback()
