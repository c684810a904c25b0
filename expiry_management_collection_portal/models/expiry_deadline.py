# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class ExpiryDeadline(models.Model):
    _inherit = "expiry.deadline"

    def _get_portal_readable_fields(self):
        return super()._get_portal_readable_fields() | {"collection_state"}

    def _get_portal_collection_values(self):
        """What the customer sees of the collection on their deadline page:
        what they owe and when, the running payment plan's instalments, the
        hand-over. Nothing internal (collector, reasons, log)."""
        self.ensure_one()
        deadline = self.sudo()
        figures = deadline._get_collection_figures()[deadline.id]
        plan = deadline.collection_plan_ids.filtered(lambda p: p.state == "active")[:1]
        return {
            "state": figures["collection_state"],
            "currency": deadline.company_currency_id,
            "amount_due": figures["amount_due"],
            "amount_overdue": figures["amount_overdue"],
            "invoices": [
                {
                    "name": move.name,
                    "date_due": move.invoice_date_due,
                    "amount": move.amount_residual,
                    "currency": move.currency_id,
                    "url": move.get_portal_url(),
                }
                for move in figures["moves"]
            ],
            "plan": plan
            and {
                "name": plan.name,
                "currency": plan.currency_id,
                "lines": [
                    {
                        "date_due": line.date_due,
                        "amount": line.amount,
                        "paid": line.amount_paid,
                        "state": line.state,
                    }
                    for line in plan.line_ids.sorted(lambda line: (line.date_due, line.sequence, line.id))
                ],
            },
            "agency": deadline.collection_agency_id
            and {
                "name": deadline.collection_agency_id.name,
                "email": deadline.collection_agency_id.email,
                "phone": deadline.collection_agency_id.phone,
                "date": deadline.collection_handed_over_date,
            },
        }
