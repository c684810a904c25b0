from . import expiry_deadline_report, expiry_renewal_report, expiry_retention_report
