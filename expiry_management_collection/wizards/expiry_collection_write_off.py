# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class ExpiryCollectionWriteOff(models.TransientModel):
    _name = "expiry.collection.write.off"
    _description = "Write Off Unpaid Invoices"

    deadline_id = fields.Many2one("expiry.deadline", required=True, readonly=True)
    company_id = fields.Many2one(related="deadline_id.company_id")
    amount_due = fields.Monetary(related="deadline_id.amount_due", currency_field="company_currency_id")
    company_currency_id = fields.Many2one(related="deadline_id.company_currency_id")
    reason = fields.Text(required=True)
    account_id = fields.Many2one(
        "account.account",
        string="Write-off Account",
        domain="[('company_ids', 'in', company_id)]",
        default=lambda self: self.env.company.expiry_writeoff_account_id,
        help="Leave empty to credit the income account of each invoice.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        wizards = super().create(vals_list)
        # only on a deadline the user may work on (its figures show in the wizard)
        wizards.deadline_id._expiry_check_collection_access("write")
        return wizards

    def action_write_off(self):
        self.ensure_one()
        self._expiry_check_collection_access("write")
        refunds = self.deadline_id.action_collection_write_off(self.reason, self.account_id)
        action = self.env["ir.actions.act_window"]._for_xml_id("account.action_move_out_refund_type")
        action["domain"] = [("id", "in", refunds.ids)]
        return action
