# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


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
