# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    def _reconcile_post_hook(self, data):
        # Every reconciliation (credit note, write-off, payment) ends here: a
        # renewal invoice that becomes reversed or written off reverts its renewal.
        result = super()._reconcile_post_hook(data)
        self.move_id._expiry_handle_renewal_billing()
        return result
