# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import datetime

from odoo.tests import BaseCase

from odoo.addons.expiry_management.tools import (
    add_duration,
    days_between,
    local_today,
    renewal_base_date,
)

D = datetime.date


class TestAddDuration(BaseCase):
    def test_month_end_is_clamped_to_february_end(self):
        self.assertEqual(add_duration(D(2027, 1, 31), 1, "month"), D(2027, 2, 28))
        self.assertEqual(add_duration(D(2028, 1, 31), 1, "month"), D(2028, 2, 29))

    def test_month_end_is_clamped_to_short_month(self):
        self.assertEqual(add_duration(D(2027, 3, 31), 1, "month"), D(2027, 4, 30))
        self.assertEqual(add_duration(D(2027, 8, 31), 3, "month"), D(2027, 11, 30))

    def test_leap_day_plus_one_year_is_february_28(self):
        self.assertEqual(add_duration(D(2028, 2, 29), 1, "year"), D(2029, 2, 28))

    def test_leap_day_plus_four_years_stays_leap_day(self):
        self.assertEqual(add_duration(D(2028, 2, 29), 4, "year"), D(2032, 2, 29))

    def test_days_and_weeks_cross_month_and_year(self):
        self.assertEqual(add_duration(D(2026, 12, 30), 3, "day"), D(2027, 1, 2))
        self.assertEqual(add_duration(D(2028, 2, 22), 1, "week"), D(2028, 2, 29))
        self.assertEqual(add_duration(D(2026, 1, 1), 26, "week"), D(2026, 7, 2))

    def test_twelve_months_equals_one_year(self):
        for start in (D(2027, 1, 31), D(2028, 2, 29), D(2026, 6, 15)):
            self.assertEqual(add_duration(start, 12, "month"), add_duration(start, 1, "year"))

    def test_zero_or_negative_duration_is_refused(self):
        for count in (0, -1, None):
            with self.assertRaises(ValueError):
                add_duration(D(2027, 1, 1), count, "month")

    def test_unknown_unit_is_refused(self):
        with self.assertRaises(ValueError):
            add_duration(D(2027, 1, 1), 1, "fortnight")

    def test_missing_date_is_refused(self):
        with self.assertRaises(ValueError):
            add_duration(None, 1, "day")


class TestRenewalBaseDate(BaseCase):
    expiry = D(2027, 3, 31)

    def test_early_renewal_extends_from_expiry(self):
        self.assertEqual(renewal_base_date(self.expiry, D(2027, 3, 1), 30), self.expiry)

    def test_renewal_on_expiry_day_extends_from_expiry(self):
        self.assertEqual(renewal_base_date(self.expiry, self.expiry, 0), self.expiry)

    def test_renewal_within_grace_extends_from_expiry(self):
        self.assertEqual(renewal_base_date(self.expiry, D(2027, 4, 30), 30), self.expiry)

    def test_renewal_after_grace_starts_on_renewal_date(self):
        self.assertEqual(renewal_base_date(self.expiry, D(2027, 5, 1), 30), D(2027, 5, 1))

    def test_zero_grace_starts_the_day_after_expiry(self):
        self.assertEqual(renewal_base_date(self.expiry, D(2027, 4, 1), 0), D(2027, 4, 1))

    def test_no_current_expiry_starts_on_renewal_date(self):
        self.assertEqual(renewal_base_date(False, D(2027, 4, 1), 30), D(2027, 4, 1))


class TestLocalToday(BaseCase):
    # 23:30 UTC on 31 December
    now = datetime.datetime(2026, 12, 31, 23, 30)

    def test_east_of_utc_is_already_tomorrow(self):
        self.assertEqual(local_today("Europe/Berlin", self.now), D(2027, 1, 1))

    def test_west_of_utc_is_still_today(self):
        self.assertEqual(local_today("America/Mexico_City", self.now), D(2026, 12, 31))

    def test_unknown_or_missing_time_zone_falls_back_to_utc(self):
        self.assertEqual(local_today("Mars/Olympus", self.now), D(2026, 12, 31))
        self.assertEqual(local_today(None, self.now), D(2026, 12, 31))

    def test_days_between_is_signed(self):
        self.assertEqual(days_between(D(2027, 1, 10), D(2027, 1, 3)), -7)
        self.assertEqual(days_between(D(2027, 2, 27), D(2027, 3, 1)), 2)
