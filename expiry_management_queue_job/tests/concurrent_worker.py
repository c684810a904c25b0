# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""One worker process of test_queue_job_concurrency: a job runner taking
batch jobs, or the plain cron taking the whole pass of a company, in
transactions of its own until nothing is left.

    python concurrent_worker.py <odoo.conf> <database> runner|cron <company id>

It loads the registry, prints READY, waits for a line on stdin (all workers
start together), works, then prints what it did as JSON. A transaction that
loses a race (serialization failure, lock) is rolled back and tried again, as
queue_job and the cron framework do.
"""

import json
import sys

from psycopg2 import errors

import odoo
from odoo import SUPERUSER_ID, api
from odoo.modules.registry import Registry

RETRY = (errors.SerializationFailure, errors.LockNotAvailable, errors.DeadlockDetected)


def work(env, role, company):
    """One transaction's work: ``(processed, still due)``."""
    Pass = env["expiry.daily.pass"]
    if role == "runner":
        result = Pass._job_company_batch(company)
        done = int(result.split(" ", 1)[0])
    else:
        done, _left = Pass._run_company(company)
    today = env["expiry.deadline"]._company_today(company)
    left = env["expiry.reminder"].search_count(
        [("company_id", "=", company.id), ("state", "=", "scheduled"), ("date_due", "<=", today)]
    )
    return done, left


def main():
    conf, db, role, company_id = sys.argv[1:5]
    odoo.tools.config.parse_config(["-c", conf, "--log-level=warn"])
    registry = Registry(db)
    sys.stdout.write("READY\n")
    sys.stdout.flush()
    sys.stdin.readline()
    processed = retried = 0
    for _round in range(500):
        try:
            with registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {"lang": "en_US", "tracking_disable": True})
                done, left = work(env, role, env["res.company"].browse(int(company_id)))
        except RETRY:
            retried += 1
            continue
        processed += done
        if not left:
            break
    sys.stdout.write(json.dumps({"role": role, "processed": processed, "retried": retried}) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
