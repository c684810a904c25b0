# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ExpiryOrigin(models.Model):
    """Where a deadline comes from: a channel, an agency, an intermediary."""

    _name = "expiry.origin"
    _description = "Deadline Origin"
    _order = "sequence, name, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        help="Leave empty to share this origin between all companies.",
    )
    description = fields.Text()

    _sql_constraints = [
        (
            "name_company_uniq",
            "unique(name, company_id)",
            "An origin with this name already exists in this company.",
        ),
    ]
