from . import expiry_deadline
