from . import test_reminder_date_rules
from . import test_reminder_ladder
from . import test_cron_daily_pass
from . import test_cron_concurrency
from . import test_reminder_settings
