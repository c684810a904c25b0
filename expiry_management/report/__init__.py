from . import expiry_deadline_report
from . import expiry_renewal_report
