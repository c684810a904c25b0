# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The dashboard's charts: expiries and revenue at risk per week for the
next 13 weeks, and the renewal chart: deadlines renewed and lost, revenue
retained and lost and the renewal rate per month over the last 12 months,
the figures of the retention analysis (expiry.retention.report). Each bar
opens the deadlines behind it. Grouped reads only: the number of queries does
not depend on the number of deadlines."""

import datetime

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date

CHART_WEEKS = 13
CHART_MONTHS = 12
#: the rows of the retention analysis the renewal chart shows (its bars)
RETENTION_KINDS = ("renewed", "lost")


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
        in the period from today on: the revenue at risk), ``renewed`` and
        ``lost``: the deadlines of the retention analysis's rows of that kind
        dated in the period (expiry.retention.report: a renewed term by the
        end of the term it replaced, a lost deadline by its expiry date; the
        one rule of "lost": lost_deadline_sql), read with the user's rights."""
        if kind == "expiring":
            return [
                ("state", "in", ("draft", "active")),
                ("date_expiry", ">=", max(date_from, today)),
                ("date_expiry", "<=", date_to),
            ]
        if kind in RETENTION_KINDS:
            [[deadline_ids]] = self.env["expiry.retention.report"]._read_group(
                self._domain_retention(kind, date_from, date_to), aggregates=["deadline_id:array_agg"]
            )
            return [("id", "in", sorted(set(deadline_ids or ())))]
        raise UserError(self.env._("Unknown dashboard chart %(kind)s.", kind=kind))

    @api.model
    def _domain_retention(self, kinds, date_from, date_to):
        """Rows of the retention analysis of ``kinds`` (one or several of
        RETENTION_KINDS) dated from ``date_from`` to ``date_to``."""
        kinds = [kinds] if isinstance(kinds, str) else list(kinds)
        return [("kind", "in", kinds), ("date", ">=", date_from), ("date", "<=", date_to)]

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
        month_rows, totals = self._get_retention_months(base, months, periods)
        return {"weeks": week_rows, "months": month_rows, "retention": totals}

    @api.model
    def _get_retention_months(self, base, months, periods):
        """The renewal chart: per month, the deadlines renewed and lost, the
        revenue retained and lost and the renewal rate, as the retention
        analysis counts them (one grouped read of its SQL view, with the
        user's rights: its record rules are the deadlines'). Amounts are in
        the company's currency, converted at today's rate (the analysis keeps
        each deadline's currency).

        :param base: the dashboard's scope (company and salesperson fields,
            which the analysis has too)
        :return: ``(rows, totals)``, totals over the months
        """
        month_rows = [
            {
                "date_from": fields.Date.to_string(start),
                "date_to": fields.Date.to_string(end),
                "label": fields.Date.to_string(start)[:7],
                "renewed": 0,
                "lost": 0,
                "amount_retained": 0.0,
                "amount_lost": 0.0,
            }
            for start, end in months
        ]
        index = {start: position for position, (start, _end) in enumerate(months)}
        for month, kind, currency, count, retained, lost in self.env["expiry.retention.report"]._read_group(
            base + self._domain_retention(RETENTION_KINDS, months[0][0], months[-1][1]),
            ["date:month", "kind", "currency_id"],
            ["__count", "amount_retained:sum", "amount_lost:sum"],
        ):
            row = month_rows[index[month]]
            row[kind] += count
            row["amount_retained"] += self._sum_amount([(currency, retained)], periods)
            row["amount_lost"] += self._sum_amount([(currency, lost)], periods)
        totals = {
            key: sum(row[key] for row in month_rows)
            for key in ("renewed", "lost", "amount_retained", "amount_lost")
        }
        for row in (*month_rows, totals):
            row["rate"] = self._renewal_rate(row["renewed"], row["lost"])
        return month_rows, totals

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
        # the period comes from the client: only one within the chart's range
        # (a bar, or all of them), never an unbounded one
        if kind == "expiring":
            start, end = self._chart_weeks(today)[0][0], self._chart_weeks(today)[-1][1]
        elif kind in RETENTION_KINDS:
            start, end = self._chart_months(today)[0][0], self._chart_months(today)[-1][1]
        else:
            raise UserError(self.env._("Unknown dashboard chart %(kind)s.", kind=kind))
        if date_from < start or date_to > end:
            raise UserError(
                self.env._(
                    "Invalid period of the chart: it shows %(start)s to %(end)s.",
                    start=format_date(self.env, start),
                    end=format_date(self.env, end),
                )
            )
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
