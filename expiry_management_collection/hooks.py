# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Installing on a database with a large portfolio: the new stored columns
are filled with one SQL statement each, instead of the ORM computing them
record by record for every invoice and deadline."""


def pre_init_hook(env):
    cr = env.cr
    cr.execute("ALTER TABLE account_move ADD COLUMN IF NOT EXISTS expiry_deadline_id int4")
    cr.execute(
        """
        UPDATE account_move m SET expiry_deadline_id = sub.deadline_id
          FROM (
                SELECT aml.move_id, MIN(sol.deadline_id) AS deadline_id
                  FROM account_move_line aml
                  JOIN sale_order_line_invoice_rel rel ON rel.invoice_line_id = aml.id
                  JOIN sale_order_line sol ON sol.id = rel.order_line_id
                 WHERE sol.deadline_id IS NOT NULL
              GROUP BY aml.move_id
               ) sub
         WHERE sub.move_id = m.id
        """
    )
    cr.execute(
        """
        ALTER TABLE expiry_deadline
            ADD COLUMN IF NOT EXISTS collector_id int4,
            ADD COLUMN IF NOT EXISTS collection_team_id int4
        """
    )
    cr.execute("UPDATE expiry_deadline SET collection_team_id = team_id WHERE team_id IS NOT NULL")
