# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    # The list of the settings' company (res.company.expiry_winback_mailing_list_id,
    # an id: the core does not depend on mass_mailing).
    expiry_winback_mailing_list_id = fields.Many2one(
        "mailing.list",
        string="Win-back Mailing List",
        compute="_compute_expiry_winback_mailing_list_id",
        inverse="_inverse_expiry_winback_mailing_list_id",
        readonly=False,
        help="Customers of this company whose deadline expires without renewal join this mailing list.",
    )

    @api.depends("company_id")
    def _compute_expiry_winback_mailing_list_id(self):
        for settings in self:
            list_id = self.env["expiry.deadline"]._get_expiry_param(
                "winback_mailing_list_id", settings.company_id
            )
            # sudo: only whether the list chosen in Settings still exists (Administration)
            settings.expiry_winback_mailing_list_id = (
                self.env["mailing.list"].sudo().browse(list_id).exists().id if list_id else False
            )

    def _inverse_expiry_winback_mailing_list_id(self):
        for settings in self:
            settings.company_id.expiry_winback_mailing_list_id = (
                settings.expiry_winback_mailing_list_id.id or 0
            )
