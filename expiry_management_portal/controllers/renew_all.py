# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
""" "Renew all": the link of a grouped timed e-mail. Parses the request; the
model (expiry_deadline_renew_all.py) decides."""

from werkzeug.exceptions import NotFound

from odoo import http
from odoo.exceptions import AccessError, UserError
from odoo.http import request


class ExpiryDeadlineRenewAll(http.Controller):
    def _get_renew_all_deadlines(self, ids):
        """The caller's deadlines the request names; 404 for a bad request
        or when it names none of theirs."""
        Deadline = request.env["expiry.deadline"]
        try:
            deadlines = Deadline._portal_get_renew_all_deadlines(Deadline._portal_parse_renew_all_ids(ids))
        except (UserError, AccessError) as error:
            raise NotFound() from error
        if not deadlines:
            raise NotFound()
        return deadlines

    def _render_renew_all(self, deadlines, results):
        return request.render(
            "expiry_management_portal.portal_renew_all",
            {
                "page_name": "deadline_renew_all",
                # sudo: the caller's deadlines (searched as them, owner checked), shown with their products
                "rows": [(deadline.sudo(), reason) for deadline, reason in results],
                "renew_ids": ",".join(str(deadline.id) for deadline, reason in results if not reason),
            },
        )

    @http.route("/my/deadlines/renew-all", type="http", auth="user", website=True, methods=["GET"])
    def portal_renew_all_page(self, ids=None, **kwargs):
        deadlines = self._get_renew_all_deadlines(ids)
        return self._render_renew_all(deadlines, deadlines._portal_renew_all_preview())

    @http.route("/my/deadlines/renew-all", type="http", auth="user", website=True, methods=["POST"])
    def portal_renew_all_post(self, ids=None, **kwargs):
        # CSRF is checked by the framework on this POST route.
        deadlines = self._get_renew_all_deadlines(ids)
        results = deadlines._portal_renew_all()
        if any(not reason for _deadline, reason in results):
            return request.redirect("/shop/checkout?try_skip_step=true")
        # nothing could go into the cart: the page again, with each reason
        return self._render_renew_all(deadlines, results)
