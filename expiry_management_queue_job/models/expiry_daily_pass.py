# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import datetime
import math

import odoo
from odoo import api, fields, models

#: how many batch jobs of one company may run at the same time, by default
DEFAULT_PARALLEL_JOBS = 4
#: rounds of the preparing steps one company job may take (each one batch)
MAX_PREPARE_ROUNDS = 50
#: a job of the daily pass still waiting this long after its creation: no job
#: runner takes the jobs (a runner takes a waiting job within seconds)
JOB_WAITING_MARGIN = datetime.timedelta(minutes=10)


class ExpiryDailyPass(models.AbstractModel):
    """The daily pass in queue jobs, so that the job runners of several Odoo
    servers sharing one database split the work.

    The scheduled action enqueues one job per company; that job prepares the
    company's day (the steps that are not parallel: states, stale e-mails,
    the ladders), then enqueues batch jobs, at most ``parallel`` at a time,
    each taking one batch of every parallel step (e-mails, collection steps)
    and enqueueing its successor while a full batch was found. The rows are
    claimed with SKIP LOCKED and unique in the database: two job runners and
    the plain cron at the same time still send nothing twice.

    The jobs of a company are enqueued in that company (``company_id`` of the
    job), so that the health warnings of the pass find the company's jobs.
    """

    _inherit = "expiry.daily.pass"

    @api.model
    def _get_parallel_job_count(self):
        # sudo: the addon's own setting (a number)
        value = self.env["ir.config_parameter"].sudo().get_param("expiry_management_queue_job.parallel_jobs")
        try:
            return max(int(value), 1) if value else DEFAULT_PARALLEL_JOBS
        except ValueError:
            return DEFAULT_PARALLEL_JOBS

    @api.model
    def _prepare_job_options(self, company, kind):
        """``with_delay`` options of a job of ``company`` (``kind``: "pass" or
        "batch"). A company's pass is enqueued once a day whatever the number
        of scheduled action runs (identity key)."""
        options = {
            "channel": "root.expiry",
            "description": (
                self.env._("Deadlines: daily pass of %s", company.name)
                if kind == "pass"
                else self.env._("Deadlines: a batch of the daily pass of %s", company.name)
            ),
        }
        if kind == "pass":
            today = self.env["expiry.deadline"]._company_today(company)
            options["identity_key"] = f"expiry_daily_pass:{company.id}:{today}"
        return options

    @api.model
    def _run(self):
        """The scheduled action: one job per company."""
        # sudo: the daily pass handles every company, each in its own job
        for company in self.env["res.company"].sudo().search([]):  # pylint: disable=no-search-all
            self.with_company(company).with_delay(
                **self._prepare_job_options(company, "pass")
            )._job_company_pass(company)
        return 0, 0

    @api.model
    def _job_company_pass(self, company):
        """Prepare the day of ``company`` then take its first batch, and
        enqueue the batch jobs for what is left."""
        batch = self._get_batch_size(company)
        parallel = self._get_parallel_steps()
        for _round in range(MAX_PREPARE_ROUNDS):
            _done, left = self._run_company(company, batch, skip=parallel)
            if not left:
                break
        # sudo: the daily pass job of one company
        self.env["expiry.deadline"].sudo()._refresh_urgency(company)
        done, left = self._run_company(company, batch, only=parallel)
        jobs = min(self._get_parallel_job_count(), math.ceil(left / batch)) if left else 0
        for _index in range(jobs):
            self._enqueue_batch(company)
        return f"{done} processed, {left} left, {jobs} batch jobs enqueued"

    @api.model
    def _job_company_batch(self, company):
        """One batch of each parallel step of ``company``; while a full
        batch was found, the next job follows."""
        done, left = self._run_company(company, only=self._get_parallel_steps())
        if left:
            self._enqueue_batch(company)
        return f"{done} processed, {left} left"

    @api.model
    def _enqueue_batch(self, company):
        return (
            self.with_company(company)
            .with_delay(**self._prepare_job_options(company, "batch"))
            ._job_company_batch(company)
        )

    # ------------------------------------------------------------------
    # Health: jobs nobody takes
    # ------------------------------------------------------------------
    @api.model
    def _queue_job_runner_configured(self):
        """Whether this server runs queue_job's job runner: queue_job is one
        of its server-wide modules (``server_wide_modules`` / ``--load``) and
        the root channel has a capacity."""
        if "queue_job" not in odoo.conf.server_wide_modules:
            return False
        try:
            from odoo.addons.queue_job.jobrunner import _is_runner_enabled
        except ImportError:  # pragma: no cover - another version of queue_job
            return True
        return _is_runner_enabled()

    @api.model
    def _expiry_health_warnings(self, company):
        warnings = super()._expiry_health_warnings(company)
        if not self._queue_job_runner_configured():
            warnings.append(
                {
                    "key": "no_job_runner",
                    "message": self.env._(
                        "The daily pass runs in queue jobs (Expiry Management - Queue Job is installed), "
                        "but this server runs no job runner: add queue_job to server_wide_modules "
                        "(see the addon's README), or uninstall the addon to run the pass in the "
                        "scheduled action again."
                    ),
                    "action": False,
                }
            )
        # sudo: how many jobs of this company's daily pass wait (their state and age only)
        waiting = (
            self.env["queue.job"]
            .sudo()
            .search_count(
                [
                    ("model_name", "=", self._name),
                    ("company_id", "=", company.id),
                    ("state", "in", ("wait_dependencies", "pending", "enqueued")),
                    ("date_created", "<", fields.Datetime.now() - JOB_WAITING_MARGIN),
                ]
            )
        )
        if waiting:
            warnings.append(
                {
                    "key": "jobs_waiting",
                    "message": self.env._(
                        "%(company)s: %(count)s jobs of the daily pass have been waiting for more than "
                        "%(minutes)s minutes: no job runner takes them.",
                        company=company.name,
                        count=waiting,
                        minutes=int(JOB_WAITING_MARGIN.total_seconds() // 60),
                    ),
                    "action": False,
                }
            )
        return warnings
