# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import datetime

from odoo import Command

from odoo.addons.mail.tests.common import mail_new_test_user


class ExpiryPortalCommon:
    """Two customers with portal users, a renewable service and deadlines.

    Dates are relative to today in the company's time zone, so that browser
    tests (whose server thread does not see a frozen clock) agree with them.
    """

    @classmethod
    def setUpExpiryPortal(cls):
        env = cls.env
        cls.company = env.company
        cls.Deadline = env["expiry.deadline"]
        cls.today = cls.Deadline._company_today(cls.company)
        params = env["ir.config_parameter"].sudo()
        params.set_param("expiry_management.renewal_window_days", "30")
        params.set_param("expiry_management.renewal_grace_days", "30")

        cls.website = env["website"].get_current_website()
        cls.product = env["product.product"].create(
            {
                "name": "Fleet Policy",
                "type": "service",
                "list_price": 100.0,
                "sale_ok": True,
                "is_published": True,
                "expiry_duration": 1,
                "expiry_duration_unit": "year",
                "taxes_id": [Command.clear()],
            }
        )
        cls.product_plain = env["product.product"].create(
            {"name": "One-off Service", "type": "service", "list_price": 10.0, "taxes_id": [Command.clear()]}
        )

        cls.customer_a = env["res.partner"].create(
            {
                "name": "Alpha Logistics",
                "is_company": True,
                "email": "alpha@example.com",
                "phone": "+32 2 000 00 01",
                "street": "1 Alpha Street",
                "city": "Alphaville",
                "zip": "1000",
                "country_id": env.ref("base.be").id,
            }
        )
        cls.portal_user_a = mail_new_test_user(
            env,
            login="expiry_portal_a",
            password="expiry_portal_a",
            name="Alice Alpha",
            email="alice@example.com",
            groups="base.group_portal",
        )
        cls.portal_user_a.partner_id.write(
            {
                "parent_id": cls.customer_a.id,
                "phone": "+32 2 000 00 02",
                "street": "1 Alpha Street",
                "city": "Alphaville",
                "zip": "1000",
                "country_id": env.ref("base.be").id,
            }
        )
        cls.customer_b = env["res.partner"].create(
            {"name": "Beta Freight", "is_company": True, "email": "beta@example.com"}
        )
        cls.portal_user_b = mail_new_test_user(
            env,
            login="expiry_portal_b",
            password="expiry_portal_b",
            name="Bob Beta",
            email="bob@example.com",
            groups="base.group_portal",
        )
        cls.portal_user_b.partner_id.parent_id = cls.customer_b

        # A's company deadline, in the renewal window, with an agreed price
        cls.deadline_a = cls._create_deadline(cls.customer_a, 10, price_unit=80.0, description="Fleet A")
        cls.deadline_a_later = cls._create_deadline(cls.customer_a, 200, description="Fleet A later")
        cls.deadline_b = cls._create_deadline(cls.customer_b, 10, description="Fleet B")

    @classmethod
    def _create_deadline(cls, partner, days, state="active", price_unit=0.0, description=None, **values):
        return cls.env["expiry.deadline"].create(
            {
                "partner_id": partner.id,
                "product_id": cls.product.id,
                "description": description,
                "quantity": 1,
                "price_unit": price_unit,
                "date_start": cls.today - datetime.timedelta(days=300),
                "date_expiry": cls.today + datetime.timedelta(days=days),
                "state": state,
                **values,
            }
        )

    @classmethod
    def _enable_demo_provider(cls):
        provider = cls.env.ref("payment.payment_provider_demo")
        provider.write({"state": "test", "is_published": True})
        provider.payment_method_ids.active = True
        return provider

    def _new_cart(self, partner):
        return self.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "website_id": self.website.id,
                "company_id": self.company.id,
            }
        )

    def _demo_transaction(self, order, suffix="expiry"):
        """A demo-provider payment transaction for the whole order."""
        return self.env["payment.transaction"].create(
            {
                "provider_id": self.provider.id,
                "payment_method_id": self.provider.payment_method_ids[:1].id,
                "amount": order.amount_total,
                "currency_id": order.currency_id.id,
                "partner_id": order.partner_id.id,
                "reference": f"{order.name}-{suffix}",
                "sale_order_ids": [(6, 0, order.ids)],
            }
        )
