# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What a deadline's customer owes: the figures of the collection desk."""

import operator as py_operator

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from odoo.addons.expiry_management.models.account_move import OPEN_ITEM_DOMAIN, days_overdue

from ..tools import AGING_BUCKETS, aging_bucket
from .collection_access import MONEY

COLLECTION_STATES = [
    ("ok", "OK"),
    ("follow_up", "In Follow-up"),
    ("payment_plan", "Payment Plan"),
    ("handed_over", "Handed Over"),
    ("written_off", "Written Off"),
]
#: written by the desk's actions only (hand over, take back, write off), as superuser
#: after their own checks: never by a form or an RPC call
COLLECTION_ACTION_FIELDS = frozenset(
    {
        "collection_agency_id",
        "collection_handed_over_date",
        "collection_handed_over_amount",
        "collection_written_off_date",
        "collection_write_off_reason",
    }
)
OPERATORS = {
    "=": py_operator.eq,
    "!=": py_operator.ne,
    "<": py_operator.lt,
    "<=": py_operator.le,
    ">": py_operator.gt,
    ">=": py_operator.ge,
}


class ExpiryDeadline(models.Model):
    _inherit = "expiry.deadline"

    company_currency_id = fields.Many2one(related="company_id.currency_id", string="Company Currency")
    collection_invoice_ids = fields.Many2many(
        "account.move",
        string="Open Invoices",
        compute="_compute_collection",
        groups=MONEY,
        help="Posted customer invoices of this deadline that are not fully paid.",
    )
    amount_due = fields.Monetary(
        compute="_compute_collection",
        search="_search_amount_due",
        currency_field="company_currency_id",
        groups=MONEY,
        help="What the customer still owes on this deadline's invoices, in the company currency.",
    )
    amount_overdue = fields.Monetary(
        compute="_compute_collection",
        search="_search_amount_overdue",
        currency_field="company_currency_id",
        groups=MONEY,
        help="The part of the amount due that is past its due date (a payment plan's instalments count "
        "on their own dates).",
    )
    days_overdue = fields.Integer(
        compute="_compute_collection",
        search="_search_days_overdue",
        help="Days since the due date of the oldest unpaid item, in the company's time zone.",
    )
    aging_bucket = fields.Selection(
        selection="_selection_aging_bucket",
        string="Aging",
        compute="_compute_collection",
        search="_search_aging_bucket",
    )
    collection_state = fields.Selection(
        COLLECTION_STATES,
        compute="_compute_collection",
        search="_search_collection_state",
        help="OK: nothing overdue. In follow-up: overdue, on the collection ladder. Payment plan: paying "
        "agreed instalments. Handed over: with a collection agency. Written off: credited as lost.",
    )
    collector_id = fields.Many2one(
        "res.users",
        compute="_compute_collector_id",
        store=True,
        readonly=False,
        tracking=True,
        index="btree_not_null",
        domain=[("share", "=", False)],
        help="Follows up overdue payments; by default the customer's collector, else the sales team's.",
    )
    collection_team_id = fields.Many2one(
        "crm.team",
        compute="_compute_collector_id",
        store=True,
        readonly=False,
        help="By default the sales team (the office) of the deadline.",
    )
    collection_reason_id = fields.Many2one(
        "expiry.collection.reason", string="Late Payment Reason", tracking=True, copy=False
    )
    collection_agency_id = fields.Many2one(
        "res.partner",
        readonly=True,
        copy=False,
        tracking=True,
        index="btree_not_null",
    )
    collection_handed_over_date = fields.Date(string="Handed Over On", readonly=True, copy=False)
    collection_handed_over_amount = fields.Monetary(
        string="Amount Handed Over",
        readonly=True,
        copy=False,
        currency_field="company_currency_id",
        groups=MONEY,
    )
    collection_written_off_date = fields.Date(string="Written Off On", readonly=True, copy=False)
    collection_write_off_reason = fields.Text(string="Write-off Reason", readonly=True, copy=False)
    collection_plan_ids = fields.One2many("expiry.collection.plan", "deadline_id", string="Payment Plans")
    collection_plan_id = fields.Many2one(
        "expiry.collection.plan", compute="_compute_collection_plan_id", string="Running Payment Plan"
    )
    collection_log_ids = fields.One2many(
        "expiry.collection.log", "deadline_id", string="Collection Steps", readonly=True
    )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            # a new deadline starts neither handed over nor written off
            self._expiry_check_collection_action_fields({key: value for key, value in vals.items() if value})
        return super().create(vals_list)

    def write(self, vals):
        self._expiry_check_collection_action_fields(vals)
        return super().write(vals)

    def _expiry_check_collection_action_fields(self, vals):
        """The hand-over and write-off fields change through the desk's
        actions only (they check the rights, then write as superuser)."""
        if COLLECTION_ACTION_FIELDS & vals.keys() and not self.env.su:
            raise AccessError(
                self.env._(
                    "The hand-over and the write-off of a deadline change through the Hand Over, "
                    "Take Back and Write Off actions of the collection desk only."
                )
            )

    @api.model
    def _selection_aging_bucket(self):
        low, middle, high = self.env.company._get_expiry_aging_bounds()
        return [
            ("not_due", self.env._("Not Due")),
            ("1_30", self.env._("1-%s days", low)),
            ("31_60", self.env._("%(from)s-%(to)s days", **{"from": low + 1, "to": middle})),
            ("61_90", self.env._("%(from)s-%(to)s days", **{"from": middle + 1, "to": high})),
            ("over_90", self.env._("Over %s days", high)),
        ]

    @api.depends(
        "partner_id.commercial_partner_id.expiry_collector_id", "team_id.expiry_collector_id", "team_id"
    )
    def _compute_collector_id(self):
        for deadline in self:
            deadline.collector_id = (
                deadline.partner_id.commercial_partner_id.with_company(
                    deadline.company_id
                ).expiry_collector_id
                or deadline.team_id.expiry_collector_id
                or deadline.collector_id
            )
            deadline.collection_team_id = deadline.collection_team_id or deadline.team_id

    @api.depends("collection_plan_ids.state")
    def _compute_collection_plan_id(self):
        for deadline in self:
            deadline.collection_plan_id = deadline.collection_plan_ids.filtered(
                lambda p: p.state == "active"
            )[:1]

    # ------------------------------------------------------------------
    # The figures: the core's rule (account.move._expiry_open_items, extended
    # here with the payment plans), the same as the core's renewal_amount_due
    # ------------------------------------------------------------------
    def _get_collection_figures(self):
        """``{deadline id: figures}`` for these deadlines, from their open
        invoices, in each company's time zone and currency (a deadline's
        invoices are those of its own company)."""
        # sudo: the open invoices of these deadlines (the caller may read them), in their companies
        moves = (
            self.env["account.move"]
            .sudo()
            .search(
                OPEN_ITEM_DOMAIN
                + [
                    ("expiry_deadline_id", "in", self._origin.ids),
                    ("company_id", "in", self._origin.company_id.ids),
                ]
            )
        )
        by_deadline = {}
        for move in moves._expiry_open_moves():
            by_deadline[move.expiry_deadline_id.id] = (
                by_deadline.get(move.expiry_deadline_id.id, moves.browse()) | move
            )
        result = {}
        for deadline in self:
            open_moves = by_deadline.get(deadline._origin.id, moves.browse())
            today = self._company_today(deadline.company_id)
            due = overdue = 0.0
            oldest = None
            for _move, date_due, amount, _line in open_moves._expiry_open_items(today):
                due += amount
                if date_due and date_due < today:
                    overdue += amount
                    oldest = min(oldest, date_due) if oldest else date_due
            days = days_overdue(oldest, today)
            result[deadline.id] = {
                "moves": open_moves,
                "amount_due": due,
                "amount_overdue": overdue,
                "days_overdue": days,
                "aging_bucket": aging_bucket(days, deadline.company_id._get_expiry_aging_bounds()),
                # sudo: the deadline's own hand-over and plans
                "collection_state": deadline.sudo()._get_collection_state(overdue),
            }
        return result

    def _get_collection_state(self, overdue):
        """The collection state, from the hand-over, the plan, what is overdue
        and the write-off (in that order)."""
        self.ensure_one()
        if self.collection_agency_id:
            return "handed_over"
        # sudo: this deadline's own plans
        plan = self.sudo().collection_plan_ids.filtered(lambda p: p.state == "active")
        if plan:
            return "follow_up" if plan.has_missed else "payment_plan"
        if self.company_currency_id.compare_amounts(overdue, 0) > 0:
            return "follow_up"
        if self.collection_written_off_date:
            return "written_off"
        return "ok"

    @api.depends_context("company")
    def _compute_collection(self):
        # computed for any reader (portal users see the state): the figures
        # come from fields they may not read themselves
        # sudo: the figures of deadlines the caller reads; amounts are groups=MONEY fields
        figures = self.sudo()._get_collection_figures()
        for deadline in self:
            values = figures[deadline.id]
            deadline.days_overdue = values["days_overdue"]
            deadline.aging_bucket = values["aging_bucket"]
            deadline.collection_state = values["collection_state"]
            deadline.collection_invoice_ids = values["moves"]
            deadline.amount_due = values["amount_due"]
            deadline.amount_overdue = values["amount_overdue"]

    # ------------------------------------------------------------------
    # Searching the figures: computed on the deadlines that owe something
    # ------------------------------------------------------------------
    def _collection_candidates(self):
        """Deadlines whose figures are not the neutral ones: with an open
        invoice, handed over, written off or on a plan; in the caller's
        companies (the search's result goes through the record rules)."""
        company = [] if self.env.su else [("company_id", "in", self.env.companies.ids)]
        # sudo: only ids come out, filtered by the caller's record rules in the search
        moves = self.env["account.move"].sudo().search(OPEN_ITEM_DOMAIN + company)
        others = self.sudo().search(  # sudo: see above
            company
            + [
                "|",
                "|",
                ("collection_agency_id", "!=", False),
                ("collection_written_off_date", "!=", False),
                ("collection_plan_ids.state", "=", "active"),
            ]
        )
        return moves.expiry_deadline_id.sudo() | others  # sudo: see above

    def _search_collection_figure(self, name, operator, value, neutral):
        # a figure the user may not read is not searched either (amounts: invoicing rights)
        self.check_field_access_rights("read", [name])
        if operator in ("in", "not in"):
            values = set(value if isinstance(value, list | tuple | set) else [value])
            test = (lambda v: v in values) if operator == "in" else (lambda v: v not in values)
        elif operator in OPERATORS:
            compare = OPERATORS[operator]
            test = lambda v: compare(v, value)  # noqa: E731
        else:
            raise UserError(self.env._("Unsupported search on %s.", self._fields[name].string))
        candidates = self._collection_candidates()
        figures = candidates._get_collection_figures()
        matching = [deadline_id for deadline_id, values in figures.items() if test(values[name])]
        if test(neutral):
            return ["|", ("id", "in", matching), ("id", "not in", candidates.ids)]
        return [("id", "in", matching)]

    def _search_amount_due(self, operator, value):
        return self._search_collection_figure("amount_due", operator, value, 0.0)

    def _search_amount_overdue(self, operator, value):
        return self._search_collection_figure("amount_overdue", operator, value, 0.0)

    def _search_days_overdue(self, operator, value):
        return self._search_collection_figure("days_overdue", operator, value, 0)

    def _search_aging_bucket(self, operator, value):
        return self._search_collection_figure("aging_bucket", operator, value, "not_due")

    def _search_collection_state(self, operator, value):
        return self._search_collection_figure("collection_state", operator, value, "ok")

    @api.model
    def _get_aging_bucket_keys(self):
        return list(AGING_BUCKETS)
