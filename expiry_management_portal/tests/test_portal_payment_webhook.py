# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from dateutil.relativedelta import relativedelta

import odoo
from odoo.tests import HttpCase, tagged

from odoo.addons.payment.controllers.post_processing import PaymentPostProcessing
from odoo.addons.website.tools import MockRequest

from .common import ExpiryPortalPaymentCommon


@tagged("post_install", "-at_install")
class TestPortalPaymentWebhook(ExpiryPortalPaymentCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setUpExpiryPortal()

    def test_payment_notification_delivered_twice_extends_once(self):
        old_expiry = self.deadline_a.date_expiry
        order = self._new_cart(self.portal_user_a.partner_id)
        with MockRequest(self.env, website=self.website, sale_order_id=order.id):
            order._cart_add_renewal(self.deadline_a)
        tx = self._order_transaction(order, "webhook")
        # The customer's browser waits on the payment status page, which polls
        # the transaction its session monitors (as the payment routes set it).
        self.authenticate(self.portal_user_a.login, self.portal_user_a.login)
        self.session[PaymentPostProcessing.MONITORED_TX_ID_KEY] = tx.id
        odoo.http.root.session_store.save(self.session)
        for _attempt in range(2):
            # The provider's notification, delivered twice, then the status
            # page's poll (a request of its own) and the post-processing cron.
            tx._set_done()
            self.env.flush_all()
            status = self.make_jsonrpc_request("/payment/status/poll")
            self.assertEqual(status["state"], "done")
            self.env.invalidate_all()
            tx._post_process()
        self.assertEqual(tx.state, "done")
        self.assertEqual(order.state, "sale")
        self.assertEqual(self.deadline_a.date_expiry, old_expiry + relativedelta(years=1))
        self.assertEqual(len(self.deadline_a.term_ids), 1)
        self.assertEqual(self.deadline_a.term_ids.sale_order_id, order)
