# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from . import expiry_deadline
from . import sale_order
from . import sale_order_line
