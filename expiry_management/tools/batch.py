# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The one error policy of the daily pass's batches (ladders, the
deadlines' states, renewal lines): CRASH_ERRORS and run_batch."""

import logging

import psycopg2

_logger = logging.getLogger(__name__)


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
