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


def _manifest(addon):
    import ast

    return ast.literal_eval((ROOT / addon / "__manifest__.py").read_text())


def _our_closure(addon):
    """The addon and every addon of ours it depends on, directly or not."""
    seen, todo = set(), [addon]
    while todo:
        name = todo.pop()
        if name not in seen and (ROOT / name / "__manifest__.py").is_file():
            seen.add(name)
            todo.extend(_manifest(name).get("depends", []))
    return seen


def test_the_runner_installs_each_addon_with_its_declared_dependencies_only():
    """setup/test-odoo-runner runs each addon's tests on a database copied
    from a template holding only Odoo modules that the addon (or an addon of
    ours it depends on) declares: never another addon of ours, never
    payment_demo; then odoo-bin installs the addon itself."""
    result = _common("")  # the Odoo source and the virtualenv are there
    assert result.returncode == 0, result.stderr
    plan = subprocess.run(
        [str(ROOT / "setup" / "test-odoo-runner"), "--plan"], capture_output=True, text=True, timeout=600
    )
    assert plan.returncode == 0, plan.stderr
    lines = [line.split() for line in plan.stdout.splitlines()]
    templates = {line[1]: set(line[3].split(",")) for line in lines if line[0] == "tpl"}
    runs = {line[1]: line[2] for line in lines if line[0] == "run"}
    addons = _common('echo "$EXPIRY_ADDONS"').stdout.strip().split(",")
    assert sorted(runs) == sorted(addons)
    for addon, template in runs.items():
        declared = {dep for mod in _our_closure(addon) for dep in _manifest(mod)["depends"]}
        if template != "-":
            assert templates[template] <= declared - _our_closure(addon), (addon, template)
    assert "payment_demo" not in plan.stdout
    # the portal's templates are shared: website_sale is installed once
    assert runs["expiry_management_collection_portal"] == runs["expiry_management_portal"]
    assert ["serve", "expiry_management_collection_portal"] in lines
    refused = subprocess.run(
        [str(ROOT / "setup" / "test-odoo-runner"), "--plan"],
        env=dict(os.environ, EXPIRY_RUNNER_ADDONS="expiry_management,nope"),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert refused.returncode != 0
    assert "nope is not one of" in refused.stderr


def test_no_test_needs_payment_demo_unless_its_addon_declares_it():
    """Odoo's runner installs an addon without payment_demo when no manifest
    declares it: the tests pay with Odoo's own test provider (PaymentCommon)."""
    markers = ("payment_provider_demo", "/payment/demo", "payWithDemo", "payment_demo.")
    for manifest in sorted(ROOT.glob("*/__manifest__.py")):
        addon = manifest.parent.name
        if any("payment_demo" in _manifest(mod)["depends"] for mod in _our_closure(addon)):
            continue
        for path in [
            *(ROOT / addon / "tests").glob("*.py"),
            *(ROOT / addon / "static" / "tests").rglob("*.js"),
        ]:
            text = path.read_text()
            for marker in markers:
                assert marker not in text, f"{path.relative_to(ROOT)} needs payment_demo ({marker})"
