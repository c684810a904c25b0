# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class ExpiryDeadline(models.Model):
    _inherit = "expiry.deadline"

    def _get_portal_readable_fields(self):
        # the state of what the customer owes, and the currency of the amounts shown
        return super()._get_portal_readable_fields() | {"collection_state", "company_currency_id"}

    def _get_portal_collection_values(self):
        """What the customer sees of the collection on their deadline page:
        what they owe and when, the running payment plan's instalments, the
        hand-over. Nothing internal (collector, reasons, log)."""
        self.ensure_one()
        # sudo: the portal controller checked the deadline is the customer's (or the token); only
        # this deadline's figures, its current customer's invoices and its running plan are read
        deadline = self.sudo()
        figures = deadline._get_collection_figures()[deadline.id]
        customer = deadline.commercial_partner_id
        # a deadline moved to another customer: the previous customer's invoices are not shown
        moves = figures["moves"].filtered(lambda m: m.commercial_partner_id == customer)
        amount_due, amount_overdue = figures["amount_due"], figures["amount_overdue"]
        if moves != figures["moves"]:
            today = deadline._company_today(deadline.company_id)
            items = moves._expiry_open_items(today)
            amount_due = sum(amount for _move, _date, amount, _line in items)
            amount_overdue = sum(amount for _move, date, amount, _line in items if date and date < today)
        plan = deadline.collection_plan_ids.filtered(
            lambda p: p.state == "active" and p.move_ids.commercial_partner_id == customer
        )[:1]
        return {
            "state": figures["collection_state"],
            "currency": deadline.company_currency_id,
            "amount_due": amount_due,
            "amount_overdue": amount_overdue,
            "invoices": [
                {
                    "name": move.name,
                    # owed since (the core's rule): the due date, else the invoice date
                    "date_due": move._expiry_owed_since(),
                    "amount": move.amount_residual,
                    "currency": move.currency_id,
                    "url": move.get_portal_url(),
                }
                for move in moves
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
