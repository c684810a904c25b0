# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The daily pass in queue jobs: one job per company, then batch jobs, and
the same e-mails as the plain scheduled action."""

import datetime

from odoo.tests import freeze_time, tagged

from odoo.addons.expiry_management.tests.common import ReminderCase
from odoo.addons.queue_job.tests.common import trap_jobs

D = datetime.date
DAY = "2026-05-01 03:00:00"
EXPIRY = D(2026, 6, 30)  # 60 days after DAY: the first e-mail is due


@tagged("post_install", "-at_install")
@freeze_time(DAY)
class TestQueueJobPass(ReminderCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # only our company: the others (none without demo data) stay out
        cls.Pass = cls.env["expiry.daily.pass"]
        # one e-mail per deadline, so that batches of 5 cut between them
        cls.env["res.company"].search([]).write(
            {"expiry_reminder_batch_size": 5, "expiry_group_by_customer": False}
        )

    def _perform_all(self, trap, limit=100):
        """Perform the trapped jobs, and those they enqueue, until none is left."""
        performed = []
        for _round in range(limit):
            if not trap.enqueued_jobs:
                return performed
            jobs = list(trap.enqueued_jobs)
            performed += [job.method_name for job in jobs]
            trap.perform_enqueued_jobs()
        self.fail("the jobs never stop enqueueing jobs")

    def test_the_scheduled_action_enqueues_one_job_per_company(self):
        deadline = self._create_deadline(EXPIRY)
        companies = self.env["res.company"].search([])
        with trap_jobs() as trap:
            self.env.ref("expiry_management.ir_cron_expiry_daily_pass").method_direct_trigger()
            trap.assert_jobs_count(len(companies), only=self.Pass._job_company_pass)
            for company in companies:
                trap.assert_enqueued_job(
                    self.Pass._job_company_pass,
                    args=(company,),
                    properties={
                        "channel": "root.expiry",
                        "identity_key": f"expiry_daily_pass:{company.id}:2026-05-01",
                    },
                )
            self.assertFalse(self._mails(deadline), "nothing is sent before a job runner takes the jobs")
            self._perform_all(trap)
        self.assertEqual(self._sent(deadline), self.stage_60)

    def test_batches_are_jobs_and_each_e_mail_goes_out_once(self):
        deadlines = self.Deadline
        for _index in range(23):
            deadlines |= self._create_deadline(EXPIRY)
        with trap_jobs() as trap:
            self.Pass.with_delay()._job_company_pass(self.company)
            performed = self._perform_all(trap)
        # one company job (a first batch of 5) then up to 4 parallel chains
        self.assertEqual(performed[0], "_job_company_pass")
        self.assertEqual(performed[1:5], ["_job_company_batch"] * 4, "23 due in batches of 5: 4 jobs at once")
        self.assertEqual(len(self._mails(deadlines)), 23)
        self._deliver_queued_mails()
        self.assertEqual({len(d.reminder_ids.filtered(lambda r: r.state == "sent")) for d in deadlines}, {1})
        # the next run of the day sends nothing more
        with trap_jobs() as trap:
            self.Pass.with_delay()._job_company_pass(self.company)
            self.assertEqual(self._perform_all(trap), ["_job_company_pass"])
        self.assertEqual(len(self._mails(deadlines)), 23)

    def test_the_same_mails_as_the_plain_scheduled_action(self):
        in_jobs = self._create_deadline(EXPIRY)
        expired = self._create_deadline(D(2026, 4, 29))
        with trap_jobs() as trap:
            self.Pass.with_delay()._job_company_pass(self.company)
            self._perform_all(trap)
        self.assertEqual(expired.state, "expired", "the states of the day move in the company's job")
        plain = self._create_deadline(EXPIRY)
        self.Pass._run_company(self.company)
        self.assertEqual(
            self._mails(in_jobs).mapped("subject"),
            [s.replace(plain.name, in_jobs.name) for s in self._mails(plain).mapped("subject")],
        )

    def test_parallel_jobs_setting(self):
        params = self.env["ir.config_parameter"].sudo()
        self.assertEqual(self.Pass._get_parallel_job_count(), 4)
        params.set_param("expiry_management_queue_job.parallel_jobs", "8")
        self.assertEqual(self.Pass._get_parallel_job_count(), 8)
        params.set_param("expiry_management_queue_job.parallel_jobs", "many")
        self.assertEqual(self.Pass._get_parallel_job_count(), 4, "a bad value falls back to the default")
