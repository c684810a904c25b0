# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import math

from odoo import api, models

#: how many batch jobs of one company may run at the same time, by default
DEFAULT_PARALLEL_JOBS = 4
#: rounds of the preparing steps one company job may take (each one batch)
MAX_PREPARE_ROUNDS = 50


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
            self.with_delay(**self._prepare_job_options(company, "pass"))._job_company_pass(company)
        return 0, 0

    @api.model
    def _job_company_pass(self, company):
        """Prepare the day of ``company`` then take its first batch, and
        enqueue the batch jobs for what is left."""
        batch = self._get_batch_size()
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
        return self.with_delay(**self._prepare_job_options(company, "batch"))._job_company_batch(company)
