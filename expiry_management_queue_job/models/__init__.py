from . import expiry_daily_pass
