# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import datetime

from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestDashboardTour(HttpCase):
    """The dashboard as a user sees it, in headless Chromium."""

    def test_dashboard_shows_upcoming_renewal_and_done_todo_disappears(self):
        admin = self.env.ref("base.user_admin")
        today = self.env["expiry.deadline"].with_user(admin)._today()
        partner = self.env["res.partner"].create({"name": "Tour Customer"})
        product = self.env["product.product"].create(
            {"name": "Tour product", "type": "service", "expiry_duration": 1, "expiry_duration_unit": "year"}
        )
        deadline = self.env["expiry.deadline"].create(
            {
                "partner_id": partner.id,
                "product_id": product.id,
                "description": "Tour fleet policy",
                "price_unit": 1234.0,
                "date_expiry": today + datetime.timedelta(days=3),
                "state": "active",
                "user_id": admin.id,
                "company_id": admin.company_id.id,
            }
        )
        activity = deadline.activity_schedule(
            "expiry_management.mail_activity_type_callback",
            date_deadline=today,
            summary="Tour callback",
            user_id=admin.id,
        )
        self.start_tour(
            "/odoo/action-expiry_management.action_expiry_dashboard", "expiry_dashboard_tour", login="admin"
        )
        self.assertFalse(activity.exists(), "the to-do was marked done")
        self.assertEqual(partner.last_callback_date, self.env["expiry.deadline"]._company_today())

    def test_a_chart_bar_opens_the_deadlines_behind_it(self):
        admin = self.env.ref("base.user_admin")
        Deadline = self.env["expiry.deadline"].with_user(admin)
        today = Deadline._company_today()
        monday = today - datetime.timedelta(days=today.weekday())
        # alone in its week: no other deadline of the admin expires in week 2
        Deadline.search(
            [
                ("user_id", "=", admin.id),
                ("date_expiry", ">=", monday + datetime.timedelta(days=7)),
                ("date_expiry", "<=", monday + datetime.timedelta(days=13)),
            ]
        ).sudo().write({"user_id": False})
        partner = self.env["res.partner"].create({"name": "Chart Customer"})
        self.env["expiry.deadline"].create(
            {
                "partner_id": partner.id,
                "description": "Tour chart policy",
                "price_unit": 321.0,
                "date_expiry": monday + datetime.timedelta(days=9),
                "state": "active",
                "user_id": admin.id,
                "company_id": admin.company_id.id,
            }
        )
        # the first week holds nothing of the admin's either, so that the
        # first bar with a value after it is the tour's week
        Deadline.search(
            [
                ("user_id", "=", admin.id),
                ("date_expiry", ">=", monday),
                ("date_expiry", "<=", monday + datetime.timedelta(days=6)),
            ]
        ).sudo().write({"user_id": False})
        self.start_tour(
            "/odoo/action-expiry_management.action_expiry_dashboard",
            "expiry_dashboard_charts_tour",
            login="admin",
        )
