# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Taking collection steps: e-mails with the invoice PDF, SMS, and the
collector's call, visit and letter activities, in batches, logged in the
chatter of the invoice, the deadline and the customer."""

import uuid
from collections import defaultdict

from werkzeug.urls import url_encode

from odoo import api, fields, models
from odoo.tools import SQL, format_amount

from odoo.addons.expiry_management.tools import CRASH_ERRORS, update_column

#: the shipped SMS of several invoices of a customer at one step
GROUPED_SMS_TEMPLATE = "expiry_management_collection.sms_template_collection_grouped"
#: the shipped e-mails listing several invoices of a customer at one step
GROUPED_TEMPLATES = {
    False: "expiry_management_collection.mail_template_collection_grouped",
    True: "expiry_management_collection.mail_template_collection_grouped_final",
}


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
        rows.move_id.fetch(
            ["partner_id", "commercial_partner_id", "name", "amount_residual", "currency_id", "access_token"]
        )
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
            messages = channel in ("email", "sms")
            run = type(self)._step_run_groups if messages else type(self)._step_run_batch
            for batch in group._split_unique_subjects(by_deadline=not messages):
                done |= run(
                    batch,
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

    def _split_unique_subjects(self, by_deadline=True):
        """Batches in which each invoice and (``by_deadline``) each deadline
        appears once (one mail per invoice and template, one activity per
        deadline and batch). The e-mails and SMS need unique invoices only: a
        deadline's overdue invoices go out together in one message to the
        customer (_message_groups)."""
        batches = []  # [(move ids, deadline ids, rows)]
        for row in self:
            for moves, deadlines, rows in batches:  # noqa: B007 - used after the break
                if row.move_id.id not in moves and (not by_deadline or row.deadline_id.id not in deadlines):
                    break
            else:
                moves, deadlines, rows = set(), set(), []
                batches.append((moves, deadlines, rows))
            moves.add(row.move_id.id)
            deadlines.add(row.deadline_id.id)
            rows.append(row.id)
        return [self.browse(rows) for _moves, _deadlines, rows in batches]

    def _step_run_groups(self, process, describe_error):
        """_step_run_batch for e-mails and SMS: the whole batch at once; on
        an error, each customer's message alone (one group, run_batch: then
        each of its invoices alone, in a message of its own), so that a bad
        invoice fails alone and the other customers' messages still go out
        grouped.

        :return: the rows processed
        """
        groups = [group for group in self._message_groups() if len(group) > 1]
        alone = self.browse().union(*(group for group in groups)) if groups else self.browse()
        units = groups + ([self - alone] if self - alone else [])
        if len(units) < 2:
            return self._step_run_batch(process, describe_error)
        try:
            with self.env.cr.savepoint():
                process(self)
            return self
        except CRASH_ERRORS:
            raise
        except Exception:  # noqa: BLE001 - each group again, a bad row fails alone with its reason
            done = self.browse()
            for unit in units:
                done |= unit._step_run_batch(process, describe_error)
            return done

    def _message_groups(self):
        """These e-mail (or SMS) rows by the message they go out in:
        ``[rows]``, the rows of one customer's message together (see
        _message_group_key), every other row alone."""
        groups = defaultdict(lambda: self.browse())
        for row in self:
            groups[row._message_group_key() or row] |= row
        return list(groups.values())

    def _message_group_key(self):
        """What this e-mail (or SMS) row shares with the others that go out in
        the same message: its channel, its step (its template), its recipient
        (the invoice's customer, hence the language) and its company; False
        when it goes alone: the company does not group
        (``expiry_group_by_customer``), an instalment's reminder or missed
        instalment, a step e-mail not on the invoice."""
        self.ensure_one()
        template = self.step_id.mail_template_id if self.channel == "email" else self.step_id.sms_template_id
        if (
            not self.step_id
            or self.instalment_id
            or self.channel not in ("email", "sms")
            or template.model != "account.move"
            # sudo: a setting of the row's company, read by the pass
            or not self.company_id.sudo().expiry_group_by_customer
        ):
            return False
        return (self.channel, self.step_id, self.move_id.partner_id, self.company_id)

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
        # a customer's invoices at one step: one e-mail (the others go on alone)
        links = rows._send_grouped_emails()
        shown_on_invoice = {row.move_id.id for row in links}
        rows -= self.browse().union(*links)
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
                links.update({row: mail_by_res[row.move_id.id] for row in group})
            else:
                links.update({row: mail_by_res[row.instalment_id.id] for row in group})
        if links:
            self.browse().union(*links)._mark_done("mail_id", links, shown_on_invoice)

    def _send_grouped_emails(self):
        """One e-mail per customer and step for these rows' groups of two or
        more invoices (_message_groups): the step's grouped e-mail
        (GROUPED_TEMPLATES) lists the invoices, with each invoice's PDF
        attached (each rendered once, or the one Odoo already sent); every
        row of the group points to that e-mail. As the reminders' grouped
        e-mails (expiry_management): the e-mail is a message of its first
        invoice, copied in the chatter of the others (with its files and its
        delivery lines); the chatter of each deadline and of the customer
        logs the step (_log_done). Rendered once per group, in one batch per
        template.

        :return: ``{row: mail}``
        """
        groups = [group for group in self._message_groups() if len(group) > 1]
        if not groups:
            return {}
        templates = {
            final: self.env.ref(xmlid, raise_if_not_found=False) for final, xmlid in GROUPED_TEMPLATES.items()
        }
        by_template = defaultdict(list)
        for group in groups:
            # a deleted grouped e-mail: the step's own e-mail, one per invoice
            template = templates[group.step_id.is_final_notice]
            if template:
                by_template[template].append(group)
        links = {}
        if not by_template:
            return links
        moves = self.browse().union(*(group for groups in by_template.values() for group in groups)).move_id
        # the portal links of the invoices: their tokens, the missing ones in
        # one UPDATE (as portal.mixin's _portal_ensure_token, per record)
        tokens = {move.id: move.access_token for move in moves}
        missing = {move_id: str(uuid.uuid4()) for move_id, token in tokens.items() if not token}
        update_column(moves, "access_token", missing)
        tokens.update(missing)
        base_url = moves[:1].get_base_url()
        pdfs = {}
        if not self.env.context.get("expiry_collection_no_pdf"):
            pdfs = moves._expiry_invoice_pdf_attachment_values()
        attachments, copies = [], {}
        for template, template_groups in by_template.items():
            # each invoice is in one group (_split_unique_subjects): the first ones differ
            context = {
                group.move_id[:1].id: {
                    "moves": group.move_id,
                    "names": ", ".join(group.move_id.mapped("name")),
                    # portal.mixin's get_portal_url, with the tokens of the whole batch
                    "urls": {
                        move.id: f"{base_url}{move.access_url}?{url_encode({'access_token': tokens[move.id]})}"
                        for move in group.move_id
                    },
                }
                for group in template_groups
            }
            # sudo: the pass (or a checked action_process_now) sends the steps of these rows
            template = template.sudo()
            mails = template.with_context(expiry_collection_groups=context)._expiry_send_batch(list(context))
            for group, mail in zip(template_groups, mails, strict=True):
                links.update(dict.fromkeys(group, mail))
                attachments += [
                    dict(pdfs[move.id], res_model="mail.message", res_id=mail.mail_message_id.id)
                    for move in group.move_id
                    if move.id in pdfs
                ]
                copies[mail] = group.move_id[1:].ids
        files = self._email_attach(attachments)
        # the e-mail in the chatter of its other invoices, with its delivery lines and its files
        # sudo: the chatter copies of the mails just queued (as _expiry_send_batch above)
        shown = self.env["mail.template"].sudo()._expiry_log_copies(copies)
        sources = [mail.mail_message_id.id for mail, res_ids in copies.items() for _res_id in res_ids]
        self._email_link_files(
            [
                (copy.id, file_id)
                for copy, source in zip(shown, sources, strict=True)
                for file_id in files[source]
            ]
        )
        return links

    def _email_attach(self, attachments):
        """Attach the invoice PDFs (``attachments``: the values of each file,
        ``res_id`` its message) to the grouped e-mails just queued: one insert
        for the files, one for the links.

        :return: ``{message id: [attachment id]}``
        """
        result = defaultdict(list)
        if not attachments:
            return result
        # sudo: the PDFs of invoices the caller checked, attached to the mails just queued
        files = self.env["ir.attachment"].sudo().create(attachments)
        for file in files:
            result[file.res_id].append(file.id)
        self._email_link_files([(file.res_id, file.id) for file in files])
        return result

    def _email_link_files(self, pairs):
        """Link the files to the messages: ``pairs``: ``[(message id,
        attachment id)]``, in one insert."""
        if not pairs:
            return
        self.env.cr.execute(
            SQL(
                "INSERT INTO message_attachment_rel (message_id, attachment_id) VALUES %s ON CONFLICT DO NOTHING",
                SQL(", ").join(SQL("(%s, %s)", message_id, file_id) for message_id, file_id in pairs),
            )
        )
        self.env["mail.message"].browse({message_id for message_id, _file_id in pairs}).invalidate_recordset(
            ["attachment_ids"]
        )
        self.env["mail.mail"].invalidate_model(["attachment_ids"])

    def _process_sms(self):
        # Odoo reads each customer alone (_mail_get_partners per invoice): their
        # fields read for the whole batch first, in one query
        self.move_id.partner_id.mapped("mobile")
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
        # never to a blacklisted number nor to a customer who opted out of SMS
        # (Odoo's SMS queue does not check it): the one check of both ladders
        refusals = self.env["expiry.ladder.channel.mixin"]._sms_refusals(
            {
                row.id: (
                    info[row.move_id.id].get("partner") or row.move_id.partner_id,
                    info[row.move_id.id]["sanitized"],
                )
                for row in rows
            }
        )
        refused = rows.filtered(lambda r: r.id in refusals)
        for reason in set(refusals.values()):
            refused.filtered(lambda r, reason=reason: refusals[r.id] == reason)._set_cancelled(
                reason, "optout"
            )
        rows -= refused
        if not rows:
            return
        links = {}
        # a customer's invoices at one step: one SMS (the others go on alone)
        grouped = [group for group in rows._message_groups() if len(group) > 1]
        template = grouped and self.env.ref(GROUPED_SMS_TEMPLATE, raise_if_not_found=False)
        if template:
            # rendered for the first invoice of each group, the others in the context
            context = {group.move_id[:1].id: group._sms_group_values() for group in grouped}
            # sudo: the pass (or a checked action_process_now) renders the SMS of these rows
            grouped_bodies = (
                template.sudo()
                .with_context(expiry_collection_groups=context)
                ._render_field("body", list(context), compute_lang=True)
            )
            # sudo: the SMS of these rows, queued by the pass (or a checked action_process_now)
            sms = (
                self.env["sms.sms"]
                .sudo()
                .create(
                    [
                        {
                            "partner_id": group.move_id[:1].partner_id.id,
                            "number": info[group.move_id[:1].id]["sanitized"],
                            "body": grouped_bodies[group.move_id[:1].id],
                            "state": "outgoing",
                        }
                        for group in grouped
                    ]
                )
            )
            for group, one in zip(grouped, sms, strict=True):
                links.update(dict.fromkeys(group, one))
            rows -= self.browse().union(*grouped)
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
        links.update(zip(rows, sms, strict=True))
        self.browse().union(*links)._mark_done("sms_id", links)

    def _sms_group_values(self):
        """What the grouped SMS of these rows (one customer, one step) says:
        see data/sms_template_grouped_data.xml."""
        moves = self.move_id
        lang = moves[:1].partner_id.lang or self.env.lang
        return {
            "count": len(moves),
            "names": ", ".join(moves.mapped("name")),
            "amount": ", ".join(
                format_amount(
                    self.env,
                    sum(moves.filtered(lambda m, c=currency: m.currency_id == c).mapped("amount_residual")),
                    currency,
                    lang_code=lang,
                )
                for currency in moves.currency_id
            ),
        }

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
    def _mark_done(self, link_field, links, shown_on_invoice=()):
        """Mark these rows done (queued for an e-mail or an SMS: done when the
        mail server or the SMS provider accepted it, see expiry_management's
        mail_mail.py and sms_sms.py), link each
        to what was created (``links``: {row: record}) and record what was
        owed, in one UPDATE, and log them (``shown_on_invoice``: the invoices
        whose chatter already shows their grouped e-mail)."""
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
        self._log_done(shown_on_invoice)

    def _log_done(self, shown_on_invoice=()):
        """Log these done rows in the chatter of their deadline and customer,
        and of their invoice, unless the invoice's chatter already shows the
        step: its e-mail is a message of the invoice, or its grouped e-mail
        is shown there (``shown_on_invoice``: move ids). A grouped e-mail's
        row names the other invoices of its e-mail."""
        texts, on_invoice = defaultdict(list), set()
        moves_by_mail = defaultdict(list)
        for row in self.filtered("mail_id"):
            moves_by_mail[row.mail_id.id].append(row.move_id.name)
        for row in self:
            text = row._describe_done()
            others = [name for name in moves_by_mail.get(row.mail_id.id, ()) if name != row.move_id.name]
            if row.mail_id and others:
                text += " " + self.env._("In one e-mail with %s.", ", ".join(others))
            texts[row.move_id.id].append(text)
            if row.move_id.id not in shown_on_invoice and not (
                row.mail_id.model == "account.move" and row.mail_id.res_id == row.move_id.id
            ):
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
