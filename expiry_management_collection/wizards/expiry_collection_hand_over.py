# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class ExpiryCollectionHandOver(models.TransientModel):
    _name = "expiry.collection.hand.over"
    _description = "Hand Over to Collection Agency"

    deadline_id = fields.Many2one("expiry.deadline", required=True, readonly=True)
    agency_id = fields.Many2one(
        "res.partner",
        string="Collection Agency",
        required=True,
        domain=lambda self: [
            (
                "category_id",
                "in",
                self.env.ref("expiry_management_collection.res_partner_category_collection_agency").ids,
            )
        ],
    )
    amount_due = fields.Monetary(related="deadline_id.amount_due", currency_field="company_currency_id")
    company_currency_id = fields.Many2one(related="deadline_id.company_currency_id")
    note = fields.Text()

    @api.model_create_multi
    def create(self, vals_list):
        wizards = super().create(vals_list)
        # only on a deadline the user may work on (its figures show in the wizard)
        wizards.deadline_id._expiry_check_collection_access("write")
        return wizards

    def action_hand_over(self):
        self.ensure_one()
        self._expiry_check_collection_access("write")
        self.deadline_id.action_collection_hand_over(self.agency_id, self.note)
        return {"type": "ir.actions.act_window_close"}
