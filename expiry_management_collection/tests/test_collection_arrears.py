# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Issue 18: when the renewal's checkout carries the overdue amount (the
portal installed), an overdue invoice no longer holds the renewal push back,
but a dispute still does, until it is resolved."""

from unittest.mock import patch

from odoo.tests import freeze_time, tagged

from .common import CollectionCase


@tagged("post_install", "-at_install")
@freeze_time("2027-03-10 10:00:00")
class TestCollectionArrears(CollectionCase):
    def _checkout(self, carries):
        return patch.object(
            type(self.env["expiry.deadline"]), "_expiry_arrears_in_checkout", lambda records: carries
        )

    def test_a_dispute_blocks_even_when_the_checkout_carries_the_overdue_amount(self):
        dispute = self.env.ref("expiry_management_collection.reason_dispute")
        deadline = self._create_deadline(40)
        move = self._invoice(deadline, -20, 900.0)
        with self._checkout(True):
            self.assertEqual(deadline._get_renewal_push_blocks(), {}, "the checkout carries it")
            self.assertEqual(deadline._get_renewal_arrears()[0][0], move)
            move.expiry_collection_reason_id = dispute
            self.assertIn("in dispute", deadline._get_renewal_push_blocks()[deadline.id])
            move.expiry_collection_reason_id = False
            deadline.collection_reason_id = dispute
            self.assertIn("in dispute", deadline._get_renewal_push_blocks()[deadline.id])
            self.assertIn("in dispute", deadline._get_renewal_push_block(arrears_in_checkout=True))
            deadline.collection_reason_id = False
            self.assertFalse(deadline._get_renewal_push_block(arrears_in_checkout=True))
        with self._checkout(False):
            self.assertIn(move.name, deadline._get_renewal_push_blocks()[deadline.id])

    def test_an_invoice_on_a_plan_is_arrears_only_once_an_instalment_is_overdue(self):
        deadline = self._create_deadline(40)
        self._invoice(deadline, -20, 900.0)
        self._plan(deadline, count=3)
        self.assertEqual(deadline._get_renewal_arrears(), [], "no instalment is due yet")
