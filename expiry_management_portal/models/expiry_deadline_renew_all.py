# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
""" "Renew all": the link of a grouped timed e-mail (several deadlines of one
customer) puts every one of them that can be renewed online into the
customer's website cart, through the one gate of the cart
(sale.order._cart_add_renewal), for one checkout."""

from werkzeug.urls import url_encode

from odoo import api, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.http import request

from odoo.addons.expiry_management.models.expiry_deadline_reminder_group import GROUP_MAX_DEADLINES
from odoo.addons.expiry_management.tools.parsing import parse_id

#: the most deadlines one "renew all" link names (a customer's e-mail of a
#: day: the send step splits a larger group at this size)
RENEW_ALL_MAX_IDS = GROUP_MAX_DEADLINES


class ExpiryDeadline(models.Model):
    _inherit = "expiry.deadline"

    def _compute_reminder_group(self):
        # the recipients' users (is there a portal one?), read once for the e-mails rendered
        self.partner_id.user_ids.mapped("share")
        return super()._compute_reminder_group()

    def _get_renew_all_url(self):
        # Core hook (False there): the portal page that renews these deadlines at once,
        # for a recipient (the first deadline's contact) who can sign in to the portal;
        # without a portal user the e-mail shows each deadline's own link only.
        if not self or len(self) > RENEW_ALL_MAX_IDS:
            return False
        if not any(user.share for user in self[0].partner_id.user_ids):
            return False
        return (
            self[:1].get_base_url()
            + "/my/deadlines/renew-all?"
            + url_encode({"ids": ",".join(str(deadline_id) for deadline_id in self.ids)})
        )

    @api.model
    def _portal_parse_renew_all_ids(self, text):
        """The deadline ids of a "renew all" request (``"1,2,3"``), in their
        order, each once.

        :raises UserError: anything but comma-separated ids, none, or too many
        """
        parts = [part.strip() for part in (text if isinstance(text, str) else "").split(",") if part.strip()]
        ids = [parse_id(part) for part in parts]
        if not ids or None in ids or len(ids) > RENEW_ALL_MAX_IDS:
            raise UserError(self.env._("This link does not name deadlines that can be renewed."))
        return list(dict.fromkeys(ids))

    @api.model
    def _portal_get_renew_all_deadlines(self, ids):
        """Of ``ids``, the deadlines of the current user's customer (searched
        as the user: record rules apply), drafts left out, by expiry date;
        any other id is dropped without a word (it names nobody's deadline
        the user may know of)."""
        partner = self.env.user.partner_id.commercial_partner_id
        return self.search(
            [("id", "in", ids), ("commercial_partner_id", "=", partner.id), ("state", "!=", "draft")],
            order="date_expiry, id",
        )

    def _portal_check_renew_all_owner(self):
        """Raise unless the current user is a signed-in user whose customer
        (commercial entity) owns every one of these deadlines."""
        user = self.env.user
        if user._is_public():
            raise AccessError(self.env._("Sign in to renew your deadlines."))
        self.check_access("read")
        partner = user.partner_id.commercial_partner_id
        if any(deadline.commercial_partner_id != partner for deadline in self):
            raise AccessError(self.env._("These deadlines do not all belong to you."))

    def _portal_renew_all_preview(self):
        """``[(deadline, reason)]``: what "renew all" would do now for each of
        these deadlines (reason False: it goes into the cart)."""
        self._portal_check_renew_all_owner()
        partner = self.env.user.partner_id
        company = self._portal_renew_all_website_company()
        # the company only (reading it as the customer must not fetch the staff's fields)
        self.fetch(["company_id"])
        return [
            (
                deadline,
                deadline._portal_renew_all_company_error(company)
                or deadline._get_portal_renewal_push_error(partner)
                or False,
            )
            for deadline in self
        ]

    @api.model
    def _portal_renew_all_website_company(self):
        """The company of the website of the request (False outside one)."""
        website = getattr(request, "website", None) if request else None
        return website.company_id if website else False

    def _portal_renew_all_company_error(self, company):
        """Why this deadline does not go into the cart of a website of
        ``company`` (another company's deadline is renewed on its own
        website, through its own link), or False."""
        self.ensure_one()
        if company and self.company_id != company:
            return self.env._("Renewed on its own website: use the renewal link of this deadline.")
        return False

    def _portal_renew_all(self):
        """Put the renewal of each of these deadlines the current user's
        customer may renew online now into their website cart (one checkout);
        one that cannot be renewed stays out, with its reason, and the others
        still go in.

        Private: the customer's own action on their website cart, reached
        through the portal route only (no RPC); it checks the caller itself
        all the same, before any sudo.

        :return: ``[(deadline, reason)]`` (reason False: in the cart)
        :raises AccessError: not signed in, or a deadline of another customer
        :raises UserError: called outside the website (no cart)
        """
        self._portal_check_renew_all_owner()
        website = getattr(request, "website", None) if request else None
        if not website:
            raise UserError(self.env._("Deadlines are renewed together from the customer portal."))
        # the caller's own cart (website_sale returns it in sudo), for the deadlines checked above
        order_sudo = website.sale_get_order(force_create=True)
        return self._portal_renew_all_into(order_sudo)

    def _portal_renew_all_into(self, order_sudo):
        """Put these (checked) deadlines into the cart ``order_sudo``, each
        through the cart's gate in a savepoint of its own."""
        results = []
        # the company only (reading it as the customer must not fetch the staff's
        # fields), for all before the savepoints (a rolled-back one empties the cache)
        self.fetch(["company_id"])
        company_errors = {
            deadline.id: deadline._portal_renew_all_company_error(order_sudo.website_id.company_id)
            for deadline in self
        }
        for deadline in self:
            if error := company_errors[deadline.id]:
                results.append((deadline, error))
                continue
            try:
                with self.env.cr.savepoint():
                    order_sudo._cart_add_renewal(deadline)
            except (UserError, ValidationError) as error:
                results.append((deadline, error.args[0]))
            else:
                results.append((deadline, False))
        if request and any(not reason for _deadline, reason in results):
            request.session["website_sale_cart_quantity"] = order_sudo.cart_quantity
        return results
