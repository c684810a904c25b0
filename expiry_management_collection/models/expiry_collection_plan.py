# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..tools import allocate_payments
from .account_move import OPEN_INVOICE_DOMAIN


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
        readonly=True,
        copy=False,
        help="What the invoices still owed when the plan was agreed.",
    )
    amount_paid = fields.Monetary(compute="_compute_amount_paid", string="Paid Since")
    amount_residual = fields.Monetary(compute="_compute_amount_paid", string="Still Owed")
    line_ids = fields.One2many("expiry.collection.plan.line", "plan_id", string="Instalments", copy=True)
    instalment_count = fields.Integer(compute="_compute_instalment_count", string="Number of Instalments")
    restart_step_id = fields.Many2one(
        "expiry.collection.step",
        string="Missed Instalment Restarts At",
        help="The collection step taken when an instalment is missed.",
    )
    has_missed = fields.Boolean(compute="_compute_has_missed", string="Instalment Missed")
    note = fields.Text(string="Agreement")

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
            if moves.filtered_domain(OPEN_INVOICE_DOMAIN) != moves:
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
        if self.filtered(lambda p: p.state != "draft"):
            raise UserError(self.env._("Only draft payment plans can be agreed."))
        self._check_agreement()
        Deadline = self.env["expiry.deadline"]
        for plan in self:
            plan.write(
                {
                    "state": "active",
                    "date_confirmed": Deadline._company_today(plan.company_id),
                    "amount_total": sum(plan.move_ids.mapped("amount_residual")),
                    "name": plan.name
                    if plan.name != self.env._("New")
                    else self.env["ir.sequence"].next_by_code("expiry.collection.plan") or plan.name,
                }
            )
            plan.move_ids.sudo().expiry_collection_plan_id = plan
            self.env["expiry.collection.log"].sudo().search(
                [
                    ("move_id", "in", plan.move_ids.ids),
                    ("state", "=", "scheduled"),
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
        if self.filtered(lambda p: p.state == "done"):
            raise UserError(self.env._("A paid payment plan cannot be cancelled."))
        running = self.filtered(lambda p: p.state == "active")
        for plan in running:
            plan.move_ids.sudo().filtered(lambda m, p=plan: m.expiry_collection_plan_id == p).write(
                {"expiry_collection_plan_id": False}
            )
            self.env["expiry.collection.log"].sudo().search(
                [("instalment_id", "in", plan.line_ids.ids), ("state", "=", "scheduled")]
            )._set_cancelled(self.env._("The payment plan was cancelled."), "plan")
            plan.move_ids._expiry_log_collection(
                {
                    move.id: self.env._("Payment plan %s cancelled: collection resumes.", plan.name)
                    for move in plan.move_ids
                }
            )
        self.write({"state": "cancelled"})
        return True

    def action_draft(self):
        if self.filtered(lambda p: p.state != "cancelled"):
            raise UserError(self.env._("Only cancelled payment plans can be set back to draft."))
        self.write({"state": "draft", "amount_total": 0.0, "date_confirmed": False})
        return True

    def _close_paid(self):
        """Running plans whose invoices are paid are done."""
        paid = self.filtered(
            lambda p: p.state == "active" and not p.move_ids.filtered_domain(OPEN_INVOICE_DOMAIN)
        )
        if paid:
            paid.write({"state": "done"})
            paid.move_ids.sudo().write({"expiry_collection_plan_id": False})
        return paid

    @api.ondelete(at_uninstall=False)
    def _unlink_only_draft(self):
        if self.filtered(lambda p: p.state not in ("draft", "cancelled")):
            raise UserError(self.env._("Cancel a payment plan before deleting it."))
