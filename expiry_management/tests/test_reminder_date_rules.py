# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import datetime

from odoo.tests import BaseCase

from odoo.addons.expiry_management.tools import (
    close_before,
    expiry_range_for_due,
    local_today,
    reminder_window,
)

D = datetime.date


def reminder_due_date(date_expiry, offset_days):
    """What the daily pass computes in SQL: date_expiry + offset_days."""
    return date_expiry + datetime.timedelta(days=offset_days)


def reminder_is_stale(date_due, today, catchup_days):
    """What _cancel_stale cancels: due before the first day of the window."""
    first, _last = reminder_window(today, 0, catchup_days)
    return date_due < first


class TestReminderDateRules(BaseCase):
    def test_due_date_is_offset_from_expiry_before_and_after(self):
        self.assertEqual(reminder_due_date(D(2026, 3, 31), -60), D(2026, 1, 30))
        self.assertEqual(reminder_due_date(D(2026, 3, 31), 7), D(2026, 4, 7))
        self.assertEqual(reminder_due_date(D(2026, 3, 31), 0), D(2026, 3, 31))

    def test_window_spans_catch_up_before_and_upcoming_after_today(self):
        self.assertEqual(reminder_window(D(2026, 3, 10), 7, 3), (D(2026, 3, 7), D(2026, 3, 17)))
        self.assertEqual(reminder_window(D(2026, 3, 10), 0, 0), (D(2026, 3, 10), D(2026, 3, 10)))
        # negative settings are treated as 0, never widen the window backwards
        self.assertEqual(reminder_window(D(2026, 3, 10), -5, -5), (D(2026, 3, 10), D(2026, 3, 10)))

    def test_stale_only_beyond_the_catch_up_tolerance(self):
        today = D(2026, 3, 10)
        self.assertFalse(reminder_is_stale(D(2026, 3, 7), today, 3))
        self.assertTrue(reminder_is_stale(D(2026, 3, 6), today, 3))
        self.assertFalse(reminder_is_stale(today, today, 0))
        self.assertTrue(reminder_is_stale(D(2026, 3, 9), today, 0))

    def test_close_date_disabled_by_zero(self):
        self.assertIsNone(close_before(D(2026, 6, 8), 0))
        # on 8 June, deadlines that expired before 10 March (90 days) are closed
        self.assertEqual(close_before(D(2026, 6, 8), 90), D(2026, 3, 10))

    def test_today_at_midnight_depends_on_the_time_zone(self):
        now = datetime.datetime(2026, 3, 10, 11, 30)  # UTC
        self.assertEqual(local_today("UTC", now), D(2026, 3, 10))
        self.assertEqual(local_today("Pacific/Auckland", now), D(2026, 3, 11))
        self.assertEqual(
            local_today("America/Los_Angeles", datetime.datetime(2026, 3, 11, 6, 59)), D(2026, 3, 10)
        )

    def test_expiry_range_is_the_inverse_of_the_due_date(self):
        first, last = D(2026, 3, 7), D(2026, 3, 17)
        expiry_from, expiry_to = expiry_range_for_due(first, last, -60)
        self.assertEqual((expiry_from, expiry_to), (D(2026, 5, 6), D(2026, 5, 16)))
        self.assertEqual(reminder_due_date(expiry_from, -60), first)
        self.assertEqual(reminder_due_date(expiry_to, -60), last)
        self.assertEqual(expiry_range_for_due(first, last, 7), (D(2026, 2, 28), D(2026, 3, 10)))
