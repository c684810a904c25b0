# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class MailMail(models.Model):
    _inherit = "mail.mail"

    def _postprocess_sent_message(self, success_pids, failure_reason=False, failure_type=None):
        # An e-mail of a ladder (a timed e-mail, a collection step, any model
        # on expiry.ladder.step.mixin) that the mail server refused (bounce at
        # delivery, unknown recipient) fails its step, with the server's
        # reason, so that the user sees it and can retry: not "done".
        failed = self.filtered(lambda mail: mail.state == "exception")
        if failed:
            for model_name in self._expiry_ladder_models():
                Ladder = self.env[model_name]
                # sudo: the mail queue's own delivery result, for the steps of these mails only
                steps = Ladder.sudo().search(
                    [("mail_id", "in", failed.ids), ("state", "=", Ladder._step_done_state)]
                )
                for step in steps:
                    reason = step.mail_id.failure_reason or failure_reason or failure_type or ""
                    step._set_failed(self.env._("The mail server did not deliver the e-mail: %s", reason))
        return super()._postprocess_sent_message(
            success_pids, failure_reason=failure_reason, failure_type=failure_type
        )

    def _expiry_ladder_models(self):
        """The models of the ladders whose steps send e-mails (``mail_id``)."""
        return [
            name
            for name in self.env.registry.descendants(["expiry.ladder.step.mixin"], "_inherit")
            if not self.env[name]._abstract and "mail_id" in self.env[name]._fields
        ]
