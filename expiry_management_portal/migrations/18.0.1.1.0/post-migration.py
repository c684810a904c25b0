# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""18.0.1.1.0: a cart renewal line keeps the deadline's agreed unit price of
the moment it was put in the cart (``deadline_price_ordered``), and the
payment is refused when it changed since. Carts made with the previous
version have none: give them the deadline's price of today, so that they
can still be paid as long as it does not change."""


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        """
        UPDATE sale_order_line AS sol
           SET deadline_price_ordered = COALESCE(d.price_unit, 0)
          FROM expiry_deadline AS d
         WHERE d.id = sol.deadline_id
           AND sol.deadline_expiry_ordered IS NOT NULL
           AND sol.deadline_price_ordered IS NULL
           AND sol.state IN ('draft', 'sent')
        """
    )
