from . import expiry_deadline_period_report
