# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from werkzeug.exceptions import NotFound
from werkzeug.urls import url_encode

from odoo import http
from odoo.exceptions import AccessError, MissingError, UserError, ValidationError
from odoo.http import request

from odoo.addons.expiry_management.tools import parse_page
from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager


class ExpiryDeadlinePortal(CustomerPortal):
    """Parses portal requests on deadlines; the model decides the rest."""

    _deadlines_per_page = 20

    # ------------------------------------------------------------------
    # Home counter
    # ------------------------------------------------------------------
    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "deadline_count" in counters:
            Deadline = request.env["expiry.deadline"]
            values["deadline_count"] = (
                Deadline.search_count(self._prepare_deadlines_domain()) if Deadline.has_access("read") else 0
            )
        return values

    # ------------------------------------------------------------------
    # List
    # ------------------------------------------------------------------
    def _prepare_deadlines_domain(self):
        # The record rules restrict to the user's commercial entity; this
        # keeps the list on it for internal users browsing their portal too.
        partner = request.env.user.partner_id
        return [
            ("commercial_partner_id", "=", partner.commercial_partner_id.id),
            ("state", "!=", "draft"),
        ]

    def _get_deadline_searchbar_sortings(self):
        return {
            "date": {"label": request.env._("Expiry Date"), "order": "date_expiry asc, id"},
            "name": {"label": request.env._("Reference"), "order": "name asc, id"},
            "amount": {"label": request.env._("Amount"), "order": "amount desc, id"},
        }

    def _get_deadline_searchbar_filters(self):
        # The model decides the dates (company's today, renewal window, grace).
        domains = request.env["expiry.deadline"]._get_portal_filter_domains()
        labels = {
            "all": request.env._("All"),
            "active": request.env._("Active"),
            "soon": request.env._("Expiring Soon"),
            "expired": request.env._("Expired"),
        }
        return {key: {"label": labels[key], "domain": domains[key]} for key in labels}

    def _prepare_deadlines_portal_values(self, page=1, sortby=None, filterby=None, **kwargs):
        Deadline = request.env["expiry.deadline"]
        page = parse_page(page)
        values = self._prepare_portal_layout_values()
        searchbar_sortings = self._get_deadline_searchbar_sortings()
        searchbar_filters = self._get_deadline_searchbar_filters()
        # Unknown keys from the query string fall back to the defaults.
        if sortby not in searchbar_sortings:
            sortby = "date"
        if filterby not in searchbar_filters:
            filterby = "all"
        domain = self._prepare_deadlines_domain() + searchbar_filters[filterby]["domain"]
        url = "/my/deadlines"
        pager = portal_pager(
            url=url,
            url_args={"sortby": sortby, "filterby": filterby},
            total=Deadline.search_count(domain),
            page=page,
            step=self._deadlines_per_page,
        )
        deadlines = Deadline.search(
            domain,
            order=searchbar_sortings[sortby]["order"],
            limit=self._deadlines_per_page,
            offset=pager["offset"],
        )
        values.update(
            {
                # sudo: searched as the user (record rules apply), shown in sudo
                # to read the related product, currency and salesperson.
                "deadlines": deadlines.sudo(),
                "page_name": "deadline",
                "pager": pager,
                "default_url": url,
                "searchbar_sortings": searchbar_sortings,
                "sortby": sortby,
                "searchbar_filters": searchbar_filters,
                "filterby": filterby,
            }
        )
        return values

    @http.route(["/my/deadlines", "/my/deadlines/page/<int:page>"], type="http", auth="user", website=True)
    def portal_my_deadlines(self, **kwargs):
        values = self._prepare_deadlines_portal_values(**kwargs)
        request.session["my_deadlines_history"] = values["deadlines"].ids[:100]
        return request.render("expiry_management_portal.portal_my_deadlines", values)

    # ------------------------------------------------------------------
    # Detail
    # ------------------------------------------------------------------
    def _get_deadline_sudo(self, deadline_id, access_token=None):
        """The deadline, sudo, if the visitor may see it; None otherwise."""
        try:
            deadline_sudo = self._document_check_access("expiry.deadline", deadline_id, access_token)
        except (AccessError, MissingError):
            return None
        if deadline_sudo.state == "draft":
            return None
        return deadline_sudo

    @http.route(["/my/deadlines/<int:deadline_id>"], type="http", auth="public", website=True)
    def portal_my_deadline(self, deadline_id, access_token=None, **kwargs):
        deadline_sudo = self._get_deadline_sudo(deadline_id, access_token)
        if not deadline_sudo:
            return request.redirect("/my")
        user = request.env.user
        is_owner = (
            not user._is_public()
            and user.partner_id.commercial_partner_id == deadline_sudo.commercial_partner_id
        )
        renewal_error = deadline_sudo._get_portal_renewal_push_error(user.partner_id) if is_owner else False
        is_public = user._is_public()
        # a visitor holding the share link renews as the deadline's customer
        guest_renewal_error = (
            deadline_sudo._get_portal_renewal_push_error(deadline_sudo.partner_id)
            if is_public and access_token
            else False
        )
        in_cart = False
        if is_owner:
            cart = request.website.sale_get_order()
            in_cart = deadline_sudo in cart.order_line.deadline_id
        values = {
            "deadline": deadline_sudo,
            "terms": deadline_sudo.term_ids.filtered(lambda term: term.state == "done"),
            "is_owner": is_owner,
            "is_public": is_public,
            "can_renew": is_owner and not renewal_error,
            "renewal_error": renewal_error,
            "guest_can_renew": is_public and access_token and not guest_renewal_error,
            "guest_renewal_error": guest_renewal_error,
            "new_date_expiry": deadline_sudo._get_renewal_dates()[1]
            if (is_owner and not renewal_error) or (is_public and access_token and not guest_renewal_error)
            else False,
            "in_cart": in_cart,
            # what the renewal carries: shown to the owner and to the share link's visitor
            "overdue_invoices": self._get_deadline_overdue_invoices(deadline_sudo)
            if is_owner or (is_public and access_token)
            else request.env["account.move"],
            "error_message": self._pop_deadline_message(deadline_sudo, "expiry_portal_renewal_error"),
            "success_message": self._pop_deadline_message(deadline_sudo, "expiry_portal_success"),
            # only for visitors (who came with the access token): the link
            # with a token, get_portal_url() writes one when there is none
            "login_url": "/web/login?" + url_encode({"redirect": deadline_sudo.get_portal_url()})
            if is_public
            else False,
            **self._prepare_deadline_decision_values(deadline_sudo, is_owner),
            "page_name": "deadline",
            "backend_url": f"/odoo/action-{deadline_sudo._get_portal_return_action().id}/{deadline_sudo.id}",
        }
        # No session history for Odoo's pager: it links the previous and next
        # records with their access tokens and writes a token on each that
        # has none (a write on every first visit); ours links plain addresses.
        values = self._get_page_view_values(deadline_sudo, access_token, values, None, False, **kwargs)
        if is_owner:
            values.update(self._get_deadline_records_pager(deadline_sudo))
        return request.render("expiry_management_portal.portal_my_deadline", values)

    # ------------------------------------------------------------------
    # One-time messages of a deadline's page (kept in the session, shown once,
    # on that deadline's page only)
    # ------------------------------------------------------------------
    @staticmethod
    def _set_deadline_message(deadline, key, text):
        request.session[key] = {"deadline_id": deadline.id, "text": text}

    @staticmethod
    def _pop_deadline_message(deadline, key):
        message = request.session.get(key)
        if not isinstance(message, dict) or message.get("deadline_id") != deadline.id:
            return None
        request.session.pop(key, None)
        return message.get("text")

    def _get_deadline_records_pager(self, deadline_sudo):
        """Links to the previous and next deadline of the list the owner saw
        last: plain portal addresses, the owner is logged in (no token)."""
        history = request.session.get("my_deadlines_history", [])
        if deadline_sudo.id not in history:
            return {}
        index = history.index(deadline_sudo.id)
        # ids the list showed this user (searched as them, record rules applied)
        Deadline = request.env["expiry.deadline"]
        previous_id = history[index - 1] if index else False
        next_id = history[index + 1] if index + 1 < len(history) else False
        return {
            "prev_record": previous_id and Deadline.browse(previous_id).access_url,
            "next_record": next_id and Deadline.browse(next_id).access_url,
        }

    def _prepare_deadline_decision_values(self, deadline_sudo, is_owner):
        """What the page shows of the automatic renewal and of the
        customer's decision (the model decides what is allowed)."""
        if not is_owner:
            return {"show_decision": False}
        is_automatic = deadline_sudo.renewal_mode == "automatic"
        change_error = deadline_sudo._get_auto_renew_change_error() if is_automatic else False
        if is_automatic and not change_error and not deadline_sudo.auto_renew:
            # only the customer's own stop is turned back on from the portal
            change_error = deadline_sudo._get_portal_resume_error()
        decline_error = deadline_sudo._get_portal_decline_error() if not is_automatic else False
        reason = deadline_sudo.lost_reason_id
        return {
            "show_decision": deadline_sudo.state in ("active", "expired"),
            "is_automatic": is_automatic,
            "auto_renew_change_error": change_error,
            "can_change_auto_renew": is_automatic and not change_error,
            # the stop or decline is the customer's own (this term), not ours
            "declined_by_customer": bool(deadline_sudo.date_declined),
            # sudo: the deadline's reason, shown by name when it is one offered in the portal
            "portal_lost_reason_name": reason.name if reason and reason.portal_visible else False,
            "can_decline": not is_automatic and not decline_error,
            "lost_reasons": deadline_sudo._portal_get_lost_reasons(),
            # sudo: the deadline's own customer's saved method (the page's owner)
            "payment_token": deadline_sudo.payment_token_id,
        }

    def _get_deadline_overdue_invoices(self, deadline_sudo):
        """The deadline's own overdue invoices (its current customer's, in its
        company: expiry.deadline._get_renewal_arrears), which its online
        renewal carries in the same checkout; the customer may also pay them
        alone from its page."""
        arrears = deadline_sudo._get_renewal_arrears()
        # sudo: the overdue invoices of the page's own deadline, of its customer and company
        moves = request.env["account.move"].sudo().union(*(move for move, _date_due, _residual in arrears))
        return deadline_sudo._get_portal_customer_moves(moves)

    # ------------------------------------------------------------------
    # The customer's decisions: parse the form, the model decides
    # ------------------------------------------------------------------
    def _get_deadline_for_decision(self, deadline_id):
        """The deadline as the signed-in caller (not sudo: the model checks
        the caller), or a 404 when they may not see it."""
        deadline = request.env["expiry.deadline"].browse(deadline_id)
        try:
            deadline.check_access("read")
            # sudo: the state of a deadline the caller may read (checked just above)
            if not deadline.exists() or deadline.sudo().state == "draft":
                raise MissingError(deadline_id)
        except (AccessError, MissingError) as error:
            raise NotFound() from error
        return deadline

    def _run_deadline_decision(self, deadline, method, *args, success=None):
        """Call ``method`` of the deadline; ``success``: the message shown
        then, or a function of the method's result that returns it."""
        try:
            result = getattr(deadline, method)(*args)
        except AccessError as error:
            raise NotFound() from error
        except (UserError, ValidationError) as error:
            self._set_deadline_message(deadline, "expiry_portal_renewal_error", error.args[0])
        else:
            if callable(success):
                success = success(result)
            if success:
                self._set_deadline_message(deadline, "expiry_portal_success", success)
        return request.redirect(deadline.access_url)

    @http.route(
        ["/my/deadlines/<int:deadline_id>/auto-renew"],
        type="http",
        auth="user",
        website=True,
        methods=["POST"],
    )
    def portal_deadline_auto_renew(self, deadline_id, enabled=None, lost_reason_id=None, **kwargs):
        deadline = self._get_deadline_for_decision(deadline_id)

        def success(renews):
            # the state the model answers, not the request's wording
            if renews:
                return request.env._("Your deadline renews automatically again.")
            return request.env._("The automatic renewal is stopped: we have told your contact.")

        return self._run_deadline_decision(
            deadline, "portal_set_auto_renew", enabled, lost_reason_id, success=success
        )

    @http.route(
        ["/my/deadlines/<int:deadline_id>/decline"],
        type="http",
        auth="user",
        website=True,
        methods=["POST"],
    )
    def portal_deadline_decline(self, deadline_id, lost_reason_id=None, **kwargs):
        deadline = self._get_deadline_for_decision(deadline_id)
        return self._run_deadline_decision(
            deadline,
            "portal_decline_renewal",
            lost_reason_id,
            success=request.env._("Thank you: we have told your contact that you will not renew."),
        )

    @http.route(
        ["/my/deadlines/<int:deadline_id>/payment-method"],
        type="http",
        auth="user",
        website=True,
        methods=["GET", "POST"],
    )
    def portal_deadline_payment_method(self, deadline_id, token_id=None, **kwargs):
        deadline = self._get_deadline_for_decision(deadline_id)
        if request.httprequest.method == "POST":
            # CSRF is checked by the framework on POST
            return self._run_deadline_decision(
                deadline,
                "portal_set_payment_token",
                token_id,
                success=request.env._("Your renewals will be paid with the payment method you chose."),
            )
        # sudo: the caller may read the deadline (checked above); its customer's tokens
        deadline_sudo = deadline.sudo()
        if deadline_sudo.renewal_mode != "automatic":
            raise NotFound()
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "deadline": deadline_sudo,
                "tokens": deadline_sudo._get_portal_payment_tokens(),
                "page_name": "deadline",
            }
        )
        return request.render("expiry_management_portal.portal_my_deadline_payment_method", values)

    # ------------------------------------------------------------------
    # Renew: into the cart, then to checkout
    # ------------------------------------------------------------------
    @http.route(
        ["/my/deadlines/<int:deadline_id>/renew"],
        type="http",
        auth="public",
        website=True,
        methods=["POST"],
    )
    def portal_deadline_renew(self, deadline_id, access_token=None, **kwargs):
        # CSRF is checked by the framework on this POST route.
        deadline_sudo = self._get_deadline_sudo(deadline_id, access_token)
        if not deadline_sudo:
            return request.redirect("/my")
        if request.env.user._is_public():
            return self._portal_deadline_guest_renew(deadline_sudo, access_token)
        order_sudo = request.website.sale_get_order(force_create=True)
        try:
            order_sudo._cart_add_renewal(deadline_sudo)
        except (UserError, ValidationError) as error:
            # Shown once on the deadline page (not through the URL, so that
            # nobody can make the portal display a text of their own).
            self._set_deadline_message(deadline_sudo, "expiry_portal_renewal_error", error.args[0])
            back_url = deadline_sudo.get_portal_url() if access_token else deadline_sudo.access_url
            return request.redirect(back_url)
        request.session["website_sale_cart_quantity"] = order_sudo.cart_quantity
        return request.redirect("/shop/checkout?try_skip_step=true")

    def _portal_deadline_guest_renew(self, deadline_sudo, access_token):
        """A visitor holding the share link (its token was checked): the
        renewal quotation of this deadline only, paid on its own portal page
        (the quotation's access token), as the deadline's customer."""
        try:
            order_sudo = deadline_sudo._portal_get_guest_renewal_order()
        except (UserError, ValidationError) as error:
            self._set_deadline_message(deadline_sudo, "expiry_portal_renewal_error", error.args[0])
            return request.redirect(deadline_sudo.get_portal_url())
        return request.redirect(order_sudo.get_portal_url())
