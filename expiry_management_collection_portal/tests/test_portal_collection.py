# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The customer's portal page of a deadline shows what is owed, the
payment plan and the hand-over, and only to that customer."""

import datetime

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, tagged

from odoo.addons.expiry_management_portal.tests.common import ExpiryPortalCommon


@tagged("post_install", "-at_install")
class TestPortalCollection(ExpiryPortalCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setUpExpiryPortal()
        cls.move = cls._invoice(cls.deadline_a, -20, 900.0)
        cls.agency = cls.env["res.partner"].create(
            {
                "name": "Recovery Agency",
                "phone": "+32 2 999 99 99",
                "category_id": [
                    Command.link(
                        cls.env.ref("expiry_management_collection.res_partner_category_collection_agency").id
                    )
                ],
            }
        )

    @classmethod
    def _invoice(cls, deadline, days, amount):
        due = cls.today + datetime.timedelta(days=days)
        move = cls.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": deadline.partner_id.id,
                "expiry_deadline_id": deadline.id,
                "invoice_date": due - datetime.timedelta(days=30),
                "invoice_date_due": due,
                "invoice_line_ids": [
                    Command.create(
                        {"name": "Premium", "quantity": 1, "price_unit": amount, "tax_ids": [Command.clear()]}
                    )
                ],
            }
        )
        move.action_post()
        return move

    def _page(self, deadline):
        response = self.url_open(f"/my/deadlines/{deadline.id}", allow_redirects=False)
        self.assertEqual(response.status_code, 200)
        return response.text

    def test_customer_sees_what_is_due_and_the_plan(self):
        wizard = self.env["expiry.collection.plan.wizard"].create(
            {
                "deadline_id": self.deadline_a.id,
                "count": 3,
                "date_first": self.today + datetime.timedelta(days=5),
            }
        )
        plan = self.env["expiry.collection.plan"].browse(wizard.action_plan()["res_id"])
        plan.action_confirm()
        self.authenticate("expiry_portal_a", "expiry_portal_a")
        html = self._page(self.deadline_a)
        self.assertIn("o_expiry_portal_payments", html)
        self.assertIn(self.move.name, html)
        self.assertIn("o_expiry_portal_plan", html)
        self.assertIn("300.00", html)
        first = (self.today + datetime.timedelta(days=5)).strftime("%m/%d/%Y")
        self.assertIn(first, html)
        self.assertNotIn("o_expiry_portal_handed_over", html)
        # internal details stay internal
        self.assertNotIn("Collection Step", html)

    def test_customer_sees_the_hand_over(self):
        self.deadline_a.action_collection_hand_over(self.agency)
        self.authenticate("expiry_portal_a", "expiry_portal_a")
        html = self._page(self.deadline_a)
        self.assertIn("o_expiry_portal_handed_over", html)
        self.assertIn("Recovery Agency", html)
        self.assertIn("+32 2 999 99 99", html)

    def test_another_customer_sees_nothing(self):
        self.authenticate("expiry_portal_b", "expiry_portal_b")
        response = self.url_open(f"/my/deadlines/{self.deadline_a.id}", allow_redirects=False)
        self.assertNotEqual(response.status_code, 200)
        self.assertNotIn(self.move.name, response.text)

    def test_portal_user_reads_only_the_collection_state(self):
        deadline = self.deadline_a.with_user(self.portal_user_a)
        self.assertEqual(deadline.collection_state, "follow_up")
        for field in ("amount_due", "collector_id", "collection_reason_id", "collection_log_ids"):
            with self.assertRaises(AccessError):
                deadline.read([field])

    def test_portal_user_reads_no_other_collection_field(self):
        """Every field the collection addons add on the deadline, the invoice
        and the customer, read by the customer: refused, but for the portal
        allow-list (the collection state and the currency of the amounts)."""
        modules = {"expiry_management_collection", "expiry_management_collection_portal"}
        allowed = {"expiry.deadline": {"collection_state", "company_currency_id"}}
        records = {
            "expiry.deadline": self.deadline_a,
            "account.move": self.move,
            "res.partner": self.portal_user_a.partner_id | self.portal_user_a.commercial_partner_id,
        }
        readable = []
        for model, record in records.items():
            as_portal = record.with_user(self.portal_user_a)
            as_portal.check_access("read")  # their own deadline, invoice and company
            ours = [name for name, field in record._fields.items() if modules & set(field._modules or ())]
            self.assertTrue(ours, model)
            for name in ours:
                try:
                    as_portal.read([name])
                except AccessError:
                    continue
                readable.append(f"{model}.{name}")
        expected = sorted(f"{model}.{name}" for model, names in allowed.items() for name in names)
        self.assertEqual(sorted(readable), expected)

    def test_moved_deadline_shows_only_the_new_customers_invoices(self):
        """Issue 16 (8): a deadline moved to another customer does not show
        the previous customer's invoices (nor their links) on the new one's page."""
        self.deadline_a.partner_id = self.customer_b
        self.authenticate("expiry_portal_b", "expiry_portal_b")
        html = self._page(self.deadline_a)
        self.assertNotIn(self.move.name, html)
        self.assertNotIn("900.00", html)
        self.assertNotIn(self.move.get_portal_url().split("?")[0], html)
