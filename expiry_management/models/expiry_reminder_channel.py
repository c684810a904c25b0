# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The channels of a reminder stage besides e-mail (SMS, a call, a printed
letter), taken by the send step (expiry_reminder_send.py) for the reminders
whose e-mail was queued and for those of stages without e-mail.

- SMS: the stage's SMS template rendered in the customer's language, to the
  number Odoo's SMS module picks for the deadline (its customer's mobile,
  else phone), queued in Odoo's SMS queue (``sms.sms``) with its chatter
  line on the deadline (a message of type SMS whose delivery the chatter
  shows). Never to a number on the phone blacklist, nor to a customer who
  opted out of SMS (one of their numbers, mobile or phone, is on the
  blacklist).
- Call: a "Renewal Call" activity for the salesperson, due today.
- Letter: the reminder joins the day's print batch (``date_letter``; Timed
  E-mails > Letters to Print prints the day's letters as one PDF,
  report_expiry_reminder_letter) and the salesperson gets an activity to
  post them.

Each reminder's other channels are taken once (``date_channels``), even when
its e-mail is retried. What they did, or why not, is the reminder's
``channel_note``. A reminder without e-mail is sent once one of its channels
went out (an SMS: queued in Odoo's SMS queue); when none could go out it is
cancelled with the code ``optout`` when the customer refuses SMS (nothing to
retry: the customer said no), and failed with the reason otherwise (a
missing number or salesperson: fix it, then retry)."""

from collections import defaultdict

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date

from odoo.addons.sms.tools.sms_tools import sms_content_to_rendered_html

from ..tools import run_batch, update_column

#: the reminder's log of its other channels, written by the module only
CHANNEL_LOG_FIELDS = frozenset({"date_channels", "channel_note", "date_letter", "date_letter_printed"})


class ExpiryReminder(models.Model):
    _inherit = "expiry.reminder"

    cancel_code = fields.Selection(selection_add=[("optout", "Customer refuses SMS")])
    date_channels = fields.Datetime(
        string="Other Channels On",
        readonly=True,
        help="When the stage's other channels (SMS, call, letter) were taken; they are taken once.",
    )
    channel_note = fields.Text(
        string="Other Channels", readonly=True, help="What the stage's SMS, call and letter did, or why not."
    )
    date_letter = fields.Date(
        string="Letter Batch",
        readonly=True,
        index="btree_not_null",
        help="The day's print batch this reminder's letter belongs to (Letters to Print).",
    )

    date_letter_printed = fields.Datetime(
        string="Letter Printed On",
        readonly=True,
        help="When this reminder's letter was last printed (Letters to Print).",
    )

    stage_channel_email = fields.Boolean(related="stage_id.channel_email", string="Stage Sends an E-mail")

    @api.model_create_multi
    def create(self, vals_list):
        # the channels' log is the module's, as the ladder's (expiry.ladder.step.mixin)
        if not self.env.su and any(CHANNEL_LOG_FIELDS & set(vals) for vals in vals_list):
            raise UserError(self.env._("Use the buttons to process, cancel or retry a step."))
        return super().create(vals_list)

    def action_customize(self):
        # a stage without e-mail has no text to edit (its SMS is the stage's template)
        if self.filtered(lambda r: not r.stage_id.channel_email):
            self._expiry_check_access("read")
            raise UserError(self.env._("This stage sends no e-mail: there is no text to edit."))
        return super().action_customize()

    def _sends_email(self):
        """Whether this reminder's stage sends an e-mail."""
        self.ensure_one()
        return self.stage_id.channel_email

    def _send_channels(self):
        """Take the stages' other channels of these reminders (their e-mail,
        if any, is queued), in a batch, all or nothing, one by one on an
        error so that a bad record fails alone. Returns the reminders without
        e-mail that were sent here."""
        # e-mail only (the shipped ladder): nothing to do, not even a query
        todo = self.filtered(lambda r: r.stage_id._get_channels() != ["email"] and not r.date_channels)
        if not todo:
            return self.browse()
        run_batch(todo, lambda rows: rows._take_channels(), self._channel_error)
        return todo.filtered(lambda r: not r.stage_id.channel_email and r.state == r._step_done_state)

    @api.model
    def _channel_error(self, reminder, error):
        """``reminder``'s channels raised ``error``: a reminder whose e-mail
        is queued keeps it and says so; one without e-mail fails."""
        reason = self.env._("The SMS, call or letter could not be prepared: %s", error)
        if reminder.stage_id.channel_email:
            reminder.channel_note = reason
        else:
            reminder._set_failed(reason)

    def _take_channels(self):
        """Take the SMS, call and letter of these reminders, then record
        what each did (see the module's docstring)."""
        outcome = defaultdict(lambda: {"done": [], "optout": [], "failed": []})
        self.filtered(lambda r: r.stage_id.channel_sms)._channel_sms(outcome)
        self.filtered(lambda r: r.stage_id.channel_call)._channel_call(outcome)
        self.filtered(lambda r: r.stage_id.channel_letter)._channel_letter(outcome)
        notes, reasons = {}, {}
        sent = failed = refused = self.browse()
        for reminder in self:
            result = outcome[reminder.id]
            notes[reminder.id] = " ".join(result["done"] + result["optout"] + result["failed"]) or None
            if reminder.stage_id.channel_email or result["done"]:
                if not reminder.stage_id.channel_email:
                    sent |= reminder
            elif result["failed"]:
                failed |= reminder
                reasons[reminder.id] = " ".join(result["failed"])
            else:
                refused |= reminder
                reasons[reminder.id] = " ".join(result["optout"])
        # one write per outcome, not one per reminder: the date of the taken
        # channels, then each reminder's note and reason in one UPDATE each
        # (the module's log columns, nothing computes from them)
        (self - failed).write({"date_channels": fields.Datetime.now()})
        update_column(self, "channel_note", notes)
        if failed:
            failed._set_failed(reasons[failed[0].id])
        if refused:
            refused._set_cancelled(reasons[refused[0].id], "optout")
        update_column(
            self,
            "error",
            {
                reminder.id: reasons[reminder.id]
                for reminder in failed | refused
                if reminder.state in ("failed", "cancelled")
            },
        )
        if sent:
            # sudo: the sent reminders' own review activities (internal, callers decide)
            sent.activity_id.sudo().unlink()
            sent._step_delivered()
            # the stage's callback, as after an e-mail (expiry_reminder_send.py)
            sent._schedule_callbacks()

    # ------------------------------------------------------------------
    # SMS
    # ------------------------------------------------------------------
    def _channel_sms(self, outcome):
        """Queue the SMS of these reminders, one chatter line each, unless
        the number is missing or the customer refuses SMS."""
        # Odoo reads each customer alone (_mail_get_partners per deadline):
        # their fields read for the whole batch first, in one query
        self.deadline_id.partner_id.mapped("mobile")
        info = self.deadline_id._sms_get_recipients_info(partner_fallback=True)
        recipients = {}
        for reminder in self:
            recipient = info.get(reminder.deadline_id.id) or {}
            partner = recipient.get("partner") or reminder.deadline_id.partner_id
            recipients[reminder.id] = (partner, recipient.get("sanitized"))
        # the one check of the blacklist, shared with the collection ladder
        refusals = self.env["expiry.ladder.channel.mixin"]._sms_refusals(recipients)
        to_send = []
        for reminder in self:
            partner, number = recipients[reminder.id]
            if reminder.id in refusals:
                outcome[reminder.id]["optout"].append(refusals[reminder.id])
            elif not number:
                outcome[reminder.id]["failed"].append(
                    self.env._(
                        "SMS not sent: the customer %s has no valid mobile or phone number.",
                        partner.display_name,
                    )
                )
            else:
                to_send.append((reminder, partner, number))
        if not to_send:
            return
        bodies = {}
        reminders = self.browse([reminder.id for reminder, _partner, _number in to_send])
        for template in reminders.stage_id.sms_template_id:
            group = reminders.filtered(lambda r, t=template: r.stage_id.sms_template_id == t)
            # sudo: the stage's SMS, rendered for the deadlines being sent (callers checked them)
            rendered = template.sudo()._render_field("body", group.deadline_id.ids, compute_lang=True)
            bodies.update({(template.id, res_id): body for res_id, body in rendered.items()})
        note_subtype = self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_note")
        texts = [
            bodies[(reminder.stage_id.sms_template_id.id, reminder.deadline_id.id)]
            for reminder, _partner, _number in to_send
        ]
        # the chatter line of each SMS (as Odoo's _message_sms), one create for the batch;
        # its sender and reply-to computed per author for the batch (Odoo's create asks
        # each message's document alone for its reply-to)
        authors = {
            reminder.id: reminder.deadline_id.user_id.partner_id or reminder.deadline_id.company_id.partner_id
            for reminder, _partner, _number in to_send
        }
        reply_to = {}
        for author in set(authors.values()):
            deadlines = reminders.filtered(lambda r, a=author: authors[r.id] == a).deadline_id
            # sudo: the reply-to address of these deadlines (their alias or the company's), as Odoo's create
            replies = deadlines.sudo()._notify_get_reply_to(default=author.email_formatted)
            reply_to.update({(author.id, res_id): address for res_id, address in replies.items()})
        # sudo: technical rows of the SMS the caller sends (as Odoo's SMS composer does)
        messages = (
            self.env["mail.message"]
            .sudo()
            .create(
                [
                    {
                        "model": "expiry.deadline",
                        "res_id": reminder.deadline_id.id,
                        "message_type": "sms",
                        "subtype_id": note_subtype,
                        "body": sms_content_to_rendered_html(text),
                        "author_id": authors[reminder.id].id,
                        "email_from": authors[reminder.id].email_formatted,
                        "reply_to": reply_to[(authors[reminder.id].id, reminder.deadline_id.id)],
                        "record_name": False,
                    }
                    for (reminder, _partner, _number), text in zip(to_send, texts, strict=True)
                ]
            )
        )
        # sudo: the SMS of these reminders, queued in Odoo's SMS queue (the pass or a checked action)
        sms = (
            self.env["sms.sms"]
            .sudo()
            .create(
                [
                    {
                        "partner_id": partner.id,
                        "number": number,
                        "body": text,
                        "state": "outgoing",
                        "mail_message_id": message.id,
                    }
                    for (_reminder, partner, number), text, message in zip(
                        to_send, texts, messages, strict=True
                    )
                ]
            )
        )
        # sudo: the chatter's delivery line of each SMS (as Odoo's _notify_thread_by_sms)
        self.env["mail.notification"].sudo().create(
            [
                {
                    "author_id": message.author_id.id,
                    "mail_message_id": message.id,
                    "res_partner_id": one_sms.partner_id.id,
                    "sms_number": one_sms.number,
                    "notification_type": "sms",
                    "sms_id_int": one_sms.id,
                    "sms_tracker_ids": [Command.create({"sms_uuid": one_sms.uuid})],
                    "is_read": True,
                    "notification_status": "ready",
                }
                for one_sms, message in zip(sms, messages, strict=True)
            ]
        )
        for reminder, _partner, number in to_send:
            outcome[reminder.id]["done"].append(self.env._("SMS to %s queued.", number))
        sms_cron = self.env.ref("sms.ir_cron_sms_scheduler_action", raise_if_not_found=False)
        if sms_cron:
            # sudo: wakes Odoo's SMS queue up; reads nothing
            sms_cron.sudo()._trigger()

    # ------------------------------------------------------------------
    # Call and letter: the salesperson's activities
    # ------------------------------------------------------------------
    def _channel_call(self, outcome):
        """A "Renewal Call" activity for the salesperson of each deadline,
        due today (once per reminder: the stage of one deadline's term)."""
        activity_type = self.env.ref(
            "expiry_management.mail_activity_type_renewal_call", raise_if_not_found=False
        )
        missing = self.filtered(lambda r: not r.deadline_id.user_id or not activity_type)
        for reminder in missing:
            outcome[reminder.id]["failed"].append(
                self.env._(
                    "No call planned: the deadline %s has no salesperson.", reminder.deadline_id.display_name
                )
                if activity_type
                else self.env._("No call planned: the activity type Renewal Call was deleted.")
            )
        rows = self - missing
        if not rows:
            return
        rows._create_channel_activities(
            activity_type,
            lambda reminder: self.env._(
                "Call %(customer)s: %(stage)s",
                customer=reminder.deadline_id.partner_id.display_name,
                stage=reminder.stage_id.name,
            ),
        )
        for reminder in rows:
            outcome[reminder.id]["done"].append(
                self.env._("Call planned for %s.", reminder.deadline_id.user_id.name)
            )

    def _channel_letter(self, outcome):
        """Put these reminders' letters in the day's print batch, with an
        activity for the salesperson to post them."""
        Deadline = self.env["expiry.deadline"]
        days = {}
        for reminder in self:
            days[reminder.id] = Deadline._company_today(reminder.company_id)
        for day in set(days.values()):
            self.filtered(lambda r, d=day: days[r.id] == d).write({"date_letter": day})
        activity_type = self.env.ref(
            "expiry_management.mail_activity_type_renewal_letter", raise_if_not_found=False
        )
        with_user = self.filtered(lambda r: r.deadline_id.user_id)
        if activity_type and with_user:
            with_user._create_channel_activities(
                activity_type,
                lambda reminder: self.env._(
                    "Post the letter “%(stage)s” to %(customer)s",
                    stage=reminder.stage_id.name,
                    customer=reminder.deadline_id.partner_id.display_name,
                ),
            )
        for reminder in self:
            outcome[reminder.id]["done"].append(
                self.env._("Letter in the print batch of %s.", format_date(self.env, days[reminder.id]))
            )

    def _create_channel_activities(self, activity_type, summary):
        """One ``activity_type`` activity per reminder for its deadline's
        salesperson, due on the company's today."""
        model_id = self.env["ir.model"]._get_id("expiry.deadline")
        Deadline = self.env["expiry.deadline"]
        # sudo: the salesperson's activity about their deadline whose stage was taken
        self.env["mail.activity"].sudo().with_context(mail_activity_quick_update=True).create(
            [
                {
                    "res_model_id": model_id,
                    "res_id": reminder.deadline_id.id,
                    "activity_type_id": activity_type.id,
                    "user_id": reminder.deadline_id.user_id.id,
                    "date_deadline": Deadline._company_today(reminder.deadline_id.company_id),
                    "summary": summary(reminder),
                }
                for reminder in self
            ]
        )


class ReportExpiryReminderLetter(models.AbstractModel):
    """The letters of a print batch (report_expiry_reminder_letter): only
    reminders that have a letter (``date_letter``: their stage put it in a
    print batch), each recorded as printed."""

    _name = "report.expiry_management.report_expiry_reminder_letter"
    _description = "Renewal Letters"

    @api.model
    def _get_report_values(self, docids, data=None):
        reminders = self.env["expiry.reminder"].browse(docids)
        reminders.check_access("read")
        letters = reminders.filtered("date_letter")
        if not letters:
            raise UserError(
                self.env._(
                    "None of these reminders has a letter to print: see Timed E-mails > Letters to Print."
                )
            )
        # the module's log of the letters the caller may read (checked above): one UPDATE
        now = fields.Datetime.now()
        update_column(letters, "date_letter_printed", dict.fromkeys(letters.ids, now))
        return {"doc_ids": letters.ids, "doc_model": "expiry.reminder", "docs": letters}
