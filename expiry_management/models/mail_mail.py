# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class MailMail(models.Model):
    _inherit = "mail.mail"

    def _postprocess_sent_message(self, success_pids, failure_reason=False, failure_type=None):
        # A timed e-mail the mail server refused (bounce at delivery, unknown
        # recipient) is failed, with the server's reason, so that the
        # salesperson sees it and can retry: not "sent".
        failed = self.filtered(lambda mail: mail.state == "exception" and mail.model == "expiry.deadline")
        if failed:
            # sudo: the mail queue's own delivery result, for the timed e-mails of these mails only
            reminders = (
                self.env["expiry.reminder"]
                .sudo()
                .search([("mail_id", "in", failed.ids), ("state", "=", "sent")])
            )
            for reminder in reminders:
                reason = reminder.mail_id.failure_reason or failure_reason or failure_type or ""
                reminder._set_failed(self.env._("The mail server did not deliver the e-mail: %s", reason))
        return super()._postprocess_sent_message(
            success_pids, failure_reason=failure_reason, failure_type=failure_type
        )
