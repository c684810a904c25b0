# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The benchmark against base_automation (tests/bench/bench_vs_automation.py)
on a small portfolio, so that the script cannot rot: both sides queue the
same e-mails."""

import importlib.util
from pathlib import Path

from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger

BENCH = Path(__file__).resolve().parents[2] / "tests" / "bench" / "bench_vs_automation.py"


@tagged("post_install", "-at_install")
class TestBenchVsAutomation(TransactionCase):
    def test_small_portfolio_same_mails_on_both_sides(self):
        spec = importlib.util.spec_from_file_location("bench_vs_automation", BENCH)
        bench = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(bench)
        with mute_logger("odoo.addons.base_automation.models.base_automation"):
            result = bench.run_benchmark(self.env(context=dict(self.env.context, tracking_disable=True)), 300)
        self.assertTrue(result["ours"]["mails"] > 0, result)
        self.assertTrue(result["same_mails"], result)
        self.assertEqual(result["automation_other_ticks"]["mails"], 0, "the other ticks send nothing")
