# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class AccountMove(models.Model):
    _inherit = "account.move"

    def _is_ready_to_be_sent(self):
        # the overdue invoices a renewal's payment settles (sale_order_arrears.py)
        # were sent when issued: sale's _send_invoice does not send them again
        if self.id in self.env.context.get("expiry_arrears_move_ids", ()):
            return False
        return super()._is_ready_to_be_sent()
