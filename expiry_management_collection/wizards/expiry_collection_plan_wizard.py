# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError

from odoo.addons.expiry_management.models.account_move import OPEN_ITEM_DOMAIN

from ..tools import split_instalments


class ExpiryCollectionPlanWizard(models.TransientModel):
    """Split what a deadline's invoices still owe into instalments; the plan
    opens as a draft to adjust, then the collector agrees it."""

    _name = "expiry.collection.plan.wizard"
    _description = "Plan Instalments"

    deadline_id = fields.Many2one("expiry.deadline", required=True, readonly=True)
    company_id = fields.Many2one(related="deadline_id.company_id")
    move_ids = fields.Many2many(
        "account.move",
        string="Invoices",
        compute="_compute_move_ids",
        store=True,
        readonly=False,
        domain="[('expiry_deadline_id', '=', deadline_id), ('move_type', '=', 'out_invoice'), "
        "('state', '=', 'posted'), ('payment_state', 'in', ('not_paid', 'partial'))]",
    )
    currency_id = fields.Many2one("res.currency", compute="_compute_amount")
    amount = fields.Monetary(string="Amount to Pay", compute="_compute_amount")
    count = fields.Integer(string="Instalments", default=3, required=True)
    interval_months = fields.Integer(string="Every (Months)", default=1, required=True)
    date_first = fields.Date(
        string="First Instalment",
        required=True,
        default=lambda self: fields.Date.context_today(self),
    )
    note = fields.Text(string="Agreement")

    @api.model_create_multi
    def create(self, vals_list):
        wizards = super().create(vals_list)
        # only on a deadline the user may work on (its figures show in the wizard)
        wizards.deadline_id._expiry_check_collection_access("write")
        return wizards

    @api.depends("deadline_id")
    def _compute_move_ids(self):
        for wizard in self:
            wizard.move_ids = self.env["account.move"].search(
                OPEN_ITEM_DOMAIN
                + [
                    ("expiry_deadline_id", "=", wizard.deadline_id.id),
                    ("expiry_collection_plan_id", "=", False),
                ]
            )

    @api.depends("move_ids")
    def _compute_amount(self):
        for wizard in self:
            wizard.currency_id = wizard.move_ids.currency_id[:1] or wizard.deadline_id.company_currency_id
            wizard.amount = sum(wizard.move_ids.mapped("amount_residual"))

    def action_plan(self):
        self.ensure_one()
        self._expiry_check_collection_access("write")
        self.deadline_id._expiry_check_collection_access("write")
        if not self.move_ids:
            raise UserError(self.env._("There is no open invoice to pay in instalments."))
        if len(self.move_ids.currency_id) > 1:
            raise UserError(self.env._("Plan the invoices of each currency separately."))
        try:
            parts = split_instalments(
                self.amount,
                self.count,
                self.date_first,
                self.interval_months,
                self.currency_id.decimal_places,
            )
        except ValueError as error:
            raise ValidationError(self.env._("The instalments cannot be planned: %s", error)) from error
        plan = self.env["expiry.collection.plan"].create(
            {
                "deadline_id": self.deadline_id.id,
                "currency_id": self.currency_id.id,
                "move_ids": [Command.set(self.move_ids.ids)],
                "note": self.note,
                "restart_step_id": self.company_id.expiry_plan_restart_step_id.id,
                "line_ids": [
                    Command.create({"sequence": index, "date_due": date, "amount": amount})
                    for index, (date, amount) in enumerate(parts, start=1)
                ],
            }
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "expiry.collection.plan",
            "res_id": plan.id,
            "view_mode": "form",
            "target": "current",
        }
