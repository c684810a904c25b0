# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
from collections import defaultdict

import psycopg2
from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, mute_logger

from ..tools import CRASH_ERRORS, RECORD_ERRORS, expiry_range_for_due, reminder_window

_logger = logging.getLogger(__name__)

REMINDER_STATES = [
    ("scheduled", "Scheduled"),
    ("sent", "Sent"),
    ("cancelled", "Cancelled"),
    ("failed", "Failed"),
]
# Why a timed e-mail was cancelled. "renewed": its term was replaced; if the
# renewal is rolled back (order cancelled), the term comes back and so does
# the e-mail (see _prepare_reminders).
CANCEL_CODES = [
    ("renewed", "Term replaced"),
    ("ended", "Deadline ended"),
    ("stale", "Too late"),
    ("stage", "Stage archived"),
    ("user", "By a user"),
]


class ExpiryReminder(models.Model):
    """A timed e-mail: one stage of the ladder for one term of a deadline.

    Rows are prepared ``upcoming_days`` before they are due, so that the
    salesperson sees them (list, deadline form, activities) and can edit the
    text or the date, send them at once or cancel them. Whatever is left
    scheduled goes out on its due date with the daily scheduled action.

    Exactly once: ``(deadline_id, stage_id, date_expiry)`` is unique in the
    database, and the scheduled action claims the rows it sends with
    ``FOR UPDATE SKIP LOCKED``, in the same transaction that marks them sent
    and queues their ``mail.mail``.
    """

    _name = "expiry.reminder"
    _description = "Timed E-mail"
    _order = "date_due desc, id desc"
    _rec_name = "stage_id"
    _check_company_auto = True

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
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
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
    state = fields.Selection(REMINDER_STATES, default="scheduled", required=True, readonly=True, index=True)
    is_customized = fields.Boolean(
        string="Edited",
        readonly=True,
        help="The subject and body below are sent instead of the stage's template.",
    )
    subject = fields.Char()
    body_html = fields.Html(string="Body", sanitize_style=True)
    mail_id = fields.Many2one(
        "mail.mail", string="E-mail", readonly=True, ondelete="set null", index="btree_not_null"
    )
    date_sent = fields.Datetime(string="Sent On", readonly=True)
    error = fields.Text(string="Reason", readonly=True, help="Why the e-mail was not sent.")
    cancel_code = fields.Selection(CANCEL_CODES, string="Cancelled Because", readonly=True)
    activity_id = fields.Many2one("mail.activity", readonly=True, ondelete="set null", index="btree_not_null")

    _sql_constraints = [
        (
            "deadline_stage_term_uniq",
            "unique(deadline_id, stage_id, date_expiry)",
            "Each reminder stage is sent once per deadline term.",
        ),
    ]

    def init(self):
        # What the scheduled action selects: scheduled rows by due date.
        self.env.cr.execute(
            """
            CREATE INDEX IF NOT EXISTS expiry_reminder_scheduled_due_idx
                ON expiry_reminder (company_id, date_due, id)
             WHERE state = 'scheduled'
            """
        )

    def _compute_display_name(self):
        for reminder in self:
            reminder.display_name = f"{reminder.deadline_id.name or ''} - {reminder.stage_id.name or ''}"

    # ------------------------------------------------------------------
    # User actions
    # ------------------------------------------------------------------
    def _check_scheduled(self):
        if self.filtered(lambda r: r.state != "scheduled"):
            raise UserError(_("Only scheduled e-mails can be changed, sent or cancelled."))

    def write(self, vals):
        protected = set(vals) - {"date_due", "subject", "body_html", "is_customized"}
        if protected and not self.env.su:
            # the log of what was sent is written by the module only
            raise UserError(_("Use the buttons to send, cancel or retry a timed e-mail."))
        if {"date_due", "subject", "body_html"} & set(vals):
            self._check_scheduled()
        if ("subject" in vals or "body_html" in vals) and "is_customized" not in vals:
            vals = dict(vals, is_customized=True)
        result = super().write(vals)
        if "date_due" in vals:
            for reminder in self.filtered("activity_id"):
                reminder.activity_id.sudo().date_deadline = reminder.date_due
        return result

    def action_customize(self):
        """Copy the template's text into the e-mail so that it can be edited."""
        self._check_scheduled()
        for reminder in self:
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
        self._check_scheduled()
        self.write({"is_customized": False, "subject": False, "body_html": False})
        return True

    def action_send_now(self):
        self._check_scheduled()
        # Lock the rows: the scheduled action may be sending them right now.
        self.flush_model()
        try:
            with self.env.cr.savepoint(flush=False), mute_logger("odoo.sql_db"):
                self.env.cr.execute(
                    SQL(
                        "SELECT id FROM expiry_reminder WHERE id IN %s AND state = 'scheduled' FOR UPDATE NOWAIT",
                        tuple(self.ids),
                    )
                )
        except psycopg2.errors.LockNotAvailable as error:
            raise UserError(
                _("The e-mail is being sent by the scheduled action right now; try again in a minute.")
            ) from error
        self.sudo()._send()
        failed = self.filtered(lambda r: r.state == "failed")
        if failed:
            raise UserError(
                _(
                    "The e-mail could not be sent: %(reason)s",
                    reason="; ".join(failed.mapped("error")),
                )
            )
        return True

    def action_cancel(self):
        self._check_scheduled()
        self.sudo()._set_cancelled(_("Cancelled by %s.", self.env.user.name), "user")
        return True

    def action_retry(self):
        """Reschedule failed e-mails (e.g. after fixing the customer's address)."""
        if self.filtered(lambda r: r.state != "failed"):
            raise UserError(_("Only failed e-mails can be retried."))
        Deadline = self.env["expiry.deadline"]
        self.sudo().write({"state": "scheduled", "error": False})
        for reminder in self:
            reminder.date_due = max(reminder.date_due, Deadline._company_today(reminder.company_id))
        return True

    # ------------------------------------------------------------------
    # State changes (no access check: callers decide)
    # ------------------------------------------------------------------
    def _set_cancelled(self, reason, code=False):
        scheduled = self.filtered(lambda r: r.state == "scheduled")
        scheduled.activity_id.sudo().unlink()
        scheduled.write({"state": "cancelled", "error": reason, "cancel_code": code})

    def _set_failed(self, reason):
        self.activity_id.sudo().unlink()
        self.write({"state": "failed", "error": reason})

    @api.model
    def _cancel_obsolete(self, deadlines):
        """Cancel what is left of a ladder once the deadline moved on: renewed
        (new expiry date, so a new ladder), closed or cancelled."""
        reminders = self.sudo().search([("deadline_id", "in", deadlines.ids), ("state", "=", "scheduled")])
        renewed = reminders.filtered(lambda r: r.date_expiry != r.deadline_id.date_expiry)
        renewed._set_cancelled(
            _("The expiry date changed (renewal or correction): a new reminder ladder starts."), "renewed"
        )
        ended = (reminders - renewed).filtered(lambda r: r.deadline_id.state in ("closed", "cancelled"))
        ended._set_cancelled(_("The deadline is closed or cancelled."), "ended")

    # ------------------------------------------------------------------
    # Preparing the ladder
    # ------------------------------------------------------------------
    @api.model
    def _prepare_reminders(self, company, today):
        """Create the reminders due from ``today - catch-up`` to
        ``today + upcoming`` for ``company``: one INSERT per stage, whatever the
        number of deadlines; the unique constraint skips existing ones.

        :return: the new reminders
        """
        deadline_model = self.env["expiry.deadline"].sudo().with_context(active_test=False)
        first, last = reminder_window(
            today,
            deadline_model._get_expiry_param("upcoming_days"),
            deadline_model._get_expiry_param("reminder_catchup_days"),
        )
        stages = self.env["expiry.reminder.stage"].sudo().search([("company_id", "in", (False, company.id))])
        self.env["expiry.reminder"].flush_model()
        new_ids = []
        for stage in stages:
            expiry_from, expiry_to = expiry_range_for_due(first, last, stage.offset_days)
            domain = stage._deadline_domain(company) + [
                ("date_expiry", ">=", expiry_from),
                ("date_expiry", "<=", expiry_to),
            ]
            query = deadline_model._search(domain)
            # execute_query flushes what the deadline domain reads
            rows = self.env.execute_query(
                SQL(
                    """
                    INSERT INTO expiry_reminder
                        (deadline_id, stage_id, company_id, date_expiry, date_due, state,
                         is_customized, create_uid, write_uid, create_date, write_date)
                    -- date_due: reminder_due_date(date_expiry, offset_days), in SQL
                    SELECT d.id, %(stage)s, d.company_id, d.date_expiry, d.date_expiry + %(offset)s,
                           'scheduled', FALSE, %(uid)s, %(uid)s,
                           NOW() AT TIME ZONE 'UTC', NOW() AT TIME ZONE 'UTC'
                      FROM expiry_deadline d
                     WHERE d.id IN %(ids)s
                    -- a row cancelled because its term was replaced comes back
                    -- when the term does (the renewal was rolled back)
                    ON CONFLICT (deadline_id, stage_id, date_expiry) DO UPDATE
                       SET state = 'scheduled', error = NULL, cancel_code = NULL,
                           date_due = EXCLUDED.date_due, write_uid = EXCLUDED.write_uid,
                           write_date = EXCLUDED.write_date
                     WHERE expiry_reminder.state = 'cancelled'
                       AND expiry_reminder.cancel_code = 'renewed'
                    RETURNING id
                    """,
                    stage=stage.id,
                    offset=stage.offset_days,
                    uid=self.env.uid,
                    ids=query.subselect(),
                )
            )
            new_ids.extend(row[0] for row in rows)
        if new_ids:
            # rows inserted (or reopened) in SQL: the ORM cache is stale
            self.env["expiry.deadline"].invalidate_model(["reminder_ids"])
            self.invalidate_model(["state", "error", "cancel_code", "date_due"])
        reminders = self.browse(new_ids)
        reminders._schedule_review_activities()
        return reminders

    def _schedule_review_activities(self):
        """Show the salesperson the e-mails about to go out, in their activities."""
        activity_type = self.env.ref(
            "expiry_management.mail_activity_type_timed_email", raise_if_not_found=False
        )
        if not activity_type or not self:
            return
        model_id = self.env["ir.model"]._get_id("expiry.deadline")
        todo = self.filtered(lambda r: r.deadline_id.user_id and r.state == "scheduled")
        vals_list = [
            {
                "res_model_id": model_id,
                "res_id": reminder.deadline_id.id,
                "activity_type_id": activity_type.id,
                "user_id": reminder.deadline_id.user_id.id,
                "date_deadline": reminder.date_due,
                "summary": self.env._("Timed e-mail: %s", reminder.stage_id.name),
                "note": self.env._(
                    "This e-mail goes out automatically on its date. Open the Timed E-mails "
                    "of the deadline to edit it, send it now or cancel it."
                ),
            }
            for reminder in todo
        ]
        # mail.activity.create() subscribes the users per batch and fails on a
        # document listed twice: one round per reminder of the same deadline.
        Activity = self.env["mail.activity"].sudo().with_context(mail_activity_quick_update=True)
        rounds = []
        for reminder, vals in zip(todo, vals_list, strict=False):
            for batch in rounds:
                if reminder.deadline_id.id not in batch:
                    batch[reminder.deadline_id.id] = (reminder, vals)
                    break
            else:
                rounds.append({reminder.deadline_id.id: (reminder, vals)})
        for batch in rounds:
            pairs = list(batch.values())
            activities = Activity.create([vals for _reminder, vals in pairs])
            for (reminder, _vals), activity in zip(pairs, activities, strict=False):
                reminder.activity_id = activity

    # ------------------------------------------------------------------
    # Sending
    # ------------------------------------------------------------------
    @api.model
    def _claim_due(self, company, today, limit):
        """Lock and return up to ``limit`` scheduled reminders due by ``today``.

        ``SKIP LOCKED``: rows another worker is sending are left to it; a row
        it already sent and committed fails the lock with a serialization
        error (repeatable read), which rolls this run back: never twice.
        """
        self.flush_model()
        self.env.cr.execute(
            SQL(
                """
                SELECT id FROM expiry_reminder
                 WHERE state = 'scheduled' AND company_id = %s AND date_due <= %s
                 ORDER BY date_due, id
                 LIMIT %s
                   FOR UPDATE SKIP LOCKED
                """,
                company.id,
                today,
                limit,
            )
        )
        return self.browse([row[0] for row in self.env.cr.fetchall()])

    @api.model
    def _cancel_stale(self, company, today):
        """Reminders due longer ago than the catch-up tolerance (the server was
        down) are not sent late: a "60 days before" mail two weeks before
        expiry would be wrong. They are cancelled with the reason."""
        catchup = self.env["expiry.deadline"]._get_expiry_param("reminder_catchup_days")
        first, _last = reminder_window(today, 0, catchup)
        stale = self.sudo().search(
            [("company_id", "=", company.id), ("state", "=", "scheduled"), ("date_due", "<", first)]
        )
        stale._set_cancelled(
            _("Not sent: it was due more than %s days ago when the scheduler ran.", catchup), "stale"
        )
        return stale

    def _send(self):
        """Queue the e-mails of these scheduled reminders (one ``mail.mail``
        each, rendered in the customer's language), mark them sent, and
        schedule the stages' callbacks. A reminder that cannot be sent is
        marked failed with a readable reason; the others still go out."""
        reminders = self.filtered(lambda r: r.state == "scheduled")
        if not reminders:
            return self
        reminders.fetch(["deadline_id", "stage_id", "date_expiry", "is_customized", "subject", "body_html"])
        reminders.deadline_id.fetch(["partner_id", "user_id", "state", "date_expiry", "company_id"])
        groups = defaultdict(lambda: self.browse())
        for reminder in reminders:
            deadline, stage = reminder.deadline_id, reminder.stage_id
            if not stage.active:
                reminder._set_cancelled(_("The reminder stage %s is archived.", stage.name), "stage")
            elif deadline.date_expiry != reminder.date_expiry:
                reminder._set_cancelled(_("The deadline was renewed in the meantime."), "renewed")
            elif deadline.state in ("closed", "cancelled", "draft"):
                reminder._set_cancelled(_("The deadline was closed or cancelled in the meantime."), "ended")
            elif stage.only_if_expired and deadline.state != "expired":
                reminder._set_cancelled(_("The deadline did not expire."), "ended")
            elif not deadline.partner_id.email_normalized:
                reminder._set_failed(
                    _("The customer %s has no valid e-mail address.", deadline.partner_id.display_name)
                )
            else:
                cc = deadline.user_id.email if stage.copy_salesperson and deadline.user_id.email else False
                key = (stage.mail_template_id, cc, reminder.id if reminder.is_customized else False)
                groups[key] |= reminder
        sent = self.browse()
        for (template, cc, customized), group in groups.items():
            email_values = {"email_cc": cc} if cc else {}
            if customized:
                email_values.update(subject=group.subject, body_html=group.body_html)
            sent |= group._send_group(template, email_values)
        if sent:
            mail_cron = self.env.ref("mail.ir_cron_mail_scheduler_action", raise_if_not_found=False)
            if mail_cron:
                mail_cron.sudo()._trigger()
        return sent

    def _send_group(self, template, email_values):
        """Render and queue the mails of reminders sharing a template, mark
        them sent, log them and schedule their callbacks, all or nothing; on
        an error, retry one by one so that one bad record fails alone. A crash
        (CRASH_ERRORS) is not a record's fault: it rolls the run back."""
        try:
            with self.env.cr.savepoint():
                mails = self._queue_mails(template, email_values)
                self._mark_sent(mails)
                self._schedule_callbacks()
        except CRASH_ERRORS:
            raise
        except Exception as error:  # noqa: BLE001 - reported on the reminder, never a traceback
            if len(self) == 1:
                _logger.info("Timed e-mail %s could not be sent: %s", self.id, error)
                self._set_failed(_("The e-mail could not be prepared: %s", error))
                return self.browse()
            sent = self.browse()
            for reminder in self:
                sent |= reminder._send_group(template, email_values)
            return sent
        return self

    def _mark_sent(self, mails):
        """Link the queued ``mails`` to these reminders, mark them sent and log
        them in the deadlines' chatter."""
        mail_by_deadline = {mail.res_id: mail.id for mail in mails}
        self.activity_id.sudo().unlink()
        # One write for the whole batch (automation rules on reminders see
        # it once, not once per record), then the per-record mail link in a
        # single UPDATE.
        self.write({"state": "sent", "date_sent": fields.Datetime.now(), "error": False})
        self.flush_recordset()
        self.env.cr.execute(
            SQL(
                """
                UPDATE expiry_reminder AS r SET mail_id = v.mail_id
                  FROM (VALUES %s) AS v(id, mail_id)
                 WHERE r.id = v.id
                """,
                SQL(", ").join(
                    SQL("(%s, %s)", reminder.id, mail_by_deadline[reminder.deadline_id.id])
                    for reminder in self
                ),
            )
        )
        self.invalidate_recordset(["mail_id"])
        # Template mails stay out of the chatter: log one note per deadline,
        # in one batch, so that the salesperson sees what went out.
        self.deadline_id._message_log_batch(
            {
                reminder.deadline_id.id: Markup("<p>%s</p>")
                % _(
                    "Timed e-mail “%(stage)s” sent to %(email)s.",
                    stage=reminder.stage_id.name,
                    email=reminder.deadline_id.partner_id.email_formatted,
                )
                for reminder in self
            }
        )

    def _queue_mails(self, template, email_values):
        return template.sudo().send_mail_batch(self.deadline_id.ids, email_values=email_values)

    def _schedule_callbacks(self):
        """Callback activities for the salesperson (seed 000): they stay
        overdue in their activities until done (which records the partner's
        last callback date) or cancelled. One open callback per deadline."""
        callback_type = self.env.ref(
            "expiry_management.mail_activity_type_callback", raise_if_not_found=False
        )
        deadlines = self.filtered(
            lambda r: r.stage_id.schedule_callback and r.deadline_id.user_id
        ).deadline_id
        if not callback_type or not deadlines:
            return
        open_ones = (
            self.env["mail.activity"]
            .sudo()
            .search(
                [
                    ("res_model", "=", "expiry.deadline"),
                    ("res_id", "in", deadlines.ids),
                    ("activity_type_id", "=", callback_type.id),
                ]
            )
        )
        deadlines = deadlines.filtered(lambda d: d.id not in set(open_ones.mapped("res_id")))
        if not deadlines:
            return
        model_id = self.env["ir.model"]._get_id("expiry.deadline")
        self.env["mail.activity"].sudo().with_context(mail_activity_quick_update=True).create(
            [
                {
                    "res_model_id": model_id,
                    "res_id": deadline.id,
                    "activity_type_id": callback_type.id,
                    "user_id": deadline.user_id.id,
                    "date_deadline": self.env["expiry.deadline"]._company_today(deadline.company_id),
                    "summary": self.env._("Call %s about the renewal", deadline.partner_id.display_name),
                }
                for deadline in deadlines
            ]
        )

    # ------------------------------------------------------------------
    # The daily scheduled action
    # ------------------------------------------------------------------
    @api.model
    def _cron_daily_pass(self):
        """Daily pass over all companies, each in its own time zone: deadline
        states, urgency, the reminder ladder. Processes at most one batch of
        state changes and one batch of e-mails per run; when work is left it
        reports progress and returns, so that the cron framework commits and
        runs it again. Every step is idempotent, so a crash or a timeout
        loses and duplicates nothing: the next run continues."""
        deadline_model = self.env["expiry.deadline"].sudo()
        batch = max(deadline_model._get_expiry_param("reminder_batch_size"), 1)
        done = remaining = 0
        for company in self.env["res.company"].sudo().search([]):
            count, left = self._cron_daily_pass_company(company, batch)
            done += count
            remaining += left
        deadline_model._refresh_urgency()
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
        return done, remaining

    @api.model
    def _cron_daily_pass_company(self, company, batch):
        """One batch of the daily pass for ``company``, in its time zone. Each
        step has its own savepoint: a step that fails for this company is
        logged and the next steps, and the other companies, go on.

        :return: ``(processed, still to process)``
        """
        deadline_model = self.env["expiry.deadline"].sudo()
        today = deadline_model._company_today(company)
        done = remaining = 0
        steps = [
            ("states", lambda: deadline_model._cron_update_states(company, today, batch)),
            ("stale", lambda: self._cancel_stale(company, today)),
            ("prepare", lambda: self._prepare_reminders(company, today)),
            ("send", lambda: self._send_due_reminders(company, today, batch)),
        ]
        for name, step in steps:
            try:
                with self.env.cr.savepoint():
                    result = step()
            except RECORD_ERRORS as error:
                _logger.warning("Daily pass, company %s, step %s failed: %s", company.name, name, error)
                continue
            if isinstance(result, tuple):
                done += result[0]
                remaining += result[1]
        return done, remaining

    @api.model
    def _send_due_reminders(self, company, today, limit):
        """Send one batch of due reminders of ``company``.

        :return: ``(processed, still due)``
        """
        reminders = self.sudo()._claim_due(company, today, limit)
        reminders._send()
        left = 0
        if len(reminders) >= limit:
            left = self.sudo().search_count(
                [("company_id", "=", company.id), ("state", "=", "scheduled"), ("date_due", "<=", today)]
            )
        return len(reminders), left
