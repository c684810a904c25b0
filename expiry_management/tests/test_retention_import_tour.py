# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import datetime

from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestRetentionImportTour(HttpCase):
    """The retention analysis and the import of the shipped template as a
    user sees them, in headless Chromium."""

    def test_retention_analysis_in_the_browser(self):
        admin = self.env.ref("base.user_admin")
        today = self.env["expiry.deadline"].with_user(admin)._today()
        partner = self.env["res.partner"].create({"name": "Tour retention customer", "is_company": True})
        self.env["expiry.deadline"].create(
            {
                "partner_id": partner.id,
                "description": "Tour lost policy",
                "price_unit": 321.0,
                "date_start": today - datetime.timedelta(days=400),
                "date_expiry": today - datetime.timedelta(days=1),
                "state": "closed",
                "lost_reason_id": self.env.ref("expiry_management.lost_reason_price").id,
                "user_id": admin.id,
                "company_id": admin.company_id.id,
            }
        )
        self.start_tour(
            "/odoo/action-expiry_management.action_expiry_retention_report",
            "expiry_retention_tour",
            login="admin",
        )

    def test_import_of_the_shipped_template_in_the_browser(self):
        for code, name in (("FLEET-POL", "Tour fleet policy"), ("LIC-STD", "Tour licence")):
            self.env["product.product"].create(
                {
                    "name": name,
                    "default_code": code,
                    "type": "service",
                    "expiry_duration": 1,
                    "expiry_duration_unit": "year",
                }
            )
        self.start_tour("/odoo/deadlines", "expiry_import_tour", login="admin")
        imported = self.env["expiry.deadline"].search([("description", "like", "Policy 2025-000")])
        self.assertEqual(len(imported), 2)
        self.assertEqual(set(imported.mapped("state")), {"draft"})
