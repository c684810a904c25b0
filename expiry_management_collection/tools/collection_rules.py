# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Pure rules of premium collection: aging, instalment split and the
matching of payments to a payment plan. They know nothing about the ORM and
are tested directly (tests/test_collection_rules.py)."""

from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from dateutil.relativedelta import relativedelta

# days overdue: the core's rule (what a customer owes is defined once, in expiry_management)
from odoo.addons.expiry_management.models.account_move import days_overdue  # noqa: F401

# The keys stay; their bounds are a company setting (30, 60, 90 by default):
# "1_30" is the first band of overdue days, "over_90" beyond the last bound.
AGING_BUCKETS = ["not_due", "1_30", "31_60", "61_90", "over_90"]
DEFAULT_AGING_BOUNDS = (30, 60, 90)


def check_aging_bounds(bounds):
    """Return ``bounds`` (three whole numbers of days, e.g. ``(30, 60, 90)``).

    :raises ValueError: unless they strictly increase from 1 to 3660 days
    """
    bounds = tuple(bounds or ())
    if len(bounds) != 3 or not all(isinstance(bound, int) for bound in bounds):
        raise ValueError("three numbers of days are needed, e.g. 30, 60, 90")
    if not 1 <= bounds[0] < bounds[1] < bounds[2] <= 3660:
        raise ValueError("the bounds must increase, from 1 to 3660 days")
    return bounds


def aging_bucket(days, bounds=DEFAULT_AGING_BOUNDS):
    """The aging bucket of an item ``days`` overdue: ``not_due`` at 0,
    ``1_30`` up to the first bound included, and so on."""
    if days <= 0:
        return "not_due"
    for key, bound in zip(AGING_BUCKETS[1:4], bounds, strict=True):
        if days <= bound:
            return key
    return "over_90"


def next_step(steps, base_date, last_done, today):
    """The step of a collection ladder to process today, if any.

    :param steps: ``[(offset_days, is_final_notice, key)]`` sorted by offset
    :param base_date: the date the ladder counts from (the due date)
    :param last_done: ``(offset_days, date_done)`` of the last step already
        processed for this invoice, or None
    :return: the ``key`` of the step, or None

    A step is due ``offset_days`` after ``base_date``, and never sooner after
    the previous step than the ladder's spacing between the two (a ladder
    caught up late keeps its rhythm). When several steps fell due, only the
    latest goes out: the customer does not get three letters the same
    morning. A final notice needs an earlier step done first, unless the
    ladder has nothing else.
    """
    has_earlier = any(not final for _offset, final, _key in steps)
    chosen = None
    for offset, final, key in steps:
        if last_done and offset <= last_done[0]:
            continue
        if final and not last_done and has_earlier:
            continue
        due = base_date + timedelta(days=offset)
        if last_done:
            due = max(due, last_done[1] + timedelta(days=offset - last_done[0]))
        if due <= today:
            chosen = key
    return chosen


def split_instalments(total, count, first_date, months=1, digits=2):
    """``count`` instalments ``months`` apart from ``first_date`` adding up
    exactly to ``total``: equal amounts rounded to ``digits``, the rounding
    difference on the last one.

    :return: ``[(date, amount)]``
    :raises ValueError: on a count below 1 or above 120, an interval below 1
        or a total that does not leave every instalment above zero
    """
    if not count or count < 1 or count > 120:
        raise ValueError("a payment plan has between 1 and 120 instalments")
    if not months or months < 1 or months > 12:
        raise ValueError("instalments are 1 to 12 months apart")
    quantum = Decimal(1).scaleb(-digits)
    total = Decimal(str(total)).quantize(quantum, ROUND_HALF_UP)
    share = (total / count).quantize(quantum, ROUND_HALF_UP)
    amounts = [share] * (count - 1) + [total - share * (count - 1)]
    if any(amount <= 0 for amount in amounts):
        raise ValueError("every instalment must be above zero")
    return [
        (first_date + relativedelta(months=months * index), float(amount))
        for index, amount in enumerate(amounts)
    ]


def allocate_payments(amounts, paid):
    """Match what was paid since the plan started to its instalments, oldest
    first: ``[amount]`` and ``paid`` -> ``[paid on each instalment]``."""
    result = []
    left = max(paid, 0.0)
    for amount in amounts:
        part = min(amount, left)
        result.append(part)
        left -= part
    return result
