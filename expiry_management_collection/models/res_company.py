# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools import DEFAULT_AGING_BOUNDS, check_aging_bounds


class ResCompany(models.Model):
    _inherit = "res.company"

    expiry_aging_bound_1 = fields.Integer(
        string="First Aging Bound", default=DEFAULT_AGING_BOUNDS[0], groups="base.group_user"
    )
    expiry_aging_bound_2 = fields.Integer(
        string="Second Aging Bound", default=DEFAULT_AGING_BOUNDS[1], groups="base.group_user"
    )
    expiry_aging_bound_3 = fields.Integer(
        string="Third Aging Bound", default=DEFAULT_AGING_BOUNDS[2], groups="base.group_user"
    )
    expiry_plan_grace_days = fields.Integer(
        string="Instalment Grace Days",
        default=3,
        groups="base.group_user",
        help="An instalment of a payment plan still unpaid this many days after its due date is missed.",
    )
    expiry_plan_reminder_days = fields.Integer(
        string="Instalment Reminder",
        default=3,
        groups="base.group_user",
        help="The customer is reminded of an instalment this many days before it is due (0: no reminder).",
    )
    expiry_plan_restart_step_id = fields.Many2one(
        "expiry.collection.step",
        string="Missed Instalment Restarts At",
        groups="base.group_user",
        help="When an instalment is missed, the collection ladder starts again at this step "
        "(default: the first step).",
    )
    expiry_writeoff_account_id = fields.Many2one(
        "account.account",
        string="Write-off Account",
        check_company=True,
        groups="base.group_user",
        help="Account of the credit notes that write off what a customer will not pay "
        "(default: the income account of the invoice).",
    )

    @api.constrains("expiry_aging_bound_1", "expiry_aging_bound_2", "expiry_aging_bound_3")
    def _check_expiry_aging_bounds(self):
        for company in self:
            try:
                check_aging_bounds(company._get_expiry_aging_bounds())
            except ValueError as error:
                raise ValidationError(self.env._("Aging buckets: %s", error)) from error

    @api.constrains("expiry_plan_grace_days", "expiry_plan_reminder_days")
    def _check_expiry_plan_days(self):
        for company in self:
            if not (
                0 <= company.expiry_plan_grace_days <= 365 and 0 <= company.expiry_plan_reminder_days <= 365
            ):
                raise ValidationError(
                    self.env._("The instalment grace and reminder days are between 0 and 365.")
                )

    def _get_expiry_aging_bounds(self):
        self.ensure_one()
        # sudo: the company's aging bounds (configuration): the labels of the aging of any reader
        company = self.sudo()
        return (company.expiry_aging_bound_1, company.expiry_aging_bound_2, company.expiry_aging_bound_3)
