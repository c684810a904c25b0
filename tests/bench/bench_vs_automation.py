#!/usr/bin/env python3
# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""One day of the daily pass against what a user builds without us, on the
same portfolio:

(a) our daily pass for a fresh company, as the cron runs it (batches until
    nothing remains: states, the reminder ladder, the chatter, the review
    and callback activities), in steady state (the previous day already
    processed);
(b) ``base_automation``: one "based on date field" rule per ladder stage on
    the expiry date, posting the stage's template by e-mail; its busy tick
    (the one whose window holds the day) and five other 4-hour ticks, which
    send nothing but scan every deadline.

(floor) the same e-mails queued set-based by ``send_mail_batch`` with a
trivial template (three placeholders, no chatter, no activity).

For each count, the portfolio and the previous day's pass are built and
COMMITTED by one process in a fresh copy of the database (``CREATE DATABASE
<db>_<count> TEMPLATE <db>``, dropped afterwards); (a), (floor) and (b) are
each measured in a fresh process of their own (this script with the hidden
``--child`` option) that builds nothing, in a transaction rolled back at the
end. Each reports its wall time, SQL queries, its own peak RSS (ru_maxrss)
and the growth of its RSS during the measured part (/proc/self/statm); the
e-mails each side queued (deadline, subject) come back as JSON and are
compared. It prints a table and writes the figures as JSON.

``run_benchmark`` does the same in one process and one transaction (the
test suite runs it on 300 deadlines).

    tests/bench/run-vs-automation -n 10000     (see tests/bench/README.md)
"""

import argparse
import contextlib
import datetime
import gc
import json
import logging
import os
import random
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from unittest.mock import patch

#: the environment's context of every measure (as the cron's, without tracking)
CONTEXT = {"tracking_disable": True, "lang": "en_US"}
#: the fields of a template rendered by the warm-up
RENDERED_FIELDS = ("subject", "body_html", "email_to", "partner_to", "email_from", "reply_to")


def _rss_mb():
    """This process's peak resident memory so far (ru_maxrss), in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _current_rss_mb():
    """This process's resident memory now (/proc/self/statm), in MB."""
    try:
        with open("/proc/self/statm") as statm:
            pages = int(statm.read().split()[1])
    except (OSError, ValueError, IndexError):
        return 0.0
    return pages * os.sysconf("SC_PAGE_SIZE") / 1024.0 / 1024.0


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


def prepare_steady_state(env, count, today):
    """The portfolio of ``count`` deadlines, and the pass of the day before
    ``today`` already run (its e-mails gone from the queue): the state a
    database is in on the morning of ``today``."""
    company = build_portfolio(env, count, today)
    run_our_pass(env, company, today - datetime.timedelta(days=1))
    env["mail.mail"].search([("model", "=", "expiry.deadline")]).unlink()
    env.flush_all()
    env.invalidate_all()
    return company


def states_of_today(env, company, today):
    """Move the deadlines to their states of ``today`` (the first step of our
    pass), so that base_automation's rules see what our pass saw."""
    Deadline = env["expiry.deadline"]
    while True:
        _done, remaining = Deadline._cron_update_states(company, today, 5000)
        env.flush_all()
        env.invalidate_all()
        if not remaining:
            break


def create_floor_template(env):
    """The trivial template of the floor: three placeholders."""
    return env["mail.template"].create(
        {
            "name": "Bench: trivial",
            "model_id": env["ir.model"]._get_id("expiry.deadline"),
            "subject": "{{ object.name }}",
            "email_to": "{{ object.partner_id.email }}",
            "body_html": "<p>Dear <t t-out='object.partner_id.name'/>, <t t-out='object.name'/> expires on "
            "<t t-out='object.date_expiry'/>.</p>",
        }
    )


def stage_templates(env, company):
    stages = env["expiry.reminder.stage"].search([("company_id", "in", (False, company.id))])
    return stages.mail_template_id


def warm_up(env, company, templates):
    """Render each of ``templates`` once on one of the company's deadlines,
    writing nothing: a fresh process compiles and caches what any worker
    that has run before holds (the old in-process measure ran after the
    previous day's pass)."""
    deadline = env["expiry.deadline"].search([("company_id", "=", company.id)], limit=1)
    if deadline:
        for template in templates:
            template._generate_template(deadline.ids, RENDERED_FIELDS)
    env.invalidate_all()


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


class _RssSampler(threading.Thread):
    """The highest RSS of this process while it runs (every 10 ms): the peak
    of a measured part, which ru_maxrss (the process's peak since it
    started, the registry's loading included) does not tell."""

    def __init__(self):
        super().__init__(daemon=True)
        self.peak = _current_rss_mb()
        self._finished = threading.Event()

    def run(self):
        while not self._finished.wait(0.01):
            self.peak = max(self.peak, _current_rss_mb())

    def stop(self):
        self._finished.set()
        self.join()
        self.peak = max(self.peak, _current_rss_mb())
        return self.peak


def _measure(env, function):
    """Run ``function``: its result and its figures (wall time, queries, the
    process's peak RSS, its RSS before, its growth after and at its peak)."""
    env.flush_all()
    gc.collect()
    queries, before = env.cr.sql_log_count, _current_rss_mb()
    sampler = _RssSampler()
    sampler.start()
    start = time.perf_counter()
    try:
        result = function()
        env.flush_all()
    finally:
        seconds = time.perf_counter() - start
        peak = sampler.stop()
    after = _current_rss_mb()
    return result, {
        "seconds": round(seconds, 3),
        "queries": env.cr.sql_log_count - queries,
        "peak_rss_mb": round(_rss_mb(), 1),
        "rss_before_mb": round(before, 1),
        "rss_growth_mb": round(after - before, 1),
        "rss_peak_growth_mb": round(peak - before, 1),
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


def measure_ours(env, company, today, profile=None, explain=None):
    """(a) our pass of ``today``: (figures, {(deadline id, subject)})."""
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
    mails = _mails_since(env, first_mail)
    ours.update(mails=len(mails), runs=runs)
    if explain:
        ours["seq_scans_of_big_tables"] = explain_queries(env, queries, explain)
    return ours, mails


def measure_floor(env, template, res_ids):
    """(floor) ``template`` sent set-based to ``res_ids``: its figures."""
    env.invalidate_all()
    _none, floor = _measure(env, lambda: template.send_mail_batch(list(res_ids)))
    floor.update(mails=len(res_ids))
    return floor


def measure_automation(env, company, today):
    """(b) base_automation's day on the states of ``today``: (busy tick,
    other ticks, {(deadline id, subject)} of the busy tick)."""
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
    mails = _mails_since(env, first_mail)
    busy.update(mails=len(mails))
    # the five other ticks of the day: their windows hold no midnight
    idle = {
        "seconds": 0.0,
        "queries": 0,
        "peak_rss_mb": 0.0,
        "rss_growth_mb": 0.0,
        "rss_peak_growth_mb": 0.0,
        "mails": 0,
    }
    for _tick in range(5):
        env.invalidate_all()
        rules.write({"last_run": now - datetime.timedelta(seconds=1)})
        _none, tick = _measure(env, lambda: Automation._check())
        idle["seconds"] = round(idle["seconds"] + tick["seconds"], 3)
        idle["queries"] += tick["queries"]
        idle["peak_rss_mb"] = max(idle["peak_rss_mb"], tick["peak_rss_mb"])
        # each tick from the RSS it started with (what a tick holds is freed
        # before the next one): the largest of them, not their sum
        idle["rss_growth_mb"] = max(idle["rss_growth_mb"], tick["rss_growth_mb"])
        idle["rss_peak_growth_mb"] = max(idle["rss_peak_growth_mb"], tick["rss_peak_growth_mb"])
    idle["mails"] = len(_mails_since(env, first_mail)) - len(mails)
    return busy, idle, mails


@contextlib.contextmanager
def _rolled_back(env):
    """What the block writes is rolled back (a savepoint), as a measuring
    process rolls its transaction back."""
    env.flush_all()
    savepoint = env.cr.savepoint(flush=False)
    try:
        yield
    finally:
        env.flush_all()
        savepoint.close(rollback=True)
        env.invalidate_all()


def run_benchmark(env, count, today=None, profile=None, explain=None):
    """Build the portfolio, run (a), (floor) and (b), return the figures: in
    one process and one transaction (each measure rolled back to the built
    portfolio). The test suite's version of what main() does in processes."""
    today = today or datetime.date.today()
    build_start = time.perf_counter()
    company = prepare_steady_state(env, count, today)
    build_seconds = time.perf_counter() - build_start
    with _rolled_back(env):
        ours, our_mails = measure_ours(env, company, today, profile=profile, explain=explain)
    with _rolled_back(env):
        template = create_floor_template(env)
        floor = measure_floor(env, template, sorted({res_id for res_id, _subject in our_mails}))
    with _rolled_back(env):
        states_of_today(env, company, today)
        busy, idle, automation_mails = measure_automation(env, company, today)
    return summarize(count, today, build_seconds, ours, our_mails, floor, busy, idle, automation_mails)


def summarize(count, today, build_seconds, ours, our_mails, floor, busy, idle, automation_mails):
    """The figures of one count, with the per-mail costs and the ratios."""
    our_mails = {tuple(mail) for mail in our_mails}
    automation_mails = {tuple(mail) for mail in automation_mails}
    day = {
        "seconds": round(busy["seconds"] + idle["seconds"], 3),
        "queries": busy["queries"] + idle["queries"],
        "peak_rss_mb": max(busy["peak_rss_mb"], idle["peak_rss_mb"]),
        # the largest of the day's ticks, each measured from the RSS it started with
        "rss_growth_mb": max(busy["rss_growth_mb"], idle["rss_growth_mb"]),
        "rss_peak_growth_mb": max(busy["rss_peak_growth_mb"], idle["rss_peak_growth_mb"]),
        "mails": busy["mails"] + idle["mails"],
    }

    def per_mail(figures):
        if not figures["mails"]:
            return dict(figures, ms_per_mail=None, queries_per_mail=None)
        return dict(
            figures,
            ms_per_mail=round(1000.0 * figures["seconds"] / figures["mails"], 2),
            queries_per_mail=round(figures["queries"] / figures["mails"], 2),
        )

    result = {
        "deadlines": count,
        "date": str(today),
        "build_seconds": round(build_seconds, 1),
        "ours": per_mail(ours),
        "floor_send_mail_batch": per_mail(floor),
        "automation_busy_tick": per_mail(busy),
        "automation_other_ticks": per_mail(idle),
        "automation_day": per_mail(day),
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
    print(
        f"{'':32} {'wall s':>8} {'queries':>9} {'queries/mail':>13} {'peak MB':>8} "
        f"{'RSS growth MB':>14} {'at peak':>8} {'mails':>7} {'ms/mail':>8}"
    )
    for name, figures in rows:
        print(
            f"{name:32} {figures['seconds']:>8.2f} {figures['queries']:>9} "
            f"{figures.get('queries_per_mail') or '-':>13} {figures.get('peak_rss_mb', 0):>8} "
            f"{figures.get('rss_growth_mb', 0):>14} {figures.get('rss_peak_growth_mb', 0):>8} "
            f"{figures['mails']:>7} {figures.get('ms_per_mail') or '-':>8}"
        )
    print(
        f"same e-mails: {result['same_mails']} (only ours {result['only_ours']}, only automation "
        f"{result['only_automation']}); day ratio {result.get('ratio_day')}x, per mail (busy tick) "
        f"{result.get('ratio_per_mail_busy_tick')}x; ours / floor per mail {result.get('ratio_ours_to_floor_per_mail')}"
    )


# ----------------------------------------------------------------------
# Processes: the parent copies the database, a child builds, one child per measure
# ----------------------------------------------------------------------
def _postgres_autocommit(database):
    """A cursor on ``database`` outside any transaction (CREATE/DROP DATABASE, VACUUM)."""
    from odoo.sql_db import db_connect

    cr = db_connect(database).cursor()
    cr._cnx.autocommit = True
    return contextlib.closing(cr)


def _close_pool(database):
    from odoo.sql_db import close_db

    close_db(database)


def create_database_copy(template, copy):
    """``copy``: a fresh copy of ``template`` (and of its filestore)."""
    from odoo.tools import SQL, config

    drop_database(copy)
    with _postgres_autocommit("postgres") as cr:
        cr.execute(SQL("CREATE DATABASE %s TEMPLATE %s", SQL.identifier(copy), SQL.identifier(template)))
    _close_pool("postgres")
    if os.path.isdir(config.filestore(template)):
        shutil.copytree(config.filestore(template), config.filestore(copy))


def drop_database(database):
    from odoo.tools import SQL, config

    _close_pool(database)
    with _postgres_autocommit("postgres") as cr:
        # (FORCE): the connections of a child that was killed
        cr.execute(SQL("DROP DATABASE IF EXISTS %s WITH (FORCE)", SQL.identifier(database)))
    _close_pool("postgres")
    shutil.rmtree(config.filestore(database), ignore_errors=True)


def vacuum_analyze(database):
    """The planner's statistics and visibility map of the portfolio just
    committed, as autovacuum keeps them on a real database (and so that it
    does not start in the middle of a measure)."""
    with _postgres_autocommit(database) as cr:
        cr.execute("VACUUM ANALYZE")
    _close_pool(database)


def run_child(mode, config_path, database, today, **options):
    """Run this script as a fresh process in ``mode`` on ``database``: the
    JSON it returns. ``options`` (company, count, profile, explain, data)
    are passed on."""
    with tempfile.TemporaryDirectory(prefix="bench-vs-automation-") as tmp:
        out, data = Path(tmp) / "out.json", Path(tmp) / "in.json"
        command = [sys.executable, str(Path(__file__).resolve()), "-c", config_path, "-d", database]
        command += ["--child", mode, "--child-out", str(out), "--date", str(today)]
        for flag, name in (
            ("--company", "company"),
            ("-n", "count"),
            ("--profile", "profile"),
            ("--explain", "explain"),
        ):
            if options.get(name):
                command += [flag, str(options[name])]
        if options.get("data") is not None:
            data.write_text(json.dumps(options["data"]))
            command += ["--child-in", str(data)]
        subprocess.run(command, check=True)
        return json.loads(out.read_text())


def child_main(args):
    """One measure (or the build) in this fresh process; writes its JSON."""
    import odoo
    from odoo.modules.registry import Registry

    today = datetime.date.fromisoformat(args.date)
    registry = Registry(args.database)
    output = {}
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, CONTEXT)
        try:
            if args.child == "build":
                start = time.perf_counter()
                company = prepare_steady_state(env, args.count[0], today)
                cr.commit()
                output = {"company": company.id, "build_seconds": time.perf_counter() - start}
            else:
                company = env["res.company"].browse(args.company)
                if args.child == "ours":
                    warm_up(env, company, stage_templates(env, company))
                    figures, mails = measure_ours(env, company, today, args.profile, args.explain)
                    output = {"figures": figures, "mails": sorted(mails)}
                elif args.child == "floor":
                    template = create_floor_template(env)
                    warm_up(env, company, template)
                    res_ids = json.loads(Path(args.child_in).read_text())["res_ids"]
                    output = {"figures": measure_floor(env, template, res_ids)}
                elif args.child == "automation":
                    states_of_today(env, company, today)
                    warm_up(env, company, stage_templates(env, company))
                    busy, idle, mails = measure_automation(env, company, today)
                    output = {"busy": busy, "idle": idle, "mails": sorted(mails)}
        finally:
            cr.rollback()
    Path(args.child_out).write_text(json.dumps(output))


def run_count(args, count, today, profile=None, explain=None):
    """The portfolio of ``count`` in a copy of the database, the measures in processes of their own."""
    copy = f"{args.database}_{count}"
    create_database_copy(args.database, copy)
    try:
        built = run_child("build", args.config, copy, today, count=count)
        vacuum_analyze(copy)
        company = built["company"]
        ours = run_child("ours", args.config, copy, today, company=company, profile=profile, explain=explain)
        res_ids = sorted({res_id for res_id, _subject in ours["mails"]})
        floor = run_child("floor", args.config, copy, today, company=company, data={"res_ids": res_ids})
        automation = run_child("automation", args.config, copy, today, company=company)
    finally:
        drop_database(copy)
    return summarize(
        count,
        today,
        built["build_seconds"],
        ours["figures"],
        ours["mails"],
        floor["figures"],
        automation["busy"],
        automation["idle"],
        automation["mails"],
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
    # a process of the benchmark's own (run_child): build, or one measure
    parser.add_argument("--child", choices=("build", "ours", "floor", "automation"), help=argparse.SUPPRESS)
    parser.add_argument("--child-out", help=argparse.SUPPRESS)
    parser.add_argument("--child-in", help=argparse.SUPPRESS)
    parser.add_argument("--company", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--date", help=argparse.SUPPRESS)
    args = parser.parse_args()

    from odoo.tools import config

    config.parse_config(["-c", args.config, "-d", args.database, "--log-level=warn"])
    logging.getLogger("odoo").setLevel(logging.WARNING)
    if args.child:
        child_main(args)
        return

    # stopped (SIGTERM): the copy of the count being measured is dropped all the same
    signal.signal(signal.SIGTERM, lambda _signal, _frame: sys.exit(143))
    today = datetime.date.fromisoformat(args.date) if args.date else datetime.date.today()
    for path in (args.profile, args.explain):
        if path:  # the children write them from another directory
            Path(path).resolve().parent.mkdir(parents=True, exist_ok=True)
    results = []
    counts = args.count or [1000]
    for index, count in enumerate(counts):
        last = index == len(counts) - 1
        result = run_count(
            args,
            count,
            today,
            profile=str(Path(args.profile).resolve()) if last and args.profile else None,
            explain=str(Path(args.explain).resolve()) if last and args.explain else None,
        )
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
    print(f"\n(each count in a copy of {args.database}, dropped after; JSON in {args.json})")


if __name__ == "__main__":
    main()
