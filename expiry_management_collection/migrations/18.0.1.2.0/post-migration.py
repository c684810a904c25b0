# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""18.0.1.2.0: one activity type for a payment call. The collection's own
"Collection Call" type (``mail_activity_type_collection_call``) gives way
to the core's (``expiry_management.mail_activity_type_payment_reminder``,
the invoice's "Plan Call"): its activities, done activities and messages
move to the core's type, which becomes generic (on deadlines and invoices),
and the old type is deleted (archived if something else still uses it).

The link between an invoice and its deadline (``account_move.
expiry_deadline_id``) moved into the core under the same name: its column
and values stay as they are."""

import logging

import psycopg2

from odoo import SUPERUSER_ID, api
from odoo.exceptions import UserError

_logger = logging.getLogger(__name__)

OLD_TYPE = "mail_activity_type_collection_call"
NEW_TYPE = "expiry_management.mail_activity_type_payment_reminder"


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    new_type = env.ref(NEW_TYPE, raise_if_not_found=False)
    if not new_type:
        return
    new_type.res_model = False
    cr.execute(
        "SELECT id, res_id FROM ir_model_data WHERE module = 'expiry_management_collection' AND name = %s",
        (OLD_TYPE,),
    )
    row = cr.fetchone()
    if not row:
        return
    data_id, old_id = row
    env.flush_all()
    for table, column in (
        ("mail_activity", "activity_type_id"),
        ("mail_message", "mail_activity_type_id"),
        ("mail_activity_plan_template", "activity_type_id"),
    ):
        cr.execute(f"UPDATE {table} SET {column} = %s WHERE {column} = %s", (new_type.id, old_id))  # noqa: S608
    env.invalidate_all()
    cr.execute("DELETE FROM ir_model_data WHERE id = %s", (data_id,))
    old_type = env["mail.activity.type"].browse(old_id).exists()
    if not old_type:
        return
    try:
        with cr.savepoint():
            old_type.unlink()
    except (psycopg2.Error, UserError):  # still referenced elsewhere (another addon's data): archive it
        _logger.info("Collection Call activity type %s still in use: archived", old_id)
        env.invalidate_all()
        old_type.active = False
