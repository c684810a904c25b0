#!/usr/bin/env python3
# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Time one reminder pass over N deadlines, inside a transaction that is
rolled back at the end: the database is left as it was.

    python tests/bench/bench_reminder_pass.py -c ODOO_CONF -d DATABASE [-n 10000]

(``tests/bench/run`` finds the configuration and the virtualenv for you.)
N deadlines of a fresh company all have their "60 days before" e-mail due
today; the pass prepares the ladder (one INSERT per stage, review activities)
then sends in batches of ``reminder_batch_size`` as the daily action does.
"""

import argparse
import datetime
import logging
import time


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("-c", "--config", required=True, help="odoo.conf")
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("-n", "--count", type=int, default=10000, help="number of deadlines (default 10000)")
    args = parser.parse_args()

    import odoo
    from odoo.tools import config

    config.parse_config(["-c", args.config, "-d", args.database, "--log-level=warn"])
    logging.getLogger("odoo").setLevel(logging.WARNING)
    from odoo.modules.registry import Registry

    registry = Registry(args.database)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {"tracking_disable": True, "lang": "en_US"})
        try:
            run(env, args.count)
        finally:
            cr.rollback()
            print("rolled back: the database is unchanged")


def run(env, count):
    company = env["res.company"].create({"name": "Benchmark Co", "email": "bench@example.com"})
    company.partner_id.tz = "UTC"
    deadline_model = env["expiry.deadline"]
    today = deadline_model._company_today(company)
    product = env["product.product"].create(
        {"name": "Bench plan", "type": "service", "expiry_duration": 1, "expiry_duration_unit": "year"}
    )
    user = env["res.users"].create(
        {
            "name": "Bench Sales",
            "login": "bench_sales",
            "email": "sales@bench.example",
            "company_id": company.id,
            "company_ids": [(6, 0, company.ids)],
        }
    )
    start = time.perf_counter()
    partners = env["res.partner"].create(
        [{"name": f"Bench customer {i}", "email": f"customer{i}@bench.example"} for i in range(count)]
    )
    expiry = today + datetime.timedelta(days=60)
    deadlines = deadline_model.create(
        [
            {
                "partner_id": partner.id,
                "product_id": product.id,
                "company_id": company.id,
                "currency_id": company.currency_id.id,
                "user_id": user.id,
                "date_start": today - datetime.timedelta(days=300),
                "date_expiry": expiry,
                "state": "active",
            }
            for partner in partners
        ]
    )
    env.flush_all()
    env.invalidate_all()
    print(f"created {len(deadlines)} deadlines in {time.perf_counter() - start:.1f} s")

    reminder_model = env["expiry.reminder"]
    batch = deadline_model._get_expiry_param("reminder_batch_size", company)
    queries = env.cr.sql_log_count
    start = time.perf_counter()
    deadline_model._cron_update_states(company, today, batch)
    reminder_model._cancel_stale(company, today)
    prepared = reminder_model._prepare_reminders(company, today)
    env.flush_all()
    prepared_at = time.perf_counter()
    sent = batches = 0
    while True:
        done, remaining = reminder_model._send_due_reminders(company, today, batch)
        env.flush_all()
        # the cron framework commits and clears the cache between runs
        env.invalidate_all()
        sent += done
        batches += 1
        if not remaining:
            break
    end = time.perf_counter()
    total_queries = env.cr.sql_log_count - queries
    print(f"prepared {len(prepared)} reminders in {prepared_at - start:.1f} s")
    print(f"sent {sent} e-mails in {batches} batches of {batch} in {end - prepared_at:.1f} s")
    print(f"reminder pass over {count} deadlines: {end - start:.1f} s, {total_queries} queries")


if __name__ == "__main__":
    main()
