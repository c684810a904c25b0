# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class CrmTeam(models.Model):
    _inherit = "crm.team"

    expiry_collector_id = fields.Many2one(
        "res.users",
        string="Collector",
        domain=[("share", "=", False)],
        help="Follows up the overdue invoices of this team's customers, unless the customer has a collector.",
    )
