# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What a deadline and a customer owe: amounts, days overdue, aging and
collection state, in the company's time zone and currency."""

from odoo.exceptions import ValidationError
from odoo.tests import freeze_time, tagged

from .common import CollectionCase


@tagged("post_install", "-at_install")
@freeze_time("2027-03-10 10:00:00")
class TestCollectionFigures(CollectionCase):
    def test_amounts_and_days_of_the_oldest_open_item(self):
        deadline = self._create_deadline(200)
        self._invoice(deadline, -12, 300.0)
        self._invoice(deadline, -40, 200.0)
        self._invoice(deadline, 5, 100.0)  # not yet due
        self.assertEqual(deadline.amount_due, 600.0)
        self.assertEqual(deadline.amount_overdue, 500.0)
        self.assertEqual(deadline.days_overdue, 40)
        self.assertEqual(deadline.aging_bucket, "31_60")
        self.assertEqual(deadline.collection_state, "follow_up")
        self.assertEqual(len(deadline.collection_invoice_ids), 3)
        self.assertEqual(deadline.collector_id, self.collector)

    def test_aging_at_every_bucket_edge(self):
        for days, bucket in [
            (0, "not_due"),
            (1, "1_30"),
            (30, "1_30"),
            (31, "31_60"),
            (60, "31_60"),
            (61, "61_90"),
            (90, "61_90"),
            (91, "over_90"),
        ]:
            deadline = self._create_deadline(200)
            self._invoice(deadline, -days)
            self.assertEqual((deadline.days_overdue, deadline.aging_bucket), (days, bucket))
            self.assertEqual(deadline.collection_state, "follow_up" if days else "ok")

    def test_configured_buckets(self):
        self.company.write(
            {"expiry_aging_bound_1": 15, "expiry_aging_bound_2": 45, "expiry_aging_bound_3": 120}
        )
        deadline = self._create_deadline(200)
        self._invoice(deadline, -16)
        self.assertEqual(deadline.aging_bucket, "31_60")
        labels = dict(self.env["expiry.deadline"].with_company(self.company)._selection_aging_bucket())
        self.assertEqual(labels["31_60"], "16-45 days")
        with self.assertRaises(ValidationError):
            self.company.expiry_aging_bound_2 = 10

    def test_days_overdue_count_in_the_company_time_zone(self):
        deadline = self._create_deadline(200)
        self._invoice(deadline, -1)
        # 23:30 UTC on 9 March is already 10 March in Stockholm
        with freeze_time("2027-03-09 23:30:00"):
            deadline.invalidate_recordset()
            self.assertEqual(deadline.days_overdue, 1)
        with freeze_time("2027-03-09 22:30:00"):
            deadline.invalidate_recordset()
            self.assertEqual(deadline.days_overdue, 0)
            self.assertEqual(deadline.collection_state, "ok")

    def test_partial_payment_leaves_the_residual(self):
        deadline = self._create_deadline(200)
        move = self._invoice(deadline, -20, 500.0)
        self._pay(move, 200.0)
        deadline.invalidate_recordset()
        self.assertEqual(deadline.amount_due, 300.0)
        self.assertEqual(deadline.amount_overdue, 300.0)
        self._pay(move)
        deadline.invalidate_recordset()
        self.assertEqual(
            (deadline.amount_due, deadline.days_overdue, deadline.collection_state), (0.0, 0, "ok")
        )

    def test_foreign_currency_is_converted_to_the_company_currency(self):
        eur = self.env.ref("base.EUR")
        usd = self.env.ref("base.USD")
        foreign = usd if self.company.currency_id == eur else eur
        foreign.active = True
        self.env["res.currency.rate"].create(
            {"currency_id": foreign.id, "company_id": self.company.id, "name": "2027-01-01", "rate": 2.0}
        )
        deadline = self._create_deadline(200)
        self._invoice(deadline, -5, 300.0, currency=foreign)
        self.assertAlmostEqual(deadline.amount_due, 150.0)
        self.assertAlmostEqual(deadline.amount_overdue, 150.0)

    def test_search_the_figures(self):
        late = self._create_deadline(200)
        self._invoice(late, -45)
        on_time = self._create_deadline(200)
        self._invoice(on_time, 10)
        nothing = self._create_deadline(200)
        Deadline = self.env["expiry.deadline"]
        ids = (late | on_time | nothing).ids
        self.assertEqual(Deadline.search([("id", "in", ids), ("amount_overdue", ">", 0)]), late)
        self.assertEqual(
            Deadline.search([("id", "in", ids), ("collection_state", "=", "ok")]), on_time | nothing
        )
        self.assertEqual(Deadline.search([("id", "in", ids), ("aging_bucket", "=", "31_60")]), late)
        self.assertEqual(Deadline.search([("id", "in", ids), ("days_overdue", "<", 10)]), on_time | nothing)
        self.assertEqual(Deadline.search([("id", "in", ids), ("amount_due", "=", 0)]), nothing)

    def test_customer_shows_the_sum_of_its_deadlines(self):
        first = self._create_deadline(200)
        second = self._create_deadline(300)
        self._invoice(first, -10, 100.0)
        self._invoice(second, -70, 250.0)
        self._invoice(second, 10, 50.0)
        customer = self.customer.with_company(self.company)
        self.assertEqual(customer.expiry_amount_due, 400.0)
        self.assertEqual(customer.expiry_amount_overdue, 350.0)
        self.assertEqual(customer.expiry_days_overdue, 70)
        self.assertEqual(customer.expiry_collection_state, "follow_up")

    def test_collector_from_the_sales_team_when_the_customer_has_none(self):
        team = self.env["crm.team"].create(
            {"name": "Office North", "company_id": self.company.id, "expiry_collector_id": self.collector.id}
        )
        team.member_ids = self.salesperson
        deadline = self._create_deadline(200, partner_id=self.other_customer, team_id=team)
        self.assertEqual(deadline.collector_id, self.collector)

    def test_invoice_of_another_customer_cannot_be_linked(self):
        deadline = self._create_deadline(200)
        with self.assertRaises(ValidationError):
            self._invoice(deadline, -5, partner=self.other_customer, post=False)

    def test_renewal_order_invoice_is_linked_to_its_deadline(self):
        deadline = self._create_deadline(20)
        order = self.env["sale.order"].browse(deadline.action_renew()["res_id"])
        order.action_confirm()
        move = order._create_invoices()
        self.assertEqual(move.expiry_deadline_id, deadline)
