# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models

# The fields of a renewal term a portal user may read (RPC, templates rendered
# as them, domains): what the "Renewals" table of their deadline page shows.
# The order (line), who renewed it, the state before it and the source text
# are for employees only (the page shows the order's reference when it is the
# customer's own, see _get_portal_reference). Extend it in a module of your own by overriding
# _get_portal_readable_fields.
PORTAL_READABLE_TERM_FIELDS = frozenset(
    {
        "id",
        "display_name",
        "deadline_id",
        "company_id",
        "partner_id",
        "commercial_partner_id",
        "date_renewal",
        "date_start",
        "previous_date_expiry",
        "date_expiry",
        "duration",
        "duration_unit",
        "state",
        "create_date",
        "write_date",
    }
)


class ExpiryDeadlineTerm(models.Model):
    _name = "expiry.deadline.term"
    _inherit = ["expiry.deadline.term", "expiry.portal.field.access"]

    def _get_portal_reference(self):
        """The order (or source) a renewal shows on the customer's deadline
        page: none for the order of another customer (a deadline moved to a
        new customer does not show the previous customer's orders)."""
        self.ensure_one()
        # sudo: the term is shown on its deadline's page, checked by the route
        term = self.sudo()
        order = term.sale_order_id
        if order:
            if order.partner_id.commercial_partner_id != term.deadline_id.commercial_partner_id:
                return False
            return order.name
        return term.origin

    @api.model
    def _get_portal_readable_fields(self):
        return PORTAL_READABLE_TERM_FIELDS

    def _get_portal_denied_message(self, field_names):
        return self.env._(
            "You are not allowed to see these details of your renewals: %(fields)s.",
            fields=", ".join(field_names),
        )
