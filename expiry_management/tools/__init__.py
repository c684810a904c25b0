from .date_rules import (
    DURATION_UNITS,
    add_duration,
    close_due_date,
    days_between,
    expiry_range_for_due,
    local_today,
    reminder_due_date,
    reminder_is_stale,
    reminder_window,
    renewal_base_date,
)
