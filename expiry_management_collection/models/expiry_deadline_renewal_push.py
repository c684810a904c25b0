# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A deadline in dispute gets no renewal push (timed e-mail asking to renew,
portal Renew button) until the dispute is resolved: the core's rule
(expiry.deadline._get_renewal_push_blocks) plus the dispute."""

from odoo import models

from odoo.addons.expiry_management.models.account_move import OPEN_ITEM_DOMAIN


class ExpiryDeadline(models.Model):
    _inherit = "expiry.deadline"

    def _get_renewal_push_blocks(self, arrears_in_checkout=None):
        # a dispute blocks even when the checkout carries the overdue amount
        blocks = super()._get_renewal_push_blocks(arrears_in_checkout=arrears_in_checkout)
        if not self.ids:
            return blocks
        # sudo: the late payment reasons of these deadlines and of their own open
        # invoices (internal fields); the reason names only the deadline
        disputed = set(
            self.sudo().search([("id", "in", self.ids), ("collection_reason_id.kind", "=", "dispute")]).ids
        )
        disputed.update(
            # sudo: the open invoices of these deadlines only (see above)
            self.env["account.move"]
            .sudo()
            .search(
                OPEN_ITEM_DOMAIN
                + [
                    ("expiry_deadline_id", "in", self.ids),
                    ("expiry_collection_reason_id.kind", "=", "dispute"),
                ]
            )
            .expiry_deadline_id.ids
        )
        for deadline in self.filtered(lambda d: d.id in disputed and d.id not in blocks):
            blocks[deadline.id] = self.env._(
                "%s is in dispute: no renewal is offered until the dispute is resolved.",
                deadline.display_name,
            )
        return blocks
