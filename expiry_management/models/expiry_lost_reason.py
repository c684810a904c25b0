# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ExpiryLostReason(models.Model):
    """Why a customer did not renew: asked when a deadline is closed without
    renewal in the back office and when the customer declines in the portal
    (or stops an automatic renewal). Stored on the deadline and its term."""

    _name = "expiry.lost.reason"
    _description = "Deadline Lost Reason"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    allow_winback = fields.Boolean(
        string="Win-back",
        default=True,
        help="Customers who left for this reason are worth winning back: their deadlines "
        "appear in the win-back list and join its mailing list.",
    )
    portal_visible = fields.Boolean(
        string="Offered in the Portal",
        default=True,
        help="Customers may pick this reason when they decline a renewal or stop an "
        "automatic renewal in the portal.",
    )
    description = fields.Text(translate=True)
