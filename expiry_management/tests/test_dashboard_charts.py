# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The dashboard's charts: figures per week and per month, and the
deadlines behind each bar."""

import datetime

from dateutil.relativedelta import relativedelta

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

    def test_a_bar_opens_only_a_period_of_its_chart(self):
        """Issue 19 review (M7): the period comes from the client: it is
        bounded by the chart's range (13 weeks from this Monday, the 12
        months up to this one), anything else is refused."""
        Dashboard = self.env["expiry.dashboard"].with_user(self.manager)
        Deadline = self.env["expiry.deadline"].with_user(self.manager)
        # the whole range of each chart (its totals) is fine
        action = Dashboard.action_open_chart("lost", "2025-04-01", "2026-03-31", "team")
        self.assertIn(self.lost_feb, Deadline.search(action["domain"]))
        action = Dashboard.action_open_chart("expiring", "2026-03-16", "2026-06-14", "team")
        self.assertEqual(
            Deadline.search(action["domain"]), self.this_week | self.next_week_a | self.next_week_b
        )
        for args in (
            ("lost", "1900-01-01", "2999-12-31"),
            ("renewed", "2024-01-01", "2024-01-31"),
            ("renewed", "2026-03-01", "2026-04-30"),
            ("expiring", "2026-03-16", "2030-01-01"),
            ("expiring", "2020-01-01", "2026-03-22"),
            ("lost", "0001-01-01", "9999-12-31"),
        ):
            with self.subTest(args=args), self.assertRaisesRegex(UserError, "period"):
                Dashboard.action_open_chart(*args, "team")

    def test_users_see_their_own_figures(self):
        other = self._create_deadline(4, description="Someone else's", user_id=self.manager.id)
        weeks = self._charts(self.user)["weeks"]
        self.assertEqual(weeks[0]["count"], 1, other.description)


@tagged("post_install", "-at_install")
class TestDashboardRetentionChart(ExpiryDashboardTestMixin, TransactionCase):
    """The renewal chart shows the retention analysis's figures (its SQL view
    compares with the database's clock: dates relative to it, no frozen
    time). M0 is this month, M1 last month, M2 the month before:

    ===========  =====================================  =========================
    M2           renewed 100 (a term ending on the 10th)  renewed 2, lost 1,
                 renewed 300 EUR at 2 EUR per unit (150)   retained 250, lost 200,
                 lost 200 (expired on the 15th)            rate 66.7
    M1           lost 50 (closed without reason, past)    renewed 0, lost 2,
                 lost 70 (the manager's)                   lost 120, rate 0
                 a cancelled and a draft one: nothing
    ===========  =====================================  =========================

    The user's own scope has neither the manager's deadline nor the rate of
    the team."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.cr.execute("SELECT (NOW() AT TIME ZONE 'UTC')::date")
        cls.TODAY = T = cls.env.cr.fetchone()[0]
        cls._setup_dashboard_data()
        m0 = T.replace(day=1)
        cls.m1, cls.m2 = m0 - relativedelta(months=1), m0 - relativedelta(months=2)
        eur, usd = cls.env.ref("base.EUR"), cls.env.ref("base.USD")
        cls.foreign = eur if cls.company.currency_id != eur else usd
        cls.foreign.active = True
        cls.env["res.currency.rate"].create(
            {
                "name": T - relativedelta(years=2),
                "rate": 2.0,
                "currency_id": cls.foreign.id,
                "company_id": cls.company.id,
            }
        )

        def deadline(expiry, price, **values):
            values.setdefault("date_start", T - relativedelta(years=3))
            return cls._create_deadline(expiry, price_unit=price, **values)

        cls.renewed = deadline(T + relativedelta(months=10), 100.0, description="Renewed")
        cls.renewed_eur = deadline(
            T + relativedelta(months=10), 300.0, description="Renewed in EUR", currency_id=cls.foreign.id
        )
        Term = cls.env["expiry.deadline.term"]
        for record, day in ((cls.renewed, 10), (cls.renewed_eur, 12)):
            Term.create(
                {
                    "deadline_id": record.id,
                    "previous_date_expiry": cls.m2.replace(day=day),
                    "date_renewal": cls.m2.replace(day=1),
                    "date_expiry": record.date_expiry,
                    "state": "done",
                }
            )
        cls.lost_m2 = deadline(cls.m2.replace(day=15), 200.0, description="Lost M2", state="expired")
        cls.closed_m1 = deadline(cls.m1.replace(day=5), 50.0, description="Closed M1", state="closed")
        cls.manager_m1 = deadline(
            cls.m1.replace(day=8), 70.0, description="Manager's M1", state="expired", user_id=cls.manager.id
        )
        deadline(cls.m1.replace(day=9), 999.0, description="Cancelled", state="cancelled")
        deadline(cls.m1.replace(day=9), 999.0, description="Draft", state="draft")

    def _months(self, user, scope):
        charts = self.env["expiry.dashboard"].with_user(user).get_dashboard_data(scope)["charts"]
        return {row["label"]: row for row in charts["months"]}, charts["retention"]

    def test_the_retention_figures_per_month(self):
        months, totals = self._months(self.manager, "team")
        figures = ("renewed", "lost", "amount_retained", "amount_lost", "rate")
        m2, m1 = str(self.m2)[:7], str(self.m1)[:7]
        self.assertEqual(tuple(months[m2][key] for key in figures), (2, 1, 250.0, 200.0, 66.7))
        self.assertEqual(tuple(months[m1][key] for key in figures), (0, 2, 0.0, 120.0, 0.0))
        self.assertEqual(
            tuple(totals[key] for key in figures), (2, 3, 250.0, 320.0, 40.0), "the 12 months together"
        )
        others = [row for label, row in months.items() if label not in (m1, m2)]
        self.assertFalse(any(row["renewed"] or row["lost"] or row["rate"] for row in others))
        # the same figures as the retention analysis's (in each deadline's currency there)
        Report = self.env["expiry.retention.report"].with_user(self.manager)
        [[renewed, lost, retained]] = Report._read_group(
            [("company_id", "=", self.company.id), ("date", ">=", self.m2), ("date", "<", self.m1)],
            aggregates=["renewed_count:sum", "lost_count:sum", "amount_retained:sum"],
        )
        self.assertEqual((renewed, lost, retained), (2, 1, 400.0), "100 + 300 EUR before conversion")
        # the user's own scope
        months, totals = self._months(self.user, "mine")
        self.assertEqual(tuple(months[m1][key] for key in figures), (0, 1, 0.0, 50.0, 0.0))
        self.assertEqual((totals["renewed"], totals["lost"], totals["rate"]), (2, 2, 50.0))

    def test_a_click_opens_the_deadlines_of_the_month_and_outcome(self):
        Dashboard = self.env["expiry.dashboard"].with_user(self.manager)
        Deadline = self.env["expiry.deadline"].with_user(self.manager)
        m2_end = str(self.m1 - relativedelta(days=1))
        m1_end = str(self.m1 + relativedelta(months=1, days=-1))
        action = Dashboard.action_open_chart("renewed", str(self.m2), m2_end, "team")
        self.assertEqual(action["res_model"], "expiry.deadline")
        self.assertEqual(Deadline.search(action["domain"]), self.renewed | self.renewed_eur)
        action = Dashboard.action_open_chart("lost", str(self.m2), m2_end, "team")
        self.assertEqual(Deadline.search(action["domain"]), self.lost_m2)
        action = Dashboard.action_open_chart("lost", str(self.m1), m1_end, "team")
        self.assertEqual(Deadline.search(action["domain"]), self.closed_m1 | self.manager_m1)
        self.assertIn(("id", "in", sorted((self.closed_m1 | self.manager_m1).ids)), action["domain"])
        # the user's own: not the manager's deadline
        action = (
            self.env["expiry.dashboard"].with_user(self.user).action_open_chart("lost", str(self.m1), m1_end)
        )
        self.assertEqual(
            self.env["expiry.deadline"].with_user(self.user).search(action["domain"]), self.closed_m1
        )

    def test_one_rule_of_lost_for_the_renewal_and_the_retention_analyses(self):
        T = self.TODAY
        price = self.env.ref("expiry_management.lost_reason_price")
        competitor = self.env.ref("expiry_management.lost_reason_competitor")
        # closed before its expiry date for a reason: lost already, in both
        left = self._create_deadline(
            T + relativedelta(days=40), state="closed", lost_reason_id=price.id, description="Left"
        )
        # closed before its expiry date without a reason: not lost (yet), in neither
        closed = self._create_deadline(T + relativedelta(days=40), state="closed", description="Closed early")
        # lost, the reason given at its last renewal: the same reason in both
        self.env["expiry.deadline.term"].create(
            {
                "deadline_id": self.lost_m2.id,
                "previous_date_expiry": self.lost_m2.date_expiry - relativedelta(years=1),
                "date_renewal": self.lost_m2.date_expiry - relativedelta(years=1),
                "date_expiry": self.lost_m2.date_expiry,
                "state": "done",
                "lost_reason_id": competitor.id,
            }
        )
        self.env.flush_all()
        lost = {}
        for model, field, value in (
            ("expiry.renewal.report", "outcome", "lost"),
            ("expiry.retention.report", "kind", "lost"),
        ):
            rows = self.env[model].search([("company_id", "=", self.company.id), (field, "=", value)])
            lost[model] = {(row.deadline_id, row.date, row.lost_reason_id) for row in rows}
        self.assertEqual(lost["expiry.renewal.report"], lost["expiry.retention.report"])
        deadlines = {row[0] for row in lost["expiry.retention.report"]}
        self.assertIn(left, deadlines)
        self.assertNotIn(closed, deadlines)
        self.assertIn((self.lost_m2, self.lost_m2.date_expiry, competitor), lost["expiry.retention.report"])
        self.assertIn((left, left.date_expiry, price), lost["expiry.renewal.report"])
