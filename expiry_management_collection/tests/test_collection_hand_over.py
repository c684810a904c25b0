# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Hand-over to a collection agency, taking it back, writing off, and
resending the invoice."""

from odoo.exceptions import UserError, ValidationError
from odoo.tests import freeze_time, tagged

from .common import CollectionCase


@tagged("post_install", "-at_install")
@freeze_time("2027-03-10 10:00:00")
class TestCollectionHandOver(CollectionCase):
    def test_hand_over_and_take_back(self):
        deadline = self._create_deadline(200)
        move = self._invoice(deadline, -50, 700.0)
        wizard = (
            self.env["expiry.collection.hand.over"]
            .with_user(self.collector)
            .create({"deadline_id": deadline.id, "agency_id": self.agency.id, "note": "No answer."})
        )
        wizard.action_hand_over()
        self.assertEqual(deadline.collection_state, "handed_over")
        self.assertEqual(deadline.collection_agency_id, self.agency)
        self.assertEqual(str(deadline.collection_handed_over_date), "2027-03-10")
        self.assertEqual(deadline.collection_handed_over_amount, 700.0)
        self.assertTrue(deadline.message_ids.filtered(lambda m: "Recovery Agency" in (m.body or "")))
        self._run()
        self.assertFalse(self._logs(move), "our reminders stop")
        with self.assertRaises(UserError):
            deadline.action_collection_hand_over(self.agency)
        deadline.with_user(self.collector).action_collection_take_back()
        self.assertEqual(deadline.collection_state, "follow_up")
        self.assertFalse(deadline.collection_agency_id)
        self._run()
        self.assertTrue(self._logs(move))

    def test_hand_over_needs_a_tagged_agency_and_an_amount(self):
        deadline = self._create_deadline(200)
        with self.assertRaises(UserError):
            deadline.action_collection_hand_over(self.agency)  # owes nothing
        self._invoice(deadline, -50)
        with self.assertRaises(ValidationError):
            deadline.action_collection_hand_over(self.other_customer)
        with self.assertRaises(UserError):
            deadline.action_collection_take_back()

    def test_hand_over_cancels_what_is_scheduled(self):
        deadline = self._create_deadline(200)
        move = self._invoice(deadline, -3)
        rows = self.env["expiry.collection.log"].sudo()._collection_prepare(self.company, self.TODAY)
        deadline.action_collection_hand_over(self.agency.id)
        self.assertEqual((rows.state, rows.cancel_code), ("cancelled", "handed_over"))
        self.assertFalse(
            self.env["mail.mail"].search([("model", "=", "account.move"), ("res_id", "=", move.id)])
        )

    def test_write_off_credits_the_residual(self):
        deadline = self._create_deadline(200)
        move = self._invoice(deadline, -120, 800.0)
        self._pay(move, 300.0)
        wizard = self.env["expiry.collection.write.off"].create(
            {"deadline_id": deadline.id, "reason": "Customer insolvent"}
        )
        action = wizard.action_write_off()
        refund = self.env["account.move"].search(action["domain"])
        self.assertEqual(refund.move_type, "out_refund")
        self.assertEqual(refund.amount_total, 500.0)
        self.assertEqual(refund.state, "posted")
        self.assertIn("Customer insolvent", refund.ref)
        move.invalidate_recordset()
        self.assertEqual(move.amount_residual, 0.0)
        deadline.invalidate_recordset()
        self.assertEqual(deadline.collection_state, "written_off")
        self.assertEqual(deadline.amount_due, 0.0)
        with self.assertRaises(UserError):
            deadline.action_collection_write_off("again")
        with self.assertRaises(ValidationError):
            deadline.action_collection_write_off("  ")

    def test_resend_invoice_copy(self):
        deadline = self._create_deadline(200)
        move = self._invoice(deadline, -5, 450.0)
        deadline.with_user(self.collector).action_collection_resend_invoice()
        mail = self.env["mail.mail"].search([("model", "=", "account.move"), ("res_id", "=", move.id)])
        self.assertEqual(len(mail), 1)
        self.assertIn("Copy of invoice", mail.subject)
        self.assertEqual(len(mail.attachment_ids), 1)
        self.assertTrue(
            deadline.message_ids.filtered(lambda m: "Copy of invoice" in (m.body or "") and "Carla" in m.body)
        )
        self.assertTrue(self.customer.message_ids.filtered(lambda m: "Copy of invoice" in (m.body or "")))
        # on the invoice, the e-mail itself is the message, with its delivery line
        self.assertIn(mail.mail_message_id, move.message_ids)
        self.assertEqual(mail.mail_message_id.notification_ids.res_partner_id, mail.recipient_ids)
        self.assertFalse(move.message_ids.filtered(lambda m: "Copy of invoice" in (m.body or "")))
        paid = self._create_deadline(200)
        with self.assertRaises(UserError):
            paid.action_collection_resend_invoice()

    def test_late_payment_reason_is_reported(self):
        deadline = self._create_deadline(200)
        move = self._invoice(deadline, -5)
        reason = self.env.ref("expiry_management_collection.reason_payment_details")
        deadline.with_user(self.collector).collection_reason_id = reason
        self.env.flush_all()
        row = self.env["expiry.collection.report"].search([("move_id", "=", move.id)])
        self.assertEqual(row.reason_id, reason)
        other = self.env.ref("expiry_management_collection.reason_dispute")
        move.expiry_collection_reason_id = other
        self.env.flush_all()
        self.env.invalidate_all()
        self.assertEqual(row.reason_id, other, "the invoice's own reason wins")
