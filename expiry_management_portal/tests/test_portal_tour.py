# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from unittest.mock import patch

from dateutil.relativedelta import relativedelta

from odoo.tests import HttpCase, tagged

from .common import ExpiryPortalPaymentCommon


@tagged("post_install", "-at_install")
class TestPortalRenewalTour(ExpiryPortalPaymentCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setUpExpiryPortal()
        # The test provider's redirect form leads to the payment status page,
        # as a provider's payment page does once the customer has paid.
        cls.provider.redirect_form_view_id = cls.env["ir.ui.view"].create(
            {
                "name": "Expiry tour: paid at the provider",
                "type": "qweb",
                "arch": '<form action="/payment/status" method="get"/>',
            }
        )
        cls.tour_deadline = cls._create_deadline(
            cls.customer_a, 12, price_unit=90.0, description="Tour policy TP-0001"
        )

    def test_customer_renews_online_and_sees_the_new_expiry_date(self):
        old_expiry = self.tour_deadline.date_expiry
        transaction = type(self.env["payment.transaction"])
        rendering_values = transaction._get_specific_rendering_values

        def pay_at_the_provider(tx, processing_values):
            # the customer pays on the provider's page; the provider notifies Odoo
            tx._set_done()
            return rendering_values(tx, processing_values)

        with patch.object(transaction, "_get_specific_rendering_values", pay_at_the_provider):
            self.start_tour("/my", "expiry_portal_renewal", login=self.portal_user_a.login)
        self.assertEqual(self.tour_deadline.date_expiry, old_expiry + relativedelta(years=1))
        term = self.tour_deadline.term_ids
        self.assertEqual(len(term), 1)
        self.assertEqual(term.sale_order_id.state, "sale")
        self.assertEqual(term.sale_order_id.partner_id, self.portal_user_a.partner_id)
        self.assertEqual(term.sale_order_id.amount_untaxed, 90.0)
