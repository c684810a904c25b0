# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
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
        renewal_error = deadline_sudo._get_portal_renewal_error(user.partner_id) if is_owner else False
        is_public = user._is_public()
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
            "new_date_expiry": deadline_sudo._get_renewal_dates()[1]
            if is_owner and not renewal_error
            else False,
            "in_cart": in_cart,
            "error_message": request.session.pop("expiry_portal_renewal_error", None),
            # only for visitors (who came with the access token): the link
            # with a token, get_portal_url() writes one when there is none
            "login_url": "/web/login?" + url_encode({"redirect": deadline_sudo.get_portal_url()})
            if is_public
            else False,
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

    # ------------------------------------------------------------------
    # Renew: into the cart, then to checkout
    # ------------------------------------------------------------------
    @http.route(
        ["/my/deadlines/<int:deadline_id>/renew"],
        type="http",
        auth="user",
        website=True,
        methods=["POST"],
    )
    def portal_deadline_renew(self, deadline_id, access_token=None, **kwargs):
        # CSRF is checked by the framework on this POST route.
        deadline_sudo = self._get_deadline_sudo(deadline_id, access_token)
        if not deadline_sudo:
            return request.redirect("/my")
        order_sudo = request.website.sale_get_order(force_create=True)
        try:
            order_sudo._cart_add_renewal(deadline_sudo)
        except (UserError, ValidationError) as error:
            # Shown once on the deadline page (not through the URL, so that
            # nobody can make the portal display a text of their own).
            request.session["expiry_portal_renewal_error"] = error.args[0]
            back_url = deadline_sudo.get_portal_url() if access_token else deadline_sudo.access_url
            return request.redirect(back_url)
        request.session["website_sale_cart_quantity"] = order_sudo.cart_quantity
        return request.redirect("/shop/checkout?try_skip_step=true")
