# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models
from odoo.tools import SQL
from odoo.tools.sql import column_exists


class ExpiryCollectionReason(models.Model):
    """Why a payment is late, as the collector found out (seed 002: invoice
    never received, unclear invoice, wrong payment details, the customer's
    own accounting or payment system)."""

    _name = "expiry.collection.reason"
    _description = "Late Payment Reason"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    description = fields.Text(translate=True, help="What the collector does about it.")
    active = fields.Boolean(default=True)
    kind = fields.Selection(
        [("other", "Late payment"), ("dispute", "Dispute")],
        default="other",
        required=True,
        help="Dispute: the customer contests what is owed; the deadline gets no renewal push (timed "
        "e-mail asking to renew, portal Renew button) until the reason is cleared.",
    )

    def _auto_init(self):
        """When the column ``kind`` appears (an update of a database made
        before it), the shipped "Dispute" reason gets its kind: its data is
        noupdate, new databases get it from there."""
        new_column = not column_exists(self.env.cr, self._table, "kind")
        result = super()._auto_init()
        if new_column:
            self.env.cr.execute(
                SQL(
                    """
                    UPDATE expiry_collection_reason SET kind = 'dispute'
                     WHERE id IN (SELECT res_id FROM ir_model_data
                                   WHERE module = 'expiry_management_collection'
                                     AND name = 'reason_dispute' AND model = %s)
                    """,
                    self._name,
                )
            )
        return result
