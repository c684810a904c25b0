# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A real SMTP server on 127.0.0.1 for delivery tests (aiosmtpd), and the
switch that lets Odoo really send during a test."""

import contextlib
import email
import email.policy
import socket
from unittest.mock import patch

from aiosmtpd.controller import Controller

import odoo


class _Handler:
    def __init__(self, refuse):
        self.refuse = refuse
        self.messages = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse:
            return "550 5.1.1 Mailbox unavailable: no such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append({"rcpt_tos": list(envelope.rcpt_tos), "message": message})
        return "250 Message accepted for delivery"


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def smtp_server(env, refuse=False):
    """Run an SMTP server for the duration of the block, make it the outgoing
    mail server of ``env``'s database and let Odoo really send. Yields the
    list of received messages (``{"rcpt_tos": [...], "message": EmailMessage}``)."""
    handler = _Handler(refuse)
    port = _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        env["ir.mail_server"].sudo().search([]).active = False
        env["ir.mail_server"].sudo().create(
            {"name": "Test catcher", "smtp_host": "127.0.0.1", "smtp_port": port, "smtp_encryption": "none"}
        )
        with patch.object(odoo.modules.module, "current_test", False):
            yield handler.messages
    finally:
        controller.stop()
