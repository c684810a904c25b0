# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import Command, api, models


class ExpiryCollectionDemo(models.AbstractModel):
    """Demo cases of the collection desk: one in follow-up, one on a payment
    plan, one handed over, one paid, so that every screen shows something."""

    _name = "expiry.collection.demo"
    _description = "Collection Demo Data"

    @api.model
    def _create_demo_invoice(self, deadline_xmlid, days_overdue, amount):
        deadline = self.env.ref(deadline_xmlid)
        today = deadline._company_today(deadline.company_id)
        move = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": deadline.partner_id.id,
                "expiry_deadline_id": deadline.id,
                "invoice_date": today - timedelta(days=days_overdue + 30),
                "invoice_date_due": today - timedelta(days=days_overdue),
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": deadline.product_id.id,
                            "name": deadline.description or deadline.product_id.display_name,
                            "quantity": 1,
                            "price_unit": amount,
                            "tax_ids": [Command.clear()],
                        }
                    )
                ],
            }
        )
        move.action_post()
        return move

    @api.model
    def _setup_demo(self):
        company = self.env.company
        if not self.env["account.journal"].search(
            [("type", "=", "sale"), ("company_id", "=", company.id)], limit=1
        ):
            self.env["account.chart.template"].try_loading("generic_coa", company=company, install_demo=False)
        demo = self.env.ref("base.user_demo", raise_if_not_found=False)
        admin = self.env.ref("base.user_admin")
        # in follow-up: two invoices, 12 and 50 days overdue
        follow_up = self.env.ref("expiry_management.deadline_wood_motor")
        follow_up.collector_id = admin
        self._create_demo_invoice("expiry_management.deadline_wood_motor", 12, 480.0)
        self._create_demo_invoice("expiry_management.deadline_wood_motor", 50, 120.0)
        follow_up.collection_reason_id = self.env.ref("expiry_management_collection.reason_not_received")
        # on a payment plan: three monthly instalments
        planned = self.env.ref("expiry_management.deadline_deco_maintenance")
        planned.collector_id = admin
        move = self._create_demo_invoice("expiry_management.deadline_deco_maintenance", 25, 1200.0)
        wizard = self.env["expiry.collection.plan.wizard"].create(
            {
                "deadline_id": planned.id,
                "count": 3,
                "date_first": planned._company_today(planned.company_id) + timedelta(days=2),
                "note": "Agreed on the phone: 400 a month.",
            }
        )
        plan = self.env["expiry.collection.plan"].browse(wizard.action_plan()["res_id"])
        plan.action_confirm()
        # handed over to the collection agency
        handed = self.env.ref("expiry_management.deadline_gemini_motor")
        handed.collector_id = demo or admin
        self._create_demo_invoice("expiry_management.deadline_gemini_motor", 95, 450.0)
        agency = self.env.ref("expiry_management_collection.res_partner_collection_agency_demo")
        handed.action_collection_hand_over(agency, "Three reminders and a final notice without answer.")
        # paid late: shows in the rotation figures
        paid = self._create_demo_invoice("expiry_management.deadline_ready_home", 40, 900.0)
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=paid.ids
        ).create({"payment_date": paid.invoice_date_due + timedelta(days=20)})._create_payments()
        # the collection ladder of today
        # (the PDFs of the invoices need a running web server: not at installation)
        self.env["expiry.reminder"].with_context(expiry_collection_no_pdf=True)._cron_daily_pass()
        return move
