# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models

from .expiry_deadline import MONEY

DASHBOARD_CASES = 10


class ExpiryDashboard(models.AbstractModel):
    """The collector's block on the dashboard: my overdue cases today."""

    _inherit = "expiry.dashboard"

    @api.model
    def get_dashboard_data(self, scope="mine"):
        self.env["expiry.deadline"]._expiry_check_collection_access(
            "read", group="expiry_management.group_expiry_user"
        )
        data = super().get_dashboard_data(scope)
        data["collection"] = self._get_collection(data["scope"]) if self.env.user.has_group(MONEY) else False
        return data

    @api.model
    def _collection_domain(self, scope):
        domain = [("amount_overdue", ">", 0)]
        if scope == "mine":
            domain.append(("collector_id", "=", self.env.uid))
        return domain

    @api.model
    def _get_collection(self, scope):
        Deadline = self.env["expiry.deadline"]
        cases = Deadline.search(self._collection_domain(scope))
        company = self.env.company
        today = Deadline._company_today(company)
        rows = sorted(cases, key=lambda d: (-d.days_overdue, -d.amount_overdue, d.id))
        states = dict(Deadline._fields["collection_state"]._description_selection(self.env))
        return {
            "count": len(cases),
            "amount": sum(
                d.company_currency_id._convert(d.amount_overdue, company.currency_id, company, today)
                for d in cases
            ),
            "cases": [
                {
                    "id": deadline.id,
                    "name": deadline.name,
                    "partner": deadline.partner_id.display_name,
                    "days_overdue": deadline.days_overdue,
                    "amount_overdue": deadline.amount_overdue,
                    "state": states.get(deadline.collection_state, ""),
                }
                for deadline in rows[:DASHBOARD_CASES]
            ],
        }

    @api.model
    def action_open_collection(self, scope="mine"):
        self.env["expiry.deadline"]._expiry_check_collection_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "expiry_management_collection.action_expiry_collection_cases"
        )
        action["domain"] = self._collection_domain(self._get_scope(scope))
        return action
