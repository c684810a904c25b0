# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The dashboard's charts: expiries and revenue at risk per week for the
next 13 weeks, and the renewal rate per month over the last 12 months, each
bar opening the deadlines behind it. Grouped reads only: the number of
queries does not depend on the number of deadlines."""

import datetime

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

CHART_WEEKS = 13
CHART_MONTHS = 12


class ExpiryDashboard(models.AbstractModel):
    _inherit = "expiry.dashboard"

    @api.model
    def get_dashboard_data(self, scope="mine"):
        data = super().get_dashboard_data(scope)
        data["charts"] = self._get_charts(data["scope"], self._get_periods())
        return data

    # ------------------------------------------------------------------
    # Periods and the domains behind each bar
    # ------------------------------------------------------------------
    @api.model
    def _chart_weeks(self, today):
        """``[(monday, sunday)]``: this week and the 12 next."""
        monday = today - datetime.timedelta(days=today.weekday())
        return [
            (monday + datetime.timedelta(weeks=index), monday + datetime.timedelta(weeks=index, days=6))
            for index in range(CHART_WEEKS)
        ]

    @api.model
    def _chart_months(self, today):
        """``[(first day, last day)]``: the 11 past months and this one."""
        first = today.replace(day=1) - relativedelta(months=CHART_MONTHS - 1)
        return [
            (first + relativedelta(months=index), first + relativedelta(months=index + 1, days=-1))
            for index in range(CHART_MONTHS)
        ]

    @api.model
    def _domain_chart(self, kind, date_from, date_to, today):
        """The deadlines behind a bar: ``expiring`` (draft or active, expiring
        in the period from today on: the revenue at risk), ``renewed`` (a
        renewal applied in the period), ``lost`` (expired in the period,
        before today, without renewal)."""
        if kind == "expiring":
            return [
                ("state", "in", ("draft", "active")),
                ("date_expiry", ">=", max(date_from, today)),
                ("date_expiry", "<=", date_to),
            ]
        if kind == "renewed":
            return [
                (
                    "term_ids",
                    "any",
                    [
                        ("state", "=", "done"),
                        ("date_renewal", ">=", date_from),
                        ("date_renewal", "<=", date_to),
                    ],
                )
            ]
        if kind == "lost":
            return [
                ("state", "in", ("active", "expired", "closed")),
                ("date_expiry", ">=", date_from),
                ("date_expiry", "<=", min(date_to, today - datetime.timedelta(days=1))),
            ]
        raise UserError(self.env._("Unknown dashboard chart %(kind)s.", kind=kind))

    # ------------------------------------------------------------------
    # Data
    # ------------------------------------------------------------------
    @api.model
    def _get_charts(self, scope, periods):
        today = periods["today"]
        Deadline = self.env["expiry.deadline"]
        base = self._scope_domain(scope)
        weeks = self._chart_weeks(today)
        week_rows = [
            {
                "date_from": fields.Date.to_string(start),
                "date_to": fields.Date.to_string(end),
                "label": start.isocalendar()[1],
                "count": 0,
                "amount": 0.0,
            }
            for start, end in weeks
        ]
        for day, currency, count, amount in Deadline._read_group(
            base + self._domain_chart("expiring", weeks[0][0], weeks[-1][1], today),
            ["date_expiry:day", "currency_id"],
            ["__count", "amount:sum"],
        ):
            row = week_rows[(day - weeks[0][0]).days // 7]
            row["count"] += count
            row["amount"] += self._sum_amount([(currency, amount)], periods)
        months = self._chart_months(today)
        month_rows = [
            {
                "date_from": fields.Date.to_string(start),
                "date_to": fields.Date.to_string(end),
                "label": fields.Date.to_string(start)[:7],
                "renewed": 0,
                "lost": 0,
            }
            for start, end in months
        ]
        index = {start: position for position, (start, _end) in enumerate(months)}
        for month, count in Deadline._read_group(
            base + self._domain_chart("lost", months[0][0], months[-1][1], today),
            ["date_expiry:month"],
            ["__count"],
        ):
            month_rows[index[month]]["lost"] += count
        Term = self.env["expiry.deadline.term"]
        for month, deadlines in Term._read_group(
            [
                ("state", "=", "done"),
                ("date_renewal", ">=", months[0][0]),
                ("date_renewal", "<=", months[-1][1]),
                ("deadline_id", "any", base),
            ],
            ["date_renewal:month"],
            ["deadline_id:count_distinct"],
        ):
            month_rows[index[month]]["renewed"] += deadlines
        for row in month_rows:
            row["rate"] = self._renewal_rate(row["renewed"], row["lost"])
        return {"weeks": week_rows, "months": month_rows}

    @api.model
    def action_open_chart(self, kind, date_from, date_to, scope="mine"):
        """The deadlines behind a bar of a chart, in the list view."""
        self._check_dashboard_access()
        scope = self._get_scope(scope)
        try:
            date_from, date_to = fields.Date.to_date(date_from), fields.Date.to_date(date_to)
        except (TypeError, ValueError) as error:
            raise UserError(self.env._("Invalid period of the chart.")) from error
        if not date_from or not date_to or date_from > date_to:
            raise UserError(self.env._("Invalid period of the chart."))
        today = self._get_periods()["today"]
        action = self.env["ir.actions.act_window"]._for_xml_id("expiry_management.action_expiry_deadline")
        action.update(
            {
                "domain": self._scope_domain(scope) + self._domain_chart(kind, date_from, date_to, today),
                "context": {"create": False},
                "views": [(False, "list"), (False, "kanban"), (False, "form")],
                "view_mode": "list,kanban,form",
            }
        )
        return action
