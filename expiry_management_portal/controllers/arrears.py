# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

from odoo.exceptions import UserError
from odoo.http import request

from odoo.addons.website_sale.controllers.main import WebsiteSale

_logger = logging.getLogger(__name__)


class ExpiryArrearsWebsiteSale(WebsiteSale):
    """The checkout pages (address, payment, confirmation) show the overdue
    amount of now: a renewal cart's arrears lines are brought up to date
    before they render (the payment itself refuses a stale amount)."""

    def _check_cart(self, order_sudo):
        if order_sudo and order_sudo.state == "draft":
            try:
                with request.env.cr.savepoint():
                    order_sudo._expiry_sync_arrears()
            except UserError as error:
                # told again, readably, when the payment is created
                _logger.debug("Arrears of %s not brought up to date: %s", order_sudo.name, error)
        return super()._check_cart(order_sudo)
