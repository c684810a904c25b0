# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Who sees and does what on the collection desk."""

from odoo.exceptions import AccessError, UserError
from odoo.tests import freeze_time, tagged

from .common import CollectionCase


@tagged("post_install", "-at_install")
@freeze_time("2027-03-10 10:00:00")
class TestCollectionSecurity(CollectionCase):
    def test_collector_sees_the_cases_they_collect(self):
        deadline = self._create_deadline(200)  # the salesperson's, collected by Carla
        self._invoice(deadline, -10)
        as_collector = deadline.with_user(self.collector)
        self.assertEqual(as_collector.amount_overdue, 500.0)
        self.assertEqual(as_collector.collection_state, "follow_up")
        self._run()
        logs = (
            self.env["expiry.collection.log"]
            .with_user(self.collector)
            .search([("deadline_id", "=", deadline.id)])
        )
        self.assertEqual(len(logs), 2)
        hidden = self._create_deadline(200, partner_id=self.other_customer, user_id=False)
        hidden.user_id = self.env.ref("base.user_admin")
        with self.assertRaises(AccessError):
            hidden.with_user(self.collector).check_access("read")

    def test_amounts_need_invoicing_rights(self):
        deadline = self._create_deadline(200)
        self._invoice(deadline, -10)
        as_sales = deadline.with_user(self.salesperson)
        self.assertEqual(as_sales.collection_state, "follow_up")
        self.assertEqual(as_sales.days_overdue, 10)
        with self.assertRaises(AccessError):
            as_sales.read(["amount_due"])
        with self.assertRaises(AccessError):
            self.env["expiry.collection.plan"].with_user(self.salesperson).create(
                {"deadline_id": deadline.id, "currency_id": self.company.currency_id.id}
            )
        with self.assertRaises(AccessError):
            as_sales.action_collection_hand_over_wizard() and self.env[
                "expiry.collection.hand.over"
            ].with_user(self.salesperson).create({"deadline_id": deadline.id, "agency_id": self.agency.id})

    def test_log_is_written_by_the_module_only(self):
        deadline = self._create_deadline(200)
        move = self._invoice(deadline, -3)
        self._run()
        log = self._logs(move)
        with self.assertRaises(UserError):
            log.with_user(self.collector).write({"state": "scheduled"})
        with self.assertRaises(AccessError):
            log.with_user(self.collector).unlink()
        with self.assertRaises(UserError):
            log.with_user(self.collector).action_cancel()  # already done
