# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    expiry_winback_mailing_list_id = fields.Many2one(
        "mailing.list",
        string="Win-back Mailing List",
        help="Customers whose deadline expires without renewal join this mailing list.",
    )

    @api.model
    def get_values(self):
        values = super().get_values()
        list_id = self.env["expiry.deadline"]._get_expiry_param("winback_mailing_list_id")
        values["expiry_winback_mailing_list_id"] = (
            self.env["mailing.list"].sudo().browse(list_id).exists().id if list_id else False
        )
        return values

    def set_values(self):
        result = super().set_values()
        self.env["ir.config_parameter"].sudo().set_param(
            "expiry_management.winback_mailing_list_id", str(self.expiry_winback_mailing_list_id.id or 0)
        )
        return result
