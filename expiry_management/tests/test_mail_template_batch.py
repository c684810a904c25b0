# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Issue 20: the ladders queue their e-mails in one batch with one chatter
message each (mail.template._expiry_send_batch): the e-mails are those of
Odoo's own send_mail_batch, for every template the core ships."""

import datetime

from odoo.tests import tagged

from .common import ReminderCase
from .render_check import outgoing_mail_values

D = datetime.date


@tagged("post_install", "-at_install")
class TestMailTemplateBatch(ReminderCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("de_DE")
        cls.env["ir.module.module"]._load_module_terms(["expiry_management"], ["de_DE"], overwrite=True)
        other = cls.env["res.partner"].create(
            {"name": "Óscar <Ö> & Co", "email": "oscar@example.com", "lang": "de_DE"}
        )
        no_email = cls.env["res.partner"].create({"name": "Nobody"})
        cls.deadlines = cls.env["expiry.deadline"]
        for index, expiry in enumerate([D(2026, 6, 30), D(2026, 7, 15), D(2026, 8, 1), D(2026, 9, 9)]):
            partner = (cls.customer, other, no_email, cls.customer)[index]
            cls.deadlines |= cls._create_deadline(expiry, partner_id=partner.id)

    def _shipped_templates(self):
        data = self.env["ir.model.data"].search(
            [("module", "=like", "expiry_management%"), ("model", "=", "mail.template")]
        )
        return self.env["mail.template"].browse(data.mapped("res_id")).exists()

    def _compare(self, template, records):
        template = template.sudo()
        theirs = template.send_mail_batch(records.ids)
        ours = template._expiry_send_batch(records.ids)
        self.assertEqual(ours.mapped("res_id"), records.ids, template.name)
        for mine, odoo in zip(ours, theirs, strict=True):
            self.assertEqual(outgoing_mail_values(mine), outgoing_mail_values(odoo), template.name)
        return ours

    def test_same_e_mails_as_send_mail_batch_for_every_shipped_template(self):
        templates = self._shipped_templates().filtered(lambda t: t.model == "expiry.deadline")
        self.assertGreaterEqual(len(templates), 5, "the ladder's templates at least")
        for template in templates:
            self._compare(template, self.deadlines)

    def test_one_chatter_message_per_e_mail_with_its_delivery_line(self):
        template = self.stage_30.mail_template_id
        mails = template.sudo()._expiry_send_batch(
            self.deadlines.ids,
            email_cc={self.deadlines[0].id: "sally@reminder.example"},
            author_ids={deadline.id: self.salesperson.partner_id.id for deadline in self.deadlines},
        )
        self.assertEqual(len(mails), 4)
        for deadline, mail in zip(self.deadlines, mails, strict=True):
            message = mail.mail_message_id
            self.assertEqual(
                deadline.message_ids.filtered(lambda m: m.message_type == "email_outgoing"), message
            )
            self.assertTrue(mail.is_notification, "the message stays when the mail is deleted")
            self.assertEqual(message.author_id, self.salesperson.partner_id)
            self.assertEqual(message.notification_ids.res_partner_id, mail.recipient_ids)
            self.assertEqual(set(message.notification_ids.mapped("notification_status")), {"ready"})
        self.assertEqual(mails[0].email_cc, "sally@reminder.example")
        self.assertFalse(mails[1].email_cc)
        # deleted once delivered (auto_delete templates): the chatter keeps the message
        message = mails[1].mail_message_id
        mails[1].unlink()
        self.assertTrue(message.exists())

    def test_a_template_with_a_layout_goes_odoos_way_with_the_same_chatter_line(self):
        template = self.stage_60.mail_template_id.copy({"email_layout_xmlid": "mail.mail_notification_light"})
        mails = template.sudo()._expiry_send_batch(
            self.deadlines[:2].ids, author_ids={self.deadlines[0].id: self.salesperson.partner_id.id}
        )
        self.assertEqual(mails.mapped("is_notification"), [True, True])
        self.assertEqual(mails[0].author_id, self.salesperson.partner_id)
        self.assertEqual(mails.mail_message_id.notification_ids.res_partner_id, mails.recipient_ids)
        theirs = template.sudo().send_mail_batch(self.deadlines[:2].ids)
        self.assertEqual(mails.mapped("body_html"), theirs.mapped("body_html"))

    def test_nothing_to_send(self):
        self.assertFalse(self.stage_60.mail_template_id.sudo()._expiry_send_batch([]))
