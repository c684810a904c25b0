# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import uuid

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from odoo.addons.expiry_management.tools import days_between, shift_days

# States a customer may renew online from (drafts are internal, closed and
# cancelled deadlines are over).
PORTAL_RENEWABLE_STATES = ("active", "expired")

# The states of a payment transaction under way or made: while one pays the
# renewal of a term, no other order or payment of that term is started.
PAYMENT_UNDER_WAY_STATES = ("pending", "authorized", "done")

# The fields of a deadline a portal user may read (RPC, templates rendered
# as them, domains): what "My deadlines" shows, the online renewal, and what
# the portal chatter and the mail thread need. Everything else (internal
# notes, origin, bank institute, team, renewal orders, payment follow-up,
# timed e-mails, scheduled-action errors, ...) is for employees only, even on
# the customer's own deadlines. Extend it in a module of your own by
# overriding _get_portal_readable_fields.
PORTAL_READABLE_FIELDS = frozenset(
    {
        "id",
        "display_name",
        "name",
        "description",
        "partner_id",
        "commercial_partner_id",
        "product_id",
        "quantity",
        "price_unit",
        "amount",
        "currency_id",
        "company_id",
        "user_id",
        "date_start",
        "date_expiry",
        "days_remaining",
        "state",
        "term_ids",
        "renewal_count",
        "is_renewable",
        "portal_can_renew",
        "portal_renewal_date_expiry",
        "portal_renewal_url",
        # the automatic renewal and the customer's decision (issue 18); the
        # saved payment method is shown by the pages (sudo), never read
        "renewal_mode",
        "notice_days",
        "date_notice",
        "auto_renew",
        "date_declined",
        # (lost_reason_id is not: the reason may be an internal one; the page
        # shows it, read through sudo, when it is one offered in the portal)
        # portal.mixin
        "access_url",
        "access_token",
        "access_warning",
        # mail.thread, for the portal chatter (messages have rules of their own)
        "message_ids",
        "website_message_ids",
        "message_follower_ids",
        "message_partner_ids",
        "message_is_follower",
        "has_message",
        "message_attachment_count",
        "message_needaction",
        "message_needaction_counter",
        "message_has_error",
        "message_has_error_counter",
        "message_has_sms_error",
        "message_main_attachment_id",
        "rating_ids",
        # magic columns
        "create_date",
        "write_date",
    }
)


class ExpiryDeadline(models.Model):
    _name = "expiry.deadline"
    _inherit = ["expiry.deadline", "portal.mixin", "expiry.portal.field.access"]

    # Customers (portal users, or anybody holding the access token) may write
    # to the salesperson from the portal page: reading the deadline is enough.
    _mail_post_access = "read"

    portal_can_renew = fields.Boolean(
        string="Renewable Online",
        compute="_compute_portal_renewal",
        help="The current user's customer may renew this deadline online now "
        "(inside the renewal window or the grace period).",
    )
    portal_renewal_date_expiry = fields.Date(
        string="Expiry After Online Renewal",
        compute="_compute_portal_renewal",
        help="The expiry date the deadline gets when renewed today.",
    )

    def write(self, vals):
        if not vals.get("partner_id") or "access_token" in vals:
            return super().write(vals)
        previous = {
            deadline: deadline.commercial_partner_id
            for deadline in self
            if deadline.partner_id.id != vals["partner_id"]
        }
        result = super().write(vals)
        self._expiry_on_customer_change(previous)
        return result

    @api.model
    def _expiry_on_customer_change(self, previous):
        """``previous``: {deadline: its commercial partner before} of deadlines
        whose customer changed (their ``partner_id`` written, or that contact
        moved to another company): a new access token, so that the links
        shared with the previous customer no longer open them, and the
        previous customer's contacts no longer follow them."""
        # sudo: the token and followers of deadlines the caller just changed
        for deadline, old_customer in previous.items():
            deadline = deadline.sudo()
            deadline.access_token = str(uuid.uuid4())
            if old_customer != deadline.commercial_partner_id:
                gone = deadline.message_partner_ids.filtered(
                    lambda partner, old=old_customer: partner.commercial_partner_id == old
                    and not partner.user_ids.filtered(lambda user: not user.share)
                )
                if gone:
                    deadline.message_unsubscribe(partner_ids=gone.ids)

    def _compute_access_url(self):
        result = super()._compute_access_url()
        for deadline in self:
            deadline.access_url = f"/my/deadlines/{deadline.id}"
        return result

    @api.depends("state", "date_expiry", "product_id.expiry_duration", "commercial_partner_id")
    @api.depends_context("uid")
    def _compute_portal_renewal(self):
        partner = self.env.user.partner_id
        # in batch: the payments under way and the push blocks of the whole list
        # sudo: the renewal decision of the deadlines read (it names nothing)
        deadlines_sudo = self.sudo()
        paying_ids = deadlines_sudo._get_portal_paying_deadline_ids()
        blocks = deadlines_sudo._get_renewal_push_blocks()
        for deadline in self:
            can_renew = not (
                deadline._get_portal_renewal_error(partner, paying_ids=paying_ids) or blocks.get(deadline.id)
            )
            deadline.portal_can_renew = can_renew
            deadline.portal_renewal_date_expiry = (
                # sudo: dates of a deadline the reader may renew (checked just above)
                deadline.sudo()._get_renewal_dates()[1] if can_renew else False
            )

    # ------------------------------------------------------------------
    # What a portal user may read: the allow-list
    # ------------------------------------------------------------------
    @api.model
    def _get_portal_readable_fields(self):
        return PORTAL_READABLE_FIELDS

    def _get_portal_denied_message(self, field_names):
        return self.env._(
            "You are not allowed to see these details of your deadlines: %(fields)s.",
            fields=", ".join(field_names),
        )

    def _compute_portal_renewal_url(self):
        # Core field (empty there): here the absolute link to the deadline in
        # the customer portal, with its access token.
        # Give the whole batch its access tokens in one UPDATE, instead of one
        # write per record (and per automation rule check) when a mail
        # template renders each link of a reminder batch.
        # sudo: the tokens of the deadlines being rendered (read by the caller)
        missing = self.sudo().filtered(lambda d: d.id and not d.access_token)
        # a read-only request (a read through RPC) cannot store tokens: the
        # link is then the plain portal address (the reader is logged in)
        if missing and not self.env.cr.readonly:
            missing.flush_recordset(["access_token"])
            self.env.cr.execute(
                SQL(
                    """
                    UPDATE expiry_deadline AS d SET access_token = v.token
                      FROM (VALUES %s) AS v(id, token)
                     WHERE d.id = v.id AND d.access_token IS NULL
                    """,
                    SQL(", ").join(SQL("(%s, %s)", deadline.id, str(uuid.uuid4())) for deadline in missing),
                )
            )
            missing.invalidate_recordset(["access_token"])
        for deadline in self:
            deadline.portal_renewal_url = deadline._get_portal_renewal_url()

    def _get_portal_customer_moves(self, moves):
        """Of ``moves`` (invoices related to this deadline), the ones its
        portal page may show: its current customer's, in its company. A
        deadline moved to another customer never shows the previous
        customer's invoices (nor their access links)."""
        self.ensure_one()
        return moves.filtered(
            lambda move: move.commercial_partner_id == self.commercial_partner_id
            and move.company_id == self.company_id
        )

    # ------------------------------------------------------------------
    # May this deadline be renewed online, now, by this customer?
    # ------------------------------------------------------------------
    def _get_portal_renewal_window(self, today=None):
        """Return ``(first_day, last_day)``: the expiry dates a deadline may
        have to be renewed online today in its company (renewal window before
        expiry, grace period after it)."""
        if today is None:
            self.ensure_one()
            today = self._company_today(self.company_id)
        company = self.company_id[:1] or self.env.company
        window = self._get_expiry_param("renewal_window_days", company)
        grace = self._get_expiry_param("renewal_grace_days", company)
        return shift_days(today, -grace), shift_days(today, window)

    @api.model
    def _get_portal_filter_domains(self):
        """Domains of the filters of "My deadlines", in the current company's
        day: "soon" holds the deadlines inside the online renewal window (or
        the grace period after expiry), the ones a Renew button is offered for
        by date."""
        company = self.env.company
        today = self._company_today(company)
        first_day, last_day = self.with_company(company).browse()._get_portal_renewal_window(today)
        open_states = list(PORTAL_RENEWABLE_STATES)
        return {
            "all": [],
            "active": [("state", "=", "active"), ("date_expiry", ">=", today)],
            "soon": [
                ("state", "in", open_states),
                ("date_expiry", ">=", first_day),
                ("date_expiry", "<=", last_day),
            ],
            "expired": [("state", "in", open_states), ("date_expiry", "<", today)],
        }

    def _get_portal_paying_deadline_ids(self, exclude_order=None):
        """The ids of these deadlines whose current term (the expiry date it
        was ordered at) is being paid or is paid by an order (other than
        ``exclude_order``): one of its transactions is pending, authorized or
        done. One query for the whole recordset."""
        if not self.ids:
            return set()
        # sudo: the renewal lines of these deadlines (only their ids come back)
        lines = (
            self.env["sale.order.line"]
            .sudo()
            .search(
                [
                    ("deadline_id", "in", self.ids),
                    ("deadline_expiry_ordered", "!=", False),
                    ("state", "!=", "cancel"),
                    ("order_id.transaction_ids.state", "in", PAYMENT_UNDER_WAY_STATES),
                    *([("order_id", "not in", exclude_order.ids)] if exclude_order else []),
                ]
            )
        )
        return {
            line.deadline_id.id
            for line in lines
            if line.deadline_expiry_ordered == line.deadline_id.date_expiry
        }

    def _get_portal_renewal_error(self, partner, order=None, paying_ids=None):
        """Why ``partner`` may not renew this deadline online now, or False.

        The single place of the decision: the portal pages, the Renew route
        and the cart hooks all ask here. ``order``: the order asking (its own
        payment does not hold it back); ``paying_ids``: the result of
        _get_portal_paying_deadline_ids when the caller computed it in batch.
        """
        self.ensure_one()
        # sudo: the decision reads the deadline's state and dates only, and answers
        # "does not belong to you" first for any other customer's deadline
        deadline = self.sudo()
        if not partner or deadline.commercial_partner_id != partner.commercial_partner_id:
            return self.env._("This deadline does not belong to you.")
        if deadline.state == "cancelled":
            return self.env._(
                "%(deadline)s is cancelled and cannot be renewed.", deadline=deadline.display_name
            )
        if deadline.state not in PORTAL_RENEWABLE_STATES:
            return self.env._(
                "%(deadline)s cannot be renewed online; please contact us.",
                deadline=deadline.display_name,
            )
        if paying_ids is None:
            paying_ids = deadline._get_portal_paying_deadline_ids(exclude_order=order)
        if deadline.id in paying_ids:
            return self.env._(
                "A payment of the renewal of %(deadline)s is already under way or made: it is not "
                "renewed a second time. Please check your orders, or contact us.",
                deadline=deadline.display_name,
            )
        reason = deadline._get_renewal_error(start=True)
        if reason:
            return self.env._(
                "%(deadline)s cannot be renewed online (%(reason)s); please contact us.",
                deadline=deadline.display_name,
                reason=reason,
            )
        first_day, last_day = deadline._get_portal_renewal_window()
        if deadline.date_expiry > last_day:
            return self.env._(
                "%(deadline)s can be renewed online from %(date)s.",
                deadline=deadline.display_name,
                date=shift_days(
                    deadline.date_expiry, -self._get_expiry_param("renewal_window_days", deadline.company_id)
                ),
            )
        if deadline.date_expiry < first_day:
            return self.env._(
                "%(deadline)s expired %(days)s days ago: it can no longer be renewed online, "
                "please contact us.",
                deadline=deadline.display_name,
                days=days_between(deadline.date_expiry, self._company_today(deadline.company_id)),
            )
        return False

    def _check_portal_renewal(self, partner):
        """Raise a UserError when ``partner`` may not start the online renewal of
        these deadlines now (the renewal rule, then the push block)."""
        for deadline in self:
            error = deadline._get_portal_renewal_push_error(partner)
            if error:
                raise UserError(error)

    # ------------------------------------------------------------------
    # "Renew online" link
    # ------------------------------------------------------------------
    def _get_portal_renewal_url(self):
        """Absolute portal link of the deadline, with its access token.

        Reusable by every e-mail template (reminders included):
        ``{{ object.portal_renewal_url }}`` or ``object._get_portal_renewal_url()``.
        """
        self.ensure_one()
        if not self.id:
            return False
        # sudo: whether the deadline (the caller's) has a token yet
        if not self.sudo().access_token and self.env.cr.readonly:
            return self.get_base_url() + self.access_url
        return self.get_base_url() + self.get_portal_url()

    def action_send_portal_renewal_link(self):
        """Open the composer with the "renew online" e-mail for the customer."""
        self.ensure_one()
        # back-office buttons: Deadlines users who may read the deadline
        self._expiry_check_access("read")
        if not self.is_renewable:
            raise UserError(
                self.env._(
                    "%(deadline)s cannot be renewed: there is nothing to send.", deadline=self.display_name
                )
            )
        if not self.partner_id.email:
            raise UserError(
                self.env._(
                    "%(customer)s has no e-mail address: add one to send the renewal link.",
                    customer=self.partner_id.display_name,
                )
            )
        template = self.env.ref(
            "expiry_management_portal.mail_template_deadline_renew_online", raise_if_not_found=False
        )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Send Renewal Link"),
            "res_model": "mail.compose.message",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {
                "default_model": self._name,
                "default_res_ids": self.ids,
                "default_template_id": template.id if template else False,
                "default_composition_mode": "comment",
                "default_email_layout_xmlid": "mail.mail_notification_layout_with_responsible_signature",
                "force_email": True,
            },
        }

    def action_preview_portal(self):
        self.ensure_one()
        # back-office buttons: Deadlines users who may read the deadline
        self._expiry_check_access("read")
        return {
            "type": "ir.actions.act_url",
            "target": "self",
            "url": self.get_portal_url(),
        }

    def _get_portal_return_action(self):
        """Back-end action of the "back to edit mode" banner of the portal page."""
        self.ensure_one()
        return self.env.ref("expiry_management.action_expiry_deadline")
