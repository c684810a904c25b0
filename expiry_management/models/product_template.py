# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools import DURATION_UNITS, MAX_DURATION
from .expiry_deadline_notice import RENEWAL_MODES, check_notice_days


class ProductTemplate(models.Model):
    _inherit = "product.template"

    expiry_duration = fields.Integer(
        string="Renewal Duration",
        help="How long one renewal of this product extends a deadline. "
        "A product with a duration is renewable.",
    )
    expiry_duration_unit = fields.Selection(
        DURATION_UNITS,
        string="Renewal Duration Unit",
        default="year",
        required=True,
    )
    renewal_mode = fields.Selection(
        RENEWAL_MODES,
        default="manual",
        required=True,
        help="How the deadlines of this product renew by default (each deadline may differ): "
        "manual, through an order someone confirms or pays, or automatically on the expiry "
        "date unless the customer stops it before the notice date.",
    )
    notice_days = fields.Integer(
        string="Notice Period (Days)",
        help="Default of the deadlines of this product: how many days before the expiry date "
        "the customer must stop an automatic renewal.",
    )
    expiry_renewable = fields.Boolean(
        string="Renewable",
        compute="_compute_expiry_renewable",
        search="_search_expiry_renewable",
    )

    @api.depends("expiry_duration")
    def _compute_expiry_renewable(self):
        for template in self:
            template.expiry_renewable = template.expiry_duration > 0

    def _search_expiry_renewable(self, operator, value):
        if operator not in ("=", "!="):
            raise ValidationError(self.env._("Unsupported search on 'Renewable'."))
        positive = (operator == "=") == bool(value)
        return [("expiry_duration", ">" if positive else "<=", 0)]

    @api.constrains("expiry_duration", "expiry_duration_unit")
    def _check_expiry_duration(self):
        units = dict(self._fields["expiry_duration_unit"]._description_selection(self.env))
        for template in self:
            if template.expiry_duration < 0:
                raise ValidationError(
                    self.env._(
                        "The renewal duration of %(product)s cannot be negative.",
                        product=template.display_name,
                    )
                )
            maximum = MAX_DURATION.get(template.expiry_duration_unit)
            if maximum and template.expiry_duration > maximum:
                raise ValidationError(
                    self.env._(
                        "The renewal duration of %(product)s can be at most %(max)s %(unit)s.",
                        product=template.display_name,
                        max=maximum,
                        unit=units[template.expiry_duration_unit].lower(),
                    )
                )

    @api.constrains("notice_days", "expiry_duration", "expiry_duration_unit")
    def _check_notice_days(self):
        for template in self:
            check_notice_days(
                self.env,
                template.display_name,
                template.notice_days,
                template.expiry_duration,
                template.expiry_duration_unit,
            )
