# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import datetime

from odoo.tests import TransactionCase, new_test_user


class ExpiryCommon(TransactionCase):
    """Customers, renewable products and a helper to create deadlines."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True, tz="UTC"))
        cls.company = cls.env.company
        cls.manager = new_test_user(
            cls.env,
            login="expiry_manager",
            groups="expiry_management.group_expiry_manager,sales_team.group_sale_salesman",
            tz="UTC",
        )
        cls.user = new_test_user(
            cls.env,
            login="expiry_user",
            groups="expiry_management.group_expiry_user,sales_team.group_sale_salesman",
            tz="UTC",
        )
        cls.customer = cls.env["res.partner"].create({"name": "Nordic Freight AB", "is_company": True})
        cls.contact = cls.env["res.partner"].create({"name": "Greta Lind", "parent_id": cls.customer.id})
        cls.other_customer = cls.env["res.partner"].create({"name": "Sur Seguros SA", "is_company": True})
        cls.product_year = cls._make_product("Fleet Policy", 1, "year", 500.0)
        cls.product_month = cls._make_product("Licence", 1, "month", 40.0)
        cls.product_plain = cls._make_product("One-off Audit", 0, "year", 100.0)

    @classmethod
    def _make_product(cls, name, duration, unit, price):
        return cls.env["product.product"].create(
            {
                "name": name,
                "type": "service",
                "list_price": price,
                "expiry_duration": duration,
                "expiry_duration_unit": unit,
            }
        )

    @classmethod
    def _make_deadline(cls, expiry, **values):
        vals = {
            "partner_id": cls.customer.id,
            "product_id": cls.product_year.id,
            "quantity": 1,
            "price_unit": 500.0,
            "date_start": expiry - datetime.timedelta(days=365),
            "date_expiry": expiry,
            "state": "active",
        }
        vals.update(values)
        return cls.env["expiry.deadline"].create(vals)
