# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models

#: the steps of the collection ladder in the daily pass
COLLECTION_STEPS = ("settle collection", "prepare collection", "take collection steps")


class ExpiryDailyPass(models.AbstractModel):
    """The collection ladder runs in the daily pass, after the reminders:
    settle what payments ended, prepare today's steps, take them in batches."""

    _inherit = "expiry.daily.pass"

    @api.model
    def _get_steps(self, company, today, batch):
        return super()._get_steps(company, today, batch) + self._get_collection_steps(company, today, batch)

    @api.model
    def _get_parallel_steps(self):
        return super()._get_parallel_steps() | {"take collection steps"}

    @api.model
    def _get_collection_steps(self, company, today, batch):
        logs = self.env["expiry.collection.log"].sudo()  # sudo: the daily pass, one company at a time
        return [
            ("settle collection", lambda: logs._collection_settle(company, today)),
            ("prepare collection", lambda: logs._collection_prepare(company, today)),
            ("take collection steps", lambda: logs._collection_send_due(company, today, batch)),
        ]

    @api.model
    def _run_collection(self):
        """The collection steps alone, for every company (one batch each),
        with the error policy of the daily pass (_run_company)."""
        done = remaining = 0
        # sudo: the scheduled action runs the collection of every company
        for company in self.env["res.company"].sudo().search([]):  # pylint: disable=no-search-all
            count, left = self._run_company(company, only=COLLECTION_STEPS)
            done += count
            remaining += left
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
        return done, remaining
