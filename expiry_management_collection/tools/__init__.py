from .collection_rules import (
    AGING_BUCKETS,
    DEFAULT_AGING_BOUNDS,
    aging_bucket,
    allocate_payments,
    check_aging_bounds,
    days_overdue,
    next_step,
    split_instalments,
)
