# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Sending timed e-mails: grouping by template, rendering and queueing in
batches, the chatter trace, and the callbacks of the stages. An e-mail that
asks to renew (``renewal_push``) is not sent while the deadline's renewal push
is blocked (an overdue invoice, a dispute): it is cancelled with the reason
(code ``blocked``), not held, so that it never goes out late; the next stage
goes out once the customer is up to date."""

from collections import defaultdict

from odoo import api, models

from ..tools import update_column


class ExpiryReminder(models.Model):
    _inherit = "expiry.reminder"

    def _send(self):
        """Queue the e-mails of these scheduled reminders (one ``mail.mail``
        each, rendered in the customer's language), mark them queued (sent
        when the mail server accepts them, see mail_mail.py), and schedule
        the stages' callbacks. A reminder that cannot be sent is
        marked failed with a readable reason; the others still go out."""
        reminders = self.filtered(lambda r: r.state == "scheduled")
        if not reminders:
            return self
        reminders.fetch(["deadline_id", "stage_id", "date_expiry", "is_customized", "subject", "body_html"])
        reminders.deadline_id.fetch(
            ["partner_id", "user_id", "state", "date_expiry", "company_id", "auto_renew", "date_declined"]
        )
        # one look for the whole batch: an overdue invoice (or a dispute) holds
        # back the e-mails that ask to renew (expiry.deadline._get_renewal_push_block)
        blocks = reminders.filtered(lambda r: r.stage_id.renewal_push).deadline_id._get_renewal_push_blocks()
        groups = defaultdict(lambda: self.browse())
        others = self.browse()
        for reminder in reminders:
            deadline, stage = reminder.deadline_id, reminder.stage_id
            if not stage.active:
                reminder._set_cancelled(self.env._("The reminder stage %s is archived.", stage.name), "stage")
            elif deadline.date_expiry != reminder.date_expiry:
                reminder._set_cancelled(self.env._("The deadline was renewed in the meantime."), "renewed")
            elif deadline.state in ("closed", "cancelled", "draft"):
                reminder._set_cancelled(
                    self.env._("The deadline was closed or cancelled in the meantime."), "ended"
                )
            elif stage.only_if_expired and deadline.state != "expired":
                reminder._set_cancelled(self.env._("The deadline did not expire."), "ended")
            elif deadline.date_declined:
                reminder._set_cancelled(
                    self.env._("Not sent: the customer said they will not renew."), "declined"
                )
            elif deadline.auto_renew != (stage.anchor == "notice"):
                # the renewal mode changed since the e-mail was prepared
                reminder._set_cancelled(
                    self.env._("Not sent: the renewal mode or the notice period of the deadline changed."),
                    "changed",
                )
            elif stage.renewal_push and deadline.id in blocks:
                reminder._set_cancelled(
                    self.env._(
                        "Not sent: %s The next e-mail goes out once it is settled.", blocks[deadline.id]
                    ),
                    "blocked",
                )
            elif not reminder._sends_email():
                # no e-mail at this stage: its other channels only (see _send_channels)
                others |= reminder
            elif not deadline.partner_id.email_normalized:
                reminder._set_failed(
                    self.env._(
                        "The customer %s has no valid e-mail address.", deadline.partner_id.display_name
                    )
                )
            else:
                # one batch per template (the salesperson in copy is set per mail)
                groups[(stage.mail_template_id, reminder.id if reminder.is_customized else False)] |= reminder
        sent = self.browse()
        for (template, customized), group in groups.items():
            email_values = {}
            if customized:
                email_values.update(subject=group.subject, body_html=group.body_html)
            sent |= group._send_group(template, email_values)
        # the stages' other channels (SMS, call, letter), for the reminders whose
        # e-mail went out and those without e-mail (expiry_reminder_channel.py)
        sent |= (sent | others)._send_channels()
        if sent:
            mail_cron = self.env.ref("mail.ir_cron_mail_scheduler_action", raise_if_not_found=False)
            if mail_cron:
                # sudo: wakes Odoo's mail queue up; reads nothing
                mail_cron.sudo()._trigger()
        return sent

    def _send_group(self, template, email_values):
        """Render and queue the mails of reminders sharing a template, mark
        them queued and schedule their callbacks, all or nothing; on an
        error, one by one, so that one bad record fails alone."""

        def send(reminders):
            mails = reminders._queue_mails(template, email_values)
            reminders._mark_queued(mails)
            reminders._schedule_callbacks()

        return self._step_run_batch(
            send, lambda error: self.env._("The e-mail could not be prepared: %s", error)
        )

    def _mark_queued(self, mails):
        """Link the queued ``mails`` to these reminders and mark them queued
        (the mails' own messages are the chatter's trace)."""
        mail_by_deadline = {mail.res_id: mail.id for mail in mails}
        # sudo: the sent e-mails' own review activities, when there are (internal, callers decide)
        self.activity_id.sudo().unlink()
        # One write for the whole batch (automation rules on reminders see
        # it once, not once per record), then the per-record mail link in a
        # single UPDATE.
        self._step_queued()
        update_column(
            self, "mail_id", {reminder.id: mail_by_deadline[reminder.deadline_id.id] for reminder in self}
        )

    def _queue_mails(self, template, email_values):
        """Queue the mails of these reminders, one chatter message each, the
        salesperson in copy when the stage says so and as the author."""
        return (
            # sudo: the stage's template, rendered for the deadlines being sent (callers checked them)
            template.sudo()._expiry_send_batch(
                self.deadline_id.ids,
                email_cc={reminder.deadline_id.id: reminder._get_email_cc() for reminder in self},
                author_ids={
                    reminder.deadline_id.id: reminder.deadline_id.user_id.partner_id.id
                    or reminder.deadline_id.company_id.partner_id.id
                    for reminder in self
                },
                email_values=email_values,
            )
        )

    def _get_email_cc(self):
        """The address in copy of this reminder's e-mail: the salesperson's,
        when the stage says so."""
        self.ensure_one()
        user = self.deadline_id.user_id
        return user.email if self.stage_id.copy_salesperson and user.email else False

    def _schedule_callbacks(self):
        """Callback activities for the salesperson (the agent's tickler card): they stay
        overdue in their activities until done (which records the partner's
        last callback date) or cancelled. One open callback per deadline."""
        callback_type = self.env.ref(
            "expiry_management.mail_activity_type_callback", raise_if_not_found=False
        )
        deadlines = self.filtered(
            lambda r: r.stage_id.schedule_callback and r.deadline_id.user_id
        ).deadline_id
        if not callback_type or not deadlines:
            return
        open_ones = (
            self.env["mail.activity"]
            # sudo: the open callbacks of the deadlines being sent (internal, callers decide)
            .sudo()
            .search(
                [
                    ("res_model", "=", "expiry.deadline"),
                    ("res_id", "in", deadlines.ids),
                    ("activity_type_id", "=", callback_type.id),
                ]
            )
        )
        deadlines = deadlines.filtered(lambda d: d.id not in set(open_ones.mapped("res_id")))
        if not deadlines:
            return
        model_id = self.env["ir.model"]._get_id("expiry.deadline")
        # sudo: the salesperson's callback about their deadline whose e-mail went out
        self.env["mail.activity"].sudo().with_context(mail_activity_quick_update=True).create(
            [
                self._prepare_callback_activity_values(deadline, callback_type, model_id)
                for deadline in deadlines
            ]
        )

    @api.model
    def _prepare_callback_activity_values(self, deadline, callback_type, model_id):
        """The salesperson's callback about ``deadline``."""
        return {
            "res_model_id": model_id,
            "res_id": deadline.id,
            "activity_type_id": callback_type.id,
            "user_id": deadline.user_id.id,
            "date_deadline": self.env["expiry.deadline"]._company_today(deadline.company_id),
            "summary": self.env._("Call %s about the renewal", deadline.partner_id.display_name),
        }

    def _step_process(self):
        return self._send()

    @api.model
    def _send_due_reminders(self, company, today, limit):
        """Send one batch of due reminders of ``company``.

        :return: ``(processed, still due)``
        """
        return self._process_due(company, today, limit)
