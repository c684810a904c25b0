# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""An automatic renewal whose invoice could not be charged (no try left, or
no usable payment method) is left to the collection ladder: the invoice is
an open item of the deadline like any other, its steps start when it is
overdue. No activity for the salesperson then: the ladder is the follow-up."""

from markupsafe import Markup

from odoo import models


class ExpiryDeadline(models.Model):
    _inherit = "expiry.deadline"

    def _expiry_charge_hand_over(self, charge):
        self.ensure_one()
        # sudo: the daily pass notes the hand-over on this deadline
        self.sudo().message_post(
            body=Markup("<p>%s</p>")
            % self.env._(
                "Invoice %(invoice)s of the automatic renewal is left to the collection: its "
                "reminders start when it is overdue.",
                invoice=charge.invoice_id.name,
            ),
            subtype_xmlid="mail.mt_note",
        )
        return True
