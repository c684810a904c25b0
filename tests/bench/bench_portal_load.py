#!/usr/bin/env python3
# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The customer portal under load, in multi-worker mode, measured from
outside (loopback only, bounded in time and in requests):

1. a portfolio committed in the database (skipped when the database already
   holds the same one): N deadlines (default 100,000), of which a number
   (default 1,000) belong to each of 20 portal customers (logins
   ``portal_bench_<i>``, password = login), the rest to other customers,
   plus confirmed sale orders for those 20 customers (default 100 each), so
   that Odoo's own ``/my/orders`` has comparable content;
2. Odoo started with ``--workers`` on a free loopback port (cron off), until
   it answers;
3. the customers logged in (``/web/login`` with its CSRF token), then 20
   concurrent clients for D seconds on ``/my/deadlines`` (its pages) and the
   customer's own deadline pages; then the same on ``/my/orders`` and order
   pages; then one customer alone on each. Requests per second, p50, p95,
   errors (anything but a 200 with the page's marker), the SQL queries per
   request from the server's log, and the CPU time per request of the
   server's processes and of the database's backends (what a request costs
   on a machine that runs other things too);
4. JSON in tests/bench/results/portal_load.json; the server is stopped.

``--profile DIR`` instead serves each kind of page in this process (no
server, no load) for one customer: CPU ms and queries per request, and a
cProfile of each in DIR.

    tests/bench/portal-load                 (see tests/bench/README.md)
"""

import argparse
import datetime
import json
import logging
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import requests

MARKER_PARAM = "expiry_bench_portal.portfolio"
LOGIN_PREFIX = "portal_bench_"
# What a page must hold to count as served (not an error page, not a login).
MARKERS = {
    "deadline_list": "o_expiry_portal_deadline_row",
    "deadline_page": "o_expiry_portal_deadline",
    "order_list": "/my/orders/",
    "order_page": "o_portal_sale_sidebar",
}
TARGETS = {"min_rps": 30.0, "max_p95_ms": 500.0, "max_errors": 0}


def log(message):
    print(f"[portal-load] {message}", file=sys.stderr, flush=True)


# ----------------------------------------------------------------------
# 1. The portfolio (in-process ORM, committed)
# ----------------------------------------------------------------------
def _odoo_registry(config_path, database):
    import odoo  # noqa: F401  (the venv's odoo-src.pth)
    from odoo.tools import config

    config.parse_config(["-c", config_path, "-d", database, "--log-level=warn"])
    logging.getLogger("odoo").setLevel(logging.WARNING)
    from odoo.modules.registry import Registry

    return Registry(database)


def _env(cr):
    import odoo

    return odoo.api.Environment(
        cr,
        odoo.SUPERUSER_ID,
        {"tracking_disable": True, "mail_create_nolog": True, "mail_notrack": True, "lang": "en_US"},
    )


def build_portfolio(registry, spec, seed=20):
    """Create the portfolio ``spec`` and commit it; return its timings."""
    rng = random.Random(seed)
    timings = {}
    started = time.perf_counter()
    with registry.cursor() as cr:
        env = _env(cr)
        company = env.ref("base.main_company")
        today = datetime.date.today()
        step = time.perf_counter()
        salespeople = env["res.users"].create(
            [
                {
                    "name": f"Bench Salesperson {i}",
                    "login": f"bench_sales_{i}",
                    "email": f"sales{i}@bench.example",
                    "company_id": company.id,
                    "company_ids": [(6, 0, company.ids)],
                    "groups_id": [(6, 0, [env.ref("sales_team.group_sale_salesman").id])],
                }
                for i in range(5)
            ]
        )
        renewable = env["product.product"].create(
            [
                {
                    "name": f"Bench policy {i}",
                    "type": "service",
                    "list_price": 100.0 + 50 * i,
                    "expiry_duration": 1,
                    "expiry_duration_unit": "year",
                }
                for i in range(5)
            ]
        )
        # plain products for the sale orders (no renewal duration: confirming
        # the orders creates no deadline)
        goods = env["product.product"].create(
            [{"name": f"Bench service {i}", "type": "service", "list_price": 40.0 + 10 * i} for i in range(5)]
        )
        customers = env["res.partner"].create(
            [
                {"name": f"Portal Customer {i:02d}", "email": f"{LOGIN_PREFIX}{i}@bench.example"}
                for i in range(spec["customers"])
            ]
        )
        portal_group = env.ref("base.group_portal")
        env["res.users"].with_context(no_reset_password=True).create(
            [
                {
                    "name": customer.name,
                    "login": f"{LOGIN_PREFIX}{i}",
                    "password": f"{LOGIN_PREFIX}{i}",
                    "partner_id": customer.id,
                    "company_id": company.id,
                    "company_ids": [(6, 0, company.ids)],
                    "groups_id": [(6, 0, portal_group.ids)],
                }
                for i, customer in enumerate(customers)
            ]
        )
        others_count = spec["deadlines"] - spec["customers"] * spec["per_customer"]
        others = env["res.partner"].create(
            [
                {"name": f"Bench Customer {i}", "email": f"other{i}@bench.example"}
                for i in range(max(others_count // 10, 1))
            ]
        )
        env.flush_all()
        timings["people_s"] = round(time.perf_counter() - step, 1)

        step = time.perf_counter()
        owners = [customer.id for customer in customers for _i in range(spec["per_customer"])]
        owners += [others[i % len(others)].id for i in range(max(others_count, 0))]
        rng.shuffle(owners)
        # expiry dates over the last year and the next 14 months: active,
        # expired (past, still renewable in the grace period or not), a few
        # closed and cancelled
        first, days = today - datetime.timedelta(days=365), 365 + 425
        values = []
        for index, partner_id in enumerate(owners):
            expiry = first + datetime.timedelta(days=rng.randrange(days))
            state = "active" if expiry >= today else "expired"
            if index % 50 == 0:
                state = "closed"
            elif index % 97 == 0:
                state = "cancelled"
            product = renewable[index % len(renewable)]
            values.append(
                {
                    "partner_id": partner_id,
                    "product_id": product.id,
                    "description": f"Policy {index:06d}",
                    "user_id": salespeople[index % len(salespeople)].id,
                    "company_id": company.id,
                    "currency_id": company.currency_id.id,
                    "price_unit": product.list_price,
                    "date_start": expiry - datetime.timedelta(days=365),
                    "date_expiry": expiry,
                    "state": state,
                }
            )
        Deadline = env["expiry.deadline"]
        for start in range(0, len(values), 5000):
            Deadline.create(values[start : start + 5000])
            env.flush_all()
            env.invalidate_all()
        timings["deadlines_s"] = round(time.perf_counter() - step, 1)
        log(f"{len(values)} deadlines in {timings['deadlines_s']} s")

        step = time.perf_counter()
        orders_values = []
        for customer in customers:
            for index in range(spec["orders"]):
                orders_values.append(
                    {
                        "partner_id": customer.id,
                        "company_id": company.id,
                        "user_id": salespeople[index % len(salespeople)].id,
                        "order_line": [
                            (
                                0,
                                0,
                                {
                                    "product_id": goods[(index + line) % len(goods)].id,
                                    "product_uom_qty": 1 + (index + line) % 3,
                                },
                            )
                            for line in range(2)
                        ],
                    }
                )
        SaleOrder = env["sale.order"]
        for start in range(0, len(orders_values), 200):
            orders = SaleOrder.create(orders_values[start : start + 200])
            orders.action_confirm()
            env.flush_all()
            env.invalidate_all()
        timings["orders_s"] = round(time.perf_counter() - step, 1)
        log(f"{len(orders_values)} confirmed sale orders in {timings['orders_s']} s")
        env["ir.config_parameter"].set_param(MARKER_PARAM, json.dumps(spec, sort_keys=True))
        cr.execute("ANALYZE expiry_deadline")
        cr.execute("ANALYZE sale_order")
        cr.commit()
    timings["total_s"] = round(time.perf_counter() - started, 1)
    return timings


def stored_spec(registry):
    with registry.cursor() as cr:
        cr.execute("SELECT value FROM ir_config_parameter WHERE key = %s", [MARKER_PARAM])
        row = cr.fetchone()
    return json.loads(row[0]) if row else None


def customers_and_documents(registry, demo):
    """[(login, password, [deadline ids], [order ids])] of the portal customers."""
    with registry.cursor() as cr:
        if demo:
            cr.execute(
                "SELECT u.login, p.commercial_partner_id FROM res_users u"
                " JOIN res_partner p ON p.id = u.partner_id WHERE u.login = 'portal'"
            )
            logins = [(login, "portal", partner) for login, partner in cr.fetchall()]
        else:
            cr.execute(
                "SELECT u.login, p.commercial_partner_id FROM res_users u"
                " JOIN res_partner p ON p.id = u.partner_id WHERE u.login LIKE %s ORDER BY u.id",
                [LOGIN_PREFIX + "%"],
            )
            logins = [(login, login, partner) for login, partner in cr.fetchall()]
        result = []
        for login, password, partner in logins:
            cr.execute(
                "SELECT id FROM expiry_deadline WHERE commercial_partner_id = %s AND state != 'draft'",
                [partner],
            )
            deadline_ids = [row[0] for row in cr.fetchall()]
            cr.execute(
                "SELECT o.id FROM sale_order o JOIN res_partner p ON p.id = o.partner_id"
                " WHERE p.commercial_partner_id = %s AND o.state = 'sale'",
                [partner],
            )
            order_ids = [row[0] for row in cr.fetchall()]
            result.append((login, password, deadline_ids, order_ids))
    return result


# ----------------------------------------------------------------------
# 2. The server
# ----------------------------------------------------------------------
def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    def __init__(self, odoo_bin, config_path, database, workers, logfile):
        self.port = free_port()
        gevent_port = free_port()
        self.logfile = logfile
        self.base = f"http://127.0.0.1:{self.port}"
        command = [
            sys.executable,
            odoo_bin,
            "-c",
            config_path,
            "-d",
            database,
            f"--db-filter=^{database}$",
            "--workers",
            str(workers),
            "--max-cron-threads",
            "0",
            "--http-interface",
            "127.0.0.1",
            "--http-port",
            str(self.port),
            "--gevent-port",
            str(gevent_port),
            "--logfile",
            str(logfile),
            "--log-level",
            "info",
        ]
        Path(logfile).write_text("")
        # a session of its own: stop() ends this server's processes (master,
        # workers, gevent) by the master's process group, nothing else
        self.process = subprocess.Popen(command, start_new_session=True, stdin=subprocess.DEVNULL)
        log(f"odoo-bin (pid {self.process.pid}) with {workers} workers on {self.base}, log {logfile}")

    def wait(self, timeout=300):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"odoo-bin exited with {self.process.returncode}; see {self.logfile}")
            try:
                status = requests.get(self.base + "/web/login", timeout=30).status_code
                if status == 200:
                    return
                if status >= 500:
                    raise RuntimeError(f"/web/login answers {status}; see {self.logfile}")
            except requests.RequestException:
                pass
            time.sleep(1)
        raise RuntimeError(f"odoo-bin did not answer in {timeout} s; see {self.logfile}")

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        # the workers of the group, should one outlive the master
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        log(f"odoo-bin (pid {self.process.pid}) stopped")


# ----------------------------------------------------------------------
# 3. The load
# ----------------------------------------------------------------------
def login(base, user, password):
    session = requests.Session()
    page = session.get(base + "/web/login", timeout=60)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    if not token:
        raise RuntimeError("no CSRF token on /web/login")
    response = session.post(
        base + "/web/login",
        data={"login": user, "password": password, "csrf_token": token.group(1), "redirect": "/my"},
        timeout=60,
        allow_redirects=False,
    )
    if response.status_code != 303 or "/web/login" in response.headers.get("Location", ""):
        raise RuntimeError(f"login of {user} failed ({response.status_code})")
    return session


def _requests_of(kind, customer, rng, deadline_pages, order_pages):
    """The next (route kind, path) of a client."""
    _login, _password, deadline_ids, order_ids = customer
    if kind == "deadlines":
        roll = rng.random()
        if roll < 0.25:
            return "deadline_list", "/my/deadlines"
        if roll < 0.5:
            page = rng.randint(1, deadline_pages)
            return "deadline_list", f"/my/deadlines/page/{page}" if page > 1 else "/my/deadlines"
        return "deadline_page", f"/my/deadlines/{rng.choice(deadline_ids)}"
    roll = rng.random()
    if roll < 0.25:
        return "order_list", "/my/orders"
    if roll < 0.5:
        page = rng.randint(1, order_pages)
        return "order_list", f"/my/orders/page/{page}" if page > 1 else "/my/orders"
    return "order_page", f"/my/orders/{rng.choice(order_ids)}"


def run_load(base, sessions, customers, kind, seconds, max_requests, seed, pages):
    """``len(sessions)`` concurrent clients for ``seconds`` (and at most
    ``max_requests`` in all); returns the list of samples."""
    samples = []
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds
    budget = [max_requests]

    def client(index):
        rng = random.Random(seed * 1000 + index)
        session = sessions[index]
        customer = customers[index % len(customers)]
        while time.monotonic() < stop_at:
            with lock:
                if budget[0] <= 0:
                    return
                budget[0] -= 1
            route, path = _requests_of(kind, customer, rng, *pages)
            started = time.perf_counter()
            error = None
            try:
                response = session.get(base + path, timeout=60, allow_redirects=False)
                if response.status_code != 200:
                    error = f"HTTP {response.status_code}"
                elif MARKERS[route] not in response.text:
                    error = "page without its content"
            except requests.RequestException as exc:
                error = type(exc).__name__
            elapsed = time.perf_counter() - started
            with lock:
                samples.append((route, elapsed, error, path))

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(len(sessions))]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return samples, time.perf_counter() - started


def _percentile(values, fraction):
    if not values:
        return None
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * len(ordered) + 0.5) - 1))
    return ordered[index]


def summarize(samples, wall):
    def figures(chosen):
        times = [s[1] * 1000 for s in chosen]
        errors = [s for s in chosen if s[2]]
        return {
            "requests": len(chosen),
            "rps": round(len(chosen) / wall, 1) if wall else None,
            "p50_ms": round(_percentile(times, 0.5), 1) if times else None,
            "p95_ms": round(_percentile(times, 0.95), 1) if times else None,
            "max_ms": round(max(times), 1) if times else None,
            "mean_ms": round(statistics.fmean(times), 1) if times else None,
            "errors": len(errors),
            "error_examples": sorted({f"{s[3]}: {s[2]}" for s in errors})[:5],
        }

    result = figures(samples)
    result["seconds"] = round(wall, 1)
    result["routes"] = {
        route: figures([s for s in samples if s[0] == route]) for route in sorted({s[0] for s in samples})
    }
    for route in result["routes"].values():
        route.pop("rps")
    return result


# werkzeug lines of Odoo's log: "GET /path HTTP/1.1" 200 - <queries> <query time> <other time>
LOG_LINE = re.compile(r'"GET (\S+) HTTP/[0-9.]+" (\d{3}) - (\d+) ([0-9.]+) ([0-9.]+)')


def server_figures(logfile, offset):
    """Queries per request by route kind, from the server's log after ``offset``."""
    with open(logfile, encoding="utf-8", errors="replace") as handle:
        handle.seek(offset)
        text = handle.read()
    routes = {}
    for path, _status, queries, query_time, other_time in LOG_LINE.findall(text):
        if re.fullmatch(r"/my/deadlines(/page/\d+)?", path):
            route = "deadline_list"
        elif re.fullmatch(r"/my/deadlines/\d+", path):
            route = "deadline_page"
        elif re.fullmatch(r"/my/orders(/page/\d+)?", path):
            route = "order_list"
        elif re.fullmatch(r"/my/orders/\d+", path):
            route = "order_page"
        else:
            continue
        routes.setdefault(route, []).append((int(queries), float(query_time), float(other_time)))
    result = {}
    for route, rows in sorted(routes.items()):
        result[route] = {
            "queries_p50": statistics.median(r[0] for r in rows),
            "queries_max": max(r[0] for r in rows),
            "sql_ms_p50": round(statistics.median(r[1] for r in rows) * 1000, 1),
            "python_ms_p50": round(statistics.median(r[2] for r in rows) * 1000, 1),
        }
    errors = len(re.findall(r"^\S+ \S+ \d+ (?:ERROR|CRITICAL) ", text, re.MULTILINE))
    return result, errors


def _cpu_seconds(server, database):
    """CPU seconds (user + system) used so far by the server's processes
    (master, HTTP workers, gevent) and by the PostgreSQL backends of
    ``database``, each process by pid: what a request costs whatever else
    the machine runs."""
    import psutil

    result = {}
    try:
        processes = [psutil.Process(server.process.pid)]
        processes += processes[0].children(recursive=True)
    except psutil.NoSuchProcess:
        processes = []
    for process in processes:
        try:
            times = process.cpu_times()
            result[("odoo", process.pid)] = times.user + times.system
        except psutil.NoSuchProcess:
            pass
    for process in psutil.process_iter(["cmdline"]):
        cmdline = " ".join(process.info["cmdline"] or [])
        if cmdline.startswith("postgres: ") and f" {database} " in f"{cmdline} ":
            try:
                times = process.cpu_times()
                result[("db", process.pid)] = times.user + times.system
            except psutil.NoSuchProcess:
                pass
    return result


def _cpu_per_request(before, after, client_seconds, requests_count):
    """ms of CPU per request: Odoo's processes, the database, this client."""
    totals = {"odoo": 0.0, "db": 0.0}
    for key, seconds in after.items():
        totals[key[0]] += seconds - before.get(key, 0.0)
    figures = {
        "odoo_cpu_ms_per_request": totals["odoo"] * 1000 / requests_count,
        "db_cpu_ms_per_request": totals["db"] * 1000 / requests_count,
        "client_cpu_ms_per_request": client_seconds * 1000 / requests_count,
    }
    figures = {key: round(value, 1) for key, value in figures.items()}
    # what the server side (Odoo + PostgreSQL) could serve with every core
    # of this machine to itself
    server_ms = figures["odoo_cpu_ms_per_request"] + figures["db_cpu_ms_per_request"]
    figures["rps_if_all_cores"] = round(os.cpu_count() * 1000 / server_ms, 1) if server_ms else None
    return figures


def measure(server, customers, args, pages, kinds):
    sessions = [login(server.base, *customers[i % len(customers)][:2]) for i in range(args.clients)]
    log(f"{len(sessions)} clients logged in")
    phases = {}
    # warm-up (not measured): every worker compiles the templates, loads the
    # caches and, the first time, the asset bundles are generated
    for kind in kinds:
        run_load(server.base, sessions, customers, kind, args.warmup, 10**6, 99, pages)
    log(f"warmed up {args.warmup} s per target")
    for kind in kinds:
        offset = os.path.getsize(server.logfile)
        cpu_before, client_before = _cpu_seconds(server, args.database), time.process_time()
        samples, wall = run_load(
            server.base, sessions, customers, kind, args.seconds, args.max_requests, 1, pages
        )
        client_seconds = time.process_time() - client_before
        phases[kind] = summarize(samples, wall)
        phases[kind]["cpu"] = _cpu_per_request(
            cpu_before, _cpu_seconds(server, args.database), client_seconds, max(len(samples), 1)
        )
        phases[kind]["load_average_1min"] = os.getloadavg()[0]
        phases[kind]["server"], phases[kind]["server_errors_logged"] = server_figures(server.logfile, offset)
        log(
            f"{kind}: {phases[kind]['rps']} req/s, p50 {phases[kind]['p50_ms']} ms, "
            f"p95 {phases[kind]['p95_ms']} ms, {phases[kind]['errors']} errors "
            f"({phases[kind]['requests']} requests in {phases[kind]['seconds']} s); CPU per request "
            f"{phases[kind]['cpu']}, load average {phases[kind]['load_average_1min']:.1f}"
        )
    alone = {}
    for kind in kinds:
        samples, wall = run_load(
            server.base, sessions[:1], customers, kind, args.alone_seconds, 2000, 2, pages
        )
        alone[kind] = summarize(samples, wall)
        log(f"{kind}, one customer alone: p50 {alone[kind]['p50_ms']} ms, p95 {alone[kind]['p95_ms']} ms")
    return phases, alone


# ----------------------------------------------------------------------
# Profile: the same pages served in this process (no HTTP server), one
# customer, under cProfile
# ----------------------------------------------------------------------
def profile_in_process(database, customer, repeat, outdir):
    """Serve each kind of page ``repeat`` times through Odoo's WSGI
    application in this process: wall and CPU ms and SQL queries per request
    without the profiler, then the cProfile's top lines (and .prof files)
    in ``outdir``."""
    import cProfile
    import io
    import pstats

    from werkzeug.test import Client
    from werkzeug.wrappers import Response

    import odoo
    from odoo import sql_db

    odoo.tools.config["dbfilter"] = f"^{database}$"
    odoo.service.server.load_server_wide_modules()
    client = Client(odoo.http.root, Response)
    environ = {"REMOTE_ADDR": "127.0.0.1"}
    login_name, password, deadline_ids, order_ids = customer
    page = client.get("/web/login", environ_base=environ).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    client.post(
        "/web/login",
        data={"login": login_name, "password": password, "csrf_token": token, "redirect": "/my"},
        environ_base=environ,
    )
    paths = {
        "deadline_list": ["/my/deadlines", "/my/deadlines/page/7"],
        "deadline_page": [f"/my/deadlines/{i}" for i in deadline_ids[:5]],
        "order_list": ["/my/orders", "/my/orders/page/2"],
        "order_page": [f"/my/orders/{i}" for i in order_ids[:5]],
    }
    Path(outdir).mkdir(parents=True, exist_ok=True)
    result = {}
    for route, route_paths in paths.items():
        for path in route_paths:  # warm the caches
            client.get(path, environ_base=environ)
        walls, cpus, queries = [], [], []
        for index in range(repeat):
            path = route_paths[index % len(route_paths)]
            count, wall, cpu = sql_db.sql_counter, time.perf_counter(), time.process_time()
            response = client.get(path, environ_base=environ)
            walls.append((time.perf_counter() - wall) * 1000)
            cpus.append((time.process_time() - cpu) * 1000)
            queries.append(sql_db.sql_counter - count)
            if response.status_code != 200 or MARKERS[route] not in response.get_data(as_text=True):
                raise RuntimeError(f"{path}: {response.status_code}")
        profiler = cProfile.Profile()
        profiler.enable()
        for index in range(repeat):
            client.get(route_paths[index % len(route_paths)], environ_base=environ)
        profiler.disable()
        profiler.dump_stats(str(Path(outdir) / f"{route}.prof"))
        text = io.StringIO()
        stats = pstats.Stats(profiler, stream=text)
        stats.sort_stats("cumulative").print_stats(60)
        stats.sort_stats("cumulative").print_stats("expiry_management")
        (Path(outdir) / f"{route}.txt").write_text(text.getvalue())
        result[route] = {
            "wall_ms_p50": round(statistics.median(walls), 1),
            "cpu_ms_p50": round(statistics.median(cpus), 1),
            "queries_p50": statistics.median(queries),
        }
        log(f"{route}: {result[route]} (profile in {outdir}/{route}.txt)")
    return result


def verdict(phases, alone):
    deadlines, orders = phases["deadlines"], phases.get("orders")
    checks = {
        "rps >= 30": deadlines["rps"] >= TARGETS["min_rps"],
        "p95 < 500 ms": deadlines["p95_ms"] < TARGETS["max_p95_ms"],
        "0 errors": deadlines["errors"] == 0 and deadlines["server_errors_logged"] == 0,
    }
    if orders:
        # "no slower": p95 and throughput within 5 % of the orders' under the same load
        checks["no slower than /my/orders (p95)"] = deadlines["p95_ms"] <= orders["p95_ms"] * 1.05
        checks["no slower than /my/orders (req/s)"] = deadlines["rps"] >= orders["rps"] * 0.95
    return checks


def print_table(result):
    phases, alone = result["load"], result["alone"]
    print()
    print(f"{result['clients']} clients, {result['seconds']} s each, {result['workers']} workers")
    print(
        f"{'target':<16} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'errors':>7} {'alone p50':>10} "
        f"{'odoo cpu':>9} {'db cpu':>7} {'client':>7} {'req/s if all cores':>19}"
    )
    for kind in phases:
        phase, cpu = phases[kind], phases[kind]["cpu"]
        print(
            f"/my/{kind:<12} {phase['rps']:>7} {phase['p50_ms']:>8} {phase['p95_ms']:>8} "
            f"{phase['errors']:>7} {alone[kind]['p50_ms']:>10} {cpu['odoo_cpu_ms_per_request']:>9} "
            f"{cpu['db_cpu_ms_per_request']:>7} {cpu['client_cpu_ms_per_request']:>7} {cpu['rps_if_all_cores']:>19}"
        )
        for route, figures in phase["routes"].items():
            server = phase["server"].get(route, {})
            print(
                f"  {route:<14} {figures['requests']:>7} req  p50 {figures['p50_ms']} ms  p95 "
                f"{figures['p95_ms']} ms  queries {server.get('queries_p50')}  sql {server.get('sql_ms_p50')} ms"
            )
    for check, passed in result["checks"].items():
        print(f"  {'PASS' if passed else 'FAIL'}  {check}")


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--odoo-bin", required=True)
    parser.add_argument("--demo", action="store_true", help="the demo database: no portfolio built")
    parser.add_argument("-n", "--deadlines", type=int, default=100000)
    parser.add_argument("--per-customer", type=int, default=1000)
    parser.add_argument("--customers", type=int, default=20)
    parser.add_argument("--orders", type=int, default=100, help="confirmed sale orders per customer")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=None, help="per target (default 60, 30 with --demo)")
    parser.add_argument("--warmup", type=float, default=10)
    parser.add_argument("--alone-seconds", type=float, default=10)
    parser.add_argument("--max-requests", type=int, default=20000, help="per target, at most")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--build-only", action="store_true")
    parser.add_argument(
        "--profile",
        metavar="DIR",
        help="no server, no load: serve each kind of page in this process for one customer, "
        "print ms and queries per request, write cProfiles in DIR",
    )
    parser.add_argument("--profile-repeat", type=int, default=30)
    parser.add_argument("--json", default=str(Path(__file__).parent / "results" / "portal_load.json"))
    parser.add_argument("--logfile", required=True)
    args = parser.parse_args()
    if args.seconds is None:
        args.seconds = 30 if args.demo else 60
    if args.seconds > 600 or args.max_requests > 200000:
        parser.error("bounded: at most 600 s and 200,000 requests per target")

    registry = _odoo_registry(args.config, args.database)
    result = {
        "database": args.database,
        "demo": args.demo,
        "clients": args.clients,
        "seconds": args.seconds,
        "workers": args.workers,
        "date": datetime.datetime.now().isoformat(timespec="seconds"),
        "load_average_before": os.getloadavg(),
    }
    if not args.demo:
        spec = {
            "deadlines": args.deadlines,
            "per_customer": args.per_customer,
            "customers": args.customers,
            "orders": args.orders,
        }
        if args.customers * args.per_customer > args.deadlines:
            parser.error("--customers x --per-customer is more than --deadlines")
        present = stored_spec(registry)
        if present is None:
            log(f"building the portfolio {spec} in {args.database}")
            result["build"] = build_portfolio(registry, spec)
            log(f"portfolio built in {result['build']['total_s']} s")
        elif present != spec:
            log(f"{args.database} holds another portfolio ({present}); drop it (run without --reuse)")
            return 2
        else:
            log(f"reusing the portfolio {present} of {args.database}")
        result["portfolio"] = spec
    if args.build_only:
        return 0
    customers = customers_and_documents(registry, args.demo)
    if not customers or not all(c[2] for c in customers):
        log("no portal customer with deadlines in the database")
        return 2
    # the demo's portal customer may have no confirmed order: deadlines only
    kinds = ("deadlines", "orders") if all(c[3] for c in customers) else ("deadlines",)
    result["customers"] = len(customers)
    result["deadlines_per_customer"] = round(statistics.fmean(len(c[2]) for c in customers))
    result["orders_per_customer"] = round(statistics.fmean(len(c[3]) for c in customers))
    # pages of the lists: 20 deadlines a page (the portal's), 80 orders (Odoo's)
    pages = (
        max(1, -(-min(len(c[2]) for c in customers) // 20)),
        max(1, -(-min(len(c[3]) for c in customers) // 80)),
    )
    if args.profile:
        result["profile"] = profile_in_process(args.database, customers[0], args.profile_repeat, args.profile)
        Path(args.profile, "profile.json").write_text(json.dumps(result, indent=2))
        return 0
    server = Server(args.odoo_bin, args.config, args.database, args.workers, args.logfile)
    try:
        server.wait()
        log("server answers")
        result["load"], result["alone"] = measure(server, customers, args, pages, kinds)
    finally:
        server.stop()
    result["load_average_after"] = os.getloadavg()
    result["checks"] = verdict(result["load"], result["alone"])
    print_table(result)
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps(result, indent=2))
    print(f"\nJSON in {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
