# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class MailActivityType(models.Model):
    _inherit = "mail.activity.type"

    expiry_is_callback = fields.Boolean(
        string="Counts as Callback",
        help="Marking an activity of this type as done updates the customer's " "last callback date.",
    )
