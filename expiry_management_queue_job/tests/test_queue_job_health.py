# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""queue_job installed without a job runner: the daily pass waits in jobs
nobody takes, and the health warnings of the pass say so."""

import datetime
from unittest.mock import patch

import odoo
from odoo import fields
from odoo.tests import tagged

from odoo.addons.expiry_management.tests.common import ReminderCase


@tagged("post_install", "-at_install")
class TestQueueJobHealth(ReminderCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Pass = cls.env["expiry.daily.pass"]

    def _keys(self, company=None):
        return [warning["key"] for warning in self.Pass._expiry_health_warnings(company or self.company)]

    def _with_runner(self):
        return (
            patch.object(odoo.conf, "server_wide_modules", ["base", "web", "queue_job"]),
            patch("odoo.addons.queue_job.jobrunner._is_runner_enabled", return_value=True),
        )

    def test_no_job_runner_is_a_warning(self):
        with patch.object(odoo.conf, "server_wide_modules", ["base", "web"]):
            self.assertIn("no_job_runner", self._keys())
        server_wide, enabled = self._with_runner()
        with server_wide, enabled:
            self.assertNotIn("no_job_runner", self._keys())
        with server_wide, patch("odoo.addons.queue_job.jobrunner._is_runner_enabled", return_value=False):
            self.assertIn("no_job_runner", self._keys(), "a runner whose root channel has no capacity")

    def test_jobs_of_the_pass_waiting_for_long_are_a_warning(self):
        other = self._company("Other Co")
        self.Pass._run()  # the scheduled action: one job per company
        jobs = self.env["queue.job"].search([("model_name", "=", "expiry.daily.pass")])
        self.assertIn(self.company, jobs.company_id, "each company's job is enqueued in that company")
        server_wide, enabled = self._with_runner()
        with server_wide, enabled:
            self.assertNotIn("jobs_waiting", self._keys(), "just enqueued: a runner takes them in seconds")
            self.env.flush_all()
            self.env.cr.execute(
                "UPDATE queue_job SET date_created = %s WHERE id IN %s",
                (fields.Datetime.now() - datetime.timedelta(hours=1), tuple(jobs.ids)),
            )
            self.env.invalidate_all()
            self.assertIn("jobs_waiting", self._keys())
            self.assertIn("jobs_waiting", self._keys(other))
            # done jobs are not waiting
            jobs.filtered(lambda job: job.company_id == self.company).write({"state": "done"})
            self.assertNotIn("jobs_waiting", self._keys())
            self.assertIn("jobs_waiting", self._keys(other))

    def test_the_dashboard_shows_the_warning(self):
        manager = self.env["res.users"].create(
            {
                "name": "Queue Manager",
                "login": "queue_health_manager",
                "company_id": self.company.id,
                "company_ids": [(6, 0, self.company.ids)],
                "groups_id": [(6, 0, [self.env.ref("expiry_management.group_expiry_manager").id])],
            }
        )
        with patch.object(odoo.conf, "server_wide_modules", ["base", "web"]):
            data = self.env["expiry.dashboard"].with_user(manager).get_dashboard_data(scope="team")
        warning = next(w for w in data["health_warnings"] if w["key"] == "no_job_runner")
        self.assertIn("server_wide_modules", warning["message"])
