# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The timed e-mail record and what users do with it (edit, re-date, send
now, cancel, retry). Preparing the ladder: expiry_reminder_prepare.py;
sending: expiry_reminder_send.py; the daily pass: expiry_daily_pass.py."""

from odoo import api, fields, models
from odoo.exceptions import UserError

# Why a timed e-mail was cancelled (besides "stale" and "user", see the mixin).
# "renewed": its term was replaced; if the renewal is rolled back (order
# cancelled), the term comes back and so does the e-mail (see
# _prepare_reminders).
CANCEL_CODES = [
    ("renewed", "Term replaced"),
    ("ended", "Deadline ended"),
    ("stage", "Stage archived"),
    ("declined", "Customer declined"),
]


class ExpiryReminder(models.Model):
    """A timed e-mail: one stage of the ladder for one term of a deadline.

    Rows are prepared ``upcoming_days`` before they are due, so that the
    salesperson sees them (list, deadline form, activities) and can edit the
    text or the date, send them at once or cancel them. Whatever is left
    scheduled goes out on its due date with the daily scheduled action.

    Exactly once: ``(deadline_id, stage_id, date_expiry)`` is unique in the
    database, and the scheduled action claims the rows it sends with
    ``FOR UPDATE SKIP LOCKED``, in the same transaction that queues their
    ``mail.mail``; they are sent when the mail server accepted it
    (expiry.ladder.step.mixin).
    """

    _name = "expiry.reminder"
    _inherit = ["expiry.ladder.step.mixin"]
    _description = "Timed E-mail"
    _order = "date_due desc, id desc"
    _rec_name = "stage_id"
    _check_company_auto = True
    _step_done_state = "sent"
    _step_date_done_field = "date_sent"
    _step_user_fields = frozenset({"date_due", "subject", "body_html", "is_customized"})

    deadline_id = fields.Many2one(
        "expiry.deadline",
        required=True,
        readonly=True,
        ondelete="cascade",
        index=True,
        check_company=True,
    )
    stage_id = fields.Many2one(
        "expiry.reminder.stage",
        required=True,
        readonly=True,
        ondelete="restrict",
        index=True,
        context={"active_test": False},
    )
    partner_id = fields.Many2one(related="deadline_id.partner_id", string="Customer")
    user_id = fields.Many2one(related="deadline_id.user_id", string="Salesperson")
    date_expiry = fields.Date(
        string="Term Expiry",
        required=True,
        readonly=True,
        help="Expiry date of the term this e-mail belongs to; a renewal starts a new ladder.",
    )
    date_due = fields.Date(
        string="Send On",
        required=True,
        help="The e-mail goes out automatically on this day unless it is cancelled.",
    )
    state = fields.Selection(selection_add=[("queued",), ("sent", "Sent")], ondelete={"sent": "cascade"})
    is_customized = fields.Boolean(
        string="Edited",
        readonly=True,
        help="The subject and body below are sent instead of the stage's template.",
    )
    subject = fields.Char()
    body_html = fields.Html(string="Body", sanitize_style=True)
    date_sent = fields.Datetime(
        string="Sent On", readonly=True, help="When the mail server accepted the e-mail."
    )
    cancel_code = fields.Selection(selection_add=CANCEL_CODES)

    _sql_constraints = [
        (
            "deadline_stage_term_uniq",
            "unique(deadline_id, stage_id, date_expiry)",
            "Each reminder stage is sent once per deadline term.",
        ),
    ]

    def _compute_display_name(self):
        for reminder in self:
            reminder.display_name = f"{reminder.deadline_id.name or ''} - {reminder.stage_id.name or ''}"

    # ------------------------------------------------------------------
    # User actions
    # ------------------------------------------------------------------
    def _check_scheduled(self):
        if self.filtered(lambda r: r.state != "scheduled"):
            raise UserError(self.env._("Only scheduled e-mails can be changed, sent or cancelled."))

    def write(self, vals):
        if {"date_due", "subject", "body_html"} & set(vals):
            self._check_scheduled()
        if ("subject" in vals or "body_html" in vals) and "is_customized" not in vals:
            vals = dict(vals, is_customized=True)
        result = super().write(vals)
        if "date_due" in vals:
            for reminder in self.filtered("activity_id"):
                # sudo: the e-mail's own activity follows the date the user may write (write() checked)
                reminder.activity_id.sudo().date_deadline = reminder.date_due
        return result

    def action_customize(self):
        """Copy the template's text into the e-mail so that it can be edited."""
        self._expiry_check_access("write")
        self._check_scheduled()
        for reminder in self:
            # sudo: rendered for the user's own deadline (write access checked above)
            template = reminder.stage_id.mail_template_id.sudo()
            res_id = reminder.deadline_id.id
            reminder.write(
                {
                    "subject": template._render_field("subject", [res_id], compute_lang=True)[res_id],
                    "body_html": template._render_field("body_html", [res_id], compute_lang=True)[res_id],
                }
            )
        return True

    def action_reset_template(self):
        self._expiry_check_access("write")
        self._check_scheduled()
        self.write({"is_customized": False, "subject": False, "body_html": False})
        return True

    def _step_check_user_access(self, operation):
        self._expiry_check_access("write")

    def action_send_now(self):
        """Send these scheduled e-mails now instead of on their day."""
        return self.action_process_now()

    # ------------------------------------------------------------------
    # State changes (no access check: callers decide)
    # ------------------------------------------------------------------
    def _step_on_closed(self):
        # the salesperson's "timed e-mail" activity goes with the e-mail
        # sudo: the e-mail's own activity, removed with it (internal, callers decide)
        self.activity_id.sudo().unlink()
        return super()._step_on_closed()

    @api.model
    def _cancel_obsolete(self, deadlines):
        """Cancel what is left of a ladder once the deadline moved on: renewed
        (new expiry date, so a new ladder), closed or cancelled."""
        # sudo: the e-mails of the deadlines being written (their company), cancelled with them
        reminders = self.sudo().search(
            [("deadline_id", "in", deadlines.ids), ("state", "in", ("scheduled", "queued"))]
        )
        renewed = reminders.filtered(lambda r: r.date_expiry != r.deadline_id.date_expiry)
        renewed._set_cancelled(
            self.env._("The expiry date changed (renewal or correction): a new reminder ladder starts."),
            "renewed",
        )
        ended = (reminders - renewed).filtered(lambda r: r.deadline_id.state in ("closed", "cancelled"))
        ended._set_cancelled(self.env._("The deadline is closed or cancelled."), "ended")

    # ------------------------------------------------------------------
    # The daily scheduled action (expiry_daily_pass.py)
    # ------------------------------------------------------------------
    @api.model
    def _cron_daily_pass(self):
        """Entry point of the scheduled action "Deadlines: daily pass"."""
        return self.env["expiry.daily.pass"]._run()
