# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

from odoo import api, models

from ..tools import RECORD_ERRORS

_logger = logging.getLogger(__name__)


class ExpiryDailyPass(models.AbstractModel):
    """The daily scheduled action "Deadlines: daily pass" (its code is
    ``model._cron_daily_pass()`` on ``expiry.reminder``): for each company, in
    its time zone, the steps of _get_steps, then the urgency refresh.

    Each run processes at most one batch per company and step; when work is
    left it reports progress and returns, so that the cron framework commits
    and runs it again. Every step is idempotent, so a crash or a timeout
    loses and duplicates nothing: the next run continues.
    """

    _name = "expiry.daily.pass"
    _description = "Deadlines: Daily Pass"

    @api.model
    def _get_batch_size(self):
        return max(self.env["expiry.deadline"]._get_expiry_param("reminder_batch_size"), 1)

    @api.model
    def _get_steps(self, company, today, batch):
        """``[(name, callable)]``: the steps of the pass for ``company`` on
        ``today``. A callable returns ``(processed, still to do)`` when it
        works in batches. Extend it to add a ladder of your own."""
        # sudo: the daily pass (scheduled action), per company
        deadlines = self.env["expiry.deadline"].sudo()
        # sudo: the daily pass (scheduled action), per company
        reminders = self.env["expiry.reminder"].sudo()
        return [
            ("states", lambda: deadlines._cron_update_states(company, today, batch)),
            ("stale reminders", lambda: reminders._cancel_stale(company, today)),
            ("prepare reminders", lambda: reminders._prepare_reminders(company, today)),
            ("send reminders", lambda: reminders._send_due_reminders(company, today, batch)),
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
        savepoint: a step that fails for this company is logged and the next
        steps, and the other companies, go on.

        :return: ``(processed, still to process)``
        """
        batch = batch or self._get_batch_size()
        today = self.env["expiry.deadline"]._company_today(company)
        done = remaining = 0
        for name, step in self._get_steps(company, today, batch):
            if (only is not None and name not in only) or name in skip:
                continue
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
    def _run(self):
        batch = self._get_batch_size()
        done = remaining = 0
        # sudo: the daily pass handles every company, each on its own day
        for company in self.env["res.company"].sudo().search([]):  # pylint: disable=no-search-all
            count, left = self._run_company(company, batch)
            done += count
            remaining += left
        # sudo: the daily pass (scheduled action) refreshes every company
        self.env["expiry.deadline"].sudo()._refresh_urgency()
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
        return done, remaining
