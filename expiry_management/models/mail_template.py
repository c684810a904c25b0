# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The ladders' e-mails: one chatter message per e-mail, queued in one
batch."""

from collections import defaultdict

from odoo import models
from odoo.tools import SQL
from odoo.tools.mail import generate_tracking_message_id

from ..tools import update_column

#: what send_mail_batch renders (mail.template.send_mail_batch in Odoo 18)
RENDER_FIELDS = (
    "attachment_ids",
    "auto_delete",
    "body_html",
    "email_cc",
    "email_from",
    "email_to",
    "mail_server_id",
    "model",
    "partner_to",
    "reply_to",
    "report_template_ids",
    "res_id",
    "scheduled_date",
    "subject",
)


class MailTemplate(models.Model):
    _inherit = "mail.template"

    def _expiry_send_batch(self, res_ids, email_cc=None, author_ids=None, email_values=None):
        """Queue this template's e-mail to each record of ``res_ids`` and
        keep it, as the one message of the e-mail, in the record's chatter.

        The e-mails are those of Odoo's ``send_mail_batch`` (the same
        rendering, recipients, attachments; test_mail_template_batch
        compares them on every shipped template), with the chatter line of
        Odoo's composer in mass mode when it keeps a log
        (``auto_delete_keep_log``): the outgoing mail's own ``mail.message``
        (model, record, the body the customer receives) is the chatter's
        line, not a second note, and it stays when the mail is deleted after
        delivery (``is_notification``). A ``mail.notification`` per recipient
        shows in the chatter to whom it went and whether it was delivered
        (sent, bounced, failed: Odoo's mail queue and bounce handling update
        it).

        One batch: the body compiled once (mail.render.mixin), one create of
        the messages, one of the mails, one of their notifications, whatever
        the number of records (send_mail_batch works in chunks of 50 and
        reads each record's name). A template with an e-mail layout goes
        through send_mail_batch (once per author), which wraps the body in it.

        :param dict email_cc: ``{res_id: address}`` in copy of the e-mail
        :param dict author_ids: ``{res_id: partner id}`` shown as the author
            in the chatter (default: the current user's partner)
        :param dict email_values: values common to every e-mail (an edited
            subject and body)
        :return: the queued ``mail.mail`` (sudo), in the order of ``res_ids``
        """
        self.ensure_one()
        email_cc, author_ids = email_cc or {}, author_ids or {}
        if not res_ids:
            return self.env["mail.mail"].sudo()
        if self.email_layout_xmlid:
            # one send_mail_batch per author, the sender when the template has
            # none (as _expiry_create_mails: mail.message takes the author's)
            res_ids_by_author = defaultdict(list)
            for res_id in res_ids:
                res_ids_by_author[author_ids.get(res_id)].append(res_id)
            # sudo: the mails of send_mail_batch (sudo), gathered
            mails = self.env["mail.mail"].sudo()
            for author_id, author_res_ids in res_ids_by_author.items():
                values = dict(email_values or {}, is_notification=True, record_name=False)
                if author_id:
                    values["author_id"] = author_id
                    author = self.env["res.partner"].browse(author_id)
                    if not self.email_from and author.email:
                        values["email_from"] = author.email_formatted
                mails |= self.with_context(expiry_render_compiled=True).send_mail_batch(
                    author_res_ids, email_values=values
                )
            mail_by_res_id = {mail.res_id: mail.id for mail in mails}
            mails = mails.browse([mail_by_res_id[res_id] for res_id in res_ids])
            update_column(
                mails,
                "email_cc",
                {mail.id: email_cc[mail.res_id] for mail in mails if email_cc.get(mail.res_id)},
            )
        else:
            self._send_check_access(res_ids)
            rendered = self.with_context(expiry_render_compiled=True)._generate_template(
                res_ids, RENDER_FIELDS
            )
            values_list = []
            for res_id in res_ids:
                values = dict(rendered[res_id], **(email_values or {}))
                if email_cc.get(res_id):
                    values["email_cc"] = email_cc[res_id]
                if author_ids.get(res_id):
                    values["author_id"] = author_ids[res_id]
                values_list.append(values)
            mails = self._expiry_create_mails(values_list)
        # sudo: the delivery lines of the mails just queued (their message's recipients)
        self.env["mail.notification"].sudo().create(
            [
                self._expiry_prepare_notification_values(mail, partner)
                for mail in mails
                for partner in mail.recipient_ids
            ]
        )
        return mails

    def _expiry_log_copies(self, copies):
        """Show each of ``copies``' mails (``{mail.mail: [res_id, ...]}``, an
        e-mail listing several records, queued for the first) in the chatter
        of the other records it lists too: a copy of the mail's message on
        each (same author, subject, body, date), with the same delivery lines
        on the same mail (Odoo's mail queue updates them all), and no other
        mail.

        The copies are made in the database from the mail's message, already
        created and sanitized (the ORM would sanitize the same long body again
        for each, the most of what a grouped e-mail costs): one INSERT of the
        messages and one of their delivery lines for the whole batch, each
        copy with a Message-ID of its own. Only technical rows of e-mails the
        caller sends (as _expiry_create_mails).

        :return: the messages created (sudo)
        """
        # sudo: technical rows of the e-mails the caller sends (as send_mail_batch does)
        Message = self.env["mail.message"].sudo()
        pairs = [(mail, res_id) for mail, res_ids in copies.items() for res_id in res_ids]
        if not pairs:
            return Message
        self.env.flush_all()
        columns = self._expiry_copy_columns("mail.message", ("id", "res_id", "message_id"))
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO mail_message (%(columns)s, res_id, message_id)
                SELECT %(source_columns)s, v.res_id, v.message_id
                  FROM (VALUES %(values)s) AS v(position, source_id, res_id, message_id)
                  JOIN mail_message AS source ON source.id = v.source_id
                 ORDER BY v.position
                RETURNING id, res_id
                """,
                columns=SQL(", ").join(SQL.identifier(column) for column in columns),
                source_columns=SQL(", ").join(SQL.identifier("source", column) for column in columns),
                values=SQL(", ").join(
                    SQL(
                        "(%s, %s, %s, %s)",
                        position,
                        mail.mail_message_id.id,
                        res_id,
                        generate_tracking_message_id(res_id),
                    )
                    for position, (mail, res_id) in enumerate(pairs)
                ),
            )
        )
        # each record is listed once: its copy, in the order of ``pairs``
        copy_by_res_id = dict((res_id, message_id) for message_id, res_id in self.env.cr.fetchall())
        messages = Message.browse([copy_by_res_id[res_id] for _mail, res_id in pairs])
        columns = self._expiry_copy_columns("mail.notification", ("id", "mail_message_id"))
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO mail_notification (%(columns)s, mail_message_id)
                SELECT %(source_columns)s, v.copy_id
                  FROM (VALUES %(values)s) AS v(copy_id, source_id)
                  JOIN mail_notification AS source ON source.mail_message_id = v.source_id
                """,
                columns=SQL(", ").join(SQL.identifier(column) for column in columns),
                source_columns=SQL(", ").join(SQL.identifier("source", column) for column in columns),
                values=SQL(", ").join(
                    SQL("(%s, %s)", message.id, mail.mail_message_id.id)
                    for (mail, _res_id), message in zip(pairs, messages, strict=True)
                ),
            )
        )
        # made in the database: what the cache holds of their records' chatter is stale
        res_ids_by_model = defaultdict(list)
        for mail, res_id in pairs:
            res_ids_by_model[mail.mail_message_id.model].append(res_id)
        for model_name, res_ids in res_ids_by_model.items():
            records = self.env[model_name].browse(res_ids)
            records.invalidate_recordset(
                [
                    field.name
                    for field in records._fields.values()
                    if field.type == "one2many"
                    and field.comodel_name in ("mail.message", "mail.notification")
                ]
            )
        return messages

    def _expiry_copy_columns(self, model_name, excluded):
        """The columns of ``model_name``'s table a copy of its row takes."""
        return sorted(
            field.name
            for field in self.env[model_name]._fields.values()
            if field.store and field.column_type and field.name not in excluded
        )

    def _expiry_create_mails(self, values_list):
        """Create the messages and their mails from ``values_list`` (rendered
        by _generate_template): one create each for the whole batch."""
        messages = (
            self.env["mail.message"]
            # sudo: technical rows of the e-mails the caller sends (as send_mail_batch does)
            .sudo()
            .create([self._expiry_prepare_message_values(values) for values in values_list])
        )
        mails = (
            self.env["mail.mail"]
            # sudo: technical rows of the e-mails the caller sends (as send_mail_batch does)
            .sudo()
            .create(
                [
                    self._expiry_prepare_mail_values(values, message)
                    for values, message in zip(values_list, messages, strict=True)
                ]
            )
        )
        # the files of the template's reports, on each message (as send_mail_batch does)
        for mail, values in zip(mails, values_list, strict=True):
            if values.get("attachments"):
                mail.with_context(default_type=None).write(
                    {
                        "attachment_ids": [
                            (
                                0,
                                0,
                                {
                                    "name": name,
                                    "datas": datas,
                                    "type": "binary",
                                    "res_model": "mail.message",
                                    "res_id": mail.mail_message_id.id,
                                },
                            )
                            for name, datas in values["attachments"]
                        ]
                    }
                )
        return mails

    def _expiry_prepare_message_values(self, values):
        """The chatter message of one e-mail (``values``: rendered)."""
        message_values = {
            "model": values.get("model") or self.model,
            "res_id": values.get("res_id"),
            "message_type": "email_outgoing",
            "subject": values.get("subject"),
            "body": values.get("body_html") or "",
            "reply_to": values.get("reply_to"),
            "mail_server_id": values.get("mail_server_id"),
            "attachment_ids": [(4, attachment_id) for attachment_id in values.get("attachment_ids") or []],
            # no record name: the message is on its record (as in Odoo's mass mode)
            "record_name": False,
        }
        # an empty sender falls back to the author's, as in send_mail_batch
        if values.get("email_from"):
            message_values["email_from"] = values["email_from"]
        if values.get("author_id"):
            message_values["author_id"] = values["author_id"]
        return message_values

    def _expiry_prepare_mail_values(self, values, message):
        """The outgoing mail of ``message`` (``values``: rendered)."""
        return {
            "mail_message_id": message.id,
            "is_notification": True,
            "body_html": values.get("body_html") or "",
            "email_to": values.get("email_to"),
            "email_cc": values.get("email_cc"),
            "recipient_ids": [(4, partner_id) for partner_id in values.get("partner_ids") or []],
            "auto_delete": values.get("auto_delete"),
            "scheduled_date": values.get("scheduled_date"),
        }

    def _expiry_prepare_notification_values(self, mail, partner):
        """The chatter's delivery line of ``mail`` to ``partner``."""
        return {
            "mail_message_id": mail.mail_message_id.id,
            "mail_mail_id": mail.id,
            "res_partner_id": partner.id,
            "author_id": mail.author_id.id,
            "notification_type": "email",
            "notification_status": "ready",
            "is_read": True,
        }
