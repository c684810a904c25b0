# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    expiry_aging_bound_1 = fields.Integer(related="company_id.expiry_aging_bound_1", readonly=False)
    expiry_aging_bound_2 = fields.Integer(related="company_id.expiry_aging_bound_2", readonly=False)
    expiry_aging_bound_3 = fields.Integer(related="company_id.expiry_aging_bound_3", readonly=False)
    expiry_plan_grace_days = fields.Integer(related="company_id.expiry_plan_grace_days", readonly=False)
    expiry_plan_reminder_days = fields.Integer(related="company_id.expiry_plan_reminder_days", readonly=False)
    expiry_plan_restart_step_id = fields.Many2one(
        related="company_id.expiry_plan_restart_step_id", readonly=False
    )
    expiry_writeoff_account_id = fields.Many2one(
        related="company_id.expiry_writeoff_account_id", readonly=False
    )
