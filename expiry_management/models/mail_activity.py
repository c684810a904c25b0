# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict

from odoo import models


class MailActivity(models.Model):
    _inherit = "mail.activity"

    def _action_done(self, feedback=False, attachment_ids=None):
        # Read the targets before super(): it unlinks (or archives) the activities.
        callbacks = defaultdict(list)
        for activity in self.filtered(
            lambda a: a.activity_type_id.expiry_is_callback
            and a.res_model in ("res.partner", "expiry.deadline")
        ):
            callbacks[activity.res_model].append(activity.res_id)
        result = super()._action_done(feedback=feedback, attachment_ids=attachment_ids)
        if callbacks:
            today = self.env["expiry.deadline"]._company_today()
            partners = self.env["res.partner"].browse(callbacks["res.partner"])
            # sudo: the deadlines of the callback activities the user just marked done
            deadlines = self.env["expiry.deadline"].sudo().browse(callbacks["expiry.deadline"]).exists()
            (partners.exists() | deadlines.partner_id)._expiry_record_callback(today)
        return result

    def action_open_document(self):
        # the activity of a day's review opens that day's Timed E-mails list
        self.ensure_one()
        self.check_access("read")
        if self.res_model == "expiry.reminder.review":
            return self.env["expiry.reminder.review"]._open_from_activity(self.res_id)
        return super().action_open_document()
