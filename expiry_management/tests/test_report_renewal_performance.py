# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import datetime

from odoo.tests import TransactionCase, tagged

from .common import ExpiryDashboardTestMixin


@tagged("post_install", "-at_install")
class TestRenewalPerformanceReport(ExpiryDashboardTestMixin, TransactionCase):
    """The SQL view compares with the database's CURRENT_DATE: no frozen time
    here, the dates are relative to the real today and far from the edges."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.TODAY = datetime.date.today()
        cls._setup_dashboard_data()
        cls.company.expiry_renewal_window_days = 30
        cls.renewed = cls._create_deadline(-3, state="expired", price_unit=200.0)
        cls.renewed._apply_renewal(renewal_date=cls.TODAY)
        cls.lost = cls._create_deadline(-10, state="expired", price_unit=300.0)
        cls.closed = cls._create_deadline(-5, state="closed", price_unit=50.0)
        cls.at_risk = cls._create_deadline(10, price_unit=400.0)
        cls.later = cls._create_deadline(90, price_unit=1000.0)
        cls.manager_lost = cls._create_deadline(-4, state="expired", user_id=cls.manager, price_unit=70.0)
        cls.env.flush_all()

    def _report(self, user):
        return (
            self.env["expiry.renewal.report"]
            .with_user(user)
            .with_context(allowed_company_ids=self.company.ids)
        )

    def test_rows_classify_renewed_lost_and_at_risk_deadlines(self):
        rows = self._report(self.manager).search([("company_id", "=", self.company.id)])
        outcomes = {(row.deadline_id, row.outcome) for row in rows}
        self.assertEqual(
            outcomes,
            {
                (self.renewed, "renewed"),
                (self.lost, "lost"),
                (self.closed, "lost"),
                (self.at_risk, "at_risk"),
                (self.manager_lost, "lost"),
            },
        )

    def test_renewal_rate_and_revenue_at_risk_per_salesperson(self):
        groups = self._report(self.manager)._read_group(
            [("company_id", "=", self.company.id)],
            ["user_id"],
            ["renewed_count:sum", "lost_count:sum", "renewal_rate:avg", "at_risk_amount:sum"],
        )
        by_user = {user: values for user, *values in groups}
        renewed, lost, rate, at_risk = by_user[self.user]
        self.assertEqual((renewed, lost), (1, 2))
        self.assertAlmostEqual(rate, 100 / 3, places=2)
        self.assertEqual(at_risk, 400.0)
        self.assertEqual(by_user[self.manager][:3], [0, 1, 0.0])

    def test_renewal_rate_per_team(self):
        groups = self._report(self.manager)._read_group(
            [("company_id", "=", self.company.id), ("team_id", "=", self.team.id)],
            ["team_id"],
            ["renewal_rate:avg", "at_risk_amount:sum"],
        )
        self.assertEqual(len(groups), 1)
        self.assertAlmostEqual(groups[0][1], 100 / 3, places=2)
        self.assertEqual(groups[0][2], 400.0)

    def test_users_only_see_their_own_and_team_rows(self):
        rows = self._report(self.user).search([])
        self.assertNotIn(self.manager_lost, rows.deadline_id)
        self.assertIn(self.lost, rows.deadline_id)
