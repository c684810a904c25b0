# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

from odoo.addons.expiry_management.tools import MAX_WINDOW_DAYS

CHANNELS = [
    ("email", "E-mail"),
    ("sms", "SMS"),
    ("call", "Phone Call"),
    ("visit", "Visit"),
    ("letter", "Letter"),
]


class ExpiryCollectionStep(models.Model):
    """One step of the collection ladder: what happens ``offset_days`` after
    an invoice's due date while it is unpaid, on one or more channels."""

    _name = "expiry.collection.step"
    _inherit = ["expiry.ladder.channel.mixin"]
    _description = "Collection Step"
    _ladder_channels = tuple(code for code, _label in CHANNELS)
    _order = "offset_days, sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        help="Leave empty to use the step in every company.",
    )
    offset_days = fields.Integer(
        string="Days After Due Date",
        required=True,
        default=7,
        help="The step is taken this many days after the invoice's due date (a payment "
        "plan's instalment: after the day it was missed).",
    )
    # the channels shared with the reminder stages (expiry.ladder.channel.mixin,
    # the same columns); the collection adds the visit
    channel_email = fields.Boolean(help="E-mail with the invoice PDF attached.")
    channel_sms = fields.Boolean(help="Text message to the customer's mobile.")
    channel_call = fields.Boolean(help="A call activity for the collector.")
    channel_visit = fields.Boolean(string="Visit", help="A visit activity for the collector.")
    channel_letter = fields.Boolean(help="A printable letter, with an activity for the collector to send it.")
    mail_template_id = fields.Many2one(domain=[("model", "=", "account.move")])
    sms_template_id = fields.Many2one(domain=[("model", "=", "account.move")])
    is_final_notice = fields.Boolean(
        string="Final Notice",
        help="The last notice before the case is handed over: sent only after an earlier "
        "step, with the final notice letter.",
    )
    activity_note = fields.Html(
        string="Instructions", translate=True, help="Shown in the collector's activity (call, visit, letter)."
    )
    log_count = fields.Integer(compute="_compute_log_count")

    _sql_constraints = [
        (
            "offset_range",
            f"CHECK (offset_days BETWEEN -{MAX_WINDOW_DAYS} AND {MAX_WINDOW_DAYS})",
            "A collection step is at most ten years from the due date.",
        ),
    ]

    @api.constrains(
        "channel_email",
        "channel_sms",
        "channel_call",
        "channel_visit",
        "channel_letter",
        "mail_template_id",
        "sms_template_id",
    )
    def _check_channels(self):
        return super()._check_channels()

    def _compute_log_count(self):
        data = dict(
            self.env["expiry.collection.log"]._read_group(
                [("step_id", "in", self.ids)], ["step_id"], ["__count"]
            )
        )
        for step in self:
            step.log_count = data.get(step, 0)

    @api.model
    def _get_ladder(self, company):
        """The active steps applying to ``company``, by offset."""
        # sudo: the ladder of ``company`` (shared steps and its own), for the pass and the plans
        return self.sudo().search(
            [("company_id", "in", (False, company.id))], order="offset_days, sequence, id"
        )

    def action_view_logs(self):
        self.ensure_one()
        self._expiry_check_collection_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "expiry_management_collection.action_expiry_collection_log"
        )
        action["domain"] = [("step_id", "=", self.id)]
        return action
