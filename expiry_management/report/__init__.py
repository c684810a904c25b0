from . import expiry_deadline_report
