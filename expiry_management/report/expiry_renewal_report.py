# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models, tools

from ..models.expiry_deadline import STATES

OUTCOMES = [
    ("renewed", "Renewed"),
    ("lost", "Expired without renewal"),
    ("at_risk", "At risk"),
]


#: deadlines that ran (or run) for real: the states a lost deadline is in
LOST_STATES = ("active", "expired", "closed")


def lost_deadline_sql(alias, today):
    """The one rule of a lost deadline, in SQL, for the renewal and the
    retention analyses (and the dashboard's renewal chart, which reads the
    retention analysis): deadline ``alias`` ran (active, expired or closed)
    and is past its expiry date without renewal on ``today`` (an SQL date,
    each company's today), or was closed before it for a lost reason (the
    customer said they leave). Dated on its expiry date."""
    return f"""(
        {alias}.state IN {LOST_STATES}
        AND ({alias}.date_expiry < {today} OR ({alias}.state = 'closed' AND {alias}.lost_reason_id IS NOT NULL))
    )"""


def lost_reason_sql(alias):
    """Why deadline ``alias`` was lost, in SQL: its own lost reason, else the
    one of its last applied term (a reason given at an earlier renewal)."""
    return f"""COALESCE(
        {alias}.lost_reason_id,
        (SELECT lt.lost_reason_id
           FROM expiry_deadline_term lt
          WHERE lt.deadline_id = {alias}.id AND lt.state = 'done'
          ORDER BY lt.date_expiry DESC, lt.id DESC
          LIMIT 1)
    )"""


class ExpiryRenewalReport(models.Model):
    """Renewal performance: one row per outcome of a deadline.

    * ``renewed``: a renewal applied (a term in state Applied), dated on its
      renewal date;
    * ``lost``: a deadline past its expiry date that was not renewed (active,
      expired or closed), or closed with a lost reason before it, dated on
      its expiry date; ``lost_reason_id`` says why (churn by reason): the
      rule shared with the retention analysis (lost_deadline_sql,
      lost_reason_sql);
    * ``at_risk``: an open (draft or active) deadline expiring within the
      renewal window (Settings, default 30 days), dated on its expiry date.

    The renewal rate measure is 100 on renewed rows, 0 on lost rows and empty
    on at-risk rows, so that its average over any group (salesperson, team,
    month…) is renewed / (renewed + lost). Amounts are in each deadline's
    currency (``currency_id``: group by it; not converted). The "today" of
    the view is each company's date in its time zone.
    """

    _name = "expiry.renewal.report"
    _description = "Renewal Analysis"
    _auto = False
    _order = "date desc, id desc"
    _rec_name = "deadline_id"

    outcome = fields.Selection(OUTCOMES, readonly=True)
    date = fields.Date(readonly=True, help="Renewal date of renewed rows, expiry date otherwise.")
    deadline_id = fields.Many2one("expiry.deadline", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    commercial_partner_id = fields.Many2one("res.partner", string="Commercial Entity", readonly=True)
    product_id = fields.Many2one("product.product", string="Product or Service", readonly=True)
    product_categ_id = fields.Many2one("product.category", string="Line of Business", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    origin_id = fields.Many2one("expiry.origin", readonly=True)
    bank_institute_id = fields.Many2one("expiry.bank.institute", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    state = fields.Selection(STATES, string="Deadline Status", readonly=True)
    lost_reason_id = fields.Many2one(
        "expiry.lost.reason",
        readonly=True,
        help="Why the customer did not renew (lost rows), or said they will not (at-risk rows): the churn "
        "by reason.",
    )
    amount = fields.Monetary(readonly=True, currency_field="currency_id")
    renewed_count = fields.Integer(string="# Renewed", readonly=True)
    lost_count = fields.Integer(string="# Expired without Renewal", readonly=True)
    at_risk_count = fields.Integer(string="# At Risk", readonly=True)
    at_risk_amount = fields.Monetary(string="Revenue at Risk", readonly=True, currency_field="currency_id")
    renewal_rate = fields.Float(
        string="Renewal Rate (%)",
        readonly=True,
        aggregator="avg",
        help="Renewed / (renewed + expired without renewal), in percent.",
    )

    def _deadline_columns(self):
        return """
            d.partner_id, d.commercial_partner_id, d.product_id, d.product_categ_id,
            d.user_id, d.team_id, d.origin_id, d.bank_institute_id, d.company_id,
            d.currency_id, d.state, d.amount
        """

    def _company_today_sql(self):
        """Today in the deadline's company time zone, in SQL: the same day as
        expiry.deadline._company_today (UTC when the company has none)."""
        return "(NOW() AT TIME ZONE COALESCE(NULLIF(cp.tz, ''), 'UTC'))::date"

    def _query(self):
        columns = self._deadline_columns()
        today = self._company_today_sql()
        company_join = """
                  JOIN res_company c ON c.id = d.company_id
                  JOIN res_partner cp ON cp.id = c.partner_id
        """
        return f"""
            SELECT row_number() OVER (ORDER BY outcome, date, deadline_id) AS id, rows.*
              FROM (
                SELECT 'renewed' AS outcome, t.date_renewal AS date, d.id AS deadline_id, {columns},
                       1 AS renewed_count, 0 AS lost_count, 0 AS at_risk_count,
                       0.0 AS at_risk_amount, 100.0 AS renewal_rate, NULL::integer AS lost_reason_id
                  FROM expiry_deadline_term t
                  JOIN expiry_deadline d ON d.id = t.deadline_id
                 WHERE t.state = 'done'
                UNION ALL
                SELECT 'lost', d.date_expiry, d.id, {columns},
                       0, 1, 0, 0.0, 0.0, {lost_reason_sql("d")}
                  FROM expiry_deadline d {company_join}
                 -- the one rule of a lost deadline (lost_deadline_sql)
                 WHERE {lost_deadline_sql("d", today)}
                UNION ALL
                -- at risk: the urgency buckets "soon" and "window" (stored,
                -- refreshed daily per company: expiry.deadline._get_urgency_windows)
                SELECT 'at_risk', d.date_expiry, d.id, {columns},
                       0, 0, 1, d.amount, NULL, d.lost_reason_id
                  FROM expiry_deadline d
                 WHERE d.state IN ('draft', 'active')
                   AND d.urgency IN ('soon', 'window')
              ) AS rows
        """

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(f"CREATE OR REPLACE VIEW {self._table} AS ({self._query()})")
