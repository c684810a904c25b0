# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The dashboard's charts: figures per week and per month, and the
deadlines behind each bar."""

import datetime

from odoo.exceptions import UserError
from odoo.tests import TransactionCase, freeze_time, tagged

from .common import ExpiryDashboardTestMixin

D = datetime.date


@tagged("post_install", "-at_install")
@freeze_time("2026-03-16 09:00:00")
class TestDashboardCharts(ExpiryDashboardTestMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_dashboard_data()
        cls.this_week = cls._create_deadline(3, description="This week")  # Thursday 19 March
        cls.next_week_a = cls._create_deadline(8, description="Next week A", price_unit=150.0)
        cls.next_week_b = cls._create_deadline(13, description="Next week B", state="draft")
        cls.far = cls._create_deadline(120, description="Too far")
        cls.closed = cls._create_deadline(5, description="Closed", state="closed")
        cls.lost_feb = cls._create_deadline(D(2026, 2, 20), description="Lost in February", state="expired")
        cls.renewed_feb = cls._create_deadline(300, description="Renewed in February")
        cls.env["expiry.deadline.term"].create(
            {
                "deadline_id": cls.renewed_feb.id,
                "date_renewal": D(2026, 2, 10),
                "date_expiry": D(2027, 1, 10),
                "state": "done",
            }
        )

    def _charts(self, user=None):
        return (
            self.env["expiry.dashboard"].with_user(user or self.manager).get_dashboard_data("team")["charts"]
        )

    def test_weeks_from_this_monday(self):
        weeks = self._charts()["weeks"]
        self.assertEqual(len(weeks), 13)
        self.assertEqual((weeks[0]["date_from"], weeks[0]["date_to"]), ("2026-03-16", "2026-03-22"))
        self.assertEqual(weeks[0]["label"], 12)
        self.assertEqual((weeks[0]["count"], weeks[0]["amount"]), (1, 100.0))
        self.assertEqual((weeks[1]["count"], weeks[1]["amount"]), (2, 250.0))
        self.assertEqual(sum(week["count"] for week in weeks), 3, "closed and far deadlines are not at risk")

    def test_months_renewed_and_lost(self):
        months = self._charts()["months"]
        self.assertEqual(len(months), 12)
        self.assertEqual(months[0]["label"], "2025-04")
        self.assertEqual(months[-1]["label"], "2026-03")
        february = months[-2]
        self.assertEqual((february["renewed"], february["lost"], february["rate"]), (1, 1, 50.0))
        self.assertFalse(months[0]["rate"], "nothing ended: no rate")

    def test_each_bar_opens_its_deadlines(self):
        Dashboard = self.env["expiry.dashboard"].with_user(self.manager)
        Deadline = self.env["expiry.deadline"].with_user(self.manager)
        action = Dashboard.action_open_chart("expiring", "2026-03-23", "2026-03-29", "team")
        self.assertEqual(Deadline.search(action["domain"]), self.next_week_a | self.next_week_b)
        action = Dashboard.action_open_chart("renewed", "2026-02-01", "2026-02-28", "team")
        self.assertEqual(Deadline.search(action["domain"]), self.renewed_feb)
        action = Dashboard.action_open_chart("lost", "2026-02-01", "2026-02-28", "team")
        self.assertEqual(Deadline.search(action["domain"]), self.lost_feb)
        for args in (
            ("expiring", "2026-03-29", "2026-03-23"),
            ("expiring", "nonsense", "2026-03-23"),
            ("x", "2026-03-01", "2026-03-02"),
        ):
            with self.assertRaises(UserError):
                Dashboard.action_open_chart(*args)

    def test_users_see_their_own_figures(self):
        other = self._create_deadline(4, description="Someone else's", user_id=self.manager.id)
        weeks = self._charts(self.user)["weeks"]
        self.assertEqual(weeks[0]["count"], 1, other.description)
