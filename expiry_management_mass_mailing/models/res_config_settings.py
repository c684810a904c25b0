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
        # Settings are for Administration / Settings (the model's access rights)
        self._expiry_check_access("read", groups=None)
        values = super().get_values()
        list_id = self.env["expiry.deadline"]._get_expiry_param("winback_mailing_list_id")
        values["expiry_winback_mailing_list_id"] = (
            # sudo: only whether the list chosen in Settings still exists (Administration)
            self.env["mailing.list"].sudo().browse(list_id).exists().id if list_id else False
        )
        return values

    def set_values(self):
        self._expiry_check_access("write", groups=None)
        result = super().set_values()
        # sudo: Settings (Administration) writes the module's own parameter
        self.env["ir.config_parameter"].sudo().set_param(
            "expiry_management.winback_mailing_list_id", str(self.expiry_winback_mailing_list_id.id or 0)
        )
        return result
