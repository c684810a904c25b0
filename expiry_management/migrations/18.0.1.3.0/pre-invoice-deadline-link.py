# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""18.0.1.3.0: the link between an invoice and its deadline
(``account.move.expiry_deadline_id``) moved from the collection addon into
the core, so that both use one rule for what a customer owes.

With the collection installed, the column exists and keeps its values (the
field keeps its name). Without it, add the column and link the renewal
invoices to their deadline with one SQL statement, instead of the ORM
computing the new stored field invoice by invoice. Links already set (by
hand, or by the collection) are kept."""


def migrate(cr, version):
    if not version:
        return
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
         WHERE sub.move_id = m.id AND m.expiry_deadline_id IS NULL
        """
    )
