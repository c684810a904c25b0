# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Each company's online renewal window applies to its own deadlines."""

from odoo.tests import TransactionCase, tagged

from .common import ExpiryPortalCommon


@tagged("post_install", "-at_install")
class TestPortalCompanySettings(ExpiryPortalCommon, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setUpExpiryPortal()
        cls.partner_a = cls.portal_user_a.partner_id
        cls.other_company = cls.env["res.company"].create({"name": "Short Window Brokers"})
        cls.other_company.partner_id.tz = cls.company.partner_id.tz
        cls.other_company.write({"expiry_renewal_window_days": 5, "expiry_renewal_grace_days": 0})
        cls.product.company_id = False

    def test_two_companies_two_renewal_windows(self):
        here = self._create_deadline(self.customer_a, 20, description="Here")
        there = self._create_deadline(
            self.customer_a,
            20,
            description="There",
            company_id=self.other_company.id,
            currency_id=self.other_company.currency_id.id,
        )
        self.assertFalse(here._get_portal_renewal_error(self.partner_a), "within this company's 30 days")
        self.assertIn("can be renewed online from", there._get_portal_renewal_error(self.partner_a))
        self.assertTrue(here.with_user(self.portal_user_a).portal_can_renew)
        self.assertFalse(there.with_user(self.portal_user_a).portal_can_renew)
        # and after expiry: 30 days of grace here, none there
        expired_here = self._create_deadline(self.customer_a, -3, state="expired")
        expired_there = self._create_deadline(
            self.customer_a,
            -3,
            state="expired",
            company_id=self.other_company.id,
            currency_id=self.other_company.currency_id.id,
        )
        self.assertFalse(expired_here._get_portal_renewal_error(self.partner_a))
        self.assertIn(
            "can no longer be renewed online", expired_there._get_portal_renewal_error(self.partner_a)
        )
