# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Portfolio analysis checked against figures computed by hand on a fixed
data set, and the collector's dashboard block."""

import datetime

from odoo import Command
from odoo.tests import freeze_time, new_test_user, tagged

from .common import CollectionCase


@tagged("post_install", "-at_install")
@freeze_time("2027-03-10 10:00:00")
class TestCollectionReport(CollectionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_collector = new_test_user(
            cls.env,
            login="collector_b",
            name="Bo Collector",
            groups="expiry_management.group_expiry_user,account.group_account_invoice",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.motor = cls.env["product.category"].create({"name": "Motor"})
        cls.property = cls.env["product.category"].create({"name": "Property"})
        motor_product = cls._make_product("Motor Policy", 1, "year", 100.0)
        motor_product.categ_id = cls.motor
        property_product = cls._make_product("Home Policy", 1, "year", 100.0)
        property_product.categ_id = cls.property
        cls.agency_origin = cls.env["expiry.origin"].create(
            {"name": "Agency North", "company_id": cls.company.id}
        )
        cls.d1 = cls._create_deadline(200, product_id=motor_product, collector_id=cls.collector)
        cls.d2 = cls._create_deadline(
            200, product_id=property_product, collector_id=cls.other_collector, origin_id=cls.agency_origin
        )
        cls.d3 = cls._create_deadline(200, product_id=property_product, collector_id=cls.other_collector)
        cls.inv1 = cls._invoice(cls.d1, -10, 1000.0)
        cls.inv2 = cls._invoice(cls.d1, 5, 500.0)
        cls.inv3 = cls._invoice(cls.d2, -45, 2000.0)
        cls.inv4 = cls._invoice(cls.d3, -100, 800.0)
        cls.inv5 = cls._invoice(cls.d3, -60, 600.0)

    def setUp(self):
        super().setUp()
        self._pay(self.inv3, 500.0, self.TODAY - datetime.timedelta(days=20))
        self._pay(self.inv5, None, self.TODAY - datetime.timedelta(days=50))
        self.env.flush_all()
        self.manager = new_test_user(
            self.env,
            login="collection_manager",
            groups="expiry_management.group_expiry_manager,account.group_account_invoice",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        self.Report = self.env["expiry.collection.report"].with_user(self.manager)
        self.domain = [("company_id", "=", self.company.id)]

    def _by(self, groupby, measure="amount_overdue"):
        return {
            key: amount
            for key, amount in self.Report._read_group(
                self.domain + [("is_overdue", "=", True)], [groupby], [f"{measure}:sum"]
            )
        }

    def test_overdue_by_collector_line_of_business_aging_and_origin(self):
        self.assertEqual(self._by("collector_id"), {self.collector: 1000.0, self.other_collector: 2300.0})
        self.assertEqual(self._by("product_categ_id"), {self.motor: 1000.0, self.property: 2300.0})
        self.assertEqual(self._by("aging_bucket"), {"1_30": 1000.0, "31_60": 1500.0, "over_90": 800.0})
        self.assertEqual(
            self._by("origin_id"), {self.agency_origin: 1500.0, self.env["expiry.origin"]: 1800.0}
        )
        self.assertEqual(self._by("user_id"), {self.salesperson: 3300.0})
        self.assertEqual(self._by("company_id"), {self.company: 3300.0})

    def test_collection_rate_and_rotation(self):
        figures = self.Report.get_portfolio_indicators("2026-11-01", "2027-03-31", self.domain)
        self.assertEqual(figures["invoice_count"], 5)
        self.assertEqual(figures["amount_invoiced"], 4900.0)
        self.assertEqual(figures["amount_collected"], 1100.0)
        self.assertEqual(figures["collection_rate"], 22.4)
        self.assertEqual(figures["paid_count"], 1)
        self.assertEqual(figures["average_days_to_collect"], 40.0)
        self.assertEqual(figures["overdue_count"], 3)
        self.assertEqual(figures["amount_overdue"], 3300.0)
        # a period without invoices
        empty = self.Report.get_portfolio_indicators("2020-01-01", "2020-12-31", self.domain)
        self.assertEqual((empty["collection_rate"], empty["average_days_to_collect"]), (False, False))

    def test_report_rows_match_the_deadline_figures(self):
        for deadline in (self.d1, self.d2, self.d3):
            rows = self.Report.search([("deadline_id", "=", deadline.id), ("is_open", "=", True)])
            self.assertAlmostEqual(sum(rows.mapped("amount_due")), deadline.amount_due)
            self.assertAlmostEqual(sum(rows.mapped("amount_overdue")), deadline.amount_overdue)
            self.assertEqual(max(rows.mapped("days_overdue")), deadline.days_overdue)

    def test_plan_invoice_is_overdue_by_its_instalments(self):
        wizard = self.env["expiry.collection.plan.wizard"].create(
            {"deadline_id": self.d3.id, "count": 2, "date_first": self.TODAY}
        )
        plan = self.env["expiry.collection.plan"].browse(wizard.action_plan()["res_id"])
        plan.action_confirm()
        self.env.flush_all()
        row = self.Report.search([("move_id", "=", self.inv4.id)])
        self.assertTrue(row.on_plan)
        self.assertEqual((row.amount_overdue, row.days_overdue), (0.0, 0))
        with freeze_time("2027-03-20 10:00:00"):
            self.env.invalidate_all()
            row = self.Report.search([("move_id", "=", self.inv4.id)])
            self.assertEqual((row.amount_overdue, row.days_overdue), (400.0, 10))
            self.d3.invalidate_recordset()
            self.assertEqual((self.d3.amount_overdue, self.d3.days_overdue), (400.0, 10))

    def test_other_company_is_not_reported(self):
        other = self._company("Other Brokers")
        self.env["account.chart.template"].try_loading("generic_coa", company=other, install_demo=False)
        deadline = self._create_deadline(200, company_id=other)
        self._invoice(deadline, -10)
        self.env.flush_all()
        self.assertFalse(self.Report.search([("deadline_id", "=", deadline.id)]))
        self.assertTrue(self.Report.sudo().search([("deadline_id", "=", deadline.id)]))

    def test_collector_reports_their_own_cases(self):
        rows = self.env["expiry.collection.report"].with_user(self.collector).search(self.domain)
        self.assertEqual(rows.deadline_id, self.d1)

    def test_dashboard_block_of_the_collector(self):
        data = self.env["expiry.dashboard"].with_user(self.other_collector).get_dashboard_data("mine")
        block = data["collection"]
        self.assertEqual(block["count"], 2)
        self.assertEqual(block["amount"], 2300.0)
        self.assertEqual([case["id"] for case in block["cases"]], [self.d3.id, self.d2.id])
        self.assertEqual(block["cases"][0]["days_overdue"], 100)
        action = self.env["expiry.dashboard"].with_user(self.other_collector).action_open_collection("mine")
        found = self.env["expiry.deadline"].with_user(self.other_collector).search(action["domain"])
        self.assertEqual(found, self.d2 | self.d3)
        # without invoicing rights: no block (amounts are for the billing group)
        self.assertFalse(
            self.env["expiry.dashboard"].with_user(self.salesperson).get_dashboard_data()["collection"]
        )
