# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Settings per company (res.company ``expiry_<key>``), and the migration of
the global system parameters of 18.0.1.2.0 to every company."""

import datetime
import importlib.util
from pathlib import Path

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import freeze_time, new_test_user, tagged

from ..models.expiry_deadline import EXPIRY_PARAM_MAX, EXPIRY_PARAMS
from .common import ExpiryTestCase

D = datetime.date
TODAY = D(2026, 3, 16)
MIGRATION = Path(__file__).resolve().parent.parent / "migrations" / "18.0.1.3.0" / "post-migration.py"


@tagged("post_install", "-at_install")
@freeze_time("2026-03-16 10:00:00")
class TestSettingsPerCompany(ExpiryTestCase):
    expiry_context = {"tracking_disable": True, "tz": "UTC"}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.north = cls._company("North Brokers")
        cls.south = cls._company("South Brokers")
        cls.north.write(
            {"expiry_renewal_window_days": 30, "expiry_upcoming_days": 7, "expiry_renewal_grace_days": 30}
        )
        cls.south.write(
            {"expiry_renewal_window_days": 10, "expiry_upcoming_days": 21, "expiry_renewal_grace_days": 5}
        )
        cls.customer = cls.env["res.partner"].create({"name": "Two Company Customer", "company_id": False})
        cls.product = cls._make_product("Fleet Policy", 1, "year", 500.0)
        cls.manager = new_test_user(
            cls.env,
            login="settings_manager",
            groups="base.group_user,expiry_management.group_expiry_manager,sales_team.group_sale_salesman",
            company_id=cls.north.id,
            company_ids=[Command.set((cls.north | cls.south).ids)],
            tz="UTC",
        )

    @classmethod
    def _deadline_defaults(cls, date_expiry, company):
        vals = super()._deadline_defaults(date_expiry, company)
        vals.update(partner_id=cls.customer.id, product_id=cls.product.id, price_unit=500.0)
        return vals

    def test_every_setting_is_a_company_field(self):
        Company = self.env["res.company"]
        for key, default in EXPIRY_PARAMS.items():
            self.assertIn(f"expiry_{key}", Company._fields, key)
            self.assertEqual(int(self._company(f"New {key}")[f"expiry_{key}"]), default, key)
            if key == "winback_mailing_list_id":
                # its setting (a mailing list) is in Settings only with expiry_management_mass_mailing
                continue
            self.assertIn(f"expiry_{key}", self.env["res.config.settings"]._fields, key)

    def test_the_renewal_window_of_each_company_applies_to_its_deadlines(self):
        expiry = TODAY + datetime.timedelta(days=20)
        north = self._create_deadline(expiry, company_id=self.north.id)
        south = self._create_deadline(expiry, company_id=self.south.id)
        # back office: the urgency bucket "renewal window" (30 days in North, 10 in South)
        self.assertEqual(north.urgency, "window")
        self.assertEqual(south.urgency, "soon", "South's upcoming window is 21 days")
        self.assertEqual(self.env["expiry.deadline"]._get_expiry_param("renewal_window_days", self.north), 30)
        self.assertEqual(self.env["expiry.deadline"]._get_expiry_param("renewal_window_days", self.south), 10)
        later = TODAY + datetime.timedelta(days=25)
        north_later = self._create_deadline(later, company_id=self.north.id)
        south_later = self._create_deadline(later, company_id=self.south.id)
        self.assertEqual((north_later.urgency, south_later.urgency), ("window", "later"))

    def test_the_grace_period_of_each_company_decides_the_renewal_dates(self):
        expired = TODAY - datetime.timedelta(days=20)
        north = self._create_deadline(expired, company_id=self.north.id, state="expired")
        south = self._create_deadline(expired, company_id=self.south.id, state="expired")
        north_base, _expiry = north._get_renewal_dates(renewal_date=TODAY)
        south_base, _expiry = south._get_renewal_dates(renewal_date=TODAY)
        self.assertEqual(north_base, expired, "within North's 30 days of grace: the term continues")
        self.assertEqual(south_base, TODAY, "after South's 5 days of grace: a new term from today")

    def test_the_dashboard_shows_the_windows_of_the_current_company(self):
        Dashboard = self.env["expiry.dashboard"].with_user(self.manager)
        north = Dashboard.with_context(allowed_company_ids=self.north.ids).get_dashboard_data()
        south = Dashboard.with_context(allowed_company_ids=self.south.ids).get_dashboard_data()
        self.assertEqual((north["upcoming_days"], north["risk_days"]), (7, 30))
        self.assertEqual((south["upcoming_days"], south["risk_days"]), (21, 10))

    def test_settings_show_and_write_the_current_companys_values(self):
        settings = self.env["res.config.settings"].with_company(self.south).create({})
        self.assertEqual(settings.expiry_renewal_window_days, 10)
        settings.expiry_renewal_window_days = 12
        settings.execute()
        self.assertEqual(self.south.expiry_renewal_window_days, 12)
        self.assertEqual(self.north.expiry_renewal_window_days, 30, "the other company keeps its own")

    def test_out_of_bounds_settings_are_refused_and_a_stored_one_is_clamped(self):
        with self.assertRaisesRegex(ValidationError, "cannot be negative"), self.env.cr.savepoint():
            self.north.expiry_upcoming_days = -1
        with self.assertRaisesRegex(ValidationError, "at most 3660 days"), self.env.cr.savepoint():
            self.north.expiry_renewal_grace_days = 4000
        with self.assertRaisesRegex(ValidationError, "at most 100000"), self.env.cr.savepoint():
            self.north.expiry_reminder_batch_size = EXPIRY_PARAM_MAX["reminder_batch_size"] + 1
        self.env.flush_all()
        self.env.cr.execute("UPDATE res_company SET expiry_upcoming_days = -5 WHERE id = %s", self.north.ids)
        self.env.invalidate_all()
        self.assertEqual(self.env["expiry.deadline"]._get_expiry_param("upcoming_days", self.north), 0)


@tagged("post_install", "-at_install")
class TestSettingsMigration(ExpiryTestCase):
    def _migrate(self, version="18.0.1.2.0"):
        spec = importlib.util.spec_from_file_location("expiry_core_post_migration_1_3", MIGRATION)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        self.env.flush_all()
        module.migrate(self.env.cr, version)
        self.env.invalidate_all()
        self.env.registry.clear_cache()  # get_param's cache

    def test_the_global_settings_of_the_previous_version_go_to_every_company(self):
        companies = self.env["res.company"].search([]) | self._company("Second Brokers")
        # a database of 18.0.1.2.0: the settings are system parameters
        old = {
            "renewal_window_days": "45",
            "renewal_grace_days": "0",
            "upcoming_days": "14",
            "reminder_catchup_days": "not a number",
            "close_after_days": "99999",
            "reminder_batch_size": "200",
            "renewal_pricelist_discount": "1",
            "winback_mailing_list_id": "7",
        }
        params = self.env["ir.config_parameter"].sudo()
        for key, value in old.items():
            params.set_param(f"expiry_management.{key}", value)
        params.set_param("expiry_management_queue_job.parallel_jobs", "8")
        self._migrate()
        for company in companies:
            self.assertEqual(company.expiry_renewal_window_days, 45, company.name)
            self.assertEqual(company.expiry_renewal_grace_days, 0, "0 stays 0")
            self.assertEqual(company.expiry_upcoming_days, 14)
            self.assertEqual(company.expiry_reminder_catchup_days, 3, "not a number: the default")
            self.assertEqual(company.expiry_close_after_days, 3660, "out of bounds: clamped")
            self.assertEqual(company.expiry_reminder_batch_size, 200)
            self.assertTrue(company.expiry_renewal_pricelist_discount)
            self.assertEqual(company.expiry_winback_mailing_list_id, 7)
        for key in old:
            self.assertFalse(
                params.get_param(f"expiry_management.{key}"), f"{key}: the old parameter is gone"
            )
        self.assertEqual(params.get_param("expiry_management_queue_job.parallel_jobs"), "8", "not ours")

    def test_a_fresh_install_is_not_migrated(self):
        company = self._company("Fresh Brokers")
        self.env["ir.config_parameter"].sudo().set_param("expiry_management.renewal_window_days", "45")
        self._migrate(version=None)
        self.assertEqual(company.expiry_renewal_window_days, EXPIRY_PARAMS["renewal_window_days"])
