# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ExpiryDeadlinePeriodReport(models.TransientModel):
    """Print the deadlines expiring in a period."""

    _name = "expiry.deadline.period.report"
    _description = "Print Deadlines of an Expiry Period"

    date_from = fields.Date(
        string="Expiring From",
        required=True,
        default=lambda self: self.env["expiry.deadline"]._company_today().replace(day=1),
    )
    date_to = fields.Date(
        string="Expiring Until",
        required=True,
        default=lambda self: self.env["expiry.deadline"]._company_today().replace(day=1)
        + relativedelta(months=1, days=-1),
    )
    open_only = fields.Boolean(
        string="Open Deadlines Only",
        default=True,
        help="Leave out closed and cancelled deadlines.",
    )
    user_id = fields.Many2one("res.users", string="Salesperson", domain="[('share', '=', False)]")
    team_id = fields.Many2one("crm.team", string="Sales Team")

    @api.constrains("date_from", "date_to")
    def _check_period(self):
        for wizard in self:
            if wizard.date_from and wizard.date_to and wizard.date_to < wizard.date_from:
                raise ValidationError(self.env._("The end of the period must be after its start."))

    def _get_report_data(self):
        self.ensure_one()
        return {
            "date_from": fields.Date.to_string(self.date_from),
            "date_to": fields.Date.to_string(self.date_to),
            "open_only": self.open_only,
            "user_id": self.user_id.id,
            "team_id": self.team_id.id,
        }

    def action_print(self):
        self.ensure_one()
        self._expiry_check_access("read")
        return self.env.ref("expiry_management.action_report_deadline_period").report_action(
            None, data=self._get_report_data()
        )
