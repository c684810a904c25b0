# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The customer's decisions in the portal (issue 18): stop or resume the
automatic renewal before the notice date, "I will not renew" a manual
deadline, the saved payment method charged at renewal, and a guest's renewal
through the deadline's share link. Each public method checks who calls it
before any sudo; the routes only parse the request and ask here."""

from odoo import api, models
from odoo.exceptions import AccessError, UserError
from odoo.tools.misc import format_date

from odoo.addons.expiry_management.tools import parse_id, shift_days

from .expiry_deadline import PAYMENT_UNDER_WAY_STATES, PORTAL_RENEWABLE_STATES

# the values of the "enabled" switch a form or an RPC may send
_TRUE_VALUES = (True, 1, "1", "true", "True", "on")
_FALSE_VALUES = (False, 0, "0", "false", "False", "off")


class ExpiryDeadline(models.Model):
    _inherit = "expiry.deadline"

    # ------------------------------------------------------------------
    # Who may decide for the customer
    # ------------------------------------------------------------------
    def _check_portal_decision_access(self):
        """Raise an AccessError unless the caller may decide for this
        deadline's customer: a signed-in user (portal or internal) whose
        commercial partner owns it, or an employee who may write it (the
        salesperson acting on the customer's word). Never a visitor: the
        share link renews and pays, it does not change the contract."""
        if len(self) != 1:
            raise UserError(self.env._("Please choose one deadline at a time."))
        if self.env.su:
            return
        user = self.env.user
        if user._is_public():
            raise AccessError(self.env._("Please sign in to change your deadline."))
        if user._is_internal():
            # an employee changes the contract: the deadline's write access, always
            self._expiry_check_access("write")
            return
        # record rules: a portal user reads their commercial entity's deadlines only
        self.check_access("read")
        # sudo: the owner of a deadline the caller may read (checked just above)
        owner = self.sudo().commercial_partner_id
        if user.partner_id.commercial_partner_id == owner:
            return
        raise AccessError(self.env._("This deadline does not belong to you."))

    def _portal_decided_by_customer(self):
        """Whether the caller of a portal decision is the customer (a portal
        user), not an employee acting for them: the chatter says who."""
        return self.env.su or not self.env.user._is_internal()

    # ------------------------------------------------------------------
    # Input from the portal
    # ------------------------------------------------------------------
    @api.model
    def _portal_parse_switch(self, enabled):
        if enabled in _TRUE_VALUES:
            return True
        if enabled in _FALSE_VALUES:
            return False
        raise UserError(self.env._("Please choose whether the deadline renews automatically."))

    @api.model
    def _portal_get_lost_reasons(self):
        """The reasons a customer may pick in the portal."""
        # sudo: the shipped list of reasons offered in the portal (names only)
        return self.env["expiry.lost.reason"].sudo().search([("portal_visible", "=", True)])

    @api.model
    def _portal_get_lost_reason(self, lost_reason_id):
        """The reason a portal request names: one of the list, or a UserError."""
        number = parse_id(lost_reason_id)
        reason = self._portal_get_lost_reasons().filtered(lambda r: r.id == number) if number else None
        if not reason:
            raise UserError(self.env._("Please pick a reason from the list."))
        return reason

    # ------------------------------------------------------------------
    # Public methods (routes and JSON-RPC)
    # ------------------------------------------------------------------
    def portal_set_auto_renew(self, enabled, lost_reason_id=None):
        """Stop (``enabled`` false, with a reason of the portal's list) or
        resume the automatic renewal of this deadline, until its notice date.
        Only the customer's own stop of this term is resumed here: a stop of
        ours is turned back on by us. Returns the state of the automatic
        renewal after the call (True: it renews automatically)."""
        self._check_portal_decision_access()
        enabled = self._portal_parse_switch(enabled)
        by_customer = self._portal_decided_by_customer()
        # sudo: the caller decides for this deadline's customer (checked above)
        deadline = self.sudo()
        error = deadline._get_auto_renew_change_error() or (enabled and deadline._get_portal_resume_error())
        if error:
            raise UserError(error)
        if enabled:
            if not deadline.auto_renew:
                deadline._expiry_resume(by_customer=by_customer)
            return True
        if deadline.auto_renew:
            reason = self._portal_get_lost_reason(lost_reason_id)
            deadline._expiry_decline(reason, stop_only=True, by_customer=by_customer)
        return False

    def _get_portal_resume_error(self):
        """Why the automatic renewal cannot be turned back on from the portal,
        or False: only the customer's own stop of this term (date_declined) is
        undone there; a stop of the salesperson's is not."""
        self.ensure_one()
        # sudo: the decision fields of a deadline the caller decides for
        deadline = self.sudo()
        if deadline.auto_renew or deadline.date_declined:
            return False
        return self.env._("The automatic renewal was turned off by us; please contact us to turn it back on.")

    def portal_decline_renewal(self, lost_reason_id):
        """ "I will not renew": the customer of a manual deadline says so, with
        a reason, before its grace period ends. The timed e-mails of the term
        stop and the salesperson is told."""
        self._check_portal_decision_access()
        # sudo: the caller decides for this deadline's customer (checked above)
        deadline = self.sudo()
        error = deadline._get_portal_decline_error()
        if error:
            raise UserError(error)
        reason = self._portal_get_lost_reason(lost_reason_id)
        deadline._expiry_decline(reason, by_customer=self._portal_decided_by_customer())
        return True

    def _get_portal_decline_error(self):
        """Why the customer may not say "I will not renew" now, or False."""
        self.ensure_one()
        if self.renewal_mode == "automatic":
            return self.env._(
                "%(deadline)s renews automatically: stop the automatic renewal instead.",
                deadline=self.display_name,
            )
        if self.state not in PORTAL_RENEWABLE_STATES:
            return self.env._("%(deadline)s is no longer running.", deadline=self.display_name)
        if self.date_declined:
            return self.env._(
                "You already told us on %(date)s that you will not renew %(deadline)s.",
                date=format_date(self.env, self.date_declined),
                deadline=self.display_name,
            )
        grace = self._get_expiry_param("renewal_grace_days", self.company_id)
        if self._company_today(self.company_id) > shift_days(self.date_expiry, grace):
            return self.env._("%(deadline)s has lapsed already.", deadline=self.display_name)
        return False

    def portal_set_payment_token(self, token_id):
        """Charge ``token_id`` (a saved payment method of this deadline's
        customer) when the deadline renews automatically; a false or 0
        ``token_id`` removes the saved method from the deadline."""
        self._check_portal_decision_access()
        # sudo: the caller decides for this deadline's customer (checked above)
        deadline = self.sudo()
        if deadline.renewal_mode != "automatic" or deadline.state not in PORTAL_RENEWABLE_STATES:
            raise UserError(
                self.env._(
                    "%(deadline)s does not renew automatically: no payment method is charged.",
                    deadline=deadline.display_name,
                )
            )
        if token_id in (None, ""):
            raise UserError(self.env._("Please choose a payment method."))
        if token_id in (False, 0, "0"):
            deadline.payment_token_id = False
            return True
        number = parse_id(token_id)
        token = deadline._get_portal_payment_tokens().filtered(lambda t: t.id == number) if number else None
        if not token:
            raise UserError(self.env._("This payment method does not exist or cannot be used for renewals."))
        error = deadline._get_payment_token_error(token)
        if error:
            raise UserError(
                self.env._("This payment method cannot be used for renewals: %(reason)s", reason=error)
            )
        if deadline.payment_token_id != token:
            deadline.payment_token_id = token
        return True

    def _get_portal_payment_tokens(self):
        """The saved payment methods that can pay this deadline's automatic
        renewals, offered to the caller (_get_portal_payment_token_domain)."""
        self.ensure_one()
        # sudo: the tokens of this deadline's own customer, in its company, limited
        # to the portal caller's own and their company's (the domain below)
        return self.env["payment.token"].sudo().search(self._get_portal_payment_token_domain())

    def _get_portal_payment_token_domain(self):
        """The domain of the tokens the page offers and portal_set_payment_token
        accepts: active, of a tokenising provider of the deadline's company, of
        its customer; for a portal caller, only their own and their company's
        (as Odoo's /my/payment_method: never a colleague's saved card)."""
        self.ensure_one()
        # sudo: the customer and company of a deadline the caller decides for
        deadline = self.sudo()
        domain = [
            ("partner_id", "child_of", deadline.commercial_partner_id.id),
            ("company_id", "=", deadline.company_id.id),
            ("provider_id.state", "in", ("enabled", "test")),
            ("provider_id.allow_tokenization", "=", True),
        ]
        user = self.env.user
        if not user._is_internal():
            partner = user.partner_id
            domain.append(("partner_id", "in", [partner.id, partner.commercial_partner_id.id]))
        return domain

    # ------------------------------------------------------------------
    # A guest renews through the share link
    # ------------------------------------------------------------------
    def _portal_get_guest_renewal_order(self):
        """The quotation a visitor holding this deadline's share link pays:
        the renewal of this deadline only, for its customer, paid on the
        quotation's own portal page (its access token: nothing else of the
        customer is opened). An open one is reused. The caller (the renew
        route) checked the deadline's access token."""
        self.ensure_one()
        # sudo: the renewal of the deadline whose share link the visitor holds
        deadline = self.sudo()
        open_lines = deadline._get_open_renewal_lines().filtered(
            lambda line: line.order_id.expiry_guest_renewal
            and line.order_id.partner_id.commercial_partner_id == deadline.commercial_partner_id
            and line.deadline_expiry_ordered == deadline.date_expiry
        )
        # a payment of this term is under way or made: the guest goes back to
        # it (its page tells how it stands), never to a second quotation
        paying = open_lines.order_id.filtered(
            lambda order: order.get_portal_last_transaction().state in PAYMENT_UNDER_WAY_STATES
        )
        if paying:
            return paying[:1]
        error = deadline._get_portal_renewal_push_error(deadline.partner_id)
        if error:
            raise UserError(error)
        order = open_lines.filtered(
            lambda line: not line.order_id.is_expired and not line._expiry_get_changed_terms_reason()
        )[:1].order_id
        if order:
            # the overdue amount of now (an invoice paid since leaves it); a
            # quotation with a payment made keeps what it was paid for (its
            # page tells how it stands)
            if not order._expiry_has_payment():
                order._expiry_sync_arrears()
            return order
        values = deadline._prepare_renewal_order_values()
        values.update(expiry_guest_renewal=True, require_payment=True, require_signature=False)
        # all or nothing: a quotation that cannot carry the overdue amount is not left behind
        with self.env.cr.savepoint():
            # sudo: the visitor's quotation of this deadline only, for its customer
            order = self.env["sale.order"].sudo().create(values)
            order.order_line.filtered(lambda line: line.deadline_id == deadline).write(
                {
                    "deadline_expiry_ordered": deadline.date_expiry,
                    "deadline_price_ordered": deadline.price_unit,
                }
            )
            # what is overdue on the deadline is paid with its renewal
            order._expiry_sync_arrears()
        deadline.message_post(
            body=self.env._("Renewal quotation %s opened from the share link.", order._get_html_link()),
            subtype_xmlid="mail.mt_note",
        )
        return order

    def _get_portal_renewal_push_error(self, partner):
        """Why ``partner`` may not start an online renewal now: the renewal
        rule (_get_portal_renewal_error), then the push block (an overdue
        invoice of the previous term, a dispute). A renewal already paid is
        not refused for the block (the gate asks _get_portal_renewal_error)."""
        self.ensure_one()
        # sudo: the block of a deadline ``partner`` owns (the renewal rule answered first)
        return self._get_portal_renewal_error(partner) or self.sudo()._get_portal_renewal_push_block()

    def _get_portal_renewal_push_block(self):
        """The core's push block (_get_renewal_push_block: a dispute; an
        overdue invoice no longer blocks: the portal's renewal carries the
        overdue amount in its checkout, sale.order._expiry_sync_arrears)."""
        self.ensure_one()
        return self._get_renewal_push_block(arrears_in_checkout=self._expiry_arrears_in_checkout())
