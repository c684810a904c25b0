#!/usr/bin/env python3
# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Time the import of N rows of the Deadlines import template through Odoo's
own import (base_import.import.execute_import, in batches of 2000 rows as the
import screen sends them), as the administrator, inside a transaction that is
rolled back at the end: the database is left as it was.

    tests/bench/run-import [-n 10000]

A realistic portfolio: 2.5 deadlines per customer, a third of the customers
found by reference, a third by VAT number, a third created from their name;
two products by internal reference; origins and bank institutes by name
(created once). Prints the time per batch, the total and the rows per second.
"""

import argparse
import datetime
import io
import logging
import time

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BATCH = 2000


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("-c", "--config", required=True, help="odoo.conf")
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("-n", "--count", type=int, default=10000, help="number of rows (default 10000)")
    parser.add_argument("--profile", help="write a cProfile of the import to this file")
    args = parser.parse_args()

    import odoo
    from odoo.tools import config

    config.parse_config(["-c", args.config, "-d", args.database, "--log-level=warn"])
    logging.getLogger("odoo").setLevel(logging.WARNING)
    from odoo.modules.registry import Registry

    registry = Registry(args.database)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {"lang": "en_US"})
        try:
            run(env, args.count, args.profile)
        finally:
            cr.rollback()
            print("rolled back: the database is unchanged")  # noqa: T201


def _file(env, count):
    import openpyxl

    from odoo.tools.misc import file_open

    with file_open("expiry_management/static/xls/expiry_deadline_import_template.xlsx", "rb") as file:
        book = openpyxl.load_workbook(io.BytesIO(file.read()))
    sheet = book.worksheets[0]
    sheet.delete_rows(2, sheet.max_row)
    customers = max(count * 2 // 5, 1)
    partners = env["res.partner"].create(
        [
            {"name": f"Bench customer {i}", "ref": f"BR-{i}", "vat": f"BV{i:010d}", "is_company": True}
            for i in range(customers * 2 // 3)
        ]
    )
    env["product.product"].create(
        [
            {
                "name": "Bench motor",
                "default_code": "BENCH-MOTOR",
                "type": "service",
                "expiry_duration": 1,
                "expiry_duration_unit": "year",
            },
            {
                "name": "Bench home",
                "default_code": "BENCH-HOME",
                "type": "service",
                "expiry_duration": 1,
                "expiry_duration_unit": "year",
            },
        ]
    )
    today = datetime.date.today()
    for row in range(count):
        index = row % customers
        if index < len(partners) and index % 2:
            customer = f"BR-{index}"  # by reference
        elif index < len(partners):
            customer = f"BV{index:010d}"  # by VAT
        else:
            customer = f"Bench new customer {index}"  # created
        start = today - datetime.timedelta(days=row % 365)
        sheet.append(
            [
                customer,
                "BENCH-MOTOR" if row % 3 else "BENCH-HOME",
                f"Policy B-{row:06d}",
                f"Bench origin {row % 5}",
                f"Bench bank {row % 3}",
                1,
                100.0 + row % 50,
                start,
                start + datetime.timedelta(days=364),
                "",
                "",
            ]
        )
    content = io.BytesIO()
    book.save(content)
    return content.getvalue()


def run(env, count, profile=None):
    admin = env.ref("base.user_admin")
    content = _file(env, count)
    env.flush_all()
    wizard = (
        env["base_import.import"]
        .with_user(admin)
        .with_context(tracking_disable=True)
        .create({"res_model": "expiry.deadline", "file": content, "file_type": XLSX})
    )
    preview = wizard.parse_preview({"has_headers": True})
    headers = preview["headers"]
    fields = ["/".join(preview["matches"].get(index) or []) or False for index in range(len(headers))]
    options = {
        "has_headers": True,
        "quoting": '"',
        "separator": "",
        "encoding": "",
        "date_format": "",
        "datetime_format": "",
        "float_thousand_separator": ",",
        "float_decimal_separator": ".",
        "import_skip_records": [],
        "import_set_empty_fields": [],
        "fallback_values": {},
        "advanced": True,
        "keep_matches": False,
    }
    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    total = time.perf_counter()
    imported = 0
    for skip in range(0, count, BATCH):
        start = time.perf_counter()
        result = wizard.execute_import(
            fields, headers, dict(options, skip=skip, limit=BATCH, name_create_enabled_fields={})
        )
        if result["messages"]:
            print(result["messages"][:3])  # noqa: T201
            raise SystemExit("the import failed")
        imported += len(result["ids"])
        print(f"rows {skip + 1}-{skip + len(result['ids'])}: {time.perf_counter() - start:.1f} s")  # noqa: T201
    elapsed = time.perf_counter() - total
    if profiler:
        profiler.disable()
        profiler.dump_stats(profile)
    print(f"imported {imported} rows in {elapsed:.1f} s ({imported / elapsed:.0f} rows/s)")  # noqa: T201


if __name__ == "__main__":
    main()
