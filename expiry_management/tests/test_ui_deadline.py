# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date

from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestDeadlineUi(HttpCase):
    def test_user_creates_activates_and_renews_a_deadline_in_the_browser(self):
        customer = self.env["res.partner"].create({"name": "Tour Customer Ltd", "is_company": True})
        product = self.env["product.product"].create(
            {"name": "Tour Policy", "type": "service", "list_price": 250.0, "expiry_duration": 1}
        )
        self.start_tour("/odoo/deadlines", "expiry_deadline_create_and_renew", login="admin")
        deadline = self.env["expiry.deadline"].search([("partner_id", "=", customer.id)])
        self.assertEqual(len(deadline), 1)
        self.assertEqual(deadline.product_id, product)
        self.assertEqual(deadline.date_expiry, date(2030, 12, 31))
        self.assertEqual(deadline.state, "active")
        self.assertEqual(deadline.price_unit, 250.0)
        order_line = self.env["sale.order.line"].search([("deadline_id", "=", deadline.id)])
        self.assertEqual(order_line.order_id.state, "draft")
        self.assertEqual(order_line.product_id, product)
