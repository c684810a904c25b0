# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .expiry_deadline import EXPIRY_PARAM_MAX

# settings field -> key of EXPIRY_PARAMS (see expiry_deadline.py)
EXPIRY_SETTING_FIELDS = {
    "expiry_upcoming_days": "upcoming_days",
    "expiry_renewal_window_days": "renewal_window_days",
    "expiry_renewal_grace_days": "renewal_grace_days",
    "expiry_reminder_catchup_days": "reminder_catchup_days",
    "expiry_close_after_days": "close_after_days",
}


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    # Not `config_parameter=` fields: those delete the parameter when set to
    # 0, which would silently bring back the default (a grace period of 0
    # days must stay 0).
    expiry_upcoming_days = fields.Integer(
        string="Upcoming Window (days)",
        help="Deadlines expiring within this many days are shown as upcoming renewals.",
    )
    expiry_renewal_window_days = fields.Integer(
        string="Renewal Window (days)",
        help="Customers can renew online from this many days before expiry.",
    )
    expiry_renewal_grace_days = fields.Integer(
        string="Renewal Grace Period (days)",
        help="A renewal made up to this many days after expiry continues from the "
        "expiry date; a later one starts from the renewal date. Customers can "
        "also still renew online during this period.",
    )

    expiry_reminder_catchup_days = fields.Integer(
        string="Catch-up Tolerance (days)",
        help="When the scheduler did not run for some days, timed e-mails due up to "
        "this many days ago are still sent; older ones are cancelled as stale.",
    )
    expiry_close_after_days = fields.Integer(
        string="Close Expired Deadlines After (days)",
        help="Expired deadlines are closed this many days after their expiry date. " "0 keeps them expired.",
    )
    expiry_renewal_pricelist_discount = fields.Boolean(
        string="Pricelist Discounts on Renewals",
        help="A renewal is charged at the deadline's agreed unit price. Tick to let a "
        "pricelist's percentage discount apply on top of it.",
    )

    @api.model
    def get_values(self):
        # Settings are for Administration / Settings (the model's access rights)
        self._expiry_check_access("read", groups=None)
        values = super().get_values()
        deadline = self.env["expiry.deadline"]
        for field_name, key in EXPIRY_SETTING_FIELDS.items():
            values[field_name] = deadline._get_expiry_param(key)
        values["expiry_renewal_pricelist_discount"] = bool(
            deadline._get_expiry_param("renewal_pricelist_discount")
        )
        return values

    def set_values(self):
        self._expiry_check_access("write", groups=None)
        result = super().set_values()
        # sudo: Settings (Administration) writes the module's own parameters
        params = self.env["ir.config_parameter"].sudo()
        for field_name, key in EXPIRY_SETTING_FIELDS.items():
            params.set_param(f"expiry_management.{key}", str(self[field_name]))
        params.set_param(
            "expiry_management.renewal_pricelist_discount",
            "1" if self.expiry_renewal_pricelist_discount else "0",
        )
        return result

    @api.constrains(*EXPIRY_SETTING_FIELDS)
    def _check_expiry_windows(self):
        for settings in self:
            if min(settings[name] for name in EXPIRY_SETTING_FIELDS) < 0:
                raise ValidationError(self.env._("The deadline windows and grace period cannot be negative."))
            for name, key in EXPIRY_SETTING_FIELDS.items():
                if settings[name] > EXPIRY_PARAM_MAX[key]:
                    raise ValidationError(
                        self.env._(
                            "%(setting)s can be at most %(max)s days.",
                            setting=settings._fields[name].get_description(self.env)["string"],
                            max=EXPIRY_PARAM_MAX[key],
                        )
                    )
