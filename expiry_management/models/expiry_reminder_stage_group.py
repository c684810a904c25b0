# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The e-mail of a reminder stage that lists several deadlines of one
customer (one message per customer and day, see expiry_reminder_send.py)."""

from odoo import api, fields, models
from odoo.exceptions import ValidationError

#: the shipped grouped template of each kind of stage (see _grouped_template_xmlid)
GROUPED_TEMPLATES = {
    "renew": "expiry_management.mail_template_grouped_reminder",
    "expired": "expiry_management.mail_template_grouped_expiry_notice",
    "info": "expiry_management.mail_template_grouped_info",
    "notice": "expiry_management.mail_template_grouped_auto_renew",
}


class ExpiryReminderStage(models.Model):
    _inherit = "expiry.reminder.stage"

    grouped_mail_template_id = fields.Many2one(
        "mail.template",
        string="E-mail Listing Several Deadlines",
        compute="_compute_grouped_mail_template_id",
        store=True,
        readonly=False,
        ondelete="set null",
        domain=[("model", "=", "expiry.deadline")],
        help="When several deadlines of a customer reach this stage on the same day, one e-mail "
        "with this template lists them all (Settings: one e-mail per customer and day). It is "
        "rendered for the first deadline; object.reminder_group_ids are the deadlines it lists. "
        "Empty: the shipped one of the stage's kind (filled in when empty; a choice made here "
        "stays when the stage's kind changes).",
    )

    @api.depends("anchor", "only_if_expired", "renewal_push")
    def _compute_grouped_mail_template_id(self):
        # fills an empty one only: a manager's choice stays when the stage's kind changes
        for stage in self.filtered(lambda s: not s.grouped_mail_template_id):
            stage.grouped_mail_template_id = self.env.ref(
                stage._grouped_template_xmlid(), raise_if_not_found=False
            )

    def _get_grouped_template(self):
        """The template of this stage's grouped e-mail: its own, else the
        shipped one of its kind (a database updated from an earlier version
        has none stored yet)."""
        self.ensure_one()
        if self.grouped_mail_template_id:
            return self.grouped_mail_template_id
        # the xmlid's cached lookup (env.ref would query the template's existence each time)
        template_id = self.env["ir.model.data"]._xmlid_to_res_id(
            self._grouped_template_xmlid(), raise_if_not_found=False
        )
        return self.env["mail.template"].browse(template_id)

    def _grouped_template_xmlid(self):
        """The shipped grouped e-mail of this stage's kind: automatic renewal
        (notice date), expiry notice, a reminder asking to renew, or a plain
        message."""
        self.ensure_one()
        if self.anchor == "notice":
            kind = "notice"
        elif self.only_if_expired:
            kind = "expired"
        elif self.renewal_push:
            kind = "renew"
        else:
            kind = "info"
        return GROUPED_TEMPLATES[kind]

    @api.constrains("grouped_mail_template_id")
    def _check_grouped_template_model(self):
        for stage in self:
            template = stage.grouped_mail_template_id
            if template and template.model != "expiry.deadline":
                raise ValidationError(
                    self.env._(
                        "The grouped e-mail of stage %(stage)s must be a template of deadlines.",
                        stage=stage.name,
                    )
                )
