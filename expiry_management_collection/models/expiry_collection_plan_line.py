# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import UserError

from .collection_access import MONEY


class ExpiryCollectionPlanLine(models.Model):
    """One instalment of a payment plan."""

    _name = "expiry.collection.plan.line"
    _description = "Payment Plan Instalment"
    _order = "plan_id, date_due, sequence, id"

    plan_id = fields.Many2one("expiry.collection.plan", required=True, ondelete="cascade", index=True)
    sequence = fields.Integer(default=10)
    date_due = fields.Date(string="Due On", required=True)
    amount = fields.Monetary(required=True, groups=MONEY)
    currency_id = fields.Many2one(related="plan_id.currency_id")
    company_id = fields.Many2one(related="plan_id.company_id", store=True)
    # computed as superuser: the state (shown to any reader of the plan) comes from the amounts
    amount_paid = fields.Monetary(compute="_compute_state", compute_sudo=True, string="Paid", groups=MONEY)
    state = fields.Selection(
        [("pending", "To Pay"), ("paid", "Paid"), ("missed", "Missed"), ("cancelled", "Cancelled")],
        compute="_compute_state",
        compute_sudo=True,
    )

    @api.model_create_multi
    def create(self, vals_list):
        plans = self.env["expiry.collection.plan"].browse(
            [vals["plan_id"] for vals in vals_list if vals.get("plan_id")]
        )
        self._expiry_check_plan_is_draft(plans)
        return super().create(vals_list)

    def write(self, vals):
        plans = self.plan_id
        if vals.get("plan_id"):
            plans |= self.env["expiry.collection.plan"].browse(vals["plan_id"])
        self._expiry_check_plan_is_draft(plans)
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_draft(self):
        self._expiry_check_plan_is_draft(self.plan_id)

    def _expiry_check_plan_is_draft(self, plans):
        """The instalments of an agreed plan do not move: only the plan's own
        actions (cancel, reset to draft) change them."""
        if self.env.su:
            return
        if plans.exists().filtered(lambda p: p.state != "draft"):
            raise UserError(
                self.env._(
                    "The instalments of an agreed payment plan do not change: cancel the plan and reset "
                    "it to draft to adjust them."
                )
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
