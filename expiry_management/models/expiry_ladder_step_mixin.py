# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
from datetime import timedelta

import psycopg2

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, format_datetime, mute_logger

from ..tools import run_batch

_logger = logging.getLogger(__name__)

# Every ladder's states; each adds its done state (selection_add after
# "queued"): reminders "sent", collection steps "done".
STEP_STATES = [
    ("scheduled", "Scheduled"),
    ("queued", "Sending"),
    ("cancelled", "Cancelled"),
    ("failed", "Failed"),
]
# Why a step was cancelled; each ladder adds its own codes. "stale": due
# longer ago than the catch-up tolerance when the pass ran (it did not run
# for days): not sent late.
STEP_CANCEL_CODES = [("stale", "Too late"), ("user", "By a user")]
# Backoff of an e-mail's automatic retries after a transient failure (mail
# server down, "try later"): 1 hour, 3 hours, 9 hours, then once a day.
RETRY_FIRST_DELAY = timedelta(hours=1)
RETRY_FACTOR = 3
RETRY_MAX_DELAY = timedelta(days=1)
# The fields of a step's log, written by the module only (see create()).
STEP_LOG_FIELDS = (
    "state",
    "cancel_code",
    "error",
    "mail_id",
    "activity_id",
    "delivery_attempts",
    "date_next_attempt",
)
# The states of a step's e-mail that the mail server has not accepted (yet).
UNDELIVERED_MAIL_STATES = ("outgoing", "exception")


class ExpiryLadderStepMixin(models.AbstractModel):
    """A ladder: one row per step and subject (a timed e-mail per stage and
    deadline term; a collection step per invoice), unique in the database,
    that the daily pass claims when due and processes in batches, each batch
    all or nothing, so that a crash loses and duplicates nothing and a bad
    row fails alone with its reason.

    The mixin owns the step's life: its state (scheduled, queued while its
    e-mail is being delivered, done, cancelled, failed), why it was
    cancelled, what it produced (e-mail, activity), the delivery of its
    e-mail (done when the mail server accepted it, retried with a backoff
    on a transient failure: see mail_mail.py) and the user actions (process
    now, cancel, retry). A ladder supplies its unique key, its done state
    (``_step_done_state``, extended into ``state`` with selection_add), the
    field of its done date, ``_step_check_user_access`` (who may act on its
    rows) and ``_step_process`` (how a batch of due rows is processed).
    """

    _name = "expiry.ladder.step.mixin"
    _description = "Ladder Step (sent log)"
    #: the state of a step whose message went out
    _step_done_state = "sent"
    #: the field of the date it went out
    _step_date_done_field = "date_done"
    #: the fields users may write themselves; the rest is the ladder's log,
    #: written by the module only (through the user actions below)
    _step_user_fields = frozenset()

    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    date_due = fields.Date(
        string="Due On",
        required=True,
        help="The step is processed automatically on this day unless it is cancelled.",
    )
    state = fields.Selection(STEP_STATES, default="scheduled", required=True, readonly=True, index=True)
    cancel_code = fields.Selection(STEP_CANCEL_CODES, string="Cancelled Because", readonly=True)
    error = fields.Text(string="Reason", readonly=True, help="Why the step was not done (yet).")
    mail_id = fields.Many2one(
        "mail.mail", string="E-mail", readonly=True, ondelete="set null", index="btree_not_null"
    )
    activity_id = fields.Many2one("mail.activity", readonly=True, ondelete="set null", index="btree_not_null")
    delivery_attempts = fields.Integer(
        string="Delivery Retries",
        readonly=True,
        help="Times the mail server could not be reached or asked to try later: the e-mail is sent "
        "again automatically, a little later each time, up to the number of retries of the settings.",
    )
    date_next_attempt = fields.Datetime(
        string="Next Retry", readonly=True, help="When the e-mail is sent again after a transient failure."
    )

    def init(self):
        if self._abstract:
            return
        # What the daily pass selects: scheduled rows by company and due date.
        self.env.cr.execute(
            SQL(
                "CREATE INDEX IF NOT EXISTS %s ON %s (company_id, date_due, id) WHERE state = 'scheduled'",
                SQL.identifier(f"{self._table}_scheduled_due_idx"),
                SQL.identifier(self._table),
            )
        )

    # ------------------------------------------------------------------
    # Claiming due rows
    # ------------------------------------------------------------------
    @api.model
    def _claim_due(self, company, today, limit):
        """Lock and return up to ``limit`` scheduled rows due by ``today``.

        ``SKIP LOCKED``: rows another worker is processing are left to it; a
        row it already processed and committed fails the lock with a
        serialization error (repeatable read), which rolls this run back:
        never twice.
        """
        self.flush_model()
        self.env.cr.execute(
            SQL(
                """
                SELECT id FROM %s
                 WHERE state = 'scheduled' AND company_id = %s AND date_due <= %s
                 ORDER BY date_due, id
                 LIMIT %s
                   FOR UPDATE SKIP LOCKED
                """,
                SQL.identifier(self._table),
                company.id,
                today,
                limit,
            )
        )
        return self.browse([row[0] for row in self.env.cr.fetchall()])

    @api.model
    def _process_due(self, company, today, limit):
        """Process one batch of due rows of ``company``.

        :return: ``(processed, still due)``
        """
        # sudo: the daily pass of one company (scheduled action)
        rows = self.sudo()._claim_due(company, today, limit)
        rows._step_process()
        left = 0
        if len(rows) >= limit:
            # sudo: the daily pass of one company (scheduled action)
            left = self.sudo().search_count(
                [("company_id", "=", company.id), ("state", "=", "scheduled"), ("date_due", "<=", today)]
            )
        return len(rows), left

    def _step_process(self):
        """Process these claimed rows (send their e-mails, ...)."""
        raise NotImplementedError()

    # ------------------------------------------------------------------
    # All or nothing per batch, one by one on an error
    # ------------------------------------------------------------------
    def _step_run_batch(self, process, describe_error):
        """Run ``process(rows)`` for these rows (tools.run_batch: all or
        nothing, then one by one); a bad row is marked failed with
        ``describe_error(error)``.

        :return: the rows processed
        """
        return run_batch(self, process, lambda row, error: row._set_failed(describe_error(error)))

    # ------------------------------------------------------------------
    # User actions (rights checked per ladder, then the NOWAIT lock)
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        # the log (state, links to what was produced, delivery) is the module's:
        # a user creating a row (a manager may) cannot forge it, nor tie a row to
        # someone else's e-mail, whose delivery would then drive it (mail_mail.py)
        if not self.env.su:
            log_fields = set(STEP_LOG_FIELDS) | {self._step_date_done_field}
            if any(log_fields & set(vals) for vals in vals_list):
                raise UserError(self.env._("Use the buttons to process, cancel or retry a step."))
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su and set(vals) - self._step_user_fields:
            raise UserError(self.env._("Use the buttons to process, cancel or retry a step."))
        return super().write(vals)

    def _step_check_user_access(self, operation):
        """Raise unless the current user may ``operation`` ("process",
        "cancel", "retry") these rows: the ladder's rights, checked before
        any sudo."""
        raise NotImplementedError()

    def _step_check_state(self, states, message):
        if self.filtered(lambda r: r.state not in states):
            raise UserError(message)

    def action_process_now(self):
        """Process these scheduled steps now instead of on their day."""
        self._step_check_user_access("process")
        self._step_check_state(("scheduled",), self.env._("Only scheduled steps can be processed now."))
        self._step_lock_for_user()
        # sudo: rights checked above (_step_check_user_access); the ladder writes its log
        self.sudo()._step_process()
        failed = self.filtered(lambda r: r.state == "failed")
        if failed:
            raise UserError(self.env._("The step failed: %s", "; ".join(failed.mapped("error"))))
        return True

    def action_cancel(self):
        """Cancel these steps: scheduled ones before they go out, failed ones
        so that the ladder goes on without them."""
        self._step_check_user_access("cancel")
        self._step_check_state(
            ("scheduled", "failed"), self.env._("Only scheduled or failed steps can be cancelled.")
        )
        self._step_lock_for_user()
        # sudo: rights checked above (_step_check_user_access); the ladder writes its log
        self.sudo()._set_cancelled(self.env._("Cancelled by %s.", self.env.user.name), "user")
        return True

    def action_retry(self):
        """Schedule failed steps again (e.g. after fixing the customer's
        address): they go out with the next pass, as a new e-mail."""
        self._step_check_user_access("retry")
        self._step_check_state(("failed",), self.env._("Only failed steps can be retried."))
        self._step_lock_for_user()
        Deadline = self.env["expiry.deadline"]
        # sudo: rights checked above (_step_check_user_access); the ladder writes its log
        rows = self.sudo()
        rows.write({"state": "scheduled", "error": False, "delivery_attempts": 0, "date_next_attempt": False})
        # a new e-mail goes out: the failed one leaves the mail queue (never sent twice from there)
        rows.mail_id.filtered(lambda m: m.state in UNDELIVERED_MAIL_STATES).write({"state": "cancel"})
        for row in rows:
            today = Deadline._company_today(row.company_id)
            if row.date_due < today:
                row.date_due = today
        return True

    # ------------------------------------------------------------------
    # Delivery of the e-mails (called by mail.mail, see mail_mail.py)
    # ------------------------------------------------------------------
    def _step_queued(self):
        """These rows' e-mails are queued: they are done when the mail server
        accepted them."""
        self.write({"state": "queued", "error": False, "date_next_attempt": False})

    def _step_delivered(self):
        """The mail server accepted these rows' e-mails."""
        self.write(
            {
                "state": self._step_done_state,
                self._step_date_done_field: fields.Datetime.now(),
                "error": False,
                "date_next_attempt": False,
            }
        )

    def _step_delivery_failed(self, reason, transient):
        """The mail server did not take these rows' e-mails. A transient
        failure (server unreachable, "try later") sends the same e-mail
        again later, with a growing wait, up to ``delivery_retries`` times;
        then, or at once on a permanent failure, the row fails with the
        server's reason."""
        Deadline = self.env["expiry.deadline"]
        now = fields.Datetime.now()
        for row in self:
            retries = Deadline._get_expiry_param("delivery_retries", row.company_id)
            if transient and row.mail_id and row.delivery_attempts < retries:
                when = now + row._step_retry_delay(row.delivery_attempts + 1)
                row.mail_id.write({"state": "outgoing", "scheduled_date": when})
                row.write(
                    {
                        "state": "queued",
                        "delivery_attempts": row.delivery_attempts + 1,
                        "date_next_attempt": when,
                        "error": self.env._(
                            "Not delivered yet (%(reason)s): retrying on %(date)s.",
                            reason=reason,
                            date=format_datetime(self.env, when, tz=row.company_id.partner_id.tz or "UTC"),
                        ),
                    }
                )
            else:
                row.date_next_attempt = False
                row._set_failed(self.env._("The mail server did not deliver the e-mail: %s", reason))

    @api.model
    def _step_retry_delay(self, attempt):
        """The wait before the ``attempt``-th retry (1, 2, ...)."""
        return min(RETRY_FIRST_DELAY * RETRY_FACTOR ** (attempt - 1), RETRY_MAX_DELAY)

    # ------------------------------------------------------------------
    # State changes (no access check: callers decide)
    # ------------------------------------------------------------------
    def _step_on_closed(self):
        """Hook: these rows stop waiting (done, cancelled or failed)."""
        return True

    def _set_cancelled(self, reason, code=False, values=None):
        """Cancel these scheduled, failed or queued rows (their e-mail not
        accepted by the mail server yet, e.g. waiting for a retry), with the
        reason and its code; their e-mails that did not go out are withdrawn
        from the mail queue, so that they never go out late."""
        rows = self.filtered(
            lambda r: r.state in ("scheduled", "failed")
            or (r.state == "queued" and r.mail_id.state in UNDELIVERED_MAIL_STATES)
        )
        rows._step_on_closed()
        rows.write(
            dict(values or {}, state="cancelled", error=reason, cancel_code=code, date_next_attempt=False)
        )
        # after the rows' state: the mail's cancellation must not fail them (mail_mail.py)
        # sudo: the e-mails of these rows only, withdrawn with them
        mails = rows.mail_id.sudo().filtered(lambda m: m.state in UNDELIVERED_MAIL_STATES)
        if mails:
            # one e-mail of several steps (one per customer) stays for those still waiting for it
            # sudo: the other steps of these e-mails, only to know whether they still wait for them
            mails -= self.sudo().search([("mail_id", "in", mails.ids), ("state", "=", "queued")]).mail_id
        mails.write({"state": "cancel"})

    def _step_lock_for_user(self, message=None):
        """Lock these rows for a user's action (process now, cancel, retry):
        ``NOWAIT``, so that a row the daily pass holds right now is refused
        with a clear message instead of waiting for it and then acting on a
        row the pass has just processed. The one lock of the user actions of
        every ladder."""
        if not self:
            return
        self.flush_recordset()
        try:
            with self.env.cr.savepoint(flush=False), mute_logger("odoo.sql_db"):
                self.env.cr.execute(
                    SQL(
                        "SELECT id FROM %s WHERE id IN %s FOR UPDATE NOWAIT",
                        SQL.identifier(self._table),
                        tuple(self.ids),
                    )
                )
        except psycopg2.errors.LockNotAvailable as error:
            raise UserError(
                message
                or self.env._("The daily pass is processing this step right now; try again in a minute.")
            ) from error

    def _set_failed(self, reason):
        self._step_on_closed()
        self.write({"state": "failed", "error": reason})
