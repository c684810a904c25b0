# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import datetime
import logging

import psycopg2
from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools import SQL, mute_logger

from odoo.addons.base.models.ir_cron import _intervalTypes

from ..tools import CRASH_ERRORS

_logger = logging.getLogger(__name__)

#: the daily pass is late when it has not finished this long after its
#: scheduled action was due (a large portfolio takes some runs of batches)
PASS_LATE_MARGIN = datetime.timedelta(hours=3)
#: the most characters of step errors kept on the company
MAX_ERRORS_LENGTH = 2000


class ExpiryDailyPass(models.AbstractModel):
    """The daily scheduled action "Deadlines: daily pass" (its code is
    ``model._cron_daily_pass()`` on ``expiry.reminder``): for each company, in
    its time zone, the steps of _get_steps, then the urgency refresh.

    Each run processes at most one batch per company and step; when work is
    left it reports progress and returns, so that the cron framework commits
    and runs it again. Every step is idempotent, so a crash or a timeout
    loses and duplicates nothing: the next run continues.

    Each run records the health of the pass on the company (res.company
    ``expiry_pass_*``: day, rows processed, rows failed, steps in error, when
    it last finished); _expiry_health_warnings turns it into the warnings of
    the dashboard and of Settings.
    """

    _name = "expiry.daily.pass"
    _description = "Deadlines: Daily Pass"

    @api.model
    def _get_batch_size(self, company=None):
        return max(self.env["expiry.deadline"]._get_expiry_param("reminder_batch_size", company), 1)

    @api.model
    def _get_steps(self, company, today, batch):
        """``[(name, callable)]``: the steps of the pass for ``company`` on
        ``today``. A callable returns ``(processed, still to do)`` when it
        works in batches. Extend it to add a ladder of your own."""
        # sudo: the daily pass (scheduled action), per company
        deadlines = self.env["expiry.deadline"].sudo()
        # sudo: the daily pass (scheduled action), per company
        reminders = self.env["expiry.reminder"].sudo()
        # sudo: the daily pass (scheduled action), per company
        reviews = self.env["expiry.reminder.review"].sudo()
        # sudo: the daily pass (scheduled action), per company
        charges = self.env["expiry.renewal.charge"].sudo()
        return [
            # before "states": an automatic deadline renews on its day and never lapses
            ("auto renew", lambda: deadlines._cron_auto_renew(company, today, batch)),
            ("renewal charges", lambda: charges._cron_charge_due(company, today, batch)),
            ("states", lambda: deadlines._cron_update_states(company, today, batch)),
            ("stale reminders", lambda: reminders._cancel_stale(company, today)),
            ("prepare reminders", lambda: reminders._prepare_reminders(company, today)),
            ("send reminders", lambda: reminders._send_due_reminders(company, today, batch)),
            # the day's review activity goes once its e-mails went out
            ("review reminders", lambda: reviews._sync_company(company, today)),
        ]

    @api.model
    def _get_parallel_steps(self):
        """Names of the steps (of _get_steps) that several workers may run at
        the same time for one company, each taking a batch of its own: they
        claim their rows with SKIP LOCKED. The others prepare the day and run
        before them (expiry_management_queue_job runs these in parallel jobs)."""
        return {"send reminders"}

    @api.model
    def _run_company(self, company, batch=None, only=None, skip=()):
        """One batch of each step for ``company`` (``only``: just the steps
        of these names; ``skip``: not these). Each step has its own
        savepoint; the one error policy of the pass: a crash (CRASH_ERRORS)
        rolls the run back, any other error of a step is logged and counted
        for this company (``expiry_pass_errors``) and the next steps, and the
        other companies, go on.

        The health of the company's pass is recorded at the end (see
        _record_health), except by a run of the parallel steps alone that
        left work to do: the batch jobs of expiry_management_queue_job would
        otherwise all write the same company row at the same time.

        :return: ``(processed, still to process)``
        """
        batch = batch or self._get_batch_size(company)
        today = self.env["expiry.deadline"]._company_today(company)
        done = remaining = 0
        errors = []
        ran = set()
        for name, step in self._get_steps(company, today, batch):
            if (only is not None and name not in only) or name in skip:
                continue
            ran.add(name)
            try:
                with self.env.cr.savepoint():
                    result = step()
            except CRASH_ERRORS:
                raise
            except Exception as error:  # noqa: BLE001 - one step of one company: logged, counted, the pass goes on
                _logger.warning("Daily pass, company %s, step %s failed: %s", company.name, name, error)
                errors.append(f"{name}: {error}")
                continue
            if isinstance(result, tuple):
                done += result[0]
                remaining += result[1]
        parallel = self._get_parallel_steps()
        # the pass of the day is over when its last steps (the parallel ones) found nothing left
        finished = not remaining and parallel <= ran
        if ran and (ran - parallel or finished or errors):
            self._record_health(company, today, done, errors, finished)
        return done, remaining

    @api.model
    def _run(self):
        done = remaining = 0
        # sudo: the daily pass handles every company, each on its own day
        for company in self.env["res.company"].sudo().search([]):  # pylint: disable=no-search-all
            count, left = self._run_company(company)
            done += count
            remaining += left
        # sudo: the daily pass (scheduled action) refreshes every company
        self.env["expiry.deadline"].sudo()._refresh_urgency()
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
        return done, remaining

    # ------------------------------------------------------------------
    # Health
    # ------------------------------------------------------------------
    @api.model
    def _record_health(self, company, today, done, errors, finished):
        """Add one run to the health of ``company``'s pass of ``today`` (its
        day): a new day starts a new pass; ``finished``: nothing is left, the
        pass is over (its failed rows are counted then)."""
        # sudo: the daily pass writes the health of the company it ran for
        company = company.sudo()
        # the transaction's time: that of the write_date of the rows it failed
        now = self.env.cr.now()
        if company.expiry_pass_date != today:
            values = {
                "expiry_pass_date": today,
                "expiry_pass_started": now,
                "expiry_pass_processed": done,
                "expiry_pass_failed": 0,
                "expiry_pass_errors": False,
            }
            known = []
        else:
            values = {"expiry_pass_processed": company.expiry_pass_processed + done} if done else {}
            known = (company.expiry_pass_errors or "").splitlines()
        new_errors = [
            line for line in dict.fromkeys(" ".join(str(e).split()) for e in errors) if line not in known
        ]
        if new_errors:
            values["expiry_pass_errors"] = "\n".join(known + new_errors)[:MAX_ERRORS_LENGTH]
        if finished:
            values["expiry_pass_finished"] = now
            started = values.get("expiry_pass_started") or company.expiry_pass_started or now
            values["expiry_pass_failed"] = sum(self._failed_step_counts(company, started).values())
        if values:
            self._write_health(company, values)

    @api.model
    def _write_health(self, company, values):
        """Write the health of ``company``'s pass, or nothing when another
        worker holds or has just changed the company row (two cron workers,
        queue jobs): the health is a report, never a reason to roll a run
        and its sent e-mails back; the next run records it."""
        try:
            with self.env.cr.savepoint(), mute_logger("odoo.sql_db"):
                self.env.cr.execute(
                    SQL("SELECT id FROM res_company WHERE id = %s FOR NO KEY UPDATE NOWAIT", company.id)
                )
                company.write(values)
                company.flush_recordset(list(values))
        except (psycopg2.errors.LockNotAvailable, psycopg2.errors.SerializationFailure) as error:
            _logger.info("Daily pass, company %s: health not recorded this run (%s)", company.id, error)
            company.invalidate_recordset(list(values), flush=False)

    @api.model
    def _get_ladder_models(self):
        """Names of the ladder models (expiry.ladder.step.mixin) installed."""
        return [
            name
            for name in self.env.registry.descendants(["expiry.ladder.step.mixin"], "_inherit")
            if not self.env[name]._abstract
        ]

    @api.model
    def _failed_steps_domain(self, company, since):
        return [("company_id", "=", company.id), ("state", "=", "failed"), ("write_date", ">=", since)]

    @api.model
    def _failed_step_counts(self, company, since):
        """``{ladder model: rows of company that failed since since}``."""
        counts = {}
        for name in self._get_ladder_models():
            # sudo: a count of the company's failed steps (the health of its pass)
            count = self.env[name].sudo().search_count(self._failed_steps_domain(company, since))
            if count:
                counts[name] = count
        return counts

    @api.model
    def _get_pass_due_since(self):
        """When the last run of the daily pass was due (UTC), or None: its
        scheduled action is archived, or was due before it existed. The last
        run due is the scheduled action's next call when it is past (the run
        has not happened yet), else one interval before it."""
        cron = self.env.ref("expiry_management.ir_cron_expiry_daily_pass", raise_if_not_found=False)
        # sudo: the schedule of the module's own scheduled action (next call, interval)
        cron = cron and cron.sudo()
        if not cron or not cron.active or not cron.nextcall:
            return None
        now = fields.Datetime.now()
        due = cron.nextcall
        if due > now:
            due -= _intervalTypes[cron.interval_type](cron.interval_number)
        if due > now or due < cron.create_date:
            return None
        return due

    @api.model
    def _expiry_health_warnings(self, company):
        """The health warnings of ``company``'s daily pass: ``[{"key",
        "message", "action"}]`` (``action``: an action to open, or False).
        Shown on the dashboard and in Settings; other addons extend it.

        * late: the pass due at the scheduled action's last due time has not
          finished PASS_LATE_MARGIN later;
        * failed: steps of a ladder (e-mails, collection steps) failed in the
          last pass (one warning per ladder, opening its failed steps);
        * errors: steps of the pass stopped on an error for this company.
        """
        warnings = []
        due = self._get_pass_due_since()
        finished = company.expiry_pass_finished
        if due and fields.Datetime.now() > due + PASS_LATE_MARGIN and (not finished or finished < due):
            warnings.append(
                {
                    "key": "late",
                    "message": self.env._(
                        "%(company)s: the daily pass due at %(due)s UTC has not finished (last finished: "
                        "%(finished)s). Check that the scheduled action “Deadlines: daily pass” runs.",
                        company=company.name,
                        due=fields.Datetime.to_string(due)[:16],
                        finished=fields.Datetime.to_string(finished)[:16]
                        if finished
                        else self.env._("never"),
                    ),
                    "action": False,
                }
            )
        if company.expiry_pass_failed and company.expiry_pass_started:
            for name, count in self._failed_step_counts(company, company.expiry_pass_started).items():
                description = self.env["ir.model"]._get(name).name
                warnings.append(
                    {
                        "key": "failed",
                        "message": self.env._(
                            "%(company)s: %(count)s %(steps)s failed in the last daily pass.",
                            company=company.name,
                            count=count,
                            steps=description,
                        ),
                        "action": {
                            "type": "ir.actions.act_window",
                            "name": self.env._("Failed: %s", description),
                            "res_model": name,
                            "views": [(False, "list"), (False, "form")],
                            "domain": self._failed_steps_domain(company, company.expiry_pass_started),
                            "context": {"create": False},
                        },
                    }
                )
        if company.expiry_pass_errors:
            warnings.append(
                {
                    "key": "errors",
                    "message": self.env._(
                        "%(company)s: steps of the daily pass stopped on an error: %(errors)s",
                        company=company.name,
                        errors=company.expiry_pass_errors,
                    ),
                    "action": False,
                }
            )
        return warnings

    @api.model
    def _expiry_health_warnings_html(self, company):
        """The warnings of _expiry_health_warnings as HTML (Settings)."""
        warnings = self._expiry_health_warnings(company)
        if not warnings:
            return False
        items = Markup("").join(
            Markup('<li class="o_expiry_health_%s">%s</li>') % (warning["key"], warning["message"])
            for warning in warnings
        )
        return Markup('<ul class="text-warning mb-0">%s</ul>') % items
