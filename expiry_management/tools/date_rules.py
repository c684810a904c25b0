# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Pure date rules of expiry management.

Every renewal, reminder and "days remaining" figure goes through these
functions, so that the calendar arithmetic lives in exactly one place and is
tested directly (see tests/test_date_rules.py). They take and return
``datetime.date`` objects and know nothing about the ORM.
"""

import datetime

import pytz
from dateutil.relativedelta import relativedelta

DURATION_UNITS = [
    ("day", "Days"),
    ("week", "Weeks"),
    ("month", "Months"),
    ("year", "Years"),
]
_UNIT_DELTAS = {
    "day": lambda n: relativedelta(days=n),
    "week": lambda n: relativedelta(weeks=n),
    # relativedelta clamps to the last day of the target month:
    # 31 Jan + 1 month = 28/29 Feb, 29 Feb + 1 year = 28 Feb.
    "month": lambda n: relativedelta(months=n),
    "year": lambda n: relativedelta(years=n),
}
# The longest renewal duration accepted, per unit (a century): beyond it the
# date arithmetic of a renewal, a reminder or a report would overflow.
MAX_DURATION = {"day": 36600, "week": 5220, "month": 1200, "year": 100}
# Day windows of the settings and offsets of the ladders: ten years at most.
MAX_WINDOW_DAYS = 3660
# Deadlines are dated within these years, so that every rule above stays
# within the calendar (datetime.date ends in 9999).
MIN_YEAR = 1900
MAX_YEAR = 2999


def add_duration(date, count, unit):
    """Return ``date`` moved forward by ``count`` ``unit`` (day/week/month/year).

    Month-end safe: the day of month is clamped to the end of the target
    month instead of overflowing into the next one.

    :raises ValueError: on a missing date, a count below 1 or an unknown unit.
    """
    if not date:
        raise ValueError("a date is required")
    if unit not in _UNIT_DELTAS:
        raise ValueError(f"unknown duration unit {unit!r}")
    if not count or count < 1:
        raise ValueError("the duration must be at least 1")
    if count > MAX_DURATION[unit]:
        raise ValueError(f"the duration must be at most {MAX_DURATION[unit]} {unit}s")
    try:
        return date + _UNIT_DELTAS[unit](int(count))
    except (OverflowError, ValueError) as error:
        raise ValueError(f"{date} + {count} {unit}(s) is beyond the calendar") from error


def shift_days(date, days):
    """Return ``date`` moved by ``days`` (negative: back), or raise a
    ValueError instead of an OverflowError when that leaves the calendar."""
    try:
        return date + datetime.timedelta(days=int(days or 0))
    except (OverflowError, ValueError) as error:
        raise ValueError(f"{date} {days:+} days is beyond the calendar") from error


def notice_date(date_expiry, notice_days):
    """The last day a customer may stop an automatic renewal: ``notice_days``
    before the expiry date (0: the expiry date itself). False without an
    expiry date; a ValueError when that leaves the calendar."""
    if not date_expiry:
        return False
    return shift_days(date_expiry, -max(int(notice_days or 0), 0))


def renewal_base_date(current_expiry, renewal_date, grace_days=0):
    """Return the date a renewal extends from.

    A renewal made before expiry, or up to ``grace_days`` after it, continues
    the current term without a gap: it extends from the current expiry date.
    A renewal made later than that starts a new term on the renewal date, so
    the customer does not pay for the time the service was lapsed.
    """
    if not current_expiry:
        return renewal_date
    if renewal_date <= current_expiry + datetime.timedelta(days=max(grace_days or 0, 0)):
        return current_expiry
    return renewal_date


def local_today(tz_name=None, now=None):
    """Return today's date in time zone ``tz_name`` (UTC when unknown).

    ``now`` is a naive UTC datetime (as Odoo stores them); defaults to the
    current time.
    """
    now = now or datetime.datetime.utcnow()
    try:
        tz = pytz.timezone(tz_name or "UTC")
    except pytz.UnknownTimeZoneError:
        tz = pytz.utc
    return pytz.utc.localize(now).astimezone(tz).date()


def days_between(today, date):
    """Signed number of days from ``today`` to ``date`` (negative when past)."""
    return (date - today).days


def reminder_window(today, upcoming_days, catchup_days):
    """``(first, last)`` due dates of the reminders to prepare today.

    A reminder is prepared (and shown to the salesperson) ``upcoming_days``
    before it is due. Days the scheduler missed are caught up for
    ``catchup_days`` only: a reminder due earlier than that is stale.
    """
    first = today - datetime.timedelta(days=max(catchup_days or 0, 0))
    last = today + datetime.timedelta(days=max(upcoming_days or 0, 0))
    return first, last


def expiry_range_for_due(first_due, last_due, offset_days):
    """Expiry dates whose stage of ``offset_days`` falls due between
    ``first_due`` and ``last_due``: a stage is due ``offset_days`` after the
    expiry date (before it when negative); the daily pass computes that due
    date in SQL as ``date_expiry + offset_days``."""
    delta = datetime.timedelta(days=offset_days or 0)
    return first_due - delta, last_due - delta


def close_before(today, close_after_days):
    """Expired deadlines whose expiry date is before the returned date are
    closed on ``today``; None when closing is disabled (0)."""
    if not close_after_days or close_after_days <= 0:
        return None
    return shift_days(today, -close_after_days)
