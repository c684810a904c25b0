# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

import psycopg2

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, mute_logger

from ..tools import CRASH_ERRORS

_logger = logging.getLogger(__name__)


class ExpiryLadderStepMixin(models.AbstractModel):
    """The sent log of a ladder: one row per step and subject (a timed e-mail
    per stage and deadline term; a collection step per invoice), unique in
    the database, that the daily pass claims when due and processes in
    batches, each batch all or nothing, so that a crash loses and duplicates
    nothing and a bad row fails alone with its reason.

    A model using it defines ``state`` with at least ``scheduled``,
    ``cancelled``, ``failed`` and its done state (``_step_done_state``), its
    unique key, and ``_step_process`` (what processing a batch of due rows
    does, e.g. send their e-mails).
    """

    _name = "expiry.ladder.step.mixin"
    _description = "Ladder Step (sent log)"
    _step_done_state = "sent"

    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    date_due = fields.Date(
        string="Due On",
        required=True,
        help="The step is processed automatically on this day unless it is cancelled.",
    )
    error = fields.Text(string="Reason", readonly=True, help="Why the step was not done.")

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
        """Run ``process(rows)`` for these rows in a savepoint; on an error,
        roll back and run it for each row alone, so that a bad row fails
        alone (marked failed with ``describe_error(error)``). A crash
        (CRASH_ERRORS) is not a row's fault: it rolls the whole run back.

        :return: the rows processed
        """
        try:
            with self.env.cr.savepoint():
                process(self)
            return self
        except CRASH_ERRORS:
            raise
        except Exception as error:  # noqa: BLE001 - recorded on the row, never a traceback
            if len(self) == 1:
                _logger.info("%s %s failed: %s", self._name, self.id, error)
                self._set_failed(describe_error(error))
                return self.browse()
        done = self.browse()
        for row in self:
            done |= row._step_run_batch(process, describe_error)
        return done

    # ------------------------------------------------------------------
    # State changes (no access check: callers decide)
    # ------------------------------------------------------------------
    def _step_on_closed(self):
        """Hook: these rows stop waiting (done, cancelled or failed)."""
        return True

    def _set_cancelled(self, reason, values=None):
        scheduled = self.filtered(lambda r: r.state == "scheduled")
        scheduled._step_on_closed()
        scheduled.write(dict(values or {}, state="cancelled", error=reason))

    def _step_lock_for_user(self, message=None):
        """Lock these scheduled rows for a user's action (send or process now,
        cancel): ``NOWAIT``, so that a row the daily pass holds right now is
        refused with a clear message instead of waiting for it and then
        acting on a row the pass has just processed. The one lock of the
        user actions of every ladder."""
        if not self:
            return
        self.flush_recordset()
        try:
            with self.env.cr.savepoint(flush=False), mute_logger("odoo.sql_db"):
                self.env.cr.execute(
                    SQL(
                        "SELECT id FROM %s WHERE id IN %s AND state = 'scheduled' FOR UPDATE NOWAIT",
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
