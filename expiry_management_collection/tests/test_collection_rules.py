# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The pure rules of collection (no database)."""

import datetime

from odoo.tests import BaseCase

from odoo.addons.expiry_management_collection.tools import (
    aging_bucket,
    allocate_payments,
    check_aging_bounds,
    days_overdue,
    next_step,
    split_instalments,
)

D = datetime.date


class TestAging(BaseCase):
    def test_days_overdue(self):
        self.assertEqual(days_overdue(D(2027, 3, 10), D(2027, 3, 10)), 0)  # due today: not overdue
        self.assertEqual(days_overdue(D(2027, 3, 9), D(2027, 3, 10)), 1)
        self.assertEqual(days_overdue(D(2027, 3, 20), D(2027, 3, 10)), 0)
        self.assertEqual(days_overdue(None, D(2027, 3, 10)), 0)

    def test_bucket_edges(self):
        for days, bucket in [
            (0, "not_due"),
            (1, "1_30"),
            (30, "1_30"),
            (31, "31_60"),
            (60, "31_60"),
            (61, "61_90"),
            (90, "61_90"),
            (91, "over_90"),
            (5000, "over_90"),
        ]:
            self.assertEqual(aging_bucket(days), bucket, days)

    def test_configured_bounds(self):
        self.assertEqual(aging_bucket(15, (15, 45, 120)), "1_30")
        self.assertEqual(aging_bucket(16, (15, 45, 120)), "31_60")
        self.assertEqual(aging_bucket(121, (15, 45, 120)), "over_90")
        for bad in [(30, 30, 90), (0, 60, 90), (30, 60), (90, 60, 30), (30, 60, 4000)]:
            with self.assertRaises(ValueError):
                check_aging_bounds(bad)


class TestLadder(BaseCase):
    # (offset, is final notice, key)
    LADDER = [(3, False, "first"), (10, False, "call"), (20, False, "second"), (45, True, "final")]
    BASE = D(2027, 1, 1)

    def _next(self, today, last=None):
        return next_step(self.LADDER, self.BASE, last, today)

    def test_nothing_before_the_first_offset(self):
        self.assertIsNone(self._next(D(2027, 1, 3)))
        self.assertEqual(self._next(D(2027, 1, 4)), "first")

    def test_next_step_after_the_last_one_done(self):
        self.assertIsNone(self._next(D(2027, 1, 10), (3, D(2027, 1, 4))))
        self.assertEqual(self._next(D(2027, 1, 11), (3, D(2027, 1, 4))), "call")

    def test_missed_days_send_only_the_latest_step(self):
        # 25 days overdue and nothing sent: the second reminder, not three mails
        self.assertEqual(self._next(D(2027, 1, 26)), "second")

    def test_final_notice_needs_an_earlier_step(self):
        self.assertEqual(self._next(D(2027, 6, 1)), "second")
        self.assertEqual(self._next(D(2027, 6, 26), (20, D(2027, 6, 1))), "final")

    def test_caught_up_ladder_keeps_its_spacing(self):
        # the second reminder went out late (on 1 June): the final notice
        # waits the 25 days between the two steps
        self.assertIsNone(self._next(D(2027, 6, 25), (20, D(2027, 6, 1))))

    def test_final_notice_alone_is_sent(self):
        self.assertEqual(next_step([(30, True, "final")], self.BASE, None, D(2027, 2, 1)), "final")


class TestInstalments(BaseCase):
    def test_split_adds_up_exactly(self):
        parts = split_instalments(1000.0, 3, D(2027, 1, 31))
        self.assertEqual([amount for _date, amount in parts], [333.33, 333.33, 333.34])
        self.assertEqual([date for date, _amount in parts], [D(2027, 1, 31), D(2027, 2, 28), D(2027, 3, 31)])
        self.assertEqual(sum(amount for _date, amount in parts), 1000.0)

    def test_split_quarterly_and_zero_digits(self):
        parts = split_instalments(1000, 3, D(2027, 1, 15), months=3, digits=0)
        self.assertEqual(parts, [(D(2027, 1, 15), 333.0), (D(2027, 4, 15), 333.0), (D(2027, 7, 15), 334.0)])

    def test_split_refuses_nonsense(self):
        for args in [(100, 0), (100, 121), (0.02, 3), (-5, 2)]:
            with self.assertRaises(ValueError):
                split_instalments(args[0], args[1], D(2027, 1, 1))
        with self.assertRaises(ValueError):
            split_instalments(100, 2, D(2027, 1, 1), months=0)

    def test_payments_are_matched_oldest_first(self):
        self.assertEqual(allocate_payments([100, 100, 100], 150), [100, 50, 0])
        self.assertEqual(allocate_payments([100, 100], 0), [0, 0])
        self.assertEqual(allocate_payments([100, 100], 500), [100, 100])
        self.assertEqual(allocate_payments([100], -20), [0])
