"""Checks of the project's own tooling (no Odoo needed).

They prove that the test command cannot pass silently: a missing Odoo source
is a loud error, and a skipped test is counted as a failure.
"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_readme_starts_with_the_run_and_test_commands():
    commands = [
        line.strip()
        for line in (ROOT / "README.md").read_text().splitlines()
        if line.strip().startswith("setup/")
    ]
    assert commands[:2] == ["setup/run", "setup/test"]


def test_ci_calls_the_readme_test_command():
    assert "setup/test" in (ROOT / ".ci" / "run").read_text()


def test_missing_odoo_source_is_a_clear_error(tmp_path):
    env = dict(os.environ, ODOO_SRC=str(tmp_path / "nowhere"), EXPIRY_STATE=str(tmp_path / "state"))
    result = subprocess.run(
        [str(ROOT / "setup" / "test")], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "does not hold odoo-bin" in result.stderr


def test_a_skipped_test_counts_as_a_failure(tmp_path):
    (tmp_path / "test_skip.py").write_text("import pytest\n\ndef test_x():\n    pytest.skip('no browser')\n")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "conftest",
            "-p",
            "no:odoo",
            "-p",
            "no:cacheprovider",
            "--rootdir",
            str(tmp_path),
            str(tmp_path / "test_skip.py"),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert result.returncode == 1, result.stdout
    assert "1 failed" in result.stdout
    assert "counts as a failure" in result.stdout
