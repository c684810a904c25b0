# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Taking collection steps: e-mails with the invoice PDF, SMS, and the
collector's call, visit and letter activities, in batches, logged in the
chatter of the invoice, the deadline and the customer."""

from collections import defaultdict

from odoo import api, fields, models
from odoo.tools import SQL


class ExpiryCollectionLog(models.Model):
    _inherit = "expiry.collection.log"

    def _step_process(self):
        """Take these claimed steps. A step whose reason to exist is gone
        (paid, plan, hand-over) is cancelled; one that cannot be taken fails
        alone with a readable reason; the others go on."""
        rows = self.filtered(lambda r: r.state == "scheduled")._cancel_invalid()
        if not rows:
            return self
        rows.fetch(["move_id", "deadline_id", "step_id", "instalment_id", "channel"])
        rows.move_id.fetch(["partner_id", "commercial_partner_id", "name", "amount_residual", "currency_id"])
        by_channel = defaultdict(lambda: self.browse())
        for row in rows:
            by_channel[row.channel] |= row
        describe = {
            "email": lambda error: self.env._("The e-mail could not be prepared: %s", error),
            "sms": lambda error: self.env._("The SMS could not be prepared: %s", error),
        }
        done = self.browse()
        for channel, group in by_channel.items():
            process = getattr(type(self), f"_process_{channel}")
            for batch in group._split_unique_subjects():
                done |= batch._step_run_batch(
                    lambda records, p=process: p(records),
                    describe.get(
                        channel, lambda error: self.env._("The activity could not be planned: %s", error)
                    ),
                )
        # wake Odoo's mail and SMS queues up (never an env.ref that raises)
        for channel, xmlid in (
            ("email", "mail.ir_cron_mail_scheduler_action"),
            ("sms", "sms.ir_cron_sms_scheduler_action"),
        ):
            cron = by_channel.get(channel) and self.env.ref(xmlid, raise_if_not_found=False)
            if cron:
                cron._trigger()
        return done

    def _split_unique_subjects(self):
        """Batches in which each invoice and each deadline appears once (one
        mail per invoice and template, one activity per deadline and batch)."""
        batches = []  # [(move ids, deadline ids, rows)]
        for row in self:
            for moves, deadlines, rows in batches:  # noqa: B007 - used after the break
                if row.move_id.id not in moves and row.deadline_id.id not in deadlines:
                    break
            else:
                moves, deadlines, rows = set(), set(), []
                batches.append((moves, deadlines, rows))
            moves.add(row.move_id.id)
            deadlines.add(row.deadline_id.id)
            rows.append(row.id)
        return [self.browse(rows) for _moves, _deadlines, rows in batches]

    # ------------------------------------------------------------------
    # Channels (each takes a batch, all or nothing)
    # ------------------------------------------------------------------
    def _process_email(self):
        missing = self.filtered(lambda r: not r.move_id.partner_id.email_normalized)
        for row in missing:
            row._set_failed(
                self.env._(
                    "The customer %s has no valid e-mail address.", row.move_id.partner_id.display_name
                )
            )
        rows = self - missing
        # never an env.ref that raises in the middle of a batch: a deleted
        # reminder template fails the reminders it would send, nothing else
        reminder_template = self.env.ref(
            "expiry_management_collection.mail_template_instalment_reminder", raise_if_not_found=False
        )
        groups = defaultdict(lambda: self.browse())
        for row in rows:
            template = row.step_id.mail_template_id or reminder_template
            if not template:
                row._set_failed(
                    self.env._(
                        "The e-mail template of the instalment reminders was deleted: restore it "
                        "(update the Expiry Management - Collection module) to send them."
                    )
                )
                continue
            groups[template] |= row
        for template, group in groups.items():
            if template.model == "account.move":
                res_ids = group.move_id.ids
            else:
                res_ids = group.instalment_id.ids
            # one batch, one chatter message per e-mail on its invoice (or
            # instalment), with its delivery (expiry_management's mail.template)
            # sudo: the pass (or a checked action_process_now) sends the steps of these rows
            mails = template.sudo()._expiry_send_batch(res_ids)
            mail_by_res = {mail.res_id: mail for mail in mails}
            if template.model == "account.move":
                group.move_id._expiry_attach_invoice_pdfs(mails)
                links = {row: mail_by_res[row.move_id.id] for row in group}
            else:
                links = {row: mail_by_res[row.instalment_id.id] for row in group}
            group._mark_done("mail_id", links)

    def _process_sms(self):
        info = self.move_id._sms_get_recipients_info(partner_fallback=True)
        missing = self.filtered(lambda r: not info.get(r.move_id.id, {}).get("sanitized"))
        for row in missing:
            row._set_failed(
                self.env._(
                    "The customer %s has no valid mobile or phone number for the SMS.",
                    row.move_id.partner_id.display_name,
                )
            )
        rows = self - missing
        if not rows:
            return
        bodies = {}
        for template in rows.step_id.sms_template_id:
            moves = rows.filtered(lambda r, t=template: r.step_id.sms_template_id == t).move_id
            # sudo: the pass (or a checked action_process_now) renders the SMS of these rows
            bodies.update(template.sudo()._render_field("body", moves.ids, compute_lang=True))
        # sudo: the SMS of these rows, queued by the pass (or a checked action_process_now)
        sms = (
            self.env["sms.sms"]
            .sudo()
            .create(
                [
                    {
                        "partner_id": row.move_id.partner_id.id,
                        "number": info[row.move_id.id]["sanitized"],
                        "body": bodies[row.move_id.id],
                        "state": "outgoing",
                    }
                    for row in rows
                ]
            )
        )
        rows._mark_done("sms_id", dict(zip(rows, sms, strict=True)))

    def _process_call(self):
        # the one activity type of a payment call: the core's (also the invoice's "Plan Call")
        self._process_activity("expiry_management.mail_activity_type_payment_reminder")

    def _process_visit(self):
        self._process_activity("expiry_management_collection.mail_activity_type_collection_visit")

    def _process_letter(self):
        self._process_activity("expiry_management_collection.mail_activity_type_collection_letter")

    def _process_activity(self, xmlid):
        activity_type = self.env.ref(xmlid)
        missing = self.filtered(lambda r: not r._get_collector())
        for row in missing:
            row._set_failed(
                self.env._(
                    "Nobody to follow up %s: set a collector or a salesperson on the deadline.",
                    row.deadline_id.display_name,
                )
            )
        rows = self - missing
        if not rows:
            return
        model_id = self.env["ir.model"]._get_id("expiry.deadline")
        # sudo: the collector's activities of these rows (the pass or a checked action_process_now)
        activities = (
            self.env["mail.activity"]
            .sudo()
            .with_context(mail_activity_quick_update=True)
            .create([row._prepare_activity_values(activity_type, model_id) for row in rows])
        )
        rows._mark_done("activity_id", dict(zip(rows, activities, strict=True)))

    def _get_collector(self):
        self.ensure_one()
        return self.deadline_id.collector_id or self.deadline_id.user_id or self.move_id.invoice_user_id

    def _prepare_activity_values(self, activity_type, model_id):
        """The collector's activity for this step (a call, a visit, a letter)."""
        self.ensure_one()
        move = self.move_id
        return {
            "res_model_id": model_id,
            "res_id": self.deadline_id.id,
            "activity_type_id": activity_type.id,
            "user_id": self._get_collector().id,
            "date_deadline": self.date_due,
            "summary": self.env._(
                "%(step)s: %(invoice)s, %(amount)s due",
                step=self.step_id.name or activity_type.name,
                invoice=move.name,
                amount=move.currency_id.format(move.amount_residual),
            ),
            "note": self.step_id.activity_note or False,
        }

    # ------------------------------------------------------------------
    # Done
    # ------------------------------------------------------------------
    def _mark_done(self, link_field, links):
        """Mark these rows done (queued for an e-mail or an SMS: done when the
        mail server or the SMS provider accepted it, see expiry_management's
        mail_mail.py and sms_sms.py), link each
        to what was created (``links``: {row: record}) and record what was
        owed, in one UPDATE, and log them."""
        if link_field in ("mail_id", "sms_id"):
            self._step_queued()
        else:
            self.write({"state": "done", "date_done": fields.Datetime.now(), "error": False})
        self.flush_recordset()
        self.env.cr.execute(
            SQL(
                """
                UPDATE expiry_collection_log AS l SET %s = v.link, amount = m.amount_residual
                  FROM (VALUES %s) AS v(id, link), account_move m
                 WHERE l.id = v.id AND m.id = l.move_id
                """,
                SQL.identifier(link_field),
                SQL(", ").join(SQL("(%s, %s)", row.id, record.id) for row, record in links.items()),
            )
        )
        self.invalidate_recordset([link_field, "amount"])
        self._log_done()

    def _log_done(self):
        """Log these done rows in the chatter of their deadline and customer,
        and of their invoice, unless the invoice's chatter already shows the
        step: its e-mail is a message of the invoice."""
        texts, on_invoice = defaultdict(list), set()
        for row in self:
            texts[row.move_id.id].append(row._describe_done())
            if not (row.mail_id.model == "account.move" and row.mail_id.res_id == row.move_id.id):
                on_invoice.add(row.move_id.id)
        self.move_id._expiry_log_collection(
            {move_id: " ".join(parts) for move_id, parts in texts.items()}, on_invoice=on_invoice
        )

    def _describe_done(self):
        self.ensure_one()
        move = self.move_id
        step = self.step_id.name or self.env._("Instalment reminder")
        channel = dict(self._fields["channel"]._description_selection(self.env))[self.channel]
        text = self.env._(
            "Collection step “%(step)s” (%(channel)s) for %(invoice)s, %(amount)s due.",
            step=step,
            channel=channel,
            invoice=move.name,
            amount=move.currency_id.format(move.amount_residual),
        )
        if self.instalment_id:
            text += " " + self.env._(
                "Instalment of %(date)s.", date=fields.Date.to_string(self.instalment_id.date_due)
            )
        return text

    @api.model
    def _collection_send_due(self, company, today, limit):
        """Take one batch of due steps of ``company``.

        :return: ``(processed, still due)``
        """
        return self._process_due(company, today, limit)

    @api.model
    def _cron_collection_pass(self):
        """The collection ladder alone (it also runs in the daily pass)."""
        return self.env["expiry.daily.pass"]._run_collection()
