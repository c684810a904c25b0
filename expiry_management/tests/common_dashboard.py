# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import datetime

from odoo import Command
from odoo.tests import new_test_user


class ExpiryDashboardTestMixin:
    """Isolated data for the dashboard, callback and report tests: a sales
    team with a manager and a user, in a fresh company so that demo data does
    not leak into the figures."""

    TODAY = datetime.date(2026, 3, 16)

    @classmethod
    def _setup_dashboard_data(cls):
        env = cls.env
        cls.company = env["res.company"].create({"name": "Dashboard Brokers"})
        cls.other_company = env["res.company"].create({"name": "Other Brokers"})
        companies = [Command.set((cls.company | cls.other_company).ids)]
        cls.manager = new_test_user(
            env,
            login="dash_manager",
            name="Dash Manager",
            groups="base.group_user,expiry_management.group_expiry_manager,sales_team.group_sale_salesman",
            company_id=cls.company.id,
            company_ids=companies,
            tz="UTC",
        )
        cls.user = new_test_user(
            env,
            login="dash_user",
            name="Dash User",
            # Contact Creation: what internal users get by default, needed to
            # schedule activities on customers.
            groups="base.group_user,base.group_partner_manager,expiry_management.group_expiry_user",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
            tz="UTC",
        )
        cls.team = env["crm.team"].create(
            {"name": "North Office", "company_id": cls.company.id, "member_ids": [Command.set(cls.user.ids)]}
        )
        cls.partner = env["res.partner"].create({"name": "Ada Customer", "company_id": False})
        cls.product = env["product.product"].create(
            {
                "name": "Motor policy",
                "type": "service",
                "list_price": 100.0,
                "expiry_duration": 1,
                "expiry_duration_unit": "year",
            }
        )

    @classmethod
    def _deadline(cls, days, user=None, state="active", company=None, price=100.0, **values):
        company = company or cls.company
        vals = {
            "partner_id": cls.partner.id,
            "product_id": cls.product.id,
            "price_unit": price,
            "date_start": cls.TODAY - datetime.timedelta(days=300),
            "date_expiry": cls.TODAY + datetime.timedelta(days=days),
            "state": state,
            "user_id": (user or cls.user).id,
            "company_id": company.id,
            "currency_id": company.currency_id.id,
        }
        vals.update(values)
        return cls.env["expiry.deadline"].create(vals)
