# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Writing one column of many rows in one query."""

from odoo.tools import SQL


def update_column(model, fname, values):
    """Write ``values`` (``{record id: value}``) to the stored field
    ``fname`` of ``model`` in one UPDATE, instead of one write() per record.

    Only for technical columns that nothing computes from and no rule
    watches (a link to a queued mail, a copy address, a message's author):
    it bypasses the ORM's write (no access check, no tracking, no
    automation); the callers check access themselves. The ORM cache of the
    field is flushed before and invalidated after.
    """
    if not values:
        return
    model.flush_model([fname])
    field = model._fields[fname]
    model.env.cr.execute(
        SQL(
            "UPDATE %s AS t SET %s = v.value FROM (VALUES %s) AS v(id, value) WHERE t.id = v.id",
            SQL.identifier(model._table),
            SQL.identifier(field.name),
            SQL(", ").join(SQL("(%s, %s)", record_id, value) for record_id, value in values.items()),
        )
    )
    model.browse(values).invalidate_recordset([fname])
