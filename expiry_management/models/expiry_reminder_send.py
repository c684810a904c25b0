# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Sending timed e-mails: grouping by template, rendering and queueing in
batches, the chatter trace, and the callbacks of the stages. An e-mail that
asks to renew (``renewal_push``) is not sent while the deadline's renewal push
is blocked (an overdue invoice, a dispute): it is cancelled with the reason
(code ``blocked``), not held, so that it never goes out late; the next stage
goes out once the customer is up to date.

One message per customer and day (Settings ``expiry_group_by_customer``):
the e-mails of one batch that share their stage's grouped template, the
recipient (the deadline's contact: a contact never sees another contact's
deadlines nor their links), the salesperson (the sender, in copy, and whose
chatter shows the whole e-mail), the recipient's language and the company go
out as one e-mail listing them all (rendered once per e-mail, at most
GROUP_MAX_DEADLINES deadlines each); each reminder keeps its row, queued with
that one mail, and each deadline's chatter shows it. An e-mail edited by hand
goes alone, and so does a group of one (the stage's own template, as without
grouping).

A grouped e-mail is one mail. A reminder of it cancelled before the mail
server accepts it (its deadline renewed or closed in between) withdraws the
whole mail (it lists that deadline): the group's other reminders are
scheduled again and go out with the next batch, in a new e-mail without it
(exactly once still holds: the withdrawn mail never goes out; its chatter
lines stay, their delivery lines cancelled)."""

import logging
from collections import defaultdict

from odoo import api, models
from odoo.tools import SQL

from ..tools import CRASH_ERRORS, update_column
from .expiry_deadline_reminder_group import GROUP_CONTEXT_KEY, GROUP_MAX_DEADLINES
from .expiry_ladder_step_mixin import UNDELIVERED_MAIL_STATES

_logger = logging.getLogger(__name__)


class ExpiryReminder(models.Model):
    _inherit = "expiry.reminder"

    #: the most deadlines one grouped e-mail lists (its "renew all" link names them all)
    _group_max_deadlines = GROUP_MAX_DEADLINES

    def _send(self):
        """Queue the e-mails of these scheduled reminders (one ``mail.mail``
        each, or one per customer and day for several, see above; rendered in
        the customer's language), mark them queued (sent
        when the mail server accepts them, see mail_mail.py), and schedule
        the stages' callbacks. A reminder that cannot be sent is
        marked failed with a readable reason; the others still go out.

        A grouped e-mail of which a reminder is cancelled before delivery
        (deadline renewed or closed in between) is withdrawn and its other
        reminders scheduled again (_set_cancelled, see the module's
        docstring)."""
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
        # one message per customer and day: the reminders that may share an e-mail
        candidates = defaultdict(list)
        stage_templates = {}
        others = no_email = self.browse()
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
                # its other channels still go out (once: see _send_channels)
                no_email |= reminder
                reminder._set_failed(
                    self.env._(
                        "The customer %s has no valid e-mail address.", deadline.partner_id.display_name
                    )
                )
            elif key := reminder._group_key(stage_templates):
                candidates[key].append(reminder.id)
            else:
                # one batch per template (the salesperson in copy is set per mail)
                groups[(stage.mail_template_id, reminder.id if reminder.is_customized else False)] |= reminder
        # several deadlines of a customer: one e-mail (per grouped template, all
        # its e-mails rendered in one pass); a group of one gets its stage's own
        # e-mail, in the same batch (one write of the log, one of the callbacks)
        grouped = defaultdict(list)
        for key, ids in candidates.items():
            grouped[key[0]].append(self.browse(ids))
        sent = self.browse()
        for (template, customized), group in groups.items():
            email_values = {}
            if customized:
                email_values.update(subject=group.subject, body_html=group.body_html)
            sent |= group._send_group(template, email_values)
        for grouped_template, template_groups in grouped.items():
            sent |= self._send_grouped(grouped_template, template_groups)
        # the stages' other channels (SMS, call, letter), for the reminders whose
        # e-mail went out and those without e-mail (expiry_reminder_channel.py)
        sent |= (sent | others | no_email)._send_channels()
        if sent:
            mail_cron = self.env.ref("mail.ir_cron_mail_scheduler_action", raise_if_not_found=False)
            if mail_cron:
                # sudo: wakes Odoo's mail queue up; reads nothing
                mail_cron.sudo()._trigger()
        return sent

    def _set_cancelled(self, reason, code=False, values=None):
        """A grouped e-mail not delivered yet lists the deadlines of all its
        reminders: when one of them is cancelled, the e-mail is withdrawn and
        its other reminders are scheduled again, for a new e-mail without the
        cancelled one with the next batch."""
        queued = self.filtered(lambda r: r.state == "queued" and r.mail_id)
        result = super()._set_cancelled(reason, code=code, values=values)
        mails = queued.filtered(lambda r: r.state == "cancelled").mail_id
        if not mails:
            return result
        # sudo: the other rows of these e-mails (listed in them), only to send them again without these
        others = self.sudo().search([("mail_id", "in", mails.ids), ("state", "=", "queued")])
        mails = others.mail_id.filtered(lambda mail: mail.state in UNDELIVERED_MAIL_STATES)
        others = others.filtered(lambda r: r.mail_id in mails)
        if not others:
            return result
        # first the rows, so that the mail's cancellation does not fail them (mail_mail.py)
        others.write({"state": "scheduled", "mail_id": False, "error": False, "date_next_attempt": False})
        mails.write({"state": "cancel"})
        # sudo: the delivery lines of the withdrawn mails (their chatter shows they did not go out)
        self.env["mail.notification"].sudo().search([("mail_mail_id", "in", mails.ids)]).write(
            {"notification_status": "canceled"}
        )
        return result

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

    def _group_key(self, stage_templates=None):
        """The key of the e-mails this reminder may share one e-mail with
        (one message per customer and day): the stage's grouped template,
        the recipient (the deadline's contact), the salesperson, the
        recipient's language and the company; None when it goes alone
        (grouping off for the company, an e-mail edited by hand).

        Not the stage's own template: the reminders of two stages of one
        deadline processed together (process now) share one e-mail, so that
        each deadline is listed by one e-mail of the batch only.

        :param dict stage_templates: ``{stage: grouped template}`` found so
            far (the caller's, for a batch)
        """
        self.ensure_one()
        deadline, stage = self.deadline_id, self.stage_id
        if self.is_customized or not deadline.company_id.expiry_group_by_customer:
            return None
        if stage_templates is None:
            stage_templates = {}
        if stage not in stage_templates:
            stage_templates[stage] = stage._get_grouped_template()
        grouped_template = stage_templates[stage]
        if not grouped_template:
            return None
        return (
            grouped_template,
            deadline.partner_id,
            deadline.user_id,
            deadline.partner_id.lang,
            deadline.company_id,
        )

    def _split_group(self):
        """These reminders (of one group key) in parts of at most
        ``_group_max_deadlines`` deadlines, a deadline's reminders in one
        part, by expiry date."""
        by_deadline = defaultdict(list)
        for reminder in self.sorted(lambda r: (r.deadline_id.date_expiry, r.deadline_id.name or "", r.id)):
            by_deadline[reminder.deadline_id].append(reminder.id)
        ids_list = list(by_deadline.values())
        size = self._group_max_deadlines
        return [
            self.browse([rid for ids in ids_list[start : start + size] for rid in ids])
            for start in range(0, len(ids_list), size)
        ]

    def _send_grouped(self, grouped_template, groups):
        """Queue one e-mail per group of reminders (a list of recordsets of
        the deadlines of one customer, a group of one its stage's own e-mail),
        mark them queued and schedule their callbacks, all or nothing; on an
        error group by group, and a group that fails one by one (each its
        stage's own e-mail), so that one bad deadline fails alone and the
        others still go out."""

        def send(reminders):
            reminders._queue_grouped(grouped_template)

        def describe(error):
            return self.env._("The e-mail could not be prepared: %s", error)

        if len(groups) > 1:
            reminders = self.browse().union(*groups)
            try:
                with self.env.cr.savepoint():
                    send(reminders)
                return reminders
            except CRASH_ERRORS:
                raise
            except Exception as error:  # noqa: BLE001 - retried group by group below, where it is recorded
                _logger.info(
                    "Grouped e-mails of %s reminders: retried group by group (%s)", len(reminders), error
                )
        done = self.browse()
        for group in groups:
            done |= group._step_run_batch(send, describe)
        return done

    def _queue_grouped(self, grouped_template):
        """Queue the e-mails of these reminders: one e-mail per group of
        several deadlines (``_group_key``), rendered in one pass with
        ``grouped_template``; a reminder alone (a customer's only one of the
        day, or the one-by-one retry of a group) gets its stage's own e-mail.
        Then mark them all queued and schedule their callbacks, at once."""
        parts, stage_templates = defaultdict(list), {}
        # what the parts are sorted by, for the whole batch at once
        self.deadline_id.fetch(["date_expiry", "name"])
        for reminder in self:
            parts[reminder._group_key(stage_templates)].append(reminder.id)
        groups, alone = [], defaultdict(list)
        for key, ids in parts.items():
            for part in self.browse(ids)._split_group() if key else [self.browse(ids)]:
                if key and len(part.deadline_id) > 1:
                    groups.append(part)
                else:
                    for reminder in part:
                        alone[reminder.stage_id.mail_template_id].append(reminder.id)
        mail_by_reminder = {}
        for template, ids in alone.items():
            reminders = self.browse(ids)
            # the stage's own e-mail, exactly as without grouping
            mail_by_deadline = {mail.res_id: mail.id for mail in reminders._queue_mails(template, {})}
            mail_by_reminder.update(
                {reminder.id: mail_by_deadline[reminder.deadline_id.id] for reminder in reminders}
            )
        if groups:
            mail_by_reminder.update(self._queue_group_mails(grouped_template, groups))
        self._mark_queued(mail_by_reminder=mail_by_reminder)
        self._schedule_callbacks()

    @api.model
    def _queue_group_mails(self, grouped_template, groups):
        """Queue one e-mail per group, rendered for its first deadline (by
        expiry date) with the group's deadlines as ``reminder_group_ids``;
        the other deadlines' chatters get the same message (no other mail).

        :return: ``{reminder id: mail id}``
        """
        firsts, listed, email_cc, author_ids = [], [], {}, {}
        for group in groups:
            group = group.sorted(lambda r: (r.deadline_id.date_expiry, r.deadline_id.name or "", r.id))
            deadlines = group.deadline_id
            first = deadlines[0]
            firsts.append(first.id)
            listed.append((first.id, tuple(deadlines.ids)))
            cc = list(dict.fromkeys(filter(None, (reminder._get_email_cc() for reminder in group))))
            if cc:
                email_cc[first.id] = ", ".join(cc)
            author_ids[first.id] = first.user_id.partner_id.id or first.company_id.partner_id.id
        mails = (
            # sudo: the stage's grouped template, rendered for the deadlines being sent (callers checked them)
            grouped_template.sudo()
            .with_context(**{GROUP_CONTEXT_KEY: tuple(listed)})
            ._expiry_send_batch(firsts, email_cc=email_cc, author_ids=author_ids)
        )
        mail_by_first = {mail.res_id: mail for mail in mails}
        copies = {mail_by_first[first_id]: list(ids[1:]) for first_id, ids in listed}
        # sudo: the chatter copies of the mails just queued, on the deadlines being sent
        grouped_template.sudo()._expiry_log_copies(copies)
        mail_by_deadline = {
            deadline_id: mail_by_first[first_id].id for first_id, ids in listed for deadline_id in ids
        }
        return {
            reminder.id: mail_by_deadline[reminder.deadline_id.id] for group in groups for reminder in group
        }

    def _mark_queued(self, mails=None, mail_by_reminder=None):
        """Link the queued ``mails`` (one per deadline) to these reminders,
        or each reminder to its mail of ``mail_by_reminder`` (``{reminder id:
        mail id}``: several reminders may share one), and mark them queued
        (the mails' own messages are the chatter's trace)."""
        if mail_by_reminder is None:
            mail_by_deadline = {mail.res_id: mail.id for mail in mails}
            mail_by_reminder = {reminder.id: mail_by_deadline[reminder.deadline_id.id] for reminder in self}
        # sudo: the sent e-mails' own review activities, when there are (internal, callers decide)
        self.activity_id.sudo().unlink()
        # One write for the whole batch (automation rules on reminders see
        # it once, not once per record), then the per-record mail link in a
        # single UPDATE.
        self._step_queued()
        update_column(self, "mail_id", mail_by_reminder)

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
    def _claim_due(self, company, today, limit):
        """One message per customer and day: the recipient's other e-mails
        due by ``today`` join the batch that claims one of them, so that a
        batch boundary seldom splits their e-mail in two: the batch grows by
        at most ``limit`` rows, taken recipient by recipient (a recipient
        with more still splits), and rows another worker holds stay its own.
        A batch that claimed fewer than ``limit`` rows took every due row."""
        rows = super()._claim_due(company, today, limit)
        # sudo: a setting of the company of the pass
        if len(rows) < limit or not company.sudo().expiry_group_by_customer:
            return rows
        self.env["expiry.deadline"].flush_model(["partner_id"])
        self.env.cr.execute(
            SQL(
                """
                SELECT r.id FROM expiry_reminder r
                  JOIN expiry_deadline d ON d.id = r.deadline_id
                 WHERE r.state = 'scheduled' AND r.company_id = %s AND r.date_due <= %s
                   AND r.id NOT IN %s
                   AND d.partner_id IN (
                       SELECT claimed.partner_id FROM expiry_deadline claimed
                        WHERE claimed.id IN (SELECT deadline_id FROM expiry_reminder WHERE id IN %s))
                 ORDER BY d.partner_id, r.date_due, r.id
                 LIMIT %s
                   FOR UPDATE OF r SKIP LOCKED
                """,
                company.id,
                today,
                tuple(rows.ids),
                tuple(rows.ids),
                limit,
            )
        )
        return rows | self.browse([row[0] for row in self.env.cr.fetchall()])

    @api.model
    def _send_due_reminders(self, company, today, limit):
        """Send one batch of due reminders of ``company``.

        :return: ``(processed, still due)``
        """
        return self._process_due(company, today, limit)
