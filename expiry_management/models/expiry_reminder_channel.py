# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The channels of a reminder stage besides e-mail (SMS, a call, a printed
letter)."""

from odoo import models


class ExpiryReminder(models.Model):
    _inherit = "expiry.reminder"

    def _sends_email(self):
        """Whether this reminder's stage sends an e-mail."""
        self.ensure_one()
        return True

    def _send_channels(self):
        """Take the stages' other channels of these reminders (their e-mail,
        if any, is queued). Returns the reminders done here that had no
        e-mail to queue."""
        return self.browse()
