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

The portfolio is a broker's: a third of the customers hold 2 to 5 policies
(expiring the same day), the others one (``--single``: one deadline per
customer, as before issue 19). The pass is measured with one e-mail per
customer and day on and off (``--grouping``; each measure rolled back to a
savepoint), with its milliseconds per deadline reminded and queries per
e-mail.
"""

import argparse
import datetime
import json
import logging
import random
import time


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("-c", "--config", required=True, help="odoo.conf")
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("-n", "--count", type=int, default=10000, help="number of deadlines (default 10000)")
    parser.add_argument(
        "--grouping",
        choices=("both", "on", "off"),
        default="both",
        help="one e-mail per customer and day: measure with it on, off, or both (default)",
    )
    parser.add_argument("--single", action="store_true", help="one deadline per customer")
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="measure each mode this many times, alternating (the least CPU of them is reported)",
    )
    parser.add_argument("--json", help="write the results to this file")
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
            results = run(env, args.count, args.grouping, args.single, args.rounds)
            if args.json:
                with open(args.json, "w") as out:
                    json.dump(results, out, indent=2)
        finally:
            cr.rollback()
            print("rolled back: the database is unchanged")


def portfolio_sizes(count, single=False, seed=19):
    """The number of deadlines of each customer: a third of the customers
    hold 2 to 5 (``single``: every customer one), ``count`` in all."""
    if single:
        return [1] * count
    rng = random.Random(seed)
    sizes, total = [], 0
    while total < count:
        size = min(rng.randint(2, 5) if rng.random() < 1 / 3 else 1, count - total)
        sizes.append(size)
        total += size
    return sizes


def run(env, count, grouping="both", single=False, rounds=1):
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
    sizes = portfolio_sizes(count, single)
    partners = env["res.partner"].create(
        [{"name": f"Bench customer {i}", "email": f"customer{i}@bench.example"} for i in range(len(sizes))]
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
                "description": f"Policy {index + 1}",
            }
            for partner, size in zip(partners, sizes, strict=True)
            for index in range(size)
        ]
    )
    env.flush_all()
    env.invalidate_all()
    several = sum(1 for size in sizes if size > 1)
    print(
        f"created {len(deadlines)} deadlines of {len(sizes)} customers ({several} with several) "
        f"in {time.perf_counter() - start:.1f} s"
    )
    best = {}
    modes = ("off", "on") if grouping == "both" else (grouping,)
    for _round in range(rounds):
        for mode in modes:
            with env.cr.savepoint() as savepoint:
                company.expiry_group_by_customer = mode == "on"
                env.flush_all()
                env.invalidate_all()
                result = measure(env, company, today, deadlines)
                result.update(
                    grouping=mode, deadlines=count, customers=len(sizes), customers_with_several=several
                )
                if mode not in best or result["cpu_seconds"] < best[mode]["cpu_seconds"]:
                    best[mode] = result
                savepoint.rollback()
            env.invalidate_all()
    results = [best[mode] for mode in modes]
    print()
    print(
        "| grouping | deadlines reminded | e-mails | pass s | Odoo CPU s | queries "
        "| ms/deadline | CPU ms/deadline | queries/mail |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for r in results:
        print(
            f"| {r['grouping']} | {r['reminded']:,} | {r['mails']:,} | {r['seconds']:.2f} | {r['cpu_seconds']:.2f} "
            f"| {r['queries']:,} | {r['ms_per_deadline']:.2f} | {r['cpu_ms_per_deadline']:.2f} "
            f"| {r['queries_per_mail']:.2f} |"
        )
    return results


def measure(env, company, today, deadlines):
    """One reminder pass for ``company`` as the cron runs it."""
    deadline_model = env["expiry.deadline"]
    reminder_model = env["expiry.reminder"]
    batch = deadline_model._get_expiry_param("reminder_batch_size", company)
    queries = env.cr.sql_log_count
    start = time.perf_counter()
    cpu_start = time.process_time()
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
    cpu = time.process_time() - cpu_start
    total_queries = env.cr.sql_log_count - queries
    reminded = reminder_model.search_count([("deadline_id", "in", deadlines.ids), ("state", "=", "queued")])
    mails = len(
        reminder_model.search([("deadline_id", "in", deadlines.ids), ("state", "=", "queued")]).mail_id
    )
    print(f"grouping {'on' if company.expiry_group_by_customer else 'off'}:")
    print(f"  prepared {len(prepared)} reminders in {prepared_at - start:.1f} s")
    print(
        f"  sent {sent} reminders ({mails} e-mails) in {batches} batches of {batch} in {end - prepared_at:.1f} s"
    )
    print(f"  reminder pass over {len(deadlines)} deadlines: {end - start:.1f} s, {total_queries} queries")
    return {
        "seconds": round(end - start, 3),
        "queries": total_queries,
        "reminded": reminded,
        "mails": mails,
        "cpu_seconds": round(cpu, 3),
        "ms_per_deadline": round((end - start) * 1000 / max(reminded, 1), 3),
        "cpu_ms_per_deadline": round(cpu * 1000 / max(reminded, 1), 3),
        "queries_per_mail": round(total_queries / max(mails, 1), 3),
    }


if __name__ == "__main__":
    main()
