# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A renewal starts the customer's choices of the next term afresh. (In a
file of its own, loaded after expiry_deadline_renewal.py, which defines the
hook: an override in expiry_deadline_notice.py, loaded before it, would never
run.)"""

from odoo import models


class ExpiryDeadline(models.Model):
    _inherit = "expiry.deadline"

    def _prepare_renewal_deadline_values(self, term):
        """A new term starts with nothing declined; an automatic renewal that
        was stopped stays stopped (renewing by hand is no consent to charge
        the saved payment method next time: the customer turns it back on)."""
        values = super()._prepare_renewal_deadline_values(term)
        values.update(
            {
                "auto_renew": self.renewal_mode == "automatic" and self.auto_renew,
                "date_declined": False,
                "lost_reason_id": False,
            }
        )
        return values
