# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class ResConfigSettings(models.TransientModel):
    """Settings > Deadlines: the settings of the current company (res.company
    fields ``expiry_<key>``, bounded by their constraint) and the health of its
    daily pass."""

    _inherit = "res.config.settings"

    expiry_upcoming_days = fields.Integer(related="company_id.expiry_upcoming_days", readonly=False)
    expiry_renewal_window_days = fields.Integer(
        related="company_id.expiry_renewal_window_days", readonly=False
    )
    expiry_renewal_grace_days = fields.Integer(related="company_id.expiry_renewal_grace_days", readonly=False)
    expiry_reminder_catchup_days = fields.Integer(
        related="company_id.expiry_reminder_catchup_days", readonly=False
    )
    expiry_close_after_days = fields.Integer(related="company_id.expiry_close_after_days", readonly=False)
    expiry_reminder_batch_size = fields.Integer(
        related="company_id.expiry_reminder_batch_size", readonly=False
    )
    expiry_renewal_pricelist_discount = fields.Boolean(
        related="company_id.expiry_renewal_pricelist_discount", readonly=False
    )
    expiry_delivery_retries = fields.Integer(related="company_id.expiry_delivery_retries", readonly=False)
    expiry_charge_retry_days = fields.Char(related="company_id.expiry_charge_retry_days", readonly=False)
    expiry_group_by_customer = fields.Boolean(related="company_id.expiry_group_by_customer", readonly=False)
    expiry_review_mode = fields.Selection(
        related="company_id.expiry_review_mode", readonly=False, required=True
    )

    # Health of the daily pass of the company (read only)
    expiry_pass_finished = fields.Datetime(related="company_id.expiry_pass_finished")
    expiry_pass_processed = fields.Integer(related="company_id.expiry_pass_processed")
    expiry_pass_failed = fields.Integer(related="company_id.expiry_pass_failed")
    expiry_pass_errors = fields.Text(related="company_id.expiry_pass_errors")
    expiry_health_warnings = fields.Html(
        string="Daily Pass Warnings", compute="_compute_expiry_health_warnings", sanitize=False
    )

    @api.depends("company_id")
    def _compute_expiry_health_warnings(self):
        Pass = self.env["expiry.daily.pass"]
        for settings in self:
            settings.expiry_health_warnings = Pass._expiry_health_warnings_html(settings.company_id)

    def action_expiry_open_failed_steps(self):
        """The failed steps of the last daily pass of the settings' company
        (the first ladder with some; the dashboard links each ladder)."""
        self._expiry_check_access("read", groups=None)
        self.ensure_one()
        for warning in self.env["expiry.daily.pass"]._expiry_health_warnings(self.company_id):
            if warning["key"] == "failed" and warning["action"]:
                return warning["action"]
        return False

    @api.model
    def get_values(self):
        # Settings are for Administration / Settings (the model's access rights)
        self._expiry_check_access("read", groups=None)
        return super().get_values()

    def set_values(self):
        self._expiry_check_access("write", groups=None)
        return super().set_values()
