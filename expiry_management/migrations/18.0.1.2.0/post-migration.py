# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""18.0.1.2.0: renewals go through one gate (sale.order._expiry_release_renewals)
that marks the orders it released. The confirmed renewal orders of the
previous version applied their renewals at confirmation: mark them
released, so that a later payment or reconciliation does not run the gate
on them again."""


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        """
        UPDATE sale_order AS so
           SET expiry_renewal_released = TRUE
         WHERE so.state = 'sale'
           AND NOT COALESCE(so.expiry_renewal_released, FALSE)
           AND EXISTS (
                SELECT 1 FROM sale_order_line sol
                 WHERE sol.order_id = so.id AND sol.deadline_id IS NOT NULL
           )
        """
    )
