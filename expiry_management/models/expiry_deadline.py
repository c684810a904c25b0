# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import datetime

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..tools import add_duration, days_between, local_today, renewal_base_date
from .account_move import UNPAID_RENEWAL_INVOICE_DOMAIN

# Settings of the module (ir.config_parameter keys) and their defaults. Read
# them through ExpiryDeadline._get_expiry_param, never with a literal elsewhere.
EXPIRY_PARAMS = {
    "upcoming_days": 7,
    "portal_renewal_days": 30,
    "renewal_grace_days": 30,
    # reminders due more than this many days ago (scheduler down) are not sent
    "reminder_catchup_days": 3,
    # expired deadlines are closed this many days after expiry (0: never)
    "close_after_days": 90,
    # mailing.list id customers join when their deadline expires (0: none)
    "winback_mailing_list_id": 0,
    # reminders sent per scheduled-action run before committing
    "reminder_batch_size": 500,
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
        default=lambda self: _("New"),
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
        help="The office in charge of this deadline.",
    )
    origin_id = fields.Many2one(
        "expiry.origin",
        string="Origin",
        tracking=True,
        domain="['|', ('company_id', '=', False), ('company_id', '=', company_id)]",
    )
    bank_institute_id = fields.Many2one(
        "expiry.bank.institute",
        string="Bank Institute",
        tracking=True,
        domain="['|', ('company_id', '=', False), ('company_id', '=', company_id)]",
    )
    date_start = fields.Date(string="Start Date", tracking=True)
    date_expiry = fields.Date(
        string="Expiry Date",
        required=True,
        tracking=True,
        index=True,
    )
    notes = fields.Html()
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
    )
    sale_order_count = fields.Integer(compute="_compute_sale_order_count")
    renewal_invoice_ids = fields.Many2many(
        "account.move",
        string="Unpaid Renewal Invoices",
        compute="_compute_renewal_payment",
        groups="account.group_account_invoice",
        help="Posted customer invoices of this deadline's renewal orders that are not fully paid.",
    )
    renewal_amount_due = fields.Monetary(
        string="Renewal Amount Due",
        compute="_compute_renewal_payment",
        currency_field="currency_id",
    )
    renewal_unpaid = fields.Boolean(
        string="Renewal Unpaid",
        compute="_compute_renewal_payment",
        search="_search_renewal_unpaid",
    )
    portal_renewal_url = fields.Char(
        string="Online Renewal Link",
        compute="_compute_portal_renewal_url",
        help="Link where the customer renews online, used by the reminder "
        "e-mails. Empty unless the customer portal module is installed.",
    )
    is_renewable = fields.Boolean(
        compute="_compute_is_renewable",
        help="The deadline has a product with a renewal duration and is not cancelled.",
    )

    reminder_ids = fields.One2many(
        "expiry.reminder",
        "deadline_id",
        string="Timed E-mails",
        readonly=True,
    )

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
    def _get_expiry_param(self, key):
        """Integer setting of the module (see EXPIRY_PARAMS)."""
        default = EXPIRY_PARAMS[key]
        value = self.env["ir.config_parameter"].sudo().get_param(f"expiry_management.{key}")
        try:
            return int(value) if value not in (None, False, "") else default
        except ValueError:
            return default

    @api.model
    def _today(self):
        """Today for the current user: their time zone, else the company's."""
        tz = self.env.context.get("tz") or self.env.user.tz or self.env.company.sudo().partner_id.tz
        return local_today(tz)

    @api.model
    def _company_today(self, company):
        """Today in a company's time zone (what scheduled actions use)."""
        return local_today(company.sudo().partner_id.tz or self.env.user.tz)

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
        today = self._today()
        for deadline in self:
            deadline.days_remaining = days_between(today, deadline.date_expiry) if deadline.date_expiry else 0

    def _search_days_remaining(self, operator, value):
        if operator not in ("=", "!=", "<", "<=", ">", ">=") or isinstance(value, bool):
            raise UserError(_("Days remaining can only be compared with a number."))
        try:
            days = int(value)
        except (TypeError, ValueError) as error:
            raise UserError(_("Days remaining can only be compared with a number.")) from error
        return [("date_expiry", operator, self._today() + datetime.timedelta(days=days))]

    @api.depends("date_expiry", "state")
    def _compute_urgency(self):
        today = self._today()
        soon = self._get_expiry_param("upcoming_days")
        window = max(self._get_expiry_param("portal_renewal_days"), soon)
        for deadline in self:
            deadline.urgency = deadline._urgency_for(today, soon, window)

    @api.model
    def _group_expand_urgency(self, values, domain):
        """Kanban columns in the order of urgency, the open buckets always shown."""
        return [key for key, _label in URGENCIES if key != "done" or key in values]

    def _urgency_for(self, today, soon, window):
        self.ensure_one()
        if self.state not in OPEN_STATES or not self.date_expiry:
            return "done"
        days = days_between(today, self.date_expiry)
        if days < 0:
            return "expired"
        if days <= soon:
            return "soon"
        if days <= window:
            return "window"
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
        "sale_line_ids.invoice_lines.move_id.payment_state",
        "sale_line_ids.invoice_lines.move_id.amount_residual",
    )
    @api.depends_context("company")
    def _compute_renewal_payment(self):
        invoices = self.sudo().sale_line_ids.invoice_lines.move_id.filtered_domain(
            UNPAID_RENEWAL_INVOICE_DOMAIN
        )
        today = fields.Date.context_today(self)
        for deadline in self:
            unpaid = invoices.filtered(
                lambda m, d=deadline: d in m.invoice_line_ids.sale_line_ids.deadline_id
            )
            deadline.renewal_invoice_ids = unpaid
            deadline.renewal_unpaid = bool(unpaid)
            deadline.renewal_amount_due = sum(
                move.currency_id._convert(
                    move.amount_residual, deadline.currency_id, deadline.company_id, today
                )
                for move in unpaid
            )

    def _search_renewal_unpaid(self, operator, value):
        if operator not in ("=", "!="):
            raise UserError(_("Unsupported search on 'Renewal Unpaid'."))
        unpaid = [
            (
                "sale_line_ids",
                "any",
                [("invoice_lines", "any", [("move_id", "any", UNPAID_RENEWAL_INVOICE_DOMAIN)])],
            )
        ]
        positive = (operator == "=") == bool(value)
        return unpaid if positive else ["!"] + unpaid

    def action_view_unpaid_renewal_invoices(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "expiry_management.action_expiry_unpaid_renewals"
        )
        action["domain"] = [("id", "in", self.renewal_invoice_ids.ids)]
        return action

    def _compute_portal_renewal_url(self):
        # Extended by expiry_management_portal.
        self.portal_renewal_url = False

    @api.depends("state", "product_id.expiry_duration")
    def _compute_is_renewable(self):
        for deadline in self:
            deadline.is_renewable = deadline.state != "cancelled" and deadline.product_id.expiry_duration > 0

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
            if deadline.date_start and deadline.date_expiry and deadline.date_expiry < deadline.date_start:
                raise ValidationError(
                    _(
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
                raise ValidationError(_("The quantity of a deadline cannot be negative."))
            if deadline.price_unit < 0:
                raise ValidationError(_("The unit price of a deadline cannot be negative."))

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if not vals.get("name") or vals["name"] == _("New"):
                company = self.env["res.company"].browse(vals.get("company_id")) or self.env.company
                vals["name"] = self.env["ir.sequence"].with_company(company).next_by_code(
                    "expiry.deadline"
                ) or _("New")
        return super().create(vals_list)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_in_use(self):
        for deadline in self:
            if deadline.state not in ("draft", "cancelled"):
                raise UserError(
                    _(
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
            self.date_expiry = add_duration(self.date_start, tmpl.expiry_duration, tmpl.expiry_duration_unit)

    # ------------------------------------------------------------------
    # State actions
    # ------------------------------------------------------------------
    def action_activate(self):
        if self.filtered(lambda d: d.state not in ("draft", "expired", "closed")):
            raise UserError(_("Only draft, expired or closed deadlines can be activated."))
        self.write({"state": "active"})

    def action_close(self):
        if self.filtered(lambda d: d.state == "cancelled"):
            raise UserError(_("A cancelled deadline cannot be closed; reset it to draft first."))
        self.write({"state": "closed"})

    def action_cancel(self):
        self.write({"state": "cancelled"})

    def action_draft(self):
        self.write({"state": "draft"})

    # ------------------------------------------------------------------
    # Renewal: the single entry point
    # ------------------------------------------------------------------
    def _get_renewal_product(self, product=None):
        """The product whose duration a renewal applies: the given one when it
        is renewable (e.g. an order line's), else the deadline's."""
        self.ensure_one()
        if product and product.expiry_duration > 0:
            return product
        return self.product_id

    def _check_renewable(self, product=None):
        """Raise a UserError explaining why this deadline cannot be renewed."""
        for deadline in self:
            if deadline.state == "cancelled":
                raise UserError(
                    _("%(deadline)s is cancelled and cannot be renewed.", deadline=deadline.display_name)
                )
            renewal_product = deadline._get_renewal_product(product)
            if not renewal_product:
                raise UserError(
                    _(
                        "%(deadline)s has no product or service to renew.",
                        deadline=deadline.display_name,
                    )
                )
            if renewal_product.expiry_duration <= 0:
                raise UserError(
                    _(
                        "%(product)s has no renewal duration: set one on the product "
                        "(Sales tab) before renewing %(deadline)s.",
                        product=renewal_product.display_name,
                        deadline=deadline.display_name,
                    )
                )

    def _compute_renewal_dates(self, renewal_date=None, product=None):
        """Return ``(base_date, new_expiry)`` of renewing now with ``product``.

        The one place where a renewal's dates are decided: the base is the
        current expiry when renewed early or within the grace period, the
        renewal date otherwise; the new expiry is one product duration later.
        """
        self.ensure_one()
        self._check_renewable(product)
        renewal_product = self._get_renewal_product(product)
        renewal_date = renewal_date or self._company_today(self.company_id)
        grace = self._get_expiry_param("renewal_grace_days")
        base = renewal_base_date(self.date_expiry, renewal_date, grace)
        tmpl = renewal_product.product_tmpl_id
        return base, add_duration(base, tmpl.expiry_duration, tmpl.expiry_duration_unit)

    def _apply_renewal(self, renewal_date=None, product=None, sale_line=None, origin=None):
        """Extend the deadline by one duration and record the term.

        Runs as superuser on purpose: the renewal is triggered by confirming a
        sale order, possibly by a salesperson without deadline rights or by a
        payment of the public user. Callers decide who may renew.
        The partial unique index on ``expiry_deadline_term.sale_order_line_id``
        makes a sale line extend a deadline at most once, even under races.
        :return: the new ``expiry.deadline.term``
        """
        self.ensure_one()
        deadline = self.sudo()
        base, new_expiry = deadline._compute_renewal_dates(renewal_date, product)
        renewal_product = deadline._get_renewal_product(product)
        term = (
            self.env["expiry.deadline.term"]
            .sudo()
            .create(
                {
                    "deadline_id": deadline.id,
                    "date_renewal": renewal_date or self._company_today(deadline.company_id),
                    "date_start": base,
                    "previous_date_expiry": deadline.date_expiry,
                    "previous_state": deadline.state,
                    "date_expiry": new_expiry,
                    "duration": renewal_product.expiry_duration,
                    "duration_unit": renewal_product.expiry_duration_unit,
                    "sale_order_line_id": sale_line.id if sale_line else False,
                    "origin": origin or (sale_line.order_id.name if sale_line else False),
                }
            )
        )
        deadline.write({"date_expiry": new_expiry, "state": "active"})
        deadline._cancel_pending_mails()
        deadline.message_post(
            body=_(
                "Renewed until %(date)s (previous expiry %(previous)s)%(origin)s.",
                date=new_expiry,
                previous=term.previous_date_expiry,
                origin=_(" by %s", term.origin) if term.origin else "",
            ),
            subtype_xmlid="mail.mt_note",
        )
        return term

    def _cancel_pending_mails(self):
        """Cancel the automatic e-mails about these deadlines still waiting in
        the outgoing queue (reminders, "renew online" links): they speak of the
        expiry date a renewal just replaced. Conversations (comments) stay.

        :return: the cancelled ``mail.mail``
        """
        if not self:
            return self.env["mail.mail"]
        mails = (
            self.env["mail.mail"]
            .sudo()
            .search(
                [
                    ("model", "=", self._name),
                    ("res_id", "in", self.ids),
                    ("state", "=", "outgoing"),
                    ("message_type", "!=", "comment"),
                ]
            )
        )
        mails.cancel()
        return mails

    # ------------------------------------------------------------------
    # Renew button: a quotation linked to the deadline
    # ------------------------------------------------------------------
    def _prepare_renewal_order_line_values(self):
        self.ensure_one()
        product = self._get_renewal_product()
        values = {
            "product_id": product.id,
            "product_uom_qty": self.quantity or 1.0,
            "deadline_id": self.id,
        }
        if self.price_unit and product == self.product_id and self.currency_id == self.company_id.currency_id:
            values["price_unit"] = self.price_unit
        return values

    def _prepare_renewal_order_values(self):
        self.ensure_one()
        values = {
            "partner_id": self.partner_id.id,
            "company_id": self.company_id.id,
            "origin": self.name,
            "order_line": [fields.Command.create(self._prepare_renewal_order_line_values())],
        }
        if self.user_id:
            values["user_id"] = self.user_id.id
        if self.team_id:
            values["team_id"] = self.team_id.id
        return values

    def _get_open_renewal_lines(self):
        """Renewal order lines of these deadlines not yet confirmed."""
        return self.env["sale.order.line"].search(
            [("deadline_id", "in", self.ids), ("state", "in", ("draft", "sent"))]
        )

    def action_renew(self):
        """Create (or reopen) the renewal quotation of this deadline."""
        self.ensure_one()
        self._check_renewable()
        order = self._get_open_renewal_lines()[:1].order_id
        if not order:
            order = self.env["sale.order"].create(self._prepare_renewal_order_values())
            self.message_post(
                body=_("Renewal quotation %s created.", order._get_html_link()),
                subtype_xmlid="mail.mt_note",
            )
        return {
            "type": "ir.actions.act_window",
            "res_model": "sale.order",
            "res_id": order.id,
            "views": [(False, "form")],
            "target": "current",
        }

    def action_view_sale_orders(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("sale.action_quotations_with_onboarding")
        action["domain"] = [("order_line.deadline_id", "=", self.id)]
        action["context"] = {"create": False}
        return action

    def action_view_terms(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "expiry_management.action_expiry_deadline_term"
        )
        action["domain"] = [("deadline_id", "=", self.id)]
        action["context"] = {"create": False}
        return action

    # ------------------------------------------------------------------
    # Daily refresh
    # ------------------------------------------------------------------
    def write(self, vals):
        result = super().write(vals)
        if "date_expiry" in vals or vals.get("state") in ("closed", "cancelled"):
            # A renewal starts a new reminder ladder; an ended deadline gets none.
            self.env["expiry.reminder"]._cancel_obsolete(self)
        return result

    @api.model
    def _cron_update_states(self, company, today, limit):
        """Move ``company``'s deadlines along, ``today`` being the company's
        day: draft -> active from the start date, active -> expired once the
        expiry date has passed, expired -> closed ``close_after_days`` later
        (0: never). ORM writes, so automation rules on the state fire.

        :return: ``(processed, still to process)``, at most ``limit`` processed
        """
        deadlines = self.sudo()
        base = [("company_id", "=", company.id)]
        steps = [
            ([("state", "=", "draft"), ("date_start", "!=", False), ("date_start", "<=", today)], "active"),
            ([("state", "=", "active"), ("date_expiry", "<", today)], "expired"),
        ]
        close_after = self._get_expiry_param("close_after_days")
        if close_after > 0:
            steps.append(
                (
                    [
                        ("state", "=", "expired"),
                        ("date_expiry", "<", today - datetime.timedelta(days=close_after)),
                    ],
                    "closed",
                )
            )
        done = remaining = 0
        for domain, state in steps:
            if done < limit:
                todo = deadlines.search(base + domain, limit=limit - done)
                if todo:
                    todo.write({"state": state})
                    if state == "expired":
                        todo._expiry_join_winback_list()
                    done += len(todo)
            if done >= limit:
                remaining += deadlines.search_count(base + domain)
        return done, remaining

    def _expiry_join_winback_list(self):
        """Subscribe the customers of these expired deadlines to the win-back
        mailing list of the settings, unless they opted out or are
        blacklisted. One contact per e-mail address."""
        list_id = self._get_expiry_param("winback_mailing_list_id")
        mailing_list = self.env["mailing.list"].sudo().browse(list_id).exists() if list_id else False
        if not mailing_list:
            return
        partners = {}
        for partner in self.partner_id:
            if partner.email_normalized:
                partners.setdefault(partner.email_normalized, partner)
        if not partners:
            return
        blacklisted = set(
            self.env["mail.blacklist"].sudo().search([("email", "in", list(partners))]).mapped("email")
        )
        contacts = self.env["mailing.contact"].sudo().search([("email_normalized", "in", list(partners))])
        by_email = {}
        for contact in contacts:
            by_email.setdefault(contact.email_normalized, contact)
        subscriptions = (
            self.env["mailing.subscription"]
            .sudo()
            .search([("contact_id", "in", contacts.ids), ("list_id", "=", mailing_list.id)])
        )
        subscribed = set(subscriptions.contact_id.ids)
        new_subscriptions, new_contacts = [], []
        for email, partner in partners.items():
            if email in blacklisted:
                continue
            contact = by_email.get(email)
            if contact:
                if contact.id not in subscribed:
                    new_subscriptions.append({"contact_id": contact.id, "list_id": mailing_list.id})
            else:
                new_contacts.append(
                    {
                        "name": partner.name,
                        "email": partner.email,
                        "company_name": partner.commercial_company_name or False,
                        "subscription_ids": [fields.Command.create({"list_id": mailing_list.id})],
                    }
                )
        self.env["mailing.subscription"].sudo().create(new_subscriptions)
        self.env["mailing.contact"].sudo().create(new_contacts)

    @api.model
    def _refresh_urgency(self):
        """Recompute the stored urgency of open deadlines whose bucket changed
        since yesterday. One search per bucket, whatever the volume."""
        today = self._today()
        soon = self._get_expiry_param("upcoming_days")
        window = max(self._get_expiry_param("portal_renewal_days"), soon)
        d = datetime.timedelta
        buckets = {
            "expired": [("date_expiry", "<", today)],
            "soon": [("date_expiry", ">=", today), ("date_expiry", "<=", today + d(days=soon))],
            "window": [
                ("date_expiry", ">", today + d(days=soon)),
                ("date_expiry", "<=", today + d(days=window)),
            ],
            "later": [("date_expiry", ">", today + d(days=window))],
        }
        stale = self.browse()
        for bucket, domain in buckets.items():
            stale |= self.search(domain + [("state", "in", OPEN_STATES), ("urgency", "!=", bucket)])
        if stale:
            self.env.add_to_compute(self._fields["urgency"], stale)
            stale.flush_recordset(["urgency"])
        return stale
