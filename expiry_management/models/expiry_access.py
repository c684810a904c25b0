# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The one gate of our public methods: each of them calls
``_expiry_check_access`` (the group it needs, then the access rights and
record rules of the records) before it reads or writes anything as
superuser. A view's ``groups=`` only hides a button."""

from odoo import models
from odoo.exceptions import AccessError

#: the Deadlines users (own and team deadlines)
DEADLINES_USER = "expiry_management.group_expiry_user"
#: who may see money: invoices, amounts due, collection figures
INVOICING = "account.group_account_invoice"


class Base(models.AbstractModel):
    _inherit = "base"

    def _expiry_check_access(self, operation="read", groups=DEADLINES_USER):
        """Raise an AccessError unless the current user is in one of
        ``groups`` (an xml id or a tuple of them; falsy: no group needed) and
        may ``operation`` these records (access rights and record rules: their
        companies, their own and team deadlines). On an empty recordset: the
        model's access rights. The superuser (scheduled actions, internal
        callers that decided already) passes. Returns ``self``."""
        if self.env.su:
            return self
        if groups:
            groups = (groups,) if isinstance(groups, str) else tuple(groups)
            if not any(self.env.user.has_group(group) for group in groups):
                if INVOICING in groups:
                    message = self.env._("Only users with invoicing rights (Billing) can do this.")
                elif DEADLINES_USER in groups:
                    message = self.env._("Only Deadlines users can do this.")
                else:
                    message = self.env._("You are not allowed to do this.")
                raise AccessError(message)
        self.check_access(operation)
        return self
