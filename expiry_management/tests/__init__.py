from . import test_date_rules
from . import test_deadline
from . import test_renewal
from . import test_partner
from . import test_security
from . import test_ui_deadline
from . import test_collection
