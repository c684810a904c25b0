# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ExpiryBankInstitute(models.Model):
    """An institute or organisation linked to deadlines (bank, insurer, lessor)."""

    _name = "expiry.bank.institute"
    _description = "Deadline Bank Institute"
    _order = "sequence, name, id"

    name = fields.Char(required=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        help="Leave empty to share this institute between all companies.",
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Contact",
        help="The institute's address book entry, if any.",
    )
    code = fields.Char(help="Bank code, BIC or internal reference.")

    _sql_constraints = [
        (
            "name_company_uniq",
            "unique(name, company_id)",
            "A bank institute with this name already exists in this company.",
        ),
    ]
