# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Preparing the collection ladder: on each day of the daily pass, the row
of the step due for every overdue invoice and every missed instalment, and
the reminders of instalments due soon."""

from datetime import timedelta

from odoo import api, models
from odoo.tools import SQL

from ..tools import next_step

# The states of a step the next one waits for: not taken yet, its e-mail not
# delivered yet, or failed until a person retries or cancels it.
WAITING_STATES = ("scheduled", "queued", "failed")


class ExpiryCollectionLog(models.Model):
    _inherit = "expiry.collection.log"

    @api.model
    def _collection_prepare(self, company, today):
        """Create today's rows for ``company``: one per channel of the step
        due (see tools.next_step), for invoices and missed instalments. The
        unique key makes a second run the same day, or a second worker,
        insert nothing.

        :return: the new rows
        """
        steps = self.env["expiry.collection.step"]._get_ladder(company)
        values = []
        if steps:
            values += self._prepare_invoice_rows(company, today, steps)
            values += self._prepare_instalment_rows(company, today, steps)
        values += self._prepare_instalment_reminders(company, today)
        return self._insert_rows(values)

    @api.model
    def _ladder_keys(self, steps):
        return [(step.offset_days, step.is_final_notice, step.id) for step in steps]

    @api.model
    def _prepare_invoice_rows(self, company, today, steps):
        """Rows of the step due today for each overdue invoice of
        ``company`` that is not on a running payment plan, not handed over
        and has no step waiting: one query for all of them. A step waiting
        is one scheduled, one whose e-mail is not delivered yet (queued), or
        one that failed until a person retries or cancels it: the ladder
        never escalates on a customer who was not told."""
        self.env["account.move"].flush_model()
        self.env["expiry.deadline"].flush_model()
        self.env["expiry.collection.plan"].flush_model()
        self.flush_model()
        first_offset = min(steps.mapped("offset_days"))
        rows = self.env.execute_query(
            SQL(
                """
                SELECT m.id, m.expiry_deadline_id, COALESCE(m.invoice_date_due, m.invoice_date),
                       last.offset_days, last.date_due
                  FROM account_move m
                  JOIN expiry_deadline d ON d.id = m.expiry_deadline_id
             LEFT JOIN expiry_collection_plan p ON p.id = m.expiry_collection_plan_id AND p.state = 'active'
             LEFT JOIN LATERAL (
                       SELECT s.offset_days, MAX(l.date_due) AS date_due
                         FROM expiry_collection_log l
                         JOIN expiry_collection_step s ON s.id = l.step_id
                        WHERE l.move_id = m.id AND l.instalment_id IS NULL
                          AND (l.state IN ('done', 'failed') OR l.cancel_code = 'stale')
                     GROUP BY s.offset_days
                     ORDER BY s.offset_days DESC
                        LIMIT 1
                   ) last ON TRUE
                 WHERE m.company_id = %(company)s
                   AND m.expiry_deadline_id IS NOT NULL
                   AND m.move_type = 'out_invoice' AND m.state = 'posted'
                   AND m.payment_state IN ('not_paid', 'partial')
                   AND COALESCE(m.invoice_date_due, m.invoice_date) <= %(latest_base)s
                   AND p.id IS NULL
                   AND d.collection_agency_id IS NULL
                   AND NOT EXISTS (
                       SELECT 1 FROM expiry_collection_log w
                        WHERE w.move_id = m.id AND w.instalment_id IS NULL
                          AND w.state IN %(waiting)s
                   )
                """,
                company=company.id,
                latest_base=today - timedelta(days=first_offset),
                waiting=WAITING_STATES,
            )
        )
        keys = self._ladder_keys(steps)
        by_id = {step.id: step for step in steps}
        stale_before = self._stale_before(company, today)
        values = []
        for move_id, deadline_id, base, last_offset, last_date in rows:
            last = (last_offset, last_date) if last_offset is not None else None
            step_id = next_step(keys, base, last, today)
            if step_id:
                stale = next_step(keys, base, last, stale_before) == step_id
                values += self._prepare_row_values(
                    by_id[step_id], move_id, deadline_id, company, today, stale=stale
                )
        return values

    @api.model
    def _stale_before(self, company, today):
        """The last day of a step too old to be taken late (the catch-up
        tolerance of the timed e-mails): when the pass did not run for days
        (or runs for the first time), a step that fell due before it is
        recorded as cancelled ("stale"), not sent: the ladder goes on with
        the next step on its day (a stale step counts as passed: the ladder
        keeps its rhythm and reaches its final notice)."""
        catchup = self.env["expiry.deadline"]._get_expiry_param("reminder_catchup_days", company)
        return today - timedelta(days=catchup + 1)

    @api.model
    def _prepare_instalment_rows(self, company, today, steps):
        """Rows of the step due for each missed instalment of a running plan:
        the ladder starts again at the plan's restart step on the day the
        instalment was missed."""
        # sudo: the daily pass, scoped to ``company``
        plans = (
            self.env["expiry.collection.plan"]
            .sudo()
            .search([("company_id", "=", company.id), ("state", "=", "active")])
        )
        # the instalments' state depends on today and on the payments: never a stale cache
        plans.invalidate_recordset(["amount_paid", "amount_residual", "has_missed"])
        plans.line_ids.invalidate_recordset(["state", "amount_paid"])
        missed = plans.line_ids.filtered(lambda line: line.state == "missed")
        if not missed:
            return []
        done = {}
        # sudo: the daily pass; the steps of this company's missed instalments
        for log in self.sudo().search(
            [("instalment_id", "in", missed.ids), ("step_id", "!=", False)], order="date_due"
        ):
            if log.state in WAITING_STATES:
                done[log.instalment_id.id] = "busy"
            elif (log.state == "done" or log.cancel_code == "stale") and done.get(
                log.instalment_id.id
            ) != "busy":
                previous = done.get(log.instalment_id.id)
                if not previous or log.step_id.offset_days >= previous[0]:
                    done[log.instalment_id.id] = (log.step_id.offset_days, log.date_due)
        grace = company.expiry_plan_grace_days
        stale_before = self._stale_before(company, today)
        values = []
        for line in missed:
            if done.get(line.id) == "busy":
                continue
            plan = line.plan_id
            restart = plan.restart_step_id or company.expiry_plan_restart_step_id or steps[:1]
            ladder = steps.filtered(lambda s, r=restart: s.offset_days >= r.offset_days)
            if not ladder:
                continue
            # the restart step falls due on the day the instalment was missed
            base = line.date_due + timedelta(days=grace + 1 - restart.offset_days)
            keys = [(step.offset_days, False, step.id) for step in ladder]
            step_id = next_step(keys, base, done.get(line.id), today)
            if step_id:
                stale = next_step(keys, base, done.get(line.id), stale_before) == step_id
                values += self._prepare_row_values(
                    ladder.browse(step_id),
                    plan.move_ids[:1].id,
                    plan.deadline_id.id,
                    company,
                    today,
                    line.id,
                    stale=stale,
                )
        return values

    @api.model
    def _prepare_instalment_reminders(self, company, today):
        """An e-mail a few days before each instalment of a running plan is due."""
        days = company.expiry_plan_reminder_days
        if not days:
            return []
        # sudo: the daily pass, scoped to ``company``
        lines = (
            self.env["expiry.collection.plan.line"]
            .sudo()
            .search(
                [
                    ("company_id", "=", company.id),
                    ("plan_id.state", "=", "active"),
                    ("date_due", ">=", today),
                    ("date_due", "<=", today + timedelta(days=days)),
                ]
            )
        )
        return [
            {
                "move_id": line.plan_id.move_ids[:1].id,
                "deadline_id": line.plan_id.deadline_id.id,
                "step_id": None,
                "instalment_id": line.id,
                "channel": "email",
                "company_id": company.id,
                "date_due": today,
            }
            for line in lines
            if line.state == "pending"
        ]

    @api.model
    def _prepare_row_values(
        self, step, move_id, deadline_id, company, today, instalment_id=None, stale=False
    ):
        """The rows of ``step`` for one invoice (or instalment): one per
        channel; cancelled at once when the step is ``stale`` (see
        _stale_before)."""
        closed = {}
        if stale:
            closed = {
                "state": "cancelled",
                "cancel_code": "stale",
                "error": self.env._(
                    "Not taken: the step fell due more than %s days before the collection pass ran.",
                    self.env["expiry.deadline"]._get_expiry_param("reminder_catchup_days", company),
                ),
            }
        return [
            {
                "move_id": move_id,
                "deadline_id": deadline_id,
                "step_id": step.id,
                "instalment_id": instalment_id,
                "channel": channel,
                "company_id": company.id,
                "date_due": today,
                **closed,
            }
            for channel in step._get_channels()
        ]

    @api.model
    def _insert_rows(self, values):
        """Insert the rows, skipping those that exist (the unique key):
        one INSERT for all of them."""
        if not values:
            return self.browse()
        columns = ["move_id", "deadline_id", "step_id", "instalment_id", "channel", "company_id", "date_due"]
        columns += ["state", "cancel_code", "error"]
        defaults = {"state": "scheduled", "cancel_code": None, "error": None}
        rows = self.env.execute_query(
            SQL(
                """
                INSERT INTO expiry_collection_log (%s, create_uid, write_uid, create_date, write_date)
                VALUES %s
                ON CONFLICT DO NOTHING
                RETURNING id
                """,
                SQL(", ").join(SQL.identifier(column) for column in columns),
                SQL(", ").join(
                    SQL(
                        "(%s, %s, %s, NOW() AT TIME ZONE 'UTC', NOW() AT TIME ZONE 'UTC')",
                        SQL(", ").join(
                            SQL("%s", vals.get(column, defaults.get(column))) for column in columns
                        ),
                        self.env.uid,
                        self.env.uid,
                    )
                    for vals in values
                ),
            )
        )
        self.invalidate_model()
        return self.browse([row[0] for row in rows])

    # ------------------------------------------------------------------
    # Settling: what payments, plans and hand-overs ended
    # ------------------------------------------------------------------
    @api.model
    def _collection_settle(self, company, today):
        """Close the paid plans, cancel the steps waiting for invoices that
        were paid, handed over or put on a plan, and remove the collector's
        open call, visit and letter activities of paid invoices."""
        # sudo: the daily pass, scoped to ``company`` (as the two searches below)
        plans = (
            self.env["expiry.collection.plan"]
            .sudo()
            .search([("company_id", "=", company.id), ("state", "=", "active")])
        )
        plans._close_paid()
        # queued: their e-mail waits for a retry (the mail server was down), withdrawn if paid since
        # sudo: see above
        waiting = self.sudo().search(
            [("company_id", "=", company.id), ("state", "in", ("scheduled", "queued"))]
        )
        # what the pass counts as processed: the scheduled rows (as before the queued ones were settled)
        processed = len(waiting.filtered(lambda r: r.state == "scheduled"))
        valid = waiting._cancel_invalid()
        # left scheduled while the pass did not run for days: not taken late
        stale_before = self._stale_before(company, today)
        valid.filtered(lambda r: r.state == "scheduled" and r.date_due <= stale_before)._set_cancelled(
            self.env._(
                "Not taken: it was due more than %s days ago when the collection pass ran.",
                self.env["expiry.deadline"]._get_expiry_param("reminder_catchup_days", company),
            ),
            "stale",
        )
        done = self.sudo().search(  # sudo: see above
            [
                ("company_id", "=", company.id),
                ("state", "=", "done"),
                ("activity_id", "!=", False),
                ("move_id.payment_state", "in", ("paid", "in_payment", "reversed")),
            ]
        )
        if done:
            done.activity_id.unlink()
        return processed, 0

    def _cancel_invalid(self):
        """Cancel these scheduled (or queued) rows when their reason to exist is gone.

        :return: the rows still valid
        """
        valid = self.browse()
        for log in self:
            move, deadline, line = log.move_id, log.deadline_id, log.instalment_id
            plan = line.plan_id
            if line:
                if plan.state != "active":
                    log._set_cancelled(self.env._("The payment plan ended."), "plan")
                elif line.state == "paid":
                    log._set_cancelled(self.env._("The instalment is paid."), "paid")
                else:
                    valid |= log
                continue
            if move.payment_state not in ("not_paid", "partial") or move.state != "posted":
                log._set_cancelled(self.env._("The invoice is paid."), "paid")
            elif deadline.collection_agency_id:
                log._set_cancelled(
                    self.env._("The case was handed over to %s.", deadline.collection_agency_id.name),
                    "handed_over",
                )
            elif move.expiry_collection_plan_id.state == "active":
                log._set_cancelled(self.env._("The invoice is on a payment plan."), "plan")
            elif log.step_id and not log.step_id.active:
                log._set_cancelled(
                    self.env._("The collection step %s is archived.", log.step_id.name), "step"
                )
            else:
                valid |= log
        return valid
