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


def test_the_demo_mail_catcher_keeps_what_odoo_sends(tmp_path):
    """setup/run points Odoo's outgoing mail at setup/mailcatcher.py; setup/mail reads it."""
    import smtplib
    import socket
    import time
    from email.message import EmailMessage

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    folder = tmp_path / "mail"
    catcher = subprocess.Popen(
        [sys.executable, str(ROOT / "setup" / "mailcatcher.py"), "--port", str(port), "--dir", str(folder)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert "SMTP catcher" in catcher.stdout.readline()
        message = EmailMessage()
        message["From"] = "odoo@example.com"
        message["To"] = "customer@example.com"
        message["Subject"] = "Reminder: your policy expires soon"
        message.set_content("Renew online: http://localhost:8069/my/deadlines/1")
        for _attempt in range(50):
            try:
                with smtplib.SMTP("127.0.0.1", port, timeout=10) as smtp:
                    smtp.send_message(message)
                break
            except ConnectionRefusedError:
                time.sleep(0.1)
    finally:
        catcher.terminate()
        catcher.wait(timeout=30)
    assert len(list(folder.glob("*.eml"))) == 1
    env = dict(os.environ, EXPIRY_MAIL_DIR=str(folder))
    listing = subprocess.run(
        [str(ROOT / "setup" / "mail")], env=env, capture_output=True, text=True, timeout=120
    )
    assert listing.returncode == 0, listing.stderr
    assert "customer@example.com" in listing.stdout
    assert "Reminder: your policy expires soon" in listing.stdout
    shown = subprocess.run(
        [str(ROOT / "setup" / "mail"), "1"], env=env, capture_output=True, text=True, timeout=120
    )
    assert "Renew online: http://localhost:8069/my/deadlines/1" in shown.stdout


def _common(script, env=None):
    return subprocess.run(
        ["bash", "-c", f"source {ROOT / 'setup' / 'common.sh'}; {script}"],
        capture_output=True,
        text=True,
        timeout=600,
        env=dict(os.environ, **(env or {})),
    )


def test_the_odoo_source_is_the_pinned_nightly():
    """setup/common.sh pins the dated nightly by the checksum of its odoo/
    tree; the source the tests run on is that nightly."""
    result = _common('find_odoo_src && verify_odoo_tree "$ODOO_SRC" && echo "$ODOO_SRC_URL"')
    assert result.returncode == 0, result.stdout + result.stderr
    assert "odoo_18.0.20250506.tar.gz" in result.stdout


def test_another_odoo_tree_is_refused(tmp_path):
    (tmp_path / "odoo").mkdir()
    (tmp_path / "odoo" / "release.py").write_text("version_info = (18, 0, 0, 'final', 0, '')\n")
    result = _common(f"verify_odoo_tree {tmp_path}")
    assert result.returncode != 0
    assert "pinned" in result.stderr
    assert _common(f"verify_odoo_tree {tmp_path}", {"ODOO_SRC_TREE_SHA256": "any"}).returncode == 0
