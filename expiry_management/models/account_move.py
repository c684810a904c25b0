# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

UNPAID_RENEWAL_INVOICE_DOMAIN = [
    ("move_type", "=", "out_invoice"),
    ("state", "=", "posted"),
    ("payment_state", "in", ("not_paid", "partial")),
]


class AccountMove(models.Model):
    """Invoices of renewal orders, for the collection follow-up."""

    _inherit = "account.move"

    expiry_deadline_ids = fields.Many2many(
        "expiry.deadline",
        string="Renewed Deadlines",
        compute="_compute_expiry_deadline_ids",
        search="_search_expiry_deadline_ids",
        groups="expiry_management.group_expiry_user",
    )
    expiry_days_overdue = fields.Integer(
        string="Days Overdue",
        compute="_compute_expiry_days_overdue",
        help="Days since the due date of an unpaid invoice, in the company's time zone.",
    )

    @api.depends("invoice_line_ids.sale_line_ids.deadline_id")
    def _compute_expiry_deadline_ids(self):
        for move in self:
            move.expiry_deadline_ids = move.invoice_line_ids.sale_line_ids.deadline_id

    def _search_expiry_deadline_ids(self, operator, value):
        return [("invoice_line_ids.sale_line_ids.deadline_id", operator, value)]

    @api.depends("invoice_date_due", "payment_state", "company_id")
    def _compute_expiry_days_overdue(self):
        Deadline = self.env["expiry.deadline"]
        for move in self:
            unpaid = move.payment_state in ("not_paid", "partial") and move.invoice_date_due
            today = Deadline._company_today(move.company_id) if unpaid else None
            move.expiry_days_overdue = max((today - move.invoice_date_due).days, 0) if unpaid else 0

    def action_expiry_schedule_collection_call(self):
        """Plan a payment reminder call for each unpaid renewal invoice."""
        for move in self:
            move.activity_schedule(
                "expiry_management.mail_activity_type_payment_reminder",
                date_deadline=self.env["expiry.deadline"]._company_today(move.company_id),
                summary=self.env._("Payment reminder: %(invoice)s", invoice=move.name),
                user_id=(move.invoice_user_id or self.env.user).id,
            )
        return True
