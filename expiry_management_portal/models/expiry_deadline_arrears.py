# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""One timeline per customer (issue 18): the portal's online renewal carries
the overdue amount in its checkout (sale_order_arrears.py)."""

from odoo import models

from .expiry_deadline import PORTAL_RENEWABLE_STATES


class ExpiryDeadline(models.Model):
    _inherit = "expiry.deadline"

    def _expiry_arrears_in_checkout(self):
        """The portal's renewal (cart, share-link quotation) carries the
        overdue amount: of a deadline its customer can renew online now (a
        renewable state, inside the online renewal window or grace period; the
        dates and states of _get_portal_renewal_error). Outside, the overdue
        invoice still holds the "renew now" push back."""
        self.ensure_one()
        # sudo: the state and dates of this deadline only (a date rule)
        deadline = self.sudo()
        if deadline.state not in PORTAL_RENEWABLE_STATES or not deadline.date_expiry:
            return super()._expiry_arrears_in_checkout()
        first_day, last_day = deadline._get_portal_renewal_window()
        return first_day <= deadline.date_expiry <= last_day or super()._expiry_arrears_in_checkout()
