"""The code follows the project's lint and format rules (ruff.toml) and OCA's
checks (.pre-commit-config.yaml)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _ruff(*args):
    return subprocess.run(
        [sys.executable, "-m", "ruff", *args], cwd=ROOT, capture_output=True, text=True, timeout=300
    )


def test_ruff_lint_passes():
    result = _ruff("check", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format_is_applied():
    result = _ruff("format", "--check", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def _venv_env():
    """The linters' virtualenv (setup/common.sh ensure_lint_venv) first on
    the PATH, then the project's."""
    version = f"{sys.version_info[0]}.{sys.version_info[1]}"
    lint = Path(
        os.environ.get("EXPIRY_LINT_VENV")
        or Path.home() / ".cache" / "expiry_management" / f"lint-py{version}"
    )
    lint_bin = lint / "bin"
    assert (lint_bin / "pre-commit").is_file(), f"{lint} is missing: setup/test creates it"
    path = os.pathsep.join([str(lint_bin), str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    return lint_bin, dict(os.environ, PATH=path)


def test_pre_commit_passes():
    """OCA's checks as .pre-commit-config.yaml runs them, offline (local
    hooks on the pinned packages of requirements.txt): ruff, pylint-odoo
    with OCA's mandatory checks, oca-checks-odoo-module, oca-checks-po and
    the generated README.rst."""
    venv_bin, env = _venv_env()
    env["PRE_COMMIT_HOME"] = str(ROOT / ".local" / "pre-commit")
    result = subprocess.run(
        [str(venv_bin / "pre-commit"), "run", "--all-files", "--show-diff-on-failure", "--color=never"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]


def test_readme_rst_is_generated_from_the_fragments():
    _venv_bin, env = _venv_env()
    result = subprocess.run(
        [str(_venv_bin / "python"), str(ROOT / "setup" / "gen-readme"), "--check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
