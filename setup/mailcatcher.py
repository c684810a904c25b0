#!/usr/bin/env python3
# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A local SMTP catcher for the demo (setup/run starts it): every message
Odoo sends is accepted and kept as an .eml file in a folder, nothing leaves
the machine. Read them with setup/mail.

    setup/mailcatcher.py --port 2525 --dir .local/mail
"""

import argparse
import email
import email.policy
import signal
import threading
import time
from pathlib import Path

from aiosmtpd.controller import Controller


class Keep:
    def __init__(self, folder):
        self.folder = folder

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        stamp = time.strftime("%Y%m%d-%H%M%S")
        count = len(list(self.folder.glob("*.eml"))) + 1
        path = self.folder / f"{stamp}-{count:05d}.eml"
        message["X-Catcher-Rcpt-To"] = ", ".join(envelope.rcpt_tos)
        path.write_bytes(message.as_bytes())
        return "250 Message accepted for delivery"


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=2525)
    parser.add_argument("--dir", default=".local/mail")
    args = parser.parse_args()
    folder = Path(args.dir)
    folder.mkdir(parents=True, exist_ok=True)
    controller = Controller(Keep(folder), hostname=args.host, port=args.port)
    controller.start()
    print(f"SMTP catcher on {args.host}:{args.port}, mails in {folder}", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    controller.stop()


if __name__ == "__main__":
    main()
