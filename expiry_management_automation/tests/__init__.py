from . import test_automation, test_bench_vs_automation
