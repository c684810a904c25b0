# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import UserError


class ExpiryDeadlineClose(models.TransientModel):
    """The back office's Close: why the customer does not renew. The reason
    goes on the deadlines and their last term (win-back list, churn by
    reason in the renewal analysis)."""

    _name = "expiry.deadline.close"
    _description = "Close Deadlines without Renewal"

    deadline_ids = fields.Many2many("expiry.deadline", required=True)
    lost_reason_id = fields.Many2one(
        "expiry.lost.reason",
        required=True,
        domain=[("active", "=", True)],
        help="Why the customer does not renew.",
    )
    note = fields.Text(help="Said in the chatter of each deadline.")
    deadline_count = fields.Integer(compute="_compute_deadline_count")

    @api.depends("deadline_ids")
    def _compute_deadline_count(self):
        for wizard in self:
            wizard.deadline_count = len(wizard.deadline_ids)

    def action_confirm(self):
        self.ensure_one()
        deadlines = self.deadline_ids
        deadlines._expiry_check_access("write")
        if not deadlines:
            raise UserError(self.env._("Select the deadlines to close."))
        if not self.lost_reason_id.active:
            raise UserError(
                self.env._("The lost reason %s is archived: pick another one.", self.lost_reason_id.name)
            )
        deadlines._expiry_close_lost(self.lost_reason_id, self.note)
        return {"type": "ir.actions.act_window_close"}
