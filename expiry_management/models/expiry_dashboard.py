# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Data of the Deadlines dashboard (the OWL client action
``expiry_management.action_expiry_dashboard``).

Everything is read as the current user, without sudo: record rules (own and
team deadlines for users, everything for managers) and the companies
selected in the company switcher apply. The number of queries does not
depend on the number of deadlines: lists are limited and figures come from
grouped reads.

Definitions of the counters (also shown as tooltips on the dashboard):

* active: deadlines in state Active;
* expiring in 30 days: draft or active deadlines expiring from today to
  today + 30 days;
* expired this month: deadlines whose expiry date fell this month, before
  today, and that were not renewed (their expiry date would have moved): state
  active, expired or closed;
* renewed this month: deadlines with a renewal applied this month (a renewal
  term in state Applied whose renewal date is in the current month);
* renewal rate: renewed this month / (renewed this month + expired this
  month), i.e. of the deadlines that came to an end this month, the share that
  was renewed;
* revenue at risk: amount of draft or active deadlines expiring within the
  renewal window (Settings, "Online renewal window", 30 days by default):
  a renewed deadline leaves the window since its expiry date moves on.
"""

import datetime

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools import parse_id

DASHBOARD_LIST_LIMIT = 80
#: the most activities marked done or snoozed in one call
DASHBOARD_MAX_UPDATE = 1000
DASHBOARD_EXPIRING_DAYS = 30


class ExpiryDashboard(models.AbstractModel):
    _name = "expiry.dashboard"
    _description = "Deadlines Dashboard"

    # ------------------------------------------------------------------
    # Scope and periods
    # ------------------------------------------------------------------
    @api.model
    def _check_dashboard_access(self):
        """The dashboard is for Deadlines users (read access to deadlines)."""
        self.env["expiry.deadline"]._expiry_check_access("read")

    @api.model
    def _can_see_team(self):
        return self.env.user.has_group("expiry_management.group_expiry_manager")

    @api.model
    def _get_scope(self, scope):
        """The scope really applied: managers may see the team, users
        always see their own deadlines."""
        if scope not in (None, False, "mine", "team"):
            raise UserError(self.env._("Unknown dashboard scope %(scope)s.", scope=scope))
        return "team" if scope == "team" and self._can_see_team() else "mine"

    @api.model
    def _scope_domain(self, scope):
        domain = [("company_id", "in", self.env.companies.ids)]
        if scope == "mine":
            domain.append(("user_id", "=", self.env.uid))
        return domain

    @api.model
    def _get_periods(self):
        deadline_model = self.env["expiry.deadline"]
        company = self.env.company
        today = deadline_model._company_today(company)
        windows = deadline_model._get_urgency_windows(today, company)
        month_start = today.replace(day=1)
        next_month = (month_start + datetime.timedelta(days=32)).replace(day=1)
        return {
            "today": today,
            "month_start": month_start,
            "month_end": next_month - datetime.timedelta(days=1),
            "upcoming_days": deadline_model._get_expiry_param("upcoming_days", company),
            "risk_days": deadline_model._get_expiry_param("renewal_window_days", company),
            # "upcoming" is the urgency bucket "soon", "at risk" the buckets
            # "soon" and "window" (expiry.deadline._get_urgency_windows)
            "upcoming_last": windows["soon"][1],
            "risk_last": windows["window"][1],
        }

    # ------------------------------------------------------------------
    # Domains, shared with the actions the dashboard opens
    # ------------------------------------------------------------------
    @api.model
    def _domain_upcoming(self, periods):
        return [
            ("state", "in", ("draft", "active")),
            ("date_expiry", ">=", periods["today"]),
            ("date_expiry", "<=", periods["upcoming_last"]),
        ]

    @api.model
    def _domain_counter(self, counter, periods):
        today = periods["today"]
        if counter == "active":
            return [("state", "=", "active")]
        if counter == "expiring":
            return [
                ("state", "in", ("draft", "active")),
                ("date_expiry", ">=", today),
                ("date_expiry", "<=", today + datetime.timedelta(days=DASHBOARD_EXPIRING_DAYS)),
            ]
        if counter == "expired_month":
            return [
                ("state", "in", ("active", "expired", "closed")),
                ("date_expiry", ">=", periods["month_start"]),
                ("date_expiry", "<", today),
            ]
        if counter == "renewed_month":
            return [
                (
                    "term_ids",
                    "any",
                    [
                        ("state", "=", "done"),
                        ("date_renewal", ">=", periods["month_start"]),
                        ("date_renewal", "<=", periods["month_end"]),
                    ],
                )
            ]
        if counter == "at_risk":
            return [
                ("state", "in", ("draft", "active")),
                ("date_expiry", ">=", today),
                ("date_expiry", "<=", periods["risk_last"]),
            ]
        raise UserError(self.env._("Unknown dashboard counter %(counter)s.", counter=counter))

    # ------------------------------------------------------------------
    # Data
    # ------------------------------------------------------------------
    @api.model
    def get_dashboard_data(self, scope="mine"):
        """Everything the dashboard shows, in one call.

        :param scope: ``"mine"`` (deadlines assigned to me) or ``"team"``
            (every deadline I may see; managers only, users get "mine")
        """
        self._check_dashboard_access()
        scope = self._get_scope(scope)
        periods = self._get_periods()
        company = self.env.company
        return {
            "scope": scope,
            "can_see_team": self._can_see_team(),
            "today": fields.Date.to_string(periods["today"]),
            "upcoming_days": periods["upcoming_days"],
            "risk_days": periods["risk_days"],
            "expiring_days": DASHBOARD_EXPIRING_DAYS,
            "currency_id": company.currency_id.id,
            "upcoming": self._get_upcoming(scope, periods),
            "todo": self._get_todo(periods),
            "counters": self._get_counters(scope, periods),
            "performance": self._get_performance(scope, periods) if scope == "team" else [],
            "health_warnings": self._get_health_warnings(),
        }

    @api.model
    def _get_health_warnings(self):
        """The warnings of the daily pass (expiry.daily.pass._expiry_health_warnings)
        of the current company, for managers (who can act on them)."""
        if not self._can_see_team():
            return []
        return self.env["expiry.daily.pass"]._expiry_health_warnings(self.env.company)

    @api.model
    def _get_upcoming(self, scope, periods):
        deadlines = self.env["expiry.deadline"].search_fetch(
            self._scope_domain(scope) + self._domain_upcoming(periods),
            [
                "name",
                "description",
                "partner_id",
                "product_id",
                "date_expiry",
                "amount",
                "currency_id",
                "user_id",
            ],
            order="date_expiry, id",
            limit=DASHBOARD_LIST_LIMIT,
        )
        return [
            {
                "id": deadline.id,
                "name": deadline.name,
                "description": deadline.description or deadline.product_id.display_name or "",
                "partner": deadline.partner_id.display_name,
                "user": deadline.user_id.name or "",
                "date_expiry": fields.Date.to_string(deadline.date_expiry),
                "days_remaining": (deadline.date_expiry - periods["today"]).days,
                "amount": deadline.amount,
                "currency_id": deadline.currency_id.id,
            }
            for deadline in deadlines
        ]

    @api.model
    def _todo_domain(self, periods):
        return [
            ("user_id", "=", self.env.uid),
            ("date_deadline", "<=", periods["today"]),
            ("res_model", "in", ("expiry.deadline", "res.partner", "expiry.reminder.review")),
        ]

    @api.model
    def _get_todo(self, periods):
        """My activities on deadlines, customers and the day's timed e-mails to
        review, due today or overdue."""
        activities = self.env["mail.activity"].search_fetch(
            self._todo_domain(periods),
            ["activity_type_id", "summary", "res_model", "res_id", "res_name", "date_deadline"],
            order="date_deadline, id",
            limit=DASHBOARD_LIST_LIMIT,
        )
        return [
            {
                "id": activity.id,
                "type": activity.activity_type_id.name or "",
                "icon": activity.activity_type_id.icon or "fa-tasks",
                "summary": activity.summary or activity.activity_type_id.summary or "",
                "res_model": activity.res_model,
                "res_id": activity.res_id,
                "res_name": activity.res_name or "",
                "date_deadline": fields.Date.to_string(activity.date_deadline),
                "overdue": activity.date_deadline < periods["today"],
            }
            for activity in activities
        ]

    @api.model
    def _sum_amount(self, groups, periods):
        """Sum ``(currency, amount)`` pairs in the current company's currency."""
        company = self.env.company
        total = 0.0
        for currency, amount in groups:
            total += currency._convert(amount or 0.0, company.currency_id, company, periods["today"])
        return total

    @api.model
    def _get_counters(self, scope, periods):
        Deadline = self.env["expiry.deadline"]
        base = self._scope_domain(scope)
        counters = {}
        for counter in ("active", "expiring", "expired_month", "renewed_month", "at_risk"):
            groups = Deadline._read_group(
                base + self._domain_counter(counter, periods),
                ["currency_id"],
                ["__count", "amount:sum"],
            )
            counters[counter] = sum(count for _currency, count, _amount in groups)
            counters[f"{counter}_amount"] = self._sum_amount(
                [(currency, amount) for currency, _count, amount in groups], periods
            )
        counters["renewal_rate"] = self._renewal_rate(counters["renewed_month"], counters["expired_month"])
        return counters

    @staticmethod
    def _renewal_rate(renewed, lost):
        """Percentage of renewed deadlines, or False when nothing ended."""
        return round(100.0 * renewed / (renewed + lost), 1) if renewed + lost else False

    @api.model
    def _get_performance(self, scope, periods):
        """Revenue at risk and renewal rate per salesperson and per team."""
        Deadline = self.env["expiry.deadline"]
        base = self._scope_domain(scope)
        rows = {}

        def row(kind, record):
            key = (kind, record.id)
            if key not in rows:
                rows[key] = {
                    "kind": kind,
                    "id": record.id,
                    "name": record.display_name if record else self.env._("Unassigned"),
                    "at_risk": 0,
                    "at_risk_amount": 0.0,
                    "renewed": 0,
                    "expired": 0,
                }
            return rows[key]

        for groupby in ("user_id", "team_id"):
            for record, currency, count, amount in Deadline._read_group(
                base + self._domain_counter("at_risk", periods),
                [groupby, "currency_id"],
                ["__count", "amount:sum"],
            ):
                line = row(groupby, record)
                line["at_risk"] += count
                line["at_risk_amount"] += self._sum_amount([(currency, amount)], periods)
            for counter, key in (("renewed_month", "renewed"), ("expired_month", "expired")):
                for record, count in Deadline._read_group(
                    base + self._domain_counter(counter, periods), [groupby], ["__count"]
                ):
                    row(groupby, record)[key] += count
        result = sorted(
            rows.values(), key=lambda r: (r["kind"] != "user_id", -r["at_risk_amount"], r["name"])
        )
        for line in result:
            line["renewal_rate"] = self._renewal_rate(line["renewed"], line["expired"])
        return result

    # ------------------------------------------------------------------
    # Actions of the dashboard
    # ------------------------------------------------------------------
    @api.model
    def action_open_counter(self, counter, scope="mine"):
        """The deadlines behind a counter, in the list view."""
        self._check_dashboard_access()
        scope = self._get_scope(scope)
        periods = self._get_periods()
        if counter == "upcoming":
            domain = self._domain_upcoming(periods)
        else:
            domain = self._domain_counter(counter, periods)
        action = self.env["ir.actions.act_window"]._for_xml_id("expiry_management.action_expiry_deadline")
        action.update(
            {
                "domain": self._scope_domain(scope) + domain,
                "context": {"create": False},
                "views": [(False, "list"), (False, "kanban"), (False, "form")],
                "view_mode": "list,kanban,form",
            }
        )
        return action

    @api.model
    def action_done_activities(self, activity_ids):
        """Mark my to-do activities done (callbacks update the customer's
        last callback date)."""
        self._check_dashboard_access()
        activities = self._get_my_activities(activity_ids)
        activities.action_feedback()
        return True

    @api.model
    def action_snooze_activities(self, activity_ids, days=1):
        """Postpone my to-do activities by ``days`` days from today (or from
        their deadline when it is later)."""
        self._check_dashboard_access()
        # a whole number ("2" as parse_id reads it), never True, 1.5 or [1]
        days = parse_id(days)
        if days is None:
            raise UserError(self.env._("Snooze by a whole number of days."))
        if days > 365:
            raise UserError(self.env._("An activity can be snoozed by 1 to 365 days."))
        activities = self._get_my_activities(activity_ids)
        today = self.env["expiry.deadline"]._company_today()
        for activity in activities:
            activity.date_deadline = max(activity.date_deadline, today) + datetime.timedelta(days=days)
        return True

    @api.model
    def _get_my_activities(self, activity_ids):
        """My activities ``activity_ids`` (a list of ids, each parsed strictly
        by parse_id: no booleans, floats or negative numbers)."""
        if not isinstance(activity_ids, list | tuple) or not 0 < len(activity_ids) <= DASHBOARD_MAX_UPDATE:
            raise UserError(self.env._("Select the activities to update."))
        ids = [parse_id(activity_id) for activity_id in activity_ids]
        if None in ids:
            raise UserError(self.env._("Select the activities to update."))
        activities = self.env["mail.activity"].browse(ids).exists()
        if len(activities) != len(set(ids)):
            raise UserError(self.env._("This activity was already done or deleted; refresh the dashboard."))
        if activities.filtered(lambda a: a.user_id != self.env.user):
            raise UserError(self.env._("You can only update your own activities from the dashboard."))
        activities.check_access("write")
        # the documents too: an activity assigned to me on a record of another
        # company (or one I may not read) is not mine to complete from here
        for res_model, res_ids in activities.grouped("res_model").items():
            self.env[res_model].browse(res_ids.mapped("res_id"))._expiry_check_access("read", groups=None)
        return activities
