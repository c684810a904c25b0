# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from odoo.addons.expiry_management.models.account_move import OPEN_ITEM_DOMAIN

from ..tools import allocate_payments
from .collection_access import MONEY

#: set by the plan's own actions (agree, cancel, reset to draft, paid)
PLAN_STATE_FIELDS = frozenset({"state", "date_confirmed", "amount_total"})
#: what was agreed: changed on a draft only
PLAN_AGREED_FIELDS = frozenset({"deadline_id", "move_ids", "currency_id", "line_ids", "restart_step_id"})


class ExpiryCollectionPlan(models.Model):
    """A payment plan: the customer pays the overdue residual of some
    invoices of a deadline in instalments. While it is active the invoices'
    collection ladder waits; each instalment has its own reminder, and a
    missed one puts the case back on the ladder (see expiry.collection.log)."""

    _name = "expiry.collection.plan"
    _description = "Payment Plan"
    _inherit = ["mail.thread"]
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(required=True, readonly=True, copy=False, default=lambda self: self.env._("New"))
    deadline_id = fields.Many2one(
        "expiry.deadline", required=True, ondelete="cascade", index=True, check_company=True, tracking=True
    )
    partner_id = fields.Many2one(related="deadline_id.commercial_partner_id", string="Customer", store=True)
    company_id = fields.Many2one(related="deadline_id.company_id", store=True, index=True)
    currency_id = fields.Many2one("res.currency", required=True)
    move_ids = fields.Many2many(
        "account.move",
        string="Invoices",
        required=True,
        check_company=True,
        domain="[('expiry_deadline_id', '=', deadline_id), ('move_type', '=', 'out_invoice'), "
        "('state', '=', 'posted'), ('payment_state', 'in', ('not_paid', 'partial'))]",
    )
    state = fields.Selection(
        [("draft", "Draft"), ("active", "Running"), ("done", "Paid"), ("cancelled", "Cancelled")],
        default="draft",
        required=True,
        readonly=True,
        tracking=True,
        copy=False,
    )
    date_confirmed = fields.Date(string="Agreed On", readonly=True, copy=False)
    amount_total = fields.Monetary(
        string="Amount Agreed",
        groups=MONEY,
        readonly=True,
        copy=False,
        help="What the invoices still owed when the plan was agreed.",
    )
    # computed as superuser: the instalments' state reads them for any reader of the plan
    amount_paid = fields.Monetary(
        compute="_compute_amount_paid", compute_sudo=True, string="Paid Since", groups=MONEY
    )
    amount_residual = fields.Monetary(
        compute="_compute_amount_paid", compute_sudo=True, string="Still Owed", groups=MONEY
    )
    line_ids = fields.One2many("expiry.collection.plan.line", "plan_id", string="Instalments", copy=True)
    instalment_count = fields.Integer(compute="_compute_instalment_count", string="Number of Instalments")
    restart_step_id = fields.Many2one(
        "expiry.collection.step",
        string="Missed Instalment Restarts At",
        help="The collection step taken when an instalment is missed.",
    )
    has_missed = fields.Boolean(compute="_compute_has_missed", compute_sudo=True, string="Instalment Missed")
    note = fields.Text(string="Agreement")

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            for vals in vals_list:
                if (
                    vals.get("state", "draft") != "draft"
                    or vals.get("date_confirmed")
                    or vals.get("amount_total")
                ):
                    raise UserError(self.env._("A payment plan starts as a draft: agree it with its button."))
        plans = super().create(vals_list)
        plans._check_restart_step()
        return plans

    def write(self, vals):
        if not self.env.su:
            if PLAN_STATE_FIELDS & vals.keys():
                raise UserError(
                    self.env._("Use the buttons to agree, cancel or reset a payment plan to draft.")
                )
            if PLAN_AGREED_FIELDS & vals.keys() and self.filtered(lambda p: p.state != "draft"):
                raise UserError(
                    self.env._(
                        "An agreed payment plan does not change: cancel it and reset it to draft to adjust it."
                    )
                )
        result = super().write(vals)
        if {"restart_step_id", "deadline_id"} & vals.keys():
            self._check_restart_step()
        return result

    def _check_restart_step(self):
        """The step a missed instalment restarts at: one the user may read,
        of the plan's company (or of every company). The error names nothing
        of the step asked for. The superuser (the wizard's default from the
        settings, the daily pass) passes."""
        if self.env.su:
            return
        for plan in self.filtered("restart_step_id"):
            self._expiry_collection_parse_record(
                "expiry.collection.step",
                plan.restart_step_id.id,
                plan.company_id,
                self.env._("Choose a collection step of the deadline's company."),
                error=ValidationError,
            )

    @api.depends("line_ids")
    def _compute_instalment_count(self):
        for plan in self:
            plan.instalment_count = len(plan.line_ids)

    @api.depends("move_ids.amount_residual", "line_ids.amount", "amount_total", "state")
    def _compute_amount_paid(self):
        for plan in self:
            if plan.state in ("active", "done"):
                residual = sum(plan.move_ids.mapped("amount_residual"))
                plan.amount_paid = max(plan.amount_total - residual, 0.0)
                plan.amount_residual = residual
            else:
                plan.amount_paid = 0.0
                plan.amount_residual = plan.amount_total or sum(plan.move_ids.mapped("amount_residual"))

    @api.depends("line_ids.state")
    def _compute_has_missed(self):
        for plan in self:
            plan.has_missed = any(line.state == "missed" for line in plan.line_ids)

    def _get_paid_per_line(self):
        """``{line: amount paid}``: payments matched to the instalments, oldest first."""
        self.ensure_one()
        lines = self.line_ids.sorted(lambda line: (line.date_due, line.sequence, line.id))
        return dict(zip(lines, allocate_payments(lines.mapped("amount"), self.amount_paid), strict=True))

    # ------------------------------------------------------------------
    # Validation
    # ------------------------------------------------------------------
    def _check_agreement(self):
        """Everything a plan must satisfy to run; raises a ValidationError
        naming what is wrong."""
        Deadline = self.env["expiry.deadline"]
        for plan in self:
            today = Deadline._company_today(plan.company_id)
            currency = plan.currency_id
            moves = plan.move_ids
            if not moves:
                raise ValidationError(self.env._("Choose the invoices the plan pays."))
            if moves.filtered_domain(OPEN_ITEM_DOMAIN) != moves:
                raise ValidationError(
                    self.env._("A payment plan only covers posted invoices that are not fully paid.")
                )
            if moves.expiry_deadline_id != plan.deadline_id:
                raise ValidationError(
                    self.env._(
                        "The plan's invoices must be invoices of the deadline %s.", plan.deadline_id.name
                    )
                )
            if moves.currency_id != currency:
                raise ValidationError(self.env._("The plan's invoices must all be in %s.", currency.name))
            others = moves.expiry_collection_plan_id - plan
            if others.filtered(lambda p: p.state == "active"):
                raise ValidationError(
                    self.env._("An invoice of this plan is already on the payment plan %s.", others[:1].name)
                )
            lines = plan.line_ids.sorted(lambda line: (line.date_due, line.sequence, line.id))
            if not lines:
                raise ValidationError(self.env._("A payment plan needs at least one instalment."))
            if any(currency.compare_amounts(line.amount, 0) <= 0 for line in lines):
                raise ValidationError(self.env._("Every instalment must be above zero."))
            dates = lines.mapped("date_due")
            if len(set(dates)) != len(dates):
                raise ValidationError(self.env._("Two instalments cannot fall on the same day."))
            if dates[0] < today:
                raise ValidationError(self.env._("The first instalment cannot be in the past."))
            residual = sum(moves.mapped("amount_residual"))
            total = sum(lines.mapped("amount"))
            if currency.compare_amounts(total, residual):
                raise ValidationError(
                    self.env._(
                        "The instalments add up to %(total)s but the invoices still owe %(residual)s.",
                        total=currency.format(total),
                        residual=currency.format(residual),
                    )
                )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_confirm(self):
        """Agree the plan: the invoices' ladder waits while it runs."""
        self._expiry_check_collection_access("write")
        if self.filtered(lambda p: p.state != "draft"):
            raise UserError(self.env._("Only draft payment plans can be agreed."))
        self._check_agreement()
        Deadline = self.env["expiry.deadline"]
        for plan in self:
            # sudo: the state fields are written by the plan's actions only (rights checked above)
            plan.sudo().write(
                {
                    "state": "active",
                    "date_confirmed": Deadline._company_today(plan.company_id),
                    "amount_total": sum(plan.move_ids.mapped("amount_residual")),
                    "name": plan.name
                    if plan.name != self.env._("New")
                    else self.env["ir.sequence"].next_by_code("expiry.collection.plan") or plan.name,
                }
            )
            # sudo: the plan's invoices (checked by _check_agreement) and their collection steps
            plan.move_ids.sudo().expiry_collection_plan_id = plan
            self.env["expiry.collection.log"].sudo().search(
                [
                    ("move_id", "in", plan.move_ids.ids),
                    ("state", "in", ("scheduled", "queued")),
                    ("instalment_id", "=", False),
                ]
            )._set_cancelled(self.env._("A payment plan was agreed."), "plan")
            plan.move_ids._expiry_log_collection(
                {
                    move.id: self.env._(
                        "Payment plan %(plan)s agreed: %(count)s instalments, %(amount)s.",
                        plan=plan.name,
                        count=len(plan.line_ids),
                        amount=plan.currency_id.format(plan.amount_total),
                    )
                    for move in plan.move_ids
                }
            )
        return True

    def action_cancel(self):
        """End the plan: the invoices go back on the collection ladder."""
        self._expiry_check_collection_access("write")
        if self.filtered(lambda p: p.state == "done"):
            raise UserError(self.env._("A paid payment plan cannot be cancelled."))
        running = self.filtered(lambda p: p.state == "active")
        for plan in running:
            # sudo: the plan's invoices and its instalments' steps (rights on the plan checked above)
            plan.move_ids.sudo().filtered(lambda m, p=plan: m.expiry_collection_plan_id == p).write(
                {"expiry_collection_plan_id": False}
            )
            self.env["expiry.collection.log"].sudo().search(
                [("instalment_id", "in", plan.line_ids.ids), ("state", "in", ("scheduled", "queued"))]
            )._set_cancelled(self.env._("The payment plan was cancelled."), "plan")
            plan.move_ids._expiry_log_collection(
                {
                    move.id: self.env._("Payment plan %s cancelled: collection resumes.", plan.name)
                    for move in plan.move_ids
                }
            )
        self.sudo().write({"state": "cancelled"})  # sudo: the plan's action (rights checked above)
        return True

    def action_draft(self):
        self._expiry_check_collection_access("write")
        if self.filtered(lambda p: p.state != "cancelled"):
            raise UserError(self.env._("Only cancelled payment plans can be set back to draft."))
        # sudo: the plan's action (rights checked above)
        self.sudo().write({"state": "draft", "amount_total": 0.0, "date_confirmed": False})
        return True

    def _close_paid(self):
        """Running plans whose invoices are paid are done."""
        paid = self.filtered(
            lambda p: p.state == "active" and not p.move_ids.filtered_domain(OPEN_ITEM_DOMAIN)
        )
        if paid:
            # sudo: the daily pass closes paid plans and frees their invoices
            paid.sudo().write({"state": "done"})
            paid.move_ids.sudo().write({"expiry_collection_plan_id": False})
        return paid

    @api.ondelete(at_uninstall=False)
    def _unlink_only_draft(self):
        if self.filtered(lambda p: p.state not in ("draft", "cancelled")):
            raise UserError(self.env._("Cancel a payment plan before deleting it."))
