# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    deadline_ids = fields.Many2many(
        "expiry.deadline",
        compute="_compute_deadline_ids",
        string="Renewed Deadlines",
    )
    deadline_count = fields.Integer(compute="_compute_deadline_ids")

    @api.depends("order_line.deadline_id")
    def _compute_deadline_ids(self):
        for order in self:
            order.deadline_ids = order.order_line.deadline_id
            order.deadline_count = len(order.deadline_ids)

    def _action_confirm(self):
        # Every confirmation path (button, signature, payment, zero-amount
        # checkout) goes through here.
        result = super()._action_confirm()
        self.order_line._expiry_apply_renewals()
        return result

    def _action_cancel(self):
        result = super()._action_cancel()
        self.order_line._expiry_rollback_renewals()
        return result

    def action_view_deadlines(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("expiry_management.action_expiry_deadline")
        if self.deadline_count == 1:
            action.update(views=[(False, "form")], res_id=self.deadline_ids.id)
        else:
            action["domain"] = [("id", "in", self.deadline_ids.ids)]
        action["context"] = {"create": False}
        return action
