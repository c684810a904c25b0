# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Issue 20: the collection's e-mails go through the core's one batch
(mail.template._expiry_send_batch): the same e-mails as Odoo's own
send_mail_batch, for every template the collection ships, each one message
of its record's chatter with its delivery line."""

from odoo.tests import freeze_time, tagged

from odoo.addons.expiry_management.tests.render_check import outgoing_mail_values

from .common import CollectionCase


@tagged("post_install", "-at_install")
@freeze_time("2027-03-10 10:00:00")
class TestCollectionMailBatch(CollectionCase):
    def _compare(self, template, records):
        template = template.sudo()
        theirs = template.send_mail_batch(records.ids)
        ours = template._expiry_send_batch(records.ids)
        self.assertEqual(ours.mapped("res_id"), records.ids, template.name)
        for mine, odoo in zip(ours, theirs, strict=True):
            self.assertEqual(outgoing_mail_values(mine), outgoing_mail_values(odoo), template.name)
            self.assertIn(
                mine.mail_message_id,
                mine.mail_message_id.sudo().search(
                    [("model", "=", records._name), ("res_id", "=", mine.res_id)]
                ),
            )
            self.assertEqual(mine.mail_message_id.notification_ids.res_partner_id, mine.recipient_ids)
        return ours

    def _shipped(self, model):
        data = self.env["ir.model.data"].search(
            [("module", "=", "expiry_management_collection"), ("model", "=", "mail.template")]
        )
        return self.env["mail.template"].browse(data.mapped("res_id")).filtered(lambda t: t.model == model)

    def test_same_e_mails_as_send_mail_batch_for_every_invoice_template(self):
        moves = self.env["account.move"]
        for amount in (480.0, 125.5):
            moves |= self._invoice(self._create_deadline(200), -3, amount)
        templates = self._shipped("account.move")
        self.assertEqual(
            len(templates), 6, "first, second, final notice, the invoice copy and the two grouped e-mails"
        )
        for template in templates:
            self._compare(template, moves)

    def test_same_e_mails_as_send_mail_batch_for_the_instalment_reminder(self):
        deadline = self._create_deadline(200)
        self._invoice(deadline, -20, 900.0)
        plan = self._plan(deadline, confirm=False)
        template = self.env.ref("expiry_management_collection.mail_template_instalment_reminder")
        self._compare(template, plan.line_ids)
