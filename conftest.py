"""Repository-wide pytest hooks.

A test of ours that is skipped did not run: in this project that is a
failure, not a pass (pytest-odoo skips HttpCase without --odoo-http, and Odoo
skips browser tests when Chromium or websocket-client is missing).
"""

import pytest


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"skipped, which counts as a failure here: {reason}"
