# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Issue 18: a deadline in dispute (a late payment reason of the kind
"dispute", on the deadline or on one of its open invoices) gets no renewal
push until the dispute is resolved; an overdue invoice on a running payment
plan blocks only once an instalment is overdue."""

from odoo.tests import freeze_time, tagged

from .common import CollectionCase


@tagged("post_install", "-at_install")
@freeze_time("2027-03-10 10:00:00")
class TestCollectionRenewalPush(CollectionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dispute = cls.env["expiry.collection.reason"].create({"name": "Contested", "kind": "dispute"})
        cls.not_received = cls.env.ref("expiry_management_collection.reason_not_received")

    def test_the_shipped_dispute_reason_is_of_the_kind_dispute(self):
        self.assertEqual(self.env.ref("expiry_management_collection.reason_dispute").kind, "dispute")
        self.assertEqual(self.not_received.kind, "other")

    def test_a_deadline_in_dispute_gets_no_renewal_push_until_resolved(self):
        deadline = self._create_deadline(40)
        self.assertFalse(deadline._get_renewal_push_block())
        deadline.collection_reason_id = self.not_received
        self.assertFalse(deadline._get_renewal_push_block(), "a late payment is no dispute")
        deadline.collection_reason_id = self.dispute
        self.assertIn("in dispute", deadline._get_renewal_push_block())
        deadline.collection_reason_id = False
        self.assertFalse(deadline._get_renewal_push_block())

    def test_an_open_invoice_in_dispute_blocks_until_paid(self):
        deadline = self._create_deadline(40)
        move = self._invoice(deadline, 10)  # not due yet
        move.expiry_collection_reason_id = self.dispute
        self.assertIn("in dispute", deadline._get_renewal_push_block())
        self._pay(move)
        self.assertFalse(deadline._get_renewal_push_block(), "paid: nothing is contested any more")

    def test_an_overdue_invoice_blocks_until_it_is_on_a_plan(self):
        deadline = self._create_deadline(40)
        move = self._invoice(deadline, -20, 900.0)
        self.assertIn(move.name, deadline._get_renewal_push_block())
        self._plan(deadline, count=3)
        self.assertFalse(deadline._get_renewal_push_block(), "no instalment is due yet")

    def test_the_timed_e_mail_asking_to_renew_is_not_sent_while_in_dispute(self):
        stage_30 = self.env.ref("expiry_management.reminder_stage_30")
        stage_30.active = True
        disputed = self._create_deadline(30)
        calm = self._create_deadline(30)
        disputed.collection_reason_id = self.dispute
        Reminder = self.env["expiry.reminder"].sudo()
        Reminder._prepare_reminders(self.company, self.TODAY)
        Reminder._send_due_reminders(self.company, self.TODAY, 10000)
        row = disputed.reminder_ids.filtered(lambda r: r.stage_id == stage_30)
        self.assertEqual((row.state, row.cancel_code), ("cancelled", "blocked"))
        self.assertIn("in dispute", row.error)
        self.assertEqual(calm.reminder_ids.filtered(lambda r: r.stage_id == stage_30).state, "queued")
