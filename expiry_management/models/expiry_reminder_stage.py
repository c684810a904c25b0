# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools import MAX_WINDOW_DAYS, shift_days


class ExpiryReminderStage(models.Model):
    """One rung of the reminder ladder: which e-mail goes out how many days
    before (negative offset) or after (positive offset) a term expires."""

    _name = "expiry.reminder.stage"
    _inherit = ["expiry.ladder.channel.mixin"]
    _description = "Reminder Stage"
    _order = "sequence, offset_days, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    offset_days = fields.Integer(
        string="Days from Expiry",
        required=True,
        help="Negative: days before the expiry date (or the notice date, see Counted From); positive: "
        "days after it.",
    )
    # the channels (expiry.ladder.channel.mixin): e-mail by default, the
    # template required when the stage sends one (_check_channels)
    channel_email = fields.Boolean(default=True, help="An e-mail to the customer, from the template below.")
    mail_template_id = fields.Many2one(domain=[("model", "=", "expiry.deadline")])
    sms_template_id = fields.Many2one(domain=[("model", "=", "expiry.deadline")])
    anchor = fields.Selection(
        [("expiry", "Expiry Date"), ("notice", "Notice Date")],
        string="Counted From",
        default="expiry",
        required=True,
        help="The date the days are counted from. Expiry date: the stage reminds deadlines that "
        "renew by hand (or whose automatic renewal was stopped). Notice date: the stage reminds "
        "deadlines that renew automatically, before the last day the customer may stop them.",
    )
    renewal_push = fields.Boolean(
        string="Asks to Renew",
        default=True,
        help="The e-mail asks the customer to renew (a link to renew online). It is not sent while "
        "an invoice of the deadline is overdue (unless the deadline can be renewed online now and "
        "the online renewal carries the overdue amount: then the e-mail says so) or the deadline "
        "is in dispute: it is cancelled with the reason, and the next stage goes out once the "
        "customer is up to date.",
    )
    requote_activity = fields.Boolean(
        string="Re-quote Activity",
        help="When this stage's e-mail is prepared, the salesperson gets a re-quote activity due on "
        "the e-mail's day (once per term): the time to review the price of an automatic renewal "
        "before the customer's notice date.",
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
        help="When the e-mail is sent (a stage without e-mail: when its SMS, call or letter went "
        "out), a callback activity is scheduled for the salesperson; it stays overdue until marked "
        "done or cancelled.",
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

    @api.constrains("anchor", "only_if_expired")
    def _check_anchor(self):
        for stage in self:
            if stage.anchor == "notice" and stage.only_if_expired:
                raise ValidationError(
                    self.env._(
                        "Stage %(stage)s counts from the notice date of automatic renewals: it cannot be "
                        "sent only to expired deadlines.",
                        stage=stage.name,
                    )
                )

    @api.constrains("mail_template_id", "sms_template_id")
    def _check_template_model(self):
        for stage in self:
            if (stage.mail_template_id and stage.mail_template_id.model != "expiry.deadline") or (
                stage.sms_template_id and stage.sms_template_id.model != "expiry.deadline"
            ):
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

    def _anchor_field(self):
        """The deadline's date this stage counts its days from."""
        self.ensure_one()
        return "date_notice" if self.anchor == "notice" else "date_expiry"

    def _get_due_date(self, deadline):
        """The day this stage's e-mail of ``deadline``'s current term is due,
        or None when the stage does not apply to it (see _deadline_domain);
        the prepare step computes the same in SQL (anchor date + offset)."""
        self.ensure_one()
        if not deadline.filtered_domain(self._deadline_domain(deadline.company_id)):
            return None
        anchor_date = deadline[self._anchor_field()]
        if not anchor_date:
            return None
        try:
            return shift_days(anchor_date, self.offset_days)
        except ValueError:
            return None

    def _deadline_domain(self, company):
        """Deadlines of ``company`` this stage applies to (without dates).
        A notice stage reminds the deadlines that renew automatically (not
        stopped); an expiry stage the others; a term the customer declined
        gets no timed e-mail at all."""
        self.ensure_one()
        domain = [("company_id", "=", company.id), ("date_declined", "=", False)]
        if self.anchor == "notice":
            domain += [("auto_renew", "=", True), ("date_notice", "!=", False), ("state", "=", "active")]
        else:
            domain.append(("auto_renew", "=", False))
        if self.anchor == "notice":
            pass
        elif self.only_if_expired:
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
