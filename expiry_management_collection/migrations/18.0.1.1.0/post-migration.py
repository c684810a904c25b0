# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""18.0.1.1.0: give each customer the collector it had, in every company of
that collector (only the customer's own company when it has one); see the
pre-migration."""

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
    cr.execute(
        f"""
        UPDATE res_partner AS partner
           SET expiry_collector_id = values.collector
          FROM (
                SELECT p.id, jsonb_object_agg(rel.cid::text, p.{OLD_COLUMN}) AS collector
                  FROM res_partner p
                  JOIN res_company_users_rel rel ON rel.user_id = p.{OLD_COLUMN}
                 WHERE p.{OLD_COLUMN} IS NOT NULL
                   AND (p.company_id IS NULL OR p.company_id = rel.cid)
                 GROUP BY p.id
               ) AS values
         WHERE partner.id = values.id
        """
    )
    cr.execute(f"ALTER TABLE res_partner DROP COLUMN {OLD_COLUMN}")
