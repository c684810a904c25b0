# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# isort: off
# first: the deadline and its terms inherit the portal field allow-list
from . import expiry_portal_field_access

# isort: on
from . import (
    account_move,
    expiry_deadline,
    expiry_deadline_arrears,
    expiry_deadline_portal_decision,
    expiry_deadline_renew_all,
    expiry_deadline_term,
    payment_transaction,
    res_partner,
    sale_order,
    sale_order_arrears,
    sale_order_line,
    sale_order_line_arrears,
)
