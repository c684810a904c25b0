#!/usr/bin/env python3
# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""One day of the daily pass against what a user builds without us, on the
same portfolio in the same transaction (rolled back at the end):

(a) our daily pass for a fresh company, as the cron runs it (batches until
    nothing remains: states, the reminder ladder, chatter trace and
    activities), in steady state (the previous day already processed);
(b) ``base_automation``: one "based on date field" rule per ladder stage on
    the expiry date, posting the stage's template by e-mail; its busy tick
    (the one whose window holds the day) and five other 4-hour ticks, which
    send nothing but scan every deadline.

(floor) the same e-mails queued set-based by ``send_mail_batch`` with a
trivial template (three placeholders, no chatter trace, no activity).

It checks that (a) and (b) queue the same e-mails (deadline and subject) and prints
wall time, SQL queries, peak memory, e-mails and ms per e-mail, as a table
and as JSON.

    tests/bench/run-vs-automation -n 10000     (see tests/bench/README.md)
"""

import argparse
import contextlib
import datetime
import json
import logging
import random
import resource
import time
from pathlib import Path
from unittest.mock import patch


def _rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


@contextlib.contextmanager
def _today(env, day):
    """The company's today is ``day`` for the pass (its one rule)."""
    Deadline = type(env["expiry.deadline"])
    with patch.object(Deadline, "_company_today", lambda self, company=None: day):
        yield


def build_portfolio(env, count, today, seed=18):
    """A fresh company with ``count`` deadlines expiring uniformly over the
    last month and the next 14 months, customers, products, salespeople."""
    rng = random.Random(seed)
    company = env["res.company"].create({"name": f"Benchmark Brokers {count}", "email": "bench@example.com"})
    company.partner_id.tz = "UTC"
    users = env["res.users"].create(
        [
            {
                "name": f"Bench Sales {i}",
                "login": f"bench_sales_{count}_{i}",
                "email": f"sales{i}@bench.example",
                "company_id": company.id,
                "company_ids": [(6, 0, company.ids)],
                "groups_id": [(6, 0, [env.ref("base.group_user").id])],
            }
            for i in range(10)
        ]
    )
    products = env["product.product"].create(
        [
            {
                "name": f"Bench product {i}",
                "type": "service",
                "expiry_duration": 1,
                "expiry_duration_unit": "year",
            }
            for i in range(5)
        ]
    )
    partners = env["res.partner"].create(
        [
            {"name": f"Bench customer {i}", "email": f"customer{i}@bench.example"}
            for i in range(max(count // 5, 1))
        ]
    )
    first, days = today - datetime.timedelta(days=30), 30 + 425
    values = []
    for index in range(count):
        expiry = first + datetime.timedelta(days=rng.randrange(days))
        values.append(
            {
                "partner_id": partners[index % len(partners)].id,
                "product_id": products[index % len(products)].id,
                "user_id": users[index % len(users)].id,
                "company_id": company.id,
                "currency_id": company.currency_id.id,
                "price_unit": 100.0 + index % 900,
                "date_start": expiry - datetime.timedelta(days=365),
                "date_expiry": expiry,
                # the states of yesterday: expired once past, as the pass left them
                "state": "active" if expiry >= today - datetime.timedelta(days=1) else "expired",
            }
        )
    for start in range(0, len(values), 5000):
        env["expiry.deadline"].create(values[start : start + 5000])
        env.flush_all()
        env.invalidate_all()
    return company


def run_our_pass(env, company, day):
    """The daily pass for ``company`` on ``day`` until nothing remains."""
    Pass = env["expiry.daily.pass"]
    runs = 0
    with _today(env, day):
        while True:
            runs += 1
            _done, remaining = Pass._run_company(company)
            env.flush_all()
            env.invalidate_all()  # the cron framework commits between runs
            if not remaining:
                break
    return runs


def create_automation_rules(env, company):
    """One time-based rule per active ladder stage, as a user would set them up."""
    rules = env["base.automation"]
    date_field = env["ir.model.fields"]._get("expiry.deadline", "date_expiry")
    model = env["ir.model"]._get("expiry.deadline")
    for stage in env["expiry.reminder.stage"].search([("company_id", "in", (False, company.id))]):
        domain = stage._deadline_domain(company)
        rule = rules.create(
            {
                "name": f"Bench: {stage.name}",
                "model_id": model.id,
                "trigger": "on_time",
                "trg_date_id": date_field.id,
                "trg_date_range": stage.offset_days,
                "trg_date_range_type": "day",
                "filter_domain": repr(domain),
            }
        )
        env["ir.actions.server"].create(
            {
                "name": f"Bench: send {stage.name}",
                "model_id": model.id,
                "base_automation_id": rule.id,
                "usage": "base_automation",
                "state": "mail_post",
                "mail_post_method": "email",
                "template_id": stage.mail_template_id.id,
            }
        )
        rules |= rule
    return rules


def _mails_since(env, last_id):
    env.flush_all()
    env.cr.execute(
        """
        SELECT msg.res_id, msg.subject FROM mail_mail m JOIN mail_message msg ON msg.id = m.mail_message_id
         WHERE m.id > %s AND msg.model = 'expiry.deadline'
        """,
        [last_id],
    )
    return set(env.cr.fetchall())


def _last_mail_id(env):
    env.flush_all()
    env.cr.execute("SELECT COALESCE(MAX(id), 0) FROM mail_mail")
    return env.cr.fetchone()[0]


def _measure(env, function):
    queries, start, rss = env.cr.sql_log_count, time.perf_counter(), _rss_mb()
    result = function()
    env.flush_all()
    return result, {
        "seconds": round(time.perf_counter() - start, 3),
        "queries": env.cr.sql_log_count - queries,
        "peak_rss_mb": round(max(_rss_mb(), rss), 1),
    }


BIG_TABLES = (
    "expiry_deadline",
    "expiry_reminder",
    "res_partner",
    "mail_message",
    "mail_mail",
    "mail_activity",
)


def explain_queries(env, queries, path):
    """EXPLAIN (without running them) the distinct queries of our pass; write
    the plans to ``path`` and return the sequential scans of big tables."""
    seen, report, seq_scans = set(), [], []
    # the planner's statistics of the portfolio just built (as autovacuum
    # would have them on a real database)
    for table in BIG_TABLES:
        env.cr.execute(f"ANALYZE {table}")  # pylint: disable=sql-injection
    for query, params in queries:
        head = query.lstrip().split(None, 1)[0].upper() if query.strip() else ""
        if head not in ("SELECT", "INSERT", "UPDATE", "DELETE", "WITH") or query in seen:
            continue
        seen.add(query)
        try:
            with env.cr.savepoint():
                env.cr.execute("EXPLAIN " + query, params)
                plan = "\n".join(row[0] for row in env.cr.fetchall())
        except Exception as error:  # noqa: BLE001 - reported, not fatal
            plan = f"(not explained: {error})"
        scans = [table for table in BIG_TABLES if f"Seq Scan on {table} " in plan + " "]
        seq_scans += [(table, " ".join(query.split())[:160]) for table in scans]
        report.append(f"-- {' '.join(query.split())[:400]}\n{plan}\n")
    Path(path).write_text("\n".join(report))
    return seq_scans


def _recording_queries(function):
    """Run ``function`` and return (its result, [(query, params)])."""
    from odoo.sql_db import Cursor

    queries = []
    original = Cursor.execute

    def recording(cr, query, params=None, log_exceptions=True):
        code, args = (query.code, query.params) if hasattr(query, "code") else (query, params)
        queries.append((code, args))
        return original(cr, query, params, log_exceptions)

    Cursor.execute = recording
    try:
        return function(), queries
    finally:
        Cursor.execute = original


def run_benchmark(env, count, today=None, profile=None, explain=None):
    """Build the portfolio, run (a) and (b), return the figures."""
    today = today or datetime.date.today()
    build_start = time.perf_counter()
    company = build_portfolio(env, count, today)
    build_seconds = time.perf_counter() - build_start
    # steady state: yesterday already processed
    run_our_pass(env, company, today - datetime.timedelta(days=1))
    env["mail.mail"].search([("model", "=", "expiry.deadline")]).unlink()
    env.flush_all()
    env.invalidate_all()

    first_mail = _last_mail_id(env)
    if explain:
        (runs, ours), queries = _recording_queries(
            lambda: _measure(env, lambda: run_our_pass(env, company, today))
        )
    elif profile:
        import cProfile

        profiler = cProfile.Profile()
        runs, ours = _measure(env, lambda: profiler.runcall(run_our_pass, env, company, today))
        profiler.dump_stats(profile)
    else:
        runs, ours = _measure(env, lambda: run_our_pass(env, company, today))
    our_mails = _mails_since(env, first_mail)
    ours.update(mails=len(our_mails), runs=runs)
    if explain:
        ours["seq_scans_of_big_tables"] = explain_queries(env, queries, explain)

    # the floor: the same e-mails queued set-based with send_mail_batch and
    # a trivial template (three placeholders, no chatter, no activity)
    floor_template = env["mail.template"].create(
        {
            "name": "Bench: trivial",
            "model_id": env["ir.model"]._get_id("expiry.deadline"),
            "subject": "{{ object.name }}",
            "email_to": "{{ object.partner_id.email }}",
            "body_html": "<p>Dear <t t-out='object.partner_id.name'/>, <t t-out='object.name'/> expires on "
            "<t t-out='object.date_expiry'/>.</p>",
        }
    )
    floor_ids = sorted({res_id for res_id, _subject in our_mails})
    env.invalidate_all()
    _none, floor = _measure(env, lambda: floor_template.send_mail_batch(floor_ids))
    floor.update(mails=len(floor_ids))

    # base_automation's rules, on the same data, the states of today
    rules = create_automation_rules(env, company)
    Automation = env["base.automation"]
    now = datetime.datetime.now()
    midnight = datetime.datetime.combine(today, datetime.time())
    env.flush_all()
    env.invalidate_all()
    first_mail = _last_mail_id(env)
    # the busy tick: its window holds today's midnight, where date rules fire
    rules.write({"last_run": midnight - datetime.timedelta(minutes=1)})
    _none, busy = _measure(env, lambda: Automation._check())
    automation_mails = _mails_since(env, first_mail)
    busy.update(mails=len(automation_mails))
    # the five other ticks of the day: their windows hold no midnight
    idle = {"seconds": 0.0, "queries": 0, "peak_rss_mb": 0.0, "mails": 0}
    for _tick in range(5):
        env.invalidate_all()
        rules.write({"last_run": now - datetime.timedelta(seconds=1)})
        _none, tick = _measure(env, lambda: Automation._check())
        idle["seconds"] += tick["seconds"]
        idle["queries"] += tick["queries"]
        idle["peak_rss_mb"] = max(idle["peak_rss_mb"], tick["peak_rss_mb"])
    idle["mails"] = len(_mails_since(env, first_mail)) - len(automation_mails)
    day = {
        "seconds": round(busy["seconds"] + idle["seconds"], 3),
        "queries": busy["queries"] + idle["queries"],
        "mails": busy["mails"] + idle["mails"],
    }

    def per_mail(figures):
        return round(1000.0 * figures["seconds"] / figures["mails"], 2) if figures["mails"] else None

    result = {
        "deadlines": count,
        "date": str(today),
        "build_seconds": round(build_seconds, 1),
        "ours": dict(
            ours,
            ms_per_mail=per_mail(ours),
            queries_per_mail=round(ours["queries"] / max(ours["mails"], 1), 2),
        ),
        "floor_send_mail_batch": dict(floor, ms_per_mail=per_mail(floor)),
        "automation_busy_tick": dict(busy, ms_per_mail=per_mail(busy)),
        "automation_other_ticks": idle,
        "automation_day": dict(day, ms_per_mail=per_mail(day)),
        "same_mails": our_mails == automation_mails,
        "only_ours": len(our_mails - automation_mails),
        "only_automation": len(automation_mails - our_mails),
    }
    if ours["seconds"]:
        result["ratio_day"] = round(day["seconds"] / ours["seconds"], 1)
    if result["ours"]["ms_per_mail"] and result["floor_send_mail_batch"]["ms_per_mail"]:
        result["ratio_ours_to_floor_per_mail"] = round(
            result["ours"]["ms_per_mail"] / result["floor_send_mail_batch"]["ms_per_mail"], 2
        )
    if result["ours"]["ms_per_mail"] and result["automation_busy_tick"]["ms_per_mail"]:
        result["ratio_per_mail_busy_tick"] = round(
            result["automation_busy_tick"]["ms_per_mail"] / result["ours"]["ms_per_mail"], 1
        )
    return result


def print_table(result):
    rows = [
        ("our daily pass", result["ours"]),
        ("floor: send_mail_batch, trivial", result["floor_send_mail_batch"]),
        ("base_automation, busy tick", result["automation_busy_tick"]),
        ("base_automation, 5 other ticks", result["automation_other_ticks"]),
        ("base_automation, whole day", result["automation_day"]),
    ]
    print(
        f"\n{result['deadlines']} deadlines, {result['date']} (portfolio built in {result['build_seconds']} s)"
    )
    print(f"{'':32} {'wall s':>8} {'queries':>9} {'peak MB':>8} {'mails':>7} {'ms/mail':>8}")
    for name, figures in rows:
        print(
            f"{name:32} {figures['seconds']:>8.2f} {figures['queries']:>9} {figures.get('peak_rss_mb', 0):>8} "
            f"{figures['mails']:>7} {figures.get('ms_per_mail') or '-':>8}"
        )
    print(
        f"same e-mails: {result['same_mails']} (only ours {result['only_ours']}, only automation "
        f"{result['only_automation']}); day ratio {result.get('ratio_day')}x, per mail (busy tick) "
        f"{result.get('ratio_per_mail_busy_tick')}x; ours / floor per mail {result.get('ratio_ours_to_floor_per_mail')}"
    )


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument(
        "-n", "--count", type=int, action="append", help="deadlines (repeat: -n 1000 -n 10000)"
    )
    parser.add_argument("--json", default=str(Path(__file__).parent / "results" / "vs_automation.json"))
    parser.add_argument("--profile", help="write a cProfile of our pass (the last count) to this file")
    parser.add_argument(
        "--explain", help="write the EXPLAIN of every query of our pass (the last count) to this file"
    )
    args = parser.parse_args()

    import odoo
    from odoo.tools import config

    config.parse_config(["-c", args.config, "-d", args.database, "--log-level=warn"])
    logging.getLogger("odoo").setLevel(logging.WARNING)
    from odoo.modules.registry import Registry

    registry = Registry(args.database)
    results = []
    counts = args.count or [1000]
    for index, count in enumerate(counts):
        last = index == len(counts) - 1
        with registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {"tracking_disable": True, "lang": "en_US"})
            try:
                result = run_benchmark(
                    env,
                    count,
                    profile=args.profile if last else None,
                    explain=args.explain if last else None,
                )
            finally:
                cr.rollback()
        print_table(result)
        if "seq_scans_of_big_tables" in result["ours"]:
            scans = result["ours"]["seq_scans_of_big_tables"]
            print(
                f"EXPLAIN of our pass's queries in {args.explain}: {len(scans)} sequential scans of big tables"
            )
            for table, query in scans:
                print(f"  Seq Scan on {table}: {query}")
        results.append(result)
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps(results, indent=2))
    print(f"\n(rolled back: the database is unchanged; JSON in {args.json})")


if __name__ == "__main__":
    main()
