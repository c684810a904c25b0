# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""18.0.1.3.0: the settings of the module are per company (res.company fields
``expiry_<key>``) instead of system parameters ``expiry_management.<key>``
shared by every company. Every company gets the value the database had
(within its bounds; a value that is not a number keeps the default), then the
old parameters are deleted."""

from odoo.tools import SQL

from odoo.addons.expiry_management.models.expiry_deadline import EXPIRY_PARAM_MAX, EXPIRY_PARAMS
from odoo.addons.expiry_management.models.res_company import EXPIRY_BOOLEAN_PARAMS


def migrate(cr, version):
    if not version:
        return
    keys = {f"expiry_management.{key}": key for key in EXPIRY_PARAMS}
    cr.execute("SELECT key, value FROM ir_config_parameter WHERE key IN %s", (tuple(keys),))
    for param, value in cr.fetchall():
        key = keys[param]
        try:
            number = int(value)
        except (TypeError, ValueError):
            continue
        number = min(max(number, 0), EXPIRY_PARAM_MAX[key])
        column = SQL.identifier(f"expiry_{key}")
        cr.execute(
            SQL(
                "UPDATE res_company SET %s = %s",
                column,
                bool(number) if key in EXPIRY_BOOLEAN_PARAMS else number,
            )
        )
    cr.execute("DELETE FROM ir_config_parameter WHERE key IN %s", (tuple(keys),))
