# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Issue 18: an automatic renewal whose invoice could not be charged is left
to the collection ladder (no activity for the salesperson: the ladder is the
follow-up); a deadline in dispute does not renew by itself."""

import datetime
from unittest.mock import patch

from odoo import Command
from odoo.tests import freeze_time, tagged

from .common import CollectionCase


@tagged("post_install", "-at_install")
@freeze_time("2027-03-10 10:00:00")
class TestCollectionAutoRenew(CollectionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.expiry_charge_retry_days = False  # one try only
        method = cls.env.ref("payment.payment_method_unknown")
        cls.provider = cls.env["payment.provider"].create(
            {
                "name": "Collection Test Provider",
                "code": "none",
                "state": "test",
                "allow_tokenization": True,
                "company_id": cls.company.id,
                "payment_method_ids": [Command.set(method.ids)],
            }
        )
        method.write({"active": True, "support_tokenization": True})
        cls.token = cls.env["payment.token"].create(
            {
                "provider_id": cls.provider.id,
                "payment_method_id": method.id,
                "partner_id": cls.customer.id,
                "payment_details": "0002",
                "provider_ref": "collection-test",
            }
        )

    def _auto(self, **values):
        return self._create_deadline(
            0, renewal_mode="automatic", notice_days=10, payment_token_id=self.token.id, **values
        )

    def _renew(self):
        Pass = self.env["expiry.daily.pass"]

        def refuse(tx):
            tx._set_error("Card declined (test)")

        with patch.object(type(self.env["payment.transaction"]), "_send_payment_request", refuse):
            Pass._run_company(self.company, only={"auto renew", "renewal charges"})

    def test_refused_charge_is_left_to_the_collection_ladder(self):
        deadline = self._auto()
        self._renew()
        charge = deadline.renewal_charge_ids
        self.assertEqual(charge.state, "failed")
        self.assertTrue(deadline.message_ids.filtered(lambda m: "left to the collection" in (m.body or "")))
        self.assertFalse(deadline.activity_ids.filtered(lambda a: a.summary == "Renewal charge failed"))
        invoice = charge.invoice_id
        self.assertEqual(invoice.expiry_deadline_id, deadline)
        # once overdue, the collection ladder takes it
        with freeze_time(datetime.datetime(2027, 3, 20, 10)):
            self._run(deliver=False)
        self.assertTrue(self._logs(invoice))

    def test_deadline_in_dispute_does_not_renew_by_itself(self):
        deadline = self._auto(
            collection_reason_id=self.env.ref("expiry_management_collection.reason_dispute").id
        )
        self._renew()
        self.assertFalse(deadline.term_ids)
        self.assertFalse(deadline.auto_renew)
        self.assertTrue(deadline.message_ids.filtered(lambda m: "did not happen" in (m.body or "")))
