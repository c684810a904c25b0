# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The collection desk in the browser, as a collector uses it."""

import datetime

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestCollectionTour(HttpCase):
    def test_collector_records_a_reason_resends_and_plans_instalments(self):
        company = self.env.company
        collector = new_test_user(
            self.env,
            login="tour_collector",
            password="tour_collector",
            name="Tour Collector",
            email="tour.collector@example.com",
            groups="expiry_management.group_expiry_user,account.group_account_invoice,sales_team.group_sale_salesman",
        )
        customer = self.env["res.partner"].create(
            {
                "name": "Tour Collection Ltd",
                "is_company": True,
                "email": "tour.collection@example.com",
                "expiry_collector_id": collector.id,
            }
        )
        Deadline = self.env["expiry.deadline"]
        today = Deadline._company_today(company)
        deadline = Deadline.create(
            {
                "partner_id": customer.id,
                "company_id": company.id,
                "date_start": today - datetime.timedelta(days=300),
                "date_expiry": today + datetime.timedelta(days=65),
                "state": "active",
                "description": "Tour fleet policy",
            }
        )
        move = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": customer.id,
                "expiry_deadline_id": deadline.id,
                "invoice_date": today - datetime.timedelta(days=40),
                "invoice_date_due": today - datetime.timedelta(days=10),
                "invoice_line_ids": [
                    Command.create(
                        {"name": "Premium", "quantity": 1, "price_unit": 600.0, "tax_ids": [Command.clear()]}
                    )
                ],
            }
        )
        move.action_post()
        self.start_tour(
            "/odoo/action-expiry_management_collection.action_expiry_collection_cases",
            "expiry_collection_desk",
            login="tour_collector",
        )
        self.assertEqual(
            deadline.collection_reason_id, self.env.ref("expiry_management_collection.reason_payment_details")
        )
        copy = self.env["mail.mail"].search([("model", "=", "account.move"), ("res_id", "=", move.id)])
        self.assertEqual(len(copy), 1)
        self.assertIn("Copy of invoice", copy.subject)
        plan = deadline.collection_plan_ids
        self.assertEqual(plan.state, "active")
        self.assertEqual(plan.line_ids.mapped("amount"), [300.0, 300.0])
        self.assertEqual(deadline.collection_state, "payment_plan")
