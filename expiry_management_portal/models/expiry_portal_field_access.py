# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

from odoo import api, models
from odoo.exceptions import AccessError

_logger = logging.getLogger(__name__)


class ExpiryPortalFieldAccess(models.AbstractModel):
    """What a portal user may read of a model: the allow-list of
    ``_get_portal_readable_fields``, enforced for RPC reads, templates
    rendered as the portal user and ``fields_get``. Employees and the
    superuser are not concerned (access rights and record rules apply)."""

    _name = "expiry.portal.field.access"
    _description = "Portal Field Allow-List"

    @api.model
    def _get_portal_readable_fields(self):
        """The fields a portal user may read (override per model)."""
        return frozenset({"id", "display_name"})

    def _get_portal_denied_message(self, field_names):
        return self.env._(
            "You are not allowed to see these details: %(fields)s.", fields=", ".join(field_names)
        )

    def check_field_access_rights(self, operation, field_names):
        result = super().check_field_access_rights(operation, field_names)
        if self.env.su or not self.env.user.share:
            return result
        allowed = self._get_portal_readable_fields()
        if not field_names:
            # "all the fields I may read": the allow-list
            return [name for name in result if name in allowed]
        denied = [name for name in field_names if name in self._fields and name not in allowed]
        if denied:
            _logger.info(
                "Portal access to %s fields denied: uid %s, fields %s", self._name, self.env.uid, denied
            )
            raise AccessError(self._get_portal_denied_message(denied))
        return result

    @api.model
    def fields_get(self, allfields=None, attributes=None):
        result = super().fields_get(allfields, attributes)
        if self.env.su or not self.env.user.share:
            return result
        allowed = self._get_portal_readable_fields()
        return {name: description for name, description in result.items() if name in allowed}
