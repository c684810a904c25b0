# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Two job runners and two cron workers at the same time, four processes
with their own registry and connections (concurrent_worker.py): every e-mail
goes out once, none is lost, and the work is split between them.

The rows the test creates are committed and deleted again at the end.
"""

import datetime
import json
import logging
import subprocess
import sys
import time
from pathlib import Path

import psycopg2

from odoo.tests import tagged
from odoo.tools import config, mute_logger

from odoo.addons.expiry_management.tests.common import ConcurrencyCase

_logger = logging.getLogger(__name__)

#: deadlines of the test; batches of 4: many batches, claimed concurrently
COUNT, BATCH = 40, 4


@tagged("post_install", "-at_install")
class TestQueueJobConcurrency(ConcurrencyCase):
    def setUp(self):
        super().setUp()
        cr = self._cursor()
        env = self._env(cr)
        company = env.ref("base.main_company")
        today = env["expiry.deadline"]._company_today(company)
        partner = env["res.partner"].create(
            {"name": "Concurrent Customer", "email": "concurrent@example.com"}
        )
        deadlines = env["expiry.deadline"].create(
            [
                {
                    "partner_id": partner.id,
                    "company_id": company.id,
                    "currency_id": company.currency_id.id,
                    "user_id": False,
                    "date_expiry": today + datetime.timedelta(days=60),
                    "state": "active",
                }
                for _index in range(COUNT)
            ]
        )
        self.old_batch = company.expiry_reminder_batch_size
        self.old_grouping = company.expiry_group_by_customer
        # one e-mail per deadline (all are one customer's): each counted once
        company.write({"expiry_reminder_batch_size": BATCH, "expiry_group_by_customer": False})
        # the ladder prepared: COUNT e-mails due today, none sent yet
        env["expiry.reminder"]._prepare_reminders(company, today)
        env.flush_all()
        cr.commit()  # pylint: disable=invalid-commit
        self.company_id, self.partner_id, self.deadline_ids = company.id, partner.id, deadlines.ids
        self.addCleanup(self._delete)

    def _delete(self):
        # a worker's last transaction may still be settling on the company
        # row (the pass's health): start again on a serialization failure
        for attempt in range(5):
            try:
                with mute_logger("odoo.sql_db"):
                    return self._delete_once()
            except psycopg2.errors.SerializationFailure:
                if attempt == 4:
                    raise
                time.sleep(0.5)

    def _delete_once(self):
        cr = self._cursor()
        ids = tuple(self.deadline_ids)
        cr.execute(
            "DELETE FROM mail_mail WHERE mail_message_id IN "
            "(SELECT id FROM mail_message WHERE model = 'expiry.deadline' AND res_id IN %s)",
            [ids],
        )
        cr.execute("DELETE FROM mail_message WHERE model = 'expiry.deadline' AND res_id IN %s", [ids])
        cr.execute("DELETE FROM mail_followers WHERE res_model = 'expiry.deadline' AND res_id IN %s", [ids])
        cr.execute("DELETE FROM mail_activity WHERE res_model = 'expiry.deadline' AND res_id IN %s", [ids])
        cr.execute("DELETE FROM expiry_reminder WHERE deadline_id IN %s", [ids])
        cr.execute("DELETE FROM expiry_deadline WHERE id IN %s", [ids])
        cr.execute("DELETE FROM res_partner WHERE id = %s", [self.partner_id])
        cr.execute("DELETE FROM queue_job WHERE method_name IN ('_job_company_pass', '_job_company_batch')")
        env = self._env(cr)
        env.ref("base.main_company").write(
            {"expiry_reminder_batch_size": self.old_batch, "expiry_group_by_customer": self.old_grouping}
        )
        env.flush_all()
        cr.commit()  # pylint: disable=invalid-commit

    def test_two_job_runners_and_two_cron_workers_send_each_mail_once(self):
        script = Path(__file__).with_name("concurrent_worker.py")
        workers = [
            subprocess.Popen(
                [sys.executable, str(script), config.rcfile, self.env.cr.dbname, role, str(self.company_id)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for role in ("runner", "runner", "cron", "cron")
        ]
        for worker in workers:
            self.addCleanup(worker.kill)
            if worker.stdout.readline().strip() != "READY":
                worker.kill()
                self.fail(f"a worker did not start: {worker.communicate()[1][-3000:]}")
        for worker in workers:  # all four at once
            worker.stdin.write("go\n")
            worker.stdin.flush()
        results = []
        for worker in workers:
            out, err = worker.communicate(timeout=300)
            self.assertEqual(worker.returncode, 0, err)
            results.append(json.loads(out.strip().splitlines()[-1]))
        _logger.info("Two job runners and two cron workers: %s", results)
        cr = self._cursor()
        cr.execute(
            "SELECT state, count(*) FROM expiry_reminder WHERE deadline_id IN %s GROUP BY state",
            [tuple(self.deadline_ids)],
        )
        # queued: sent once Odoo's mail queue delivered them (not run here)
        self.assertEqual(dict(cr.fetchall()), {"queued": COUNT}, results)
        self.assertGreater(sum(1 for r in results if r["processed"]), 1, f"the work was split: {results}")
        cr = self._cursor()
        ids = tuple(self.deadline_ids)
        cr.execute(
            "SELECT count(*), count(DISTINCT mail_id) FROM expiry_reminder "
            "WHERE deadline_id IN %s AND state = 'queued'",
            [ids],
        )
        sent, distinct_mails = cr.fetchone()
        cr.execute(
            "SELECT count(*) FROM mail_mail m JOIN mail_message msg ON msg.id = m.mail_message_id "
            "WHERE msg.model = 'expiry.deadline' AND msg.res_id IN %s",
            [ids],
        )
        mails = cr.fetchone()[0]
        self.assertEqual((sent, distinct_mails, mails), (COUNT, COUNT, COUNT), "each e-mail once, none lost")
