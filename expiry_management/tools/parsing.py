# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Parsing of what comes from outside (request parameters, settings), and
the one error policy of the daily pass's batches (CRASH_ERRORS, run_batch).

One function per kind of value, strict: a record id is a plain ASCII number
("12"), never "12.0", " 12", "+12" or "²" (``str.isdigit`` accepts the last
one, ``int`` refuses it). Callers get ``None`` for anything else and answer
with a readable error.
"""

import logging
import re

import psycopg2

_logger = logging.getLogger(__name__)

_ID_RE = re.compile(r"[0-9]{1,10}")
MAX_ID = 2**31 - 1  # PostgreSQL integer


def parse_id(value):
    """The positive record id ``value`` stands for, or ``None``.

    Accepts an int (not a bool) or a string of ASCII digits only.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and _ID_RE.fullmatch(value):
        number = int(value)
    else:
        return None
    return number if 0 < number <= MAX_ID else None


def parse_page(value, default=1):
    """A pager's page number from a request: a positive id-like number, else
    ``default`` (a bad page shows the first page rather than an error)."""
    return parse_id(value) or default


# What is never a record's fault: the run stops and rolls back (the next run
# continues where the last commit left off).
CRASH_ERRORS = (RuntimeError, MemoryError, psycopg2.OperationalError)


def run_batch(records, process, on_error):
    """The one error policy of the batches of the daily pass (ladders, the
    deadlines' states): run ``process(records)`` in a savepoint, all or
    nothing; on an error, roll back and run it for each record alone, so
    that a bad record fails alone: ``on_error(record, error)`` records why
    (a row's fault is anything but CRASH_ERRORS). A crash (CRASH_ERRORS)
    is never a record's fault: it rolls the whole run back.

    :return: the records processed
    """
    try:
        with records.env.cr.savepoint():
            process(records)
        return records
    except CRASH_ERRORS:
        raise
    except Exception as error:  # noqa: BLE001 - recorded on the record, never a traceback
        if len(records) == 1:
            _logger.info("%s %s failed: %s", records._name, records.id, error)
            on_error(records, error)
            return records.browse()
    done = records.browse()
    for record in records:
        done |= run_batch(record, process, on_error)
    return done
