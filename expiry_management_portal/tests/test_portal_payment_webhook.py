# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from dateutil.relativedelta import relativedelta

from odoo.tests import HttpCase, tagged

from odoo.addons.website.tools import MockRequest

from .common import ExpiryPortalCommon


@tagged("post_install", "-at_install")
class TestPortalPaymentWebhook(ExpiryPortalCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setUpExpiryPortal()
        cls.provider = cls._enable_demo_provider()

    def test_payment_notification_delivered_twice_extends_once(self):
        old_expiry = self.deadline_a.date_expiry
        order = self._new_cart(self.portal_user_a.partner_id)
        with MockRequest(self.env, website=self.website, sale_order_id=order.id):
            order._cart_add_renewal(self.deadline_a)
        tx = self._demo_transaction(order, "webhook")
        notification = {"reference": tx.reference, "payment_details": "4242", "simulated_state": "done"}
        for _attempt in range(2):
            # What the demo provider's notification route receives, twice
            self.make_jsonrpc_request("/payment/demo/simulate_payment", notification)
            tx._post_process()  # the status poll / post-processing cron
        self.assertEqual(tx.state, "done")
        self.assertEqual(order.state, "sale")
        self.assertEqual(self.deadline_a.date_expiry, old_expiry + relativedelta(years=1))
        self.assertEqual(len(self.deadline_a.term_ids), 1)
        self.assertEqual(self.deadline_a.term_ids.sale_order_id, order)
