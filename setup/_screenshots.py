# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Take the README screenshots from the real UI of a running demo server,
in headless Chromium driven over the DevTools protocol (websocket-client).
Run by setup/screenshots, which starts the server."""

import base64
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import websocket

ROOT = Path(__file__).resolve().parent.parent
BASE = sys.argv[1]  # http://127.0.0.1:PORT
DB = sys.argv[2]


def rpc(path, params, cookie=None):
    request = urllib.request.Request(
        BASE + path,
        data=json.dumps({"jsonrpc": "2.0", "method": "call", "params": params}).encode(),
        headers={
            "Content-Type": "application/json",
            **({"Cookie": f"session_id={cookie}"} if cookie else {}),
        },
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        body = json.loads(response.read())
        session = response.headers.get("Set-Cookie", "")
    if body.get("error"):
        raise RuntimeError(body["error"])
    return body["result"], session.split("session_id=")[1].split(";")[
        0
    ] if "session_id=" in session else cookie


def login(user, password):
    _result, session = rpc("/web/session/authenticate", {"db": DB, "login": user, "password": password})
    return session


def call(session, model, method, args, kwargs=None):
    result, _session = rpc(
        "/web/dataset/call_kw",
        {"model": model, "method": method, "args": args, "kwargs": kwargs or {}},
        session,
    )
    return result


class Browser:
    def __init__(self):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        self.profile = tempfile.mkdtemp(prefix="expiry-shots-")
        binary = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
        self.process = subprocess.Popen(
            [
                binary,
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--hide-scrollbars",
                f"--remote-debugging-port={port}",
                f"--user-data-dir={self.profile}",
                "--window-size=1400,900",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _attempt in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=2) as response:
                    pages = [page for page in json.loads(response.read()) if page["type"] == "page"]
                if pages:
                    break
            except OSError:
                pass
            time.sleep(0.2)
        self.ws = websocket.create_connection(pages[0]["webSocketDebuggerUrl"], timeout=60)
        self.ids = 0
        self.send("Page.enable")
        self.send(
            "Emulation.setDeviceMetricsOverride", width=1400, height=900, deviceScaleFactor=1, mobile=False
        )

    def send(self, method, **params):
        self.ids += 1
        self.ws.send(json.dumps({"id": self.ids, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == self.ids:
                if "error" in message:
                    raise RuntimeError(message["error"])
                return message.get("result", {})

    def evaluate(self, expression):
        result = self.send("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        return result.get("result", {}).get("value")

    def shoot(self, url, selector, path, session=None, before=None):
        self.send("Network.enable")
        self.send("Network.clearBrowserCookies")
        if session:
            self.send("Network.setCookie", name="session_id", value=session, url=BASE)
        self.send("Page.navigate", url=url)
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.evaluate(f"!!document.querySelector({json.dumps(selector)})"):
                break
            time.sleep(0.3)
        else:
            raise RuntimeError(f"{url}: {selector} never showed")
        if before:
            self.evaluate(before)
        time.sleep(2.0)  # fonts, charts and the last renders
        # passing notifications (e.g. "the page is out of date" after an update) are not the product
        self.evaluate(
            "document.querySelectorAll('.o_notification, .o_notification_manager > *').forEach(n => n.remove())"
        )
        data = self.send("Page.captureScreenshot", format="png")["data"]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(data))
        print(f"  {path.relative_to(ROOT)}")

    def close(self):
        self.ws.close()
        self.process.terminate()
        self.process.wait(timeout=30)
        shutil.rmtree(self.profile, ignore_errors=True)


def main():
    admin = login("admin", "admin")
    portal = login("portal", "portal")
    deadline = call(
        admin, "ir.model.data", "check_object_reference", ["expiry_management", "deadline_wood_motor"]
    )[1]
    portal_deadline = call(
        portal, "expiry.deadline", "search", [[["state", "in", ["active", "expired"]]]], {"limit": 1}
    )[0]
    mail = call(
        admin,
        "mail.mail",
        "search_read",
        [[["model", "=", "expiry.deadline"]]],
        {"fields": ["body_html", "subject", "email_to"], "limit": 1, "order": "id desc"},
    )
    core = ROOT / "expiry_management" / "static" / "description" / "screenshots"
    portal_dir = ROOT / "expiry_management_portal" / "static" / "description" / "screenshots"
    collection = ROOT / "expiry_management_collection" / "static" / "description" / "screenshots"
    browser = Browser()
    try:
        browser.shoot(
            f"{BASE}/odoo/action-expiry_management.action_expiry_dashboard",
            ".o_expiry_chart_weeks canvas",
            core / "01-dashboard.png",
            admin,
        )
        browser.shoot(
            f"{BASE}/odoo/deadlines", ".o_kanban_view .o_kanban_record", core / "02-kanban.png", admin
        )
        browser.shoot(
            f"{BASE}/odoo/deadlines/{deadline}",
            ".o_form_view .o_field_widget",
            core / "03-deadline_form.png",
            admin,
        )
        browser.shoot(
            f"{BASE}/odoo/action-expiry_management.action_expiry_reminder",
            ".o_list_view .o_data_row",
            core / "04-timed_emails.png",
            admin,
        )
        if mail:
            html = tempfile.NamedTemporaryFile("w", suffix=".html", delete=False)
            html.write(
                "<html><body style='font-family: sans-serif; max-width: 760px; margin: 24px auto;'>"
                f"<p style='color:#666'>To: {mail[0]['email_to'] or ''}<br/>Subject: <b>{mail[0]['subject']}</b></p>"
                f"<hr/>{mail[0]['body_html']}</body></html>"
            )
            html.close()
            browser.shoot(f"file://{html.name}", "body", core / "05-reminder_email.png")
            os.unlink(html.name)
        browser.shoot(
            f"{BASE}/my/deadlines", ".o_portal_my_doc_table, table", portal_dir / "01-portal_list.png", portal
        )
        browser.shoot(
            f"{BASE}/my/deadlines/{portal_deadline}",
            ".o_expiry_portal_deadline",
            portal_dir / "02-portal_detail.png",
            portal,
        )
        browser.shoot(
            f"{BASE}/odoo/action-expiry_management_collection.action_expiry_collection_cases",
            ".o_list_view .o_data_row",
            collection / "01-collection_cases.png",
            admin,
            before="document.querySelector('.o_facet_remove') && document.querySelector('.o_facet_remove').click()",
        )
        browser.shoot(
            f"{BASE}/odoo/deadlines/{deadline}",
            ".o_notebook_headers",
            collection / "02-collection_form.png",
            admin,
            before="[...document.querySelectorAll('.o_notebook_headers a')].find(a => a.textContent.trim() === 'Collection').click()",
        )
        browser.shoot(
            f"{BASE}/odoo/action-expiry_management_collection.action_expiry_collection_report",
            ".o_pivot",
            collection / "03-collection_analysis.png",
            admin,
        )
    finally:
        browser.close()


if __name__ == "__main__":
    main()
