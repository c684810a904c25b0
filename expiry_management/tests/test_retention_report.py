# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import datetime

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, new_test_user, tagged
from odoo.tools import mute_logger

from .common import ExpiryDashboardTestMixin


def _days(days):
    return datetime.timedelta(days=days)


@tagged("post_install", "-at_install")
class TestRetentionReport(ExpiryDashboardTestMixin, TransactionCase):
    """The retention analysis against a data set computed by hand. The SQL
    view compares with each company's today (the database's clock): the
    dates are relative to it and the anniversaries far from it.

    T = today. Customers (commercial entities) of the company:

    ====  ==========================================  ============================
    A     a1 T-1200 .. T+100 (renewed twice: terms    cohort T-1200; retained after
          ending T-835 and T-470), 100, salesperson   1, 2, 3 years
          U; a2 T-30 .. T+20 (200, later start)
    B     b1 T-1200 .. T-500, closed, "Price", 200,   cohort T-1200; retained after
          salesperson U                               1 year only
    C     c1 T-600 .. T-35, expired, renewed once     cohort T-600; retained after
          (term ending T-400, "Competitor" on the     1 year; 2 and 3 years to come
          term), 300, the manager
    D     d1 T-100 .. T+265, active                   cohort T-100; nothing to
                                                      measure yet
    E     e1 cancelled, e2 draft                      not a customer (no row)
    X     x1 in the other company, lost               invisible to company users
    ====  ==========================================  ============================
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.cr.execute("SELECT (NOW() AT TIME ZONE 'UTC')::date")
        cls.TODAY = cls.env.cr.fetchone()[0]
        cls._setup_dashboard_data()
        T = cls.TODAY
        Partner = cls.env["res.partner"]
        cls.cust_a, cls.cust_b, cls.cust_c, cls.cust_d, cls.cust_e, cls.cust_x = Partner.create(
            [{"name": f"Retention customer {key}", "is_company": True} for key in "ABCDEX"]
        )
        cls.contact_a = Partner.create({"name": "Anna of A", "parent_id": cls.cust_a.id})
        cls.origin = cls.env["expiry.origin"].create({"name": "Retention fair", "company_id": cls.company.id})
        cls.price = cls.env.ref("expiry_management.lost_reason_price")
        cls.competitor = cls.env.ref("expiry_management.lost_reason_competitor")

        def deadline(partner, start, expiry, price, **values):
            return cls._create_deadline(
                T + _days(expiry), partner_id=partner, date_start=T + _days(start), price_unit=price, **values
            )

        # A's first deadline is booked on a contact of A: the customer is the commercial entity
        cls.a1 = deadline(cls.contact_a, -1200, 100, 100.0, origin_id=cls.origin)
        cls.a2 = deadline(cls.cust_a, -30, 20, 200.0)
        cls.b1 = deadline(cls.cust_b, -1200, -500, 200.0, state="closed", lost_reason_id=cls.price)
        cls.c1 = deadline(cls.cust_c, -600, -35, 300.0, state="expired", user_id=cls.manager)
        cls.d1 = deadline(cls.cust_d, -100, 265, 50.0)
        cls.e1 = deadline(cls.cust_e, -1000, -700, 999.0, state="cancelled")
        cls.e2 = deadline(cls.cust_e, -1000, -700, 999.0, state="draft")
        cls.x1 = deadline(
            cls.cust_x,
            -1200,
            -10,
            999.0,
            company_id=cls.other_company,
            currency_id=cls.other_company.currency_id,
            user_id=cls.manager,
        )
        Term = cls.env["expiry.deadline.term"]
        Term.create(
            [
                {
                    "deadline_id": cls.a1.id,
                    "date_renewal": T - _days(840),
                    "previous_date_expiry": T - _days(835),
                    "date_expiry": T - _days(470),
                },
                {
                    "deadline_id": cls.a1.id,
                    "date_renewal": T - _days(475),
                    "previous_date_expiry": T - _days(470),
                    "date_expiry": T + _days(100),
                },
                {
                    "deadline_id": cls.c1.id,
                    "date_renewal": T - _days(410),
                    "previous_date_expiry": T - _days(400),
                    "date_expiry": T - _days(35),
                    "lost_reason_id": cls.competitor.id,
                },
            ]
        )
        cls.employee = new_test_user(
            cls.env,
            login="retention_employee",
            groups="base.group_user",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.env.flush_all()

    def _report(self, user=None, companies=None):
        companies = companies or self.company
        return (
            self.env["expiry.retention.report"]
            .with_user(user or self.manager)
            .with_context(allowed_company_ids=companies.ids)
        )

    def _group(self, groupby, aggregates, user=None, domain=None):
        return {
            group[0] if len(groupby) == 1 else tuple(group[: len(groupby)]): list(group[len(groupby) :])
            for group in self._report(user)._read_group(
                [("company_id", "=", self.company.id)] + (domain or []), groupby, aggregates
            )
        }

    def test_rows_of_each_kind(self):
        rows = self._report().search([("company_id", "=", self.company.id)])
        T = self.TODAY
        self.assertEqual(
            sorted((row.kind, row.deadline_id.id, row.date) for row in rows),
            sorted(
                [
                    ("renewed", self.a1.id, T - _days(835)),
                    ("renewed", self.a1.id, T - _days(470)),
                    ("renewed", self.c1.id, T - _days(400)),
                    ("lost", self.b1.id, T - _days(500)),
                    ("lost", self.c1.id, T - _days(35)),
                    ("customer", self.a1.id, T - _days(1200)),
                    ("customer", self.b1.id, T - _days(1200)),
                    ("customer", self.c1.id, T - _days(600)),
                    ("customer", self.d1.id, T - _days(100)),
                ]
            ),
        )
        customers = rows.filtered(lambda r: r.kind == "customer")
        self.assertEqual(
            customers.commercial_partner_id, self.cust_a | self.cust_b | self.cust_c | self.cust_d
        )
        self.assertEqual(len(set(rows.ids)), len(rows), "one id per row")

    def test_lost_by_reason(self):
        by_reason = self._group(
            ["lost_reason_id"], ["lost_count:sum", "amount_lost:sum"], domain=[("kind", "=", "lost")]
        )
        # B's reason is on the deadline, C's on its last term
        self.assertEqual(by_reason, {self.price: [1, 200.0], self.competitor: [1, 300.0]})

    def test_renewal_rate_overall_and_per_salesperson(self):
        [[renewed, lost, rate]] = self._report()._read_group(
            [("company_id", "=", self.company.id)],
            [],
            ["renewed_count:sum", "lost_count:sum", "renewal_rate:avg"],
        )
        self.assertEqual((renewed, lost), (3, 2))
        self.assertAlmostEqual(rate, 60.0, places=2)
        by_user = self._group(["user_id"], ["renewal_rate:avg"])
        # U: A's two renewals and B's loss; the manager: C's renewal and loss
        self.assertAlmostEqual(by_user[self.user][0], 200 / 3, places=2)
        self.assertAlmostEqual(by_user[self.manager][0], 50.0, places=2)

    def test_retention_per_cohort(self):
        T = self.TODAY
        [[customers, one, two, three]] = self._report()._read_group(
            [("company_id", "=", self.company.id)],
            [],
            ["customer_count:sum", "retention_1y:avg", "retention_2y:avg", "retention_3y:avg"],
        )
        # 1 year: A, B, C retained (D too young); 2 years: A of A, B; 3 years: A of A, B
        self.assertEqual(customers, 4)
        self.assertEqual((one, two, three), (100.0, 50.0, 50.0))
        by_cohort = self._group(
            ["cohort_date:day"], ["customer_count:sum", "retention_2y:avg", "renewal_rate:avg"]
        )
        self.assertEqual(by_cohort[T - _days(1200)][:2], [2, 50.0])
        # the cohort's renewal rate: A's two renewals, B's loss
        self.assertAlmostEqual(by_cohort[T - _days(1200)][2], 200 / 3, places=2)
        self.assertEqual(by_cohort[T - _days(600)][:2], [1, False], "the anniversary is still to come")
        self.assertAlmostEqual(by_cohort[T - _days(600)][2], 50.0, places=2)
        self.assertEqual(by_cohort[T - _days(100)][:2], [1, False], "the anniversary is still to come")

    def test_customer_rows_carry_what_brought_the_customer(self):
        by_origin = self._group(["origin_id"], ["customer_count:sum"], domain=[("kind", "=", "customer")])
        self.assertEqual(by_origin[self.origin], [1])
        self.assertEqual(by_origin[self.env["expiry.origin"]], [3])

    def test_revenue_retained_and_lost_per_month(self):
        T = self.TODAY
        expected = {}
        for days, retained, lost in (
            (835, 100, 0),
            (470, 100, 0),
            (400, 300, 0),
            (500, 0, 200),
            (35, 0, 300),
        ):
            month = (T - _days(days)).replace(day=1)
            values = expected.setdefault(month, [0.0, 0.0])
            values[0] += retained
            values[1] += lost
        by_month = self._group(
            ["date:month"], ["amount_retained:sum", "amount_lost:sum"], domain=[("kind", "!=", "customer")]
        )
        self.assertEqual(by_month, expected)

    def test_period_and_company_filters(self):
        T = self.TODAY
        rows = self._report().search([("date", ">=", T - _days(550)), ("date", "<=", T)])
        self.assertEqual(sorted(rows.mapped("kind")), ["customer", "lost", "lost", "renewed", "renewed"])
        both = self._report(companies=self.company | self.other_company).search([])
        self.assertIn(self.x1, both.deadline_id)
        self.assertNotIn(self.x1, self._report().search([]).deadline_id)

    def test_users_see_their_own_and_team_rows_only(self):
        rows = self._report(self.user).search([])
        self.assertIn(self.b1, rows.deadline_id)
        self.assertNotIn(self.c1, rows.deadline_id, "the manager's deadline is not the user's")
        self.assertNotIn(self.x1, rows.deadline_id)

    def test_employees_without_deadline_rights_are_refused(self):
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            self._report(self.employee).search([])
