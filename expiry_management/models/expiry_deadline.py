# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models, tools
from odoo.exceptions import UserError, ValidationError

from ..tools import MAX_WINDOW_DAYS, MAX_YEAR, MIN_YEAR, add_duration, days_between, local_today, shift_days
from .account_move import OPEN_ITEM_DOMAIN
from .expiry_access import INVOICING

# Settings of the module and their defaults: one field ``expiry_<key>`` per key
# on res.company (res_company.py), so that each company has its own. Read them
# through ExpiryDeadline._get_expiry_param(key, company), never elsewhere.
EXPIRY_PARAMS = {
    "upcoming_days": 7,
    "renewal_window_days": 30,
    "renewal_grace_days": 30,
    # reminders due more than this many days ago (scheduler down) are not sent
    "reminder_catchup_days": 3,
    # expired deadlines are closed this many days after expiry (0: never)
    "close_after_days": 90,
    # mailing.list id customers join when their deadline expires (0: none);
    # used by expiry_management_mass_mailing
    "winback_mailing_list_id": 0,
    # reminders sent per scheduled-action run before committing
    "reminder_batch_size": 500,
    # 1: a pricelist's percentage discount also applies to the agreed price
    "renewal_pricelist_discount": 0,
    # times a ladder's e-mail is sent again after a transient failure
    # (mail server down, 4xx) before its step fails
    "delivery_retries": 5,
}
# Upper bound of each setting (the lower bound is 0): a larger value would
# overflow the date arithmetic of the portal, the daily pass or the reports.
EXPIRY_PARAM_MAX = {
    "upcoming_days": MAX_WINDOW_DAYS,
    "renewal_window_days": MAX_WINDOW_DAYS,
    "renewal_grace_days": MAX_WINDOW_DAYS,
    "reminder_catchup_days": MAX_WINDOW_DAYS,
    "close_after_days": MAX_WINDOW_DAYS,
    "winback_mailing_list_id": 2**31 - 1,
    "reminder_batch_size": 100000,
    "renewal_pricelist_discount": 1,
    "delivery_retries": 10,
}

STATES = [
    ("draft", "Draft"),
    ("active", "Active"),
    ("expired", "Expired"),
    ("closed", "Closed"),
    ("cancelled", "Cancelled"),
]
URGENCIES = [
    ("expired", "Expired"),
    ("soon", "Expiring soon"),
    ("window", "Renewal window"),
    ("later", "Later"),
    ("done", "Closed"),
]
OPEN_STATES = ("draft", "active", "expired")


class ExpiryDeadline(models.Model):
    """A dated commitment of a customer: a policy, a contract, a licence, a
    maintenance plan. It expires on ``date_expiry`` unless it is renewed."""

    _name = "expiry.deadline"
    _description = "Deadline"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date_expiry, id"
    _check_company_auto = True
    _rec_names_search = ["name", "description", "partner_id", "product_id"]

    name = fields.Char(
        string="Reference",
        required=True,
        readonly=True,
        copy=False,
        default=lambda self: self.env._("New"),
        index="trigram",
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        tracking=True,
        index=True,
        check_company=True,
    )
    commercial_partner_id = fields.Many2one(
        related="partner_id.commercial_partner_id",
        string="Commercial Entity",
        store=True,
        index=True,
    )
    product_id = fields.Many2one(
        "product.product",
        string="Product or Service",
        tracking=True,
        check_company=True,
        index="btree_not_null",
    )
    product_categ_id = fields.Many2one(
        related="product_id.categ_id",
        string="Line of Business",
        store=True,
        groups="base.group_user",
    )
    description = fields.Char(help="Policy number, contract title, licence key…")
    quantity = fields.Float(default=1.0, digits="Product Unit of Measure")
    price_unit = fields.Float(string="Unit Price", digits="Product Price")
    amount = fields.Monetary(
        compute="_compute_amount",
        store=True,
        currency_field="currency_id",
        tracking=True,
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    currency_id = fields.Many2one(
        "res.currency",
        required=True,
        default=lambda self: self.env.company.currency_id,
    )
    user_id = fields.Many2one(
        "res.users",
        string="Salesperson",
        default=lambda self: self.env.user,
        tracking=True,
        index=True,
        domain="[('share', '=', False), ('company_ids', 'in', company_id)]",
    )
    team_id = fields.Many2one(
        "crm.team",
        string="Sales Team",
        compute="_compute_team_id",
        store=True,
        readonly=False,
        precompute=True,
        check_company=True,
        tracking=True,
        groups="base.group_user",
        help="The office in charge of this deadline.",
    )
    origin_id = fields.Many2one(
        "expiry.origin",
        tracking=True,
        groups="base.group_user",
        domain="['|', ('company_id', '=', False), ('company_id', '=', company_id)]",
    )
    bank_institute_id = fields.Many2one(
        "expiry.bank.institute",
        tracking=True,
        groups="base.group_user",
        domain="['|', ('company_id', '=', False), ('company_id', '=', company_id)]",
    )
    date_start = fields.Date(string="Start Date", tracking=True)
    date_expiry = fields.Date(
        string="Expiry Date",
        required=True,
        tracking=True,
        index=True,
    )
    notes = fields.Html(groups="base.group_user", help="Internal notes, never shown to the customer.")
    date_ladder_start = fields.Date(
        string="Ladder Starts On",
        readonly=True,
        copy=False,
        groups="base.group_user",
        help="Timed e-mails due before this day are never prepared: the day the deadline was created "
        "(in the company's time zone) or last imported, so that a deadline entered after some of its "
        "stages' days sends none of them late (see expiry.reminder._prepare_reminders).",
    )
    state = fields.Selection(
        STATES,
        default="draft",
        required=True,
        copy=False,
        tracking=True,
        index=True,
    )
    days_remaining = fields.Integer(
        compute="_compute_days_remaining",
        search="_search_days_remaining",
        help="Days from today until the expiry date (negative once expired), " "in your time zone.",
    )
    urgency = fields.Selection(
        URGENCIES,
        compute="_compute_urgency",
        group_expand="_group_expand_urgency",
        store=True,
        index=True,
        help="Refreshed every day by the scheduled action.",
    )
    color = fields.Integer()
    term_ids = fields.One2many(
        "expiry.deadline.term",
        "deadline_id",
        string="Renewals",
        readonly=True,
    )
    renewal_count = fields.Integer(compute="_compute_renewal_count")
    sale_line_ids = fields.One2many(
        "sale.order.line",
        "deadline_id",
        string="Renewal Order Lines",
        readonly=True,
        groups="base.group_user",
    )
    sale_order_count = fields.Integer(compute="_compute_sale_order_count")
    collection_move_ids = fields.One2many(
        "account.move",
        "expiry_deadline_id",
        string="Invoices",
        readonly=True,
        groups="account.group_account_invoice",
        help="The customer invoices of this deadline (account.move.expiry_deadline_id).",
    )
    renewal_invoice_ids = fields.Many2many(
        "account.move",
        string="Unpaid Renewal Invoices",
        compute="_compute_renewal_payment",
        groups="account.group_account_invoice",
        help="Posted customer invoices of this deadline (its renewal orders' and those linked to it) that "
        "are not fully paid: its open items.",
    )
    renewal_amount_due = fields.Monetary(
        compute="_compute_renewal_payment",
        currency_field="currency_id",
        groups="account.group_account_invoice",
    )
    renewal_unpaid = fields.Boolean(
        compute="_compute_renewal_payment",
        search="_search_renewal_unpaid",
        groups="account.group_account_invoice",
    )
    portal_renewal_url = fields.Char(
        string="Online Renewal Link",
        compute="_compute_portal_renewal_url",
        help="Link where the customer renews online, used by the reminder "
        "e-mails. Empty unless the customer portal module is installed.",
    )
    is_renewable = fields.Boolean(
        compute="_compute_is_renewable",
        help="A renewal can be started: the deadline is not cancelled and its product "
        "is sellable and has a renewal duration.",
    )
    renewal_blocked_reason = fields.Char(
        string="Why Not Renewable",
        compute="_compute_is_renewable",
        help="Why the deadline cannot be renewed now (shown on the form instead of the Renew button).",
    )

    reminder_ids = fields.One2many(
        "expiry.reminder",
        "deadline_id",
        string="Timed E-mails",
        readonly=True,
        groups="base.group_user",
    )
    cron_error = fields.Text(
        string="Scheduled Action Error",
        readonly=True,
        copy=False,
        help="Why the daily pass could not move this deadline along (e.g. an automation "
        "rule raising). It is tried again the next day; the other deadlines go on.",
    )
    cron_error_date = fields.Date(readonly=True, copy=False)

    _sql_constraints = [
        (
            "name_company_uniq",
            "unique(name, company_id)",
            "The reference of a deadline must be unique per company.",
        ),
    ]

    # ------------------------------------------------------------------
    # Settings and today
    # ------------------------------------------------------------------
    @api.model
    def _get_expiry_param(self, key, company=None):
        """Integer setting of the module (see EXPIRY_PARAMS) of ``company``
        (default: the current company; pass the company of the deadline or of
        the daily pass), within its bounds (EXPIRY_PARAM_MAX) whatever was
        stored."""
        company = company or self.env.company
        # sudo: the company's settings of the module (bounded numbers), not
        # secrets: every date rule reads them, the portal's included
        value = company.sudo()[f"expiry_{key}"]
        try:
            number = int(value)
        except (TypeError, ValueError):
            return EXPIRY_PARAMS[key]
        return min(max(number, 0), EXPIRY_PARAM_MAX[key])

    @api.model
    def _company_today(self, company=None):
        """Today for business rules: the date in ``company``'s time zone
        (default: the current company; UTC when the company has none, never
        the user's, so that a portal customer, a salesperson and the daily
        pass agree on the day). States, urgency, the reminder ladder, the
        renewal and grace windows, overdue days and the reports all use it."""
        company = company or self.env.company
        return local_today(self._get_company_tz(company.id) or "UTC")

    @api.model
    @tools.ormcache("company_id")
    def _get_company_tz(self, company_id):
        """Time zone of a company (its partner's), cached: asked for every
        date rule. res.partner.write clears the cache when it changes."""
        # sudo: only the time zone of a company the caller passes (a date rule)
        company = self.env["res.company"].sudo().browse(company_id)
        return company.partner_id.tz or False

    @api.model
    def _today(self):
        """Today of the current company (see _company_today)."""
        return self._company_today(self.env.company)

    @api.model
    def _user_today(self):
        """Today in the current user's time zone: for display only (the days
        remaining a user sees), never for a business rule."""
        # sudo: the time zone of the caller's own current company
        tz = self.env.context.get("tz") or self.env.user.tz or self.env.company.sudo().partner_id.tz
        return local_today(tz)

    # ------------------------------------------------------------------
    # Urgency: the one table of buckets
    # ------------------------------------------------------------------
    @api.model
    def _get_urgency_windows(self, today, company=None):
        """``{bucket: (first, last)}``: the expiry dates of the open urgency
        buckets on ``today`` (None: unbounded). "soon" ends after the upcoming
        window of the settings, "window" after the renewal window. Every
        screen, filter, counter and report that speaks of urgency derives
        from this table (and the stored ``urgency`` it computes). ``company``:
        whose windows (default: the current company)."""
        soon = self._get_expiry_param("upcoming_days", company)
        window = max(self._get_expiry_param("renewal_window_days", company), soon)
        return {
            "expired": (None, shift_days(today, -1)),
            "soon": (today, shift_days(today, soon)),
            "window": (shift_days(today, soon + 1), shift_days(today, window)),
            "later": (shift_days(today, window + 1), None),
        }

    @api.model
    def _get_urgency_domain(self, buckets, today, company=None):
        """Domain on ``date_expiry`` of the urgency ``buckets`` (contiguous)
        of ``company`` (default: the current company)."""
        windows = self._get_urgency_windows(today, company)
        firsts = [windows[bucket][0] for bucket in buckets]
        lasts = [windows[bucket][1] for bucket in buckets]
        domain = [("state", "in", OPEN_STATES)]
        if None not in firsts:
            domain.append(("date_expiry", ">=", min(firsts)))
        if None not in lasts:
            domain.append(("date_expiry", "<=", max(lasts)))
        return domain

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------
    @api.depends("quantity", "price_unit")
    def _compute_amount(self):
        for deadline in self:
            deadline.amount = deadline.quantity * deadline.price_unit

    @api.depends("user_id", "company_id")
    def _compute_team_id(self):
        for deadline in self:
            if deadline.team_id and deadline.user_id in deadline.team_id.member_ids:
                continue
            deadline.team_id = (
                self.env["crm.team"]
                .with_company(deadline.company_id)
                ._get_default_team_id(user_id=deadline.user_id.id)
            )

    @api.depends("date_expiry")
    @api.depends_context("tz", "uid")
    def _compute_days_remaining(self):
        today = self._user_today()
        for deadline in self:
            deadline.days_remaining = days_between(today, deadline.date_expiry) if deadline.date_expiry else 0

    def _search_days_remaining(self, operator, value):
        if operator not in ("=", "!=", "<", "<=", ">", ">=") or isinstance(value, bool):
            raise UserError(self.env._("Days remaining can only be compared with a number."))
        try:
            days = int(value)
        except (TypeError, ValueError, OverflowError) as error:
            raise UserError(self.env._("Days remaining can only be compared with a number.")) from error
        limit = 366 * (MAX_YEAR - MIN_YEAR)
        if abs(days) > limit:
            raise UserError(
                self.env._(
                    "Days remaining can only be compared with a number between -%(limit)s and %(limit)s.",
                    limit=limit,
                )
            )
        try:
            return [("date_expiry", operator, shift_days(self._user_today(), days))]
        except ValueError as error:
            raise UserError(
                self.env._("Days remaining: %(days)s days from today is beyond the calendar.", days=days)
            ) from error

    @api.depends("date_expiry", "state", "company_id")
    def _compute_urgency(self):
        windows = {}
        for deadline in self:
            company = deadline.company_id or self.env.company
            if company not in windows:
                windows[company] = self._get_urgency_windows(self._company_today(company), company)
            deadline.urgency = deadline._urgency_for(windows[company])

    @api.model
    def _group_expand_urgency(self, values, domain):
        """Kanban columns in the order of urgency, the open buckets always shown."""
        return [key for key, _label in URGENCIES if key != "done" or key in values]

    def _urgency_for(self, windows):
        """The bucket of this deadline in ``windows`` (_get_urgency_windows)."""
        self.ensure_one()
        if self.state not in OPEN_STATES or not self.date_expiry:
            return "done"
        for bucket, (first, last) in windows.items():
            if (first is None or self.date_expiry >= first) and (last is None or self.date_expiry <= last):
                return bucket
        return "later"

    @api.depends("term_ids.state")
    def _compute_renewal_count(self):
        data = dict(
            self.env["expiry.deadline.term"]._read_group(
                [("deadline_id", "in", self.ids), ("state", "=", "done")],
                ["deadline_id"],
                ["__count"],
            )
        )
        for deadline in self:
            deadline.renewal_count = data.get(deadline, 0)

    @api.depends("sale_line_ids")
    def _compute_sale_order_count(self):
        data = dict(
            self.env["sale.order.line"]._read_group(
                [("deadline_id", "in", self.ids)],
                ["deadline_id"],
                ["order_id:count_distinct"],
            )
        )
        for deadline in self:
            deadline.sale_order_count = data.get(deadline, 0)

    @api.depends(
        "collection_move_ids.state",
        "collection_move_ids.payment_state",
        "collection_move_ids.amount_residual",
        "collection_move_ids.invoice_date_due",
    )
    @api.depends_context("company")
    def _compute_renewal_payment(self):
        """The deadline's open items (account.move._expiry_open_items: the
        one rule the collection extends), their amount in its currency."""
        # sudo: the invoices of these deadlines only (their company); the fields are groups=Billing
        moves = (
            self.env["account.move"]
            .sudo()
            .search(OPEN_ITEM_DOMAIN + [("expiry_deadline_id", "in", self._origin.ids)])
        )
        for deadline in self:
            today = self._company_today(deadline.company_id)
            mine = moves.filtered(
                lambda m, d=deadline._origin: m.expiry_deadline_id == d
            )._expiry_open_moves()
            items = mine._expiry_open_items(today)
            deadline.renewal_invoice_ids = mine
            deadline.renewal_unpaid = bool(mine)
            deadline.renewal_amount_due = sum(
                deadline.company_id.currency_id._convert(
                    amount, deadline.currency_id, deadline.company_id, today
                )
                for _move, _date, amount, _source in items
            )

    def _search_renewal_unpaid(self, operator, value):
        if operator not in ("=", "!="):
            raise UserError(self.env._("Unsupported search on 'Renewal Unpaid'."))
        # the deadlines of the open items the user may read
        unpaid = [
            ("id", "in", self.env["account.move"]._search(OPEN_ITEM_DOMAIN).subselect("expiry_deadline_id"))
        ]
        positive = (operator == "=") == bool(value)
        return unpaid if positive else ["!"] + unpaid

    def action_view_unpaid_renewal_invoices(self):
        self.ensure_one()
        self._expiry_check_access("read", groups=INVOICING)
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "expiry_management.action_expiry_unpaid_renewals"
        )
        action["domain"] = [("id", "in", self.renewal_invoice_ids.ids)]
        return action

    def _compute_portal_renewal_url(self):
        # Extended by expiry_management_portal.
        self.portal_renewal_url = False

    @api.depends(
        "state",
        "date_expiry",
        "product_id.expiry_duration",
        "product_id.active",
        "product_id.sale_ok",
    )
    def _compute_is_renewable(self):
        for deadline in self:
            reason = deadline._get_renewal_error(start=True)
            deadline.is_renewable = not reason
            deadline.renewal_blocked_reason = reason or False

    def _compute_display_name(self):
        for deadline in self:
            label = deadline.description or deadline.product_id.name
            deadline.display_name = f"{deadline.name} - {label}" if label and deadline.name else deadline.name

    # ------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------
    @api.constrains("date_start", "date_expiry")
    def _check_dates(self):
        for deadline in self:
            for date in (deadline.date_start, deadline.date_expiry):
                if date and not MIN_YEAR <= date.year <= MAX_YEAR:
                    raise ValidationError(
                        self.env._(
                            "The dates of %(deadline)s must lie between the years %(min)s and %(max)s (not %(date)s).",
                            deadline=deadline.display_name,
                            min=MIN_YEAR,
                            max=MAX_YEAR,
                            date=date,
                        )
                    )
            if deadline.date_start and deadline.date_expiry and deadline.date_expiry < deadline.date_start:
                raise ValidationError(
                    self.env._(
                        "The expiry date (%(expiry)s) of %(deadline)s cannot be before its start date (%(start)s).",
                        expiry=deadline.date_expiry,
                        start=deadline.date_start,
                        deadline=deadline.display_name,
                    )
                )

    @api.constrains("quantity", "price_unit")
    def _check_amounts(self):
        for deadline in self:
            if deadline.quantity < 0:
                raise ValidationError(self.env._("The quantity of a deadline cannot be negative."))
            if deadline.price_unit < 0:
                raise ValidationError(self.env._("The unit price of a deadline cannot be negative."))

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            company = self.env["res.company"].browse(vals.get("company_id")) or self.env.company
            # the ladder starts on the day the deadline enters the system (see date_ladder_start)
            vals.setdefault("date_ladder_start", self._company_today(company))
            if not vals.get("name") or vals["name"] == self.env._("New"):
                vals["name"] = self.env["ir.sequence"].with_company(company).next_by_code(
                    "expiry.deadline"
                ) or self.env._("New")
        return super().create(vals_list)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_in_use(self):
        for deadline in self:
            if deadline.state not in ("draft", "cancelled"):
                raise UserError(
                    self.env._(
                        "You can only delete draft or cancelled deadlines; cancel %(deadline)s first.",
                        deadline=deadline.display_name,
                    )
                )

    @api.onchange("product_id")
    def _onchange_product_id(self):
        if self.product_id:
            self.price_unit = self.product_id.lst_price
            if not self.description:
                self.description = self.product_id.name

    @api.onchange("date_start", "product_id")
    def _onchange_date_start(self):
        """Suggest an expiry date one product duration after the start."""
        if self.date_start and not self.date_expiry and self.product_id.expiry_duration > 0:
            tmpl = self.product_id.product_tmpl_id
            try:
                self.date_expiry = add_duration(
                    self.date_start, tmpl.expiry_duration, tmpl.expiry_duration_unit
                )
            except ValueError:
                self.date_expiry = False
