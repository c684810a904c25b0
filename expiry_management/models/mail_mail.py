# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The delivery of the ladders' e-mails (timed e-mails, collection steps,
any model on expiry.ladder.step.mixin with ``mail_id``): a step is done when
the mail server accepted its e-mail, retried on a transient failure, failed
on a permanent one (see the mixin's _step_delivered / _step_delivery_failed)."""

import re
import smtplib

from odoo import models

# What Odoo 18 reports for a server it could not reach (mail.mail.send():
# the connection failed, failure_type "mail_smtp"), and, in the reason of a
# delivery that failed (ir.mail_server.send_email wraps smtplib's errors),
# an SMTP reply 4xx ("try later": greylisting, mailbox busy, quota) or a
# lost connection: all worth trying again later. Anything else (5xx:
# recipient refused; an invalid or missing address) is permanent.
TRANSIENT_FAILURE_TYPES = ("mail_smtp",)
TRANSIENT_REASON = re.compile(
    r"\(4\d\d, |^4\d\d[ -]|SMTPServerDisconnected|SMTPConnectError|TimeoutError|timed out"
    r"|Connection (refused|reset|unexpectedly closed)|ConnectionRefusedError|ConnectionResetError"
    r"|Network is unreachable|Temporary failure in name resolution",
    re.MULTILINE,
)


def is_transient_failure(failure_type, reason):
    """Whether a delivery that failed with ``failure_type`` and ``reason``
    may succeed later (server down, SMTP 4xx)."""
    if failure_type in TRANSIENT_FAILURE_TYPES:
        return True
    if failure_type and failure_type != "unknown":
        return False  # invalid or missing address, refused sender: Odoo knows it is permanent
    return bool(TRANSIENT_REASON.search(reason or ""))


class MailMail(models.Model):
    _inherit = "mail.mail"

    def _postprocess_sent_message(self, success_pids, failure_reason=False, failure_type=None):
        # before super(): it deletes the auto_delete mails it delivered
        self._expiry_ladder_delivery(failure_reason, failure_type)
        return super()._postprocess_sent_message(
            success_pids, failure_reason=failure_reason, failure_type=failure_type
        )

    def _send(self, *args, **kwargs):
        try:
            return super()._send(*args, **kwargs)
        except smtplib.SMTPServerDisconnected as error:
            # Odoo re-raises a lost connection without post-processing the
            # mail it was sending (left in "exception", no failure type): a
            # transient failure of its step, retried like an unreachable server.
            lost = self.filtered(lambda mail: mail.state == "exception" and not mail.failure_type)
            if lost:
                reason = str(error) or type(error).__name__
                lost.write({"failure_type": "mail_smtp", "failure_reason": reason})
                lost._expiry_ladder_delivery(reason, "mail_smtp")
            raise

    def write(self, vals):
        if vals.get("state") == "cancel":
            self._expiry_ladder_mail_gone(self.env._("The e-mail was cancelled in the mail queue."))
        return super().write(vals)

    def unlink(self):
        self._expiry_ladder_mail_gone(
            self.env._("The e-mail was deleted before the mail server accepted it.")
        )
        return super().unlink()

    def _expiry_ladder_mail_gone(self, reason):
        """These mails will never go out: their queued steps fail (a person
        decides: retry or cancel), never wait for ever."""
        if not self:
            return
        for model_name in self._expiry_ladder_models():
            # sudo: the steps of these mails only, failed with them
            self.env[model_name].sudo().search(
                [("mail_id", "in", self.ids), ("state", "=", "queued")]
            )._set_failed(reason)

    def _expiry_ladder_delivery(self, failure_reason, failure_type):
        """Tell the ladder steps of these mails how their delivery went."""
        mails = self.filtered(lambda mail: mail.state in ("sent", "exception"))
        if not mails:
            return
        for model_name in self._expiry_ladder_models():
            Ladder = self.env[model_name]
            # sudo: the mail queue's own delivery result, for the steps of these mails only
            steps = Ladder.sudo().search(
                [("mail_id", "in", mails.ids), ("state", "in", ("queued", "failed", Ladder._step_done_state))]
            )
            for step in steps:
                mail = step.mail_id
                if mail.state == "sent":
                    # a failed step's mail can be sent again with the mail's own Retry
                    if step.state in ("queued", "failed"):
                        step._step_delivered()
                    continue
                if step.state == "failed":
                    continue
                kind = mail.failure_type or failure_type
                if kind in ("mail_email_invalid", "mail_email_missing"):
                    # Odoo leaves a generic reason on the mail: say what it is
                    reason = dict(mail._fields["failure_type"]._description_selection(self.env))[kind]
                else:
                    reason = mail.failure_reason or failure_reason or kind or ""
                step._step_delivery_failed(reason, is_transient_failure(kind, reason))

    def _expiry_ladder_models(self):
        """The models of the ladders whose steps send e-mails (``mail_id``)."""
        return [
            name
            for name in self.env.registry.descendants(["expiry.ladder.step.mixin"], "_inherit")
            if not self.env[name]._abstract and "mail_id" in self.env[name]._fields
        ]
