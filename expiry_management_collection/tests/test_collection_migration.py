# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""18.0.1.1.0: the customer's collector is chosen per company, and the
migration gives each customer the collector it had in that collector's
companies (on a res_partner table of the previous version)."""

import importlib.util
from pathlib import Path

from odoo import Command
from odoo.tests import new_test_user

from .common import CollectionCase

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations" / "18.0.1.1.0"


def _script(name):
    spec = importlib.util.spec_from_file_location(f"expiry_collection_{name}", MIGRATIONS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class TestCollectorPerCompany(CollectionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls._company("Other Brokers")
        cls.user_b = new_test_user(
            cls.env,
            login="collection_user_b",
            groups="base.group_user,expiry_management.group_expiry_manager,account.group_account_invoice",
            company_id=cls.company_b.id,
            company_ids=[Command.set(cls.company_b.ids)],
        )

    def test_another_company_does_not_read_this_companys_collector(self):
        self.assertEqual(self.customer.with_company(self.company).expiry_collector_id, self.collector)
        customer_b = self.customer.with_user(self.user_b).with_context(allowed_company_ids=self.company_b.ids)
        self.assertFalse(customer_b.expiry_collector_id)
        self.assertFalse(customer_b.search_count([("expiry_collector_id", "=", self.collector.id)]))

    def test_migration_keeps_the_collector_in_the_collectors_companies(self):
        cr = self.env.cr
        self.env.flush_all()
        # the table as the previous version left it: an integer column
        cr.execute("ALTER TABLE res_partner RENAME COLUMN expiry_collector_id TO expiry_collector_id_jsonb")
        cr.execute("ALTER TABLE res_partner ADD COLUMN expiry_collector_id int4")
        cr.execute(
            "UPDATE res_partner SET expiry_collector_id = %s WHERE id = %s",
            (self.collector.id, self.customer.id),
        )
        _script("pre-migration").migrate(cr, "18.0.1.0.0")
        # the update creates the company-dependent column
        cr.execute("ALTER TABLE res_partner RENAME COLUMN expiry_collector_id_jsonb TO expiry_collector_id")
        cr.execute("UPDATE res_partner SET expiry_collector_id = NULL WHERE id = %s", (self.customer.id,))
        _script("post-migration").migrate(cr, "18.0.1.0.0")
        self.env.invalidate_all()
        self.assertEqual(self.customer.with_company(self.company).expiry_collector_id, self.collector)
        self.assertFalse(self.customer.with_company(self.company_b).expiry_collector_id)
        cr.execute(
            "SELECT 1 FROM information_schema.columns WHERE table_name = 'res_partner' "
            "AND column_name = 'expiry_collector_id_18_0_1_0'"
        )
        self.assertFalse(cr.fetchone(), "the column of the previous version is dropped")
