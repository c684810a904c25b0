# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""18.0.1.1.0: a customer's collector is chosen per company
(``res.partner.expiry_collector_id`` became company-dependent): a user of
another company no longer reads who collects in this one.

Before the update turns the column into a company-dependent (jsonb) one,
keep today's values aside; the post-migration gives each customer its
collector in the companies where that collector works."""

from odoo.tools import SQL

OLD_COLUMN = "expiry_collector_id_18_0_1_0"


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        """
        SELECT data_type FROM information_schema.columns
         WHERE table_name = 'res_partner' AND column_name = 'expiry_collector_id'
        """
    )
    row = cr.fetchone()
    if row and row[0] == "integer":
        cr.execute(
            SQL("ALTER TABLE res_partner RENAME COLUMN expiry_collector_id TO %s", SQL.identifier(OLD_COLUMN))
        )
