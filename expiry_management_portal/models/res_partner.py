# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class ResPartner(models.Model):
    _inherit = "res.partner"

    def write(self, vals):
        if "parent_id" not in vals and "is_company" not in vals:
            return super().write(vals)
        # A contact moved to another company takes its deadlines with it: their
        # customer changes without their partner_id being written.
        # sudo: only the deadlines of these contacts (and of their own contacts)
        deadlines = self.env["expiry.deadline"].sudo().search([("partner_id", "child_of", self.ids)])
        before = {deadline: deadline.commercial_partner_id for deadline in deadlines}
        result = super().write(vals)
        moved = {deadline: old for deadline, old in before.items() if deadline.commercial_partner_id != old}
        if moved:
            self.env["expiry.deadline"]._expiry_on_customer_change(moved)
        return result
