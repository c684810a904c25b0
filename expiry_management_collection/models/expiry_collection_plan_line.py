# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class ExpiryCollectionPlanLine(models.Model):
    """One instalment of a payment plan."""

    _name = "expiry.collection.plan.line"
    _description = "Payment Plan Instalment"
    _order = "plan_id, date_due, sequence, id"

    plan_id = fields.Many2one("expiry.collection.plan", required=True, ondelete="cascade", index=True)
    sequence = fields.Integer(default=10)
    date_due = fields.Date(string="Due On", required=True)
    amount = fields.Monetary(required=True)
    currency_id = fields.Many2one(related="plan_id.currency_id")
    company_id = fields.Many2one(related="plan_id.company_id", store=True)
    amount_paid = fields.Monetary(compute="_compute_state", string="Paid")
    state = fields.Selection(
        [("pending", "To Pay"), ("paid", "Paid"), ("missed", "Missed"), ("cancelled", "Cancelled")],
        compute="_compute_state",
    )

    @api.depends("amount", "date_due", "plan_id.amount_paid", "plan_id.state")
    def _compute_state(self):
        Deadline = self.env["expiry.deadline"]
        for plan in self.plan_id:
            paid = plan._get_paid_per_line() if plan.state in ("active", "done") else {}
            today = Deadline._company_today(plan.company_id)
            grace = plan.company_id.expiry_plan_grace_days
            for line in plan.line_ids & self:
                line.amount_paid = paid.get(line, 0.0)
                if plan.state == "cancelled":
                    line.state = "cancelled"
                elif plan.state == "done" or (
                    plan.state == "active"
                    and plan.currency_id.compare_amounts(line.amount_paid, line.amount) >= 0
                ):
                    line.state = "paid"
                elif plan.state == "active" and (today - line.date_due).days > grace:
                    line.state = "missed"
                else:
                    line.state = "pending"
        for line in self.filtered(lambda line: not line.plan_id):
            line.amount_paid = 0.0
            line.state = "pending"
