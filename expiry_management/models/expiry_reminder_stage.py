# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools import MAX_WINDOW_DAYS


class ExpiryReminderStage(models.Model):
    """One rung of the reminder ladder: which e-mail goes out how many days
    before (negative offset) or after (positive offset) a term expires."""

    _name = "expiry.reminder.stage"
    _description = "Reminder Stage"
    _order = "sequence, offset_days, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    offset_days = fields.Integer(
        string="Days from Expiry",
        required=True,
        help="Negative: days before the expiry date; positive: days after it.",
    )
    mail_template_id = fields.Many2one(
        "mail.template",
        string="E-mail Template",
        required=True,
        ondelete="restrict",
        domain=[("model", "=", "expiry.deadline")],
    )
    anchor = fields.Selection(
        [("expiry", "Expiry Date"), ("notice", "Notice Date")],
        default="expiry",
        required=True,
        help="The date the days are counted from. Expiry date: the stage reminds deadlines that "
        "renew by hand (or whose automatic renewal was stopped). Notice date: the stage reminds "
        "deadlines that renew automatically, before the last day the customer may stop them.",
    )
    only_if_expired = fields.Boolean(
        string="Only if Not Renewed",
        help="Send only to deadlines that expired without renewal (the expiry notice).",
    )
    copy_salesperson = fields.Boolean(
        string="Copy the Salesperson",
        default=True,
        help="The salesperson receives a copy (Cc) of the e-mail.",
    )
    schedule_callback = fields.Boolean(
        string="Schedule a Callback",
        help="When the e-mail is sent, a callback activity is scheduled for the "
        "salesperson; it stays overdue until marked done or cancelled.",
    )
    product_ids = fields.Many2many(
        "product.product",
        string="Products",
        check_company=True,
        help="Only for deadlines of these products (all when empty).",
    )
    product_categ_ids = fields.Many2many(
        "product.category",
        string="Product Categories",
        help="Only for deadlines of products in these categories or their " "subcategories (all when empty).",
    )
    company_id = fields.Many2one(
        "res.company",
        index=True,
        help="Only for deadlines of this company (all companies when empty).",
    )
    reminder_count = fields.Integer(compute="_compute_reminder_count")

    @api.constrains("offset_days", "only_if_expired")
    def _check_offset(self):
        for stage in self:
            if abs(stage.offset_days) > MAX_WINDOW_DAYS:
                raise ValidationError(
                    self.env._(
                        "Stage %(stage)s: the days from expiry must lie between -%(max)s and %(max)s.",
                        stage=stage.name,
                        max=MAX_WINDOW_DAYS,
                    )
                )
            if stage.only_if_expired and stage.offset_days <= 0:
                raise ValidationError(
                    self.env._(
                        "Stage %(stage)s is sent only to expired deadlines: it must come "
                        "at least one day after the expiry date.",
                        stage=stage.name,
                    )
                )

    @api.constrains("mail_template_id")
    def _check_template_model(self):
        for stage in self:
            if stage.mail_template_id.model != "expiry.deadline":
                raise ValidationError(
                    self.env._(
                        "The template of stage %(stage)s must be a template of deadlines.", stage=stage.name
                    )
                )

    def _compute_reminder_count(self):
        data = dict(
            self.env["expiry.reminder"]._read_group([("stage_id", "in", self.ids)], ["stage_id"], ["__count"])
        )
        for stage in self:
            stage.reminder_count = data.get(stage, 0)

    def _deadline_domain(self, company):
        """Deadlines of ``company`` this stage applies to (without dates)."""
        self.ensure_one()
        domain = [("company_id", "=", company.id)]
        if self.only_if_expired:
            domain.append(("state", "=", "expired"))
        elif self.offset_days > 0:
            domain.append(("state", "in", ("active", "expired")))
        else:
            domain.append(("state", "=", "active"))
        if self.product_ids:
            domain.append(("product_id", "in", self.product_ids.ids))
        if self.product_categ_ids:
            domain.append(("product_categ_id", "child_of", self.product_categ_ids.ids))
        return domain

    def action_view_reminders(self):
        self.ensure_one()
        self._expiry_check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id("expiry_management.action_expiry_reminder")
        action["domain"] = [("stage_id", "=", self.id)]
        action["context"] = {"create": False}
        return action
