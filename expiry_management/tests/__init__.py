from . import test_reminder_date_rules
from . import test_reminder_ladder
from . import test_cron_daily_pass
