from .date_rules import (
    DURATION_UNITS,
    add_duration,
    days_between,
    local_today,
    renewal_base_date,
)
