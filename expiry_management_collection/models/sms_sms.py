# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The delivery of the collection's SMS: an SMS step is done when the SMS
provider accepted the SMS, failed with the provider's reason when it refused
it (wrong number, no credit, unregistered account, server error)."""

from odoo import models


class SmsSms(models.Model):
    _inherit = "sms.sms"

    def write(self, vals):
        # the SMS queue (_send), a cancellation, a delivery report: all write the state
        result = super().write(vals)
        if vals.get("state") in ("process", "pending", "sent", "error", "canceled"):
            self._expiry_collection_delivery()
        return result

    def unlink(self):
        # an SMS deleted before the provider took it never goes out: its step
        # fails (a person decides: retry or cancel), the ladder never waits for ever
        # sudo: the collection steps of these SMS only, failed with them
        self.env["expiry.collection.log"].sudo().search(
            [("sms_id", "in", self.ids), ("state", "=", "queued")]
        )._set_failed(self.env._("The SMS was deleted before the SMS provider accepted it."))
        return super().unlink()

    def _expiry_collection_delivery(self):
        """Tell the collection steps of these SMS how their sending went."""
        # sudo: the SMS queue's own result, for the steps of these SMS only
        steps = (
            self.env["expiry.collection.log"]
            .sudo()
            .search([("sms_id", "in", self.ids), ("state", "=", "queued")])
        )
        failure_types = dict(self._fields["failure_type"]._description_selection(self.env))
        for step in steps:
            sms = step.sms_id
            if sms.state in ("process", "pending", "sent"):
                step._step_delivered()
            elif sms.state == "error":
                step._set_failed(
                    self.env._(
                        "The SMS provider did not send the SMS: %s",
                        failure_types.get(sms.failure_type)
                        or sms.failure_type
                        or self.env._("unknown error"),
                    )
                )
            elif sms.state == "canceled":
                step._set_failed(self.env._("The SMS was cancelled in the SMS queue."))
