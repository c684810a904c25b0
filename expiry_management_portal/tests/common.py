# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import datetime

from odoo import Command

from odoo.addons.mail.tests.common import mail_new_test_user
from odoo.addons.payment.tests.common import PaymentCommon


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
        cls.company.write({"expiry_renewal_window_days": 30, "expiry_renewal_grace_days": 30})

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

    def _new_cart(self, partner):
        return self.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "website_id": self.website.id,
                "company_id": self.company.id,
            }
        )


class ExpiryPortalPaymentCommon(ExpiryPortalCommon, PaymentCommon):
    """The portal's data and Odoo's own test payment provider (payment's
    PaymentCommon: ``cls.provider``, code "none", with its "unknown" payment
    method), the only one offered: no test needs payment_demo, which no
    manifest declares (Odoo's runner installs the portal without it)."""

    @classmethod
    def default_env_context(cls):
        # PaymentCommon's default turns mail tracking off: the portal's tests
        # read the chatter, as its other tests do.
        return {}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["payment.provider"].search([("id", "!=", cls.provider.id)]).write({"state": "disabled"})

    def _order_transaction(self, order, suffix="expiry"):
        """A payment of the whole order with the test provider, as the shop's
        and /my/orders' payment routes create it."""
        return self._create_transaction(
            "redirect",
            amount=order.amount_total,
            currency_id=order.currency_id.id,
            partner_id=order.partner_id.id,
            reference=f"{order.name}-{suffix}",
            sale_order_ids=[Command.set(order.ids)],
        )

    def _notify_done(self, tx):
        """What the provider's notification (Odoo's _handle_notification_data
        ends with it), then the post-processing cron, do."""
        tx._set_done()
        tx._post_process()
