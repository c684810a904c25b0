from . import base_import, expiry_deadline_close, expiry_deadline_period_report
