from .batch import CRASH_ERRORS, run_batch
from .date_rules import (
    DURATION_UNITS,
    MAX_DURATION,
    MAX_WINDOW_DAYS,
    MAX_YEAR,
    MIN_YEAR,
    add_duration,
    close_before,
    days_between,
    expiry_range_for_due,
    local_today,
    notice_date,
    reminder_window,
    renewal_base_date,
    shift_days,
)
from .parsing import parse_id, parse_page
from .sql import update_column
