# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""18.0.1.1.0: give each customer the collector it had, in every company of
that collector (only the customer's own company when it has one); see the
pre-migration."""

from odoo.tools import SQL

OLD_COLUMN = "expiry_collector_id_18_0_1_0"


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        """
        SELECT 1 FROM information_schema.columns
         WHERE table_name = 'res_partner' AND column_name = %s
        """,
        (OLD_COLUMN,),
    )
    if not cr.fetchone():
        return
    old = SQL.identifier(OLD_COLUMN)
    cr.execute(
        SQL(
            """
            UPDATE res_partner AS partner
               SET expiry_collector_id = v.collector
              FROM (
                    SELECT p.id, jsonb_object_agg(rel.cid::text, p.%(old)s) AS collector
                      FROM res_partner p
                      JOIN res_company_users_rel rel ON rel.user_id = p.%(old)s
                     WHERE p.%(old)s IS NOT NULL
                       AND (p.company_id IS NULL OR p.company_id = rel.cid)
                     GROUP BY p.id
                   ) AS v
             WHERE partner.id = v.id
            """,
            old=old,
        )
    )
    cr.execute(SQL("ALTER TABLE res_partner DROP COLUMN %s", old))
