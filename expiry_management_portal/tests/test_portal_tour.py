# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from dateutil.relativedelta import relativedelta

from odoo.tests import HttpCase, tagged

from .common import ExpiryPortalCommon


@tagged("post_install", "-at_install")
class TestPortalRenewalTour(ExpiryPortalCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setUpExpiryPortal()
        cls._enable_demo_provider()
        # Only the demo provider, so that the tour pays with it.
        cls.env["payment.provider"].search(
            [("id", "!=", cls.env.ref("payment.payment_provider_demo").id)]
        ).write({"state": "disabled"})
        cls.tour_deadline = cls._create_deadline(
            cls.customer_a, 12, price_unit=90.0, description="Tour policy TP-0001"
        )

    def test_customer_renews_online_and_sees_the_new_expiry_date(self):
        old_expiry = self.tour_deadline.date_expiry
        self.start_tour("/my", "expiry_portal_renewal", login=self.portal_user_a.login)
        self.assertEqual(self.tour_deadline.date_expiry, old_expiry + relativedelta(years=1))
        term = self.tour_deadline.term_ids
        self.assertEqual(len(term), 1)
        self.assertEqual(term.sale_order_id.state, "sale")
        self.assertEqual(term.sale_order_id.partner_id, self.portal_user_a.partner_id)
        self.assertEqual(term.sale_order_id.amount_untaxed, 90.0)
