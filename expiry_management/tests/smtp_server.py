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
        #: False (accept), True (550 to every recipient) or an SMTP reply to RCPT
        self.refuse = refuse
        self.messages = Received(self)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse:
            return (
                self.refuse
                if isinstance(self.refuse, str)
                else "550 5.1.1 Mailbox unavailable: no such user here"
            )
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


class Received(list):
    """The messages the server received (``{"rcpt_tos": [...], "message":
    EmailMessage}``), and the switches of the server: ``start()`` opens the
    port (before, connections are refused), ``refuse`` sets the answer to
    RCPT (see _Handler)."""

    def __init__(self, handler):
        super().__init__()
        self.handler = handler
        self.controller = None

    def start(self):
        if not self.controller._thread:
            self.controller.start()

    @property
    def refuse(self):
        return self.handler.refuse

    @refuse.setter
    def refuse(self, value):
        self.handler.refuse = value


@contextlib.contextmanager
def smtp_server(env, refuse=False, started=True):
    """Run an SMTP server for the duration of the block, make it the outgoing
    mail server of ``env``'s database and let Odoo really send. Yields the
    list of received messages (see Received). ``started=False``: the port
    stays closed (connections refused, as when the server is down) until
    ``received.start()``."""
    handler = _Handler(refuse)
    port = _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    handler.messages.controller = controller
    if started:
        controller.start()
    try:
        env["ir.mail_server"].sudo().search([]).active = False
        env["ir.mail_server"].sudo().create(
            {"name": "Test catcher", "smtp_host": "127.0.0.1", "smtp_port": port, "smtp_encryption": "none"}
        )
        with patch.object(odoo.modules.module, "current_test", False):
            yield handler.messages
    finally:
        if controller._thread:
            controller.stop()
