# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models, tools

from .expiry_renewal_report import lost_deadline_sql, lost_reason_sql

KINDS = [
    ("renewed", "Renewed"),
    ("lost", "Lost"),
    ("customer", "New Customer"),
]

#: years after which the retention of a cohort is measured (retention_<n>y)
RETENTION_YEARS = (1, 2, 3)

#: deadlines that count for cohorts and retention: they ran (or run) for real
RUNNING_STATES = ("active", "expired", "closed")


class ExpiryRetentionReport(models.Model):
    """Retention: why customers leave, and who stays. Three kinds of rows:

    * ``renewed``: a term that ended and was renewed (an applied renewal),
      dated on the expiry date it replaced (the end of the renewed term);
    * ``lost``: a deadline past its expiry date without renewal (active,
      expired or closed), or closed before it for a lost reason: the rule of
      the renewal analysis (lost_deadline_sql), dated on its expiry date,
      with its lost reason (the deadline's, else its last term's);
    * ``customer``: one row per customer (commercial entity) and company,
      dated on the start of their first deadline (their cohort), with the
      attributes of that deadline (who and what brought the customer) and
      whether the customer still had a running deadline 1, 2 and 3 years later.

    Every row carries the customer's cohort (``cohort_date``), so that any
    group (cohort month, product, salesperson, team, origin, month, reason)
    shows as averages: the renewal rate (100 on renewed rows, 0 on lost rows,
    empty otherwise: renewed / (renewed + lost)) and the retention after N
    years (100 or 0 on customer rows whose anniversary is past, empty
    otherwise: the share of the cohort still active). Retained and lost
    revenue are the deadlines' amounts on renewed and lost rows, in each
    deadline's currency (``currency_id``): group by currency to read them, or
    see the dashboard's renewal chart, which converts them to the company's
    currency at today's rate. "Today" is each company's date in its time
    zone.
    """

    _name = "expiry.retention.report"
    _description = "Retention Analysis"
    _auto = False
    _order = "date desc, id desc"
    _rec_name = "deadline_id"

    kind = fields.Selection(KINDS, readonly=True)
    date = fields.Date(
        readonly=True,
        help="End of the term for renewed and lost rows, start of the first deadline for customer rows.",
    )
    cohort_date = fields.Date(
        string="Cohort",
        readonly=True,
        help="Start of the customer's first deadline in this company: group by its month or year "
        "to compare the customers who came in then.",
    )
    deadline_id = fields.Many2one("expiry.deadline", readonly=True)
    commercial_partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    product_id = fields.Many2one("product.product", string="Product or Service", readonly=True)
    product_categ_id = fields.Many2one("product.category", string="Line of Business", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    origin_id = fields.Many2one("expiry.origin", readonly=True)
    bank_institute_id = fields.Many2one("expiry.bank.institute", readonly=True)
    lost_reason_id = fields.Many2one("expiry.lost.reason", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    renewed_count = fields.Integer(string="# Renewed", readonly=True)
    lost_count = fields.Integer(string="# Lost", readonly=True)
    customer_count = fields.Integer(string="# Customers", readonly=True)
    amount_retained = fields.Monetary(string="Revenue Retained", readonly=True, currency_field="currency_id")
    amount_lost = fields.Monetary(string="Revenue Lost", readonly=True, currency_field="currency_id")
    renewal_rate = fields.Float(
        string="Renewal Rate (%)",
        readonly=True,
        aggregator="avg",
        help="Renewed / (renewed + lost), in percent.",
    )
    retention_1y = fields.Float(
        string="Retained after 1 Year (%)",
        readonly=True,
        aggregator="avg",
        help="Share of the customers still having a running deadline one year after the start of "
        "their first one (customers whose first anniversary is still to come are not counted).",
    )
    retention_2y = fields.Float(
        string="Retained after 2 Years (%)",
        readonly=True,
        aggregator="avg",
        help="As after 1 year, two years after the start of their first deadline.",
    )
    retention_3y = fields.Float(
        string="Retained after 3 Years (%)",
        readonly=True,
        aggregator="avg",
        help="As after 1 year, three years after the start of their first deadline.",
    )

    # ------------------------------------------------------------------
    # SQL
    # ------------------------------------------------------------------
    def _company_today_sql(self):
        """Today of each company (column ``today`` of the CTE ``company_today``):
        the renewal analysis's rule (expiry.deadline._company_today in SQL)."""
        return self.env["expiry.renewal.report"]._company_today_sql()

    def _deadline_start_sql(self, alias):
        """When a deadline started: its start date, else the day it was recorded."""
        return f"COALESCE({alias}.date_start, ({alias}.create_date AT TIME ZONE 'UTC')::date)"

    def _columns_sql(self, alias):
        return f"""
            {alias}.commercial_partner_id, {alias}.product_id, {alias}.product_categ_id,
            {alias}.user_id, {alias}.team_id, {alias}.origin_id, {alias}.bank_institute_id,
            {alias}.company_id, {alias}.currency_id
        """

    def _retention_sql(self, years):
        """100 when the customer had a running deadline ``years`` after their
        cohort date, 0 when not, NULL when that day is still to come."""
        start = self._deadline_start_sql("d2")
        anniversary = f"(co.cohort_date + INTERVAL '{int(years)} year')::date"
        return f"""
            CASE WHEN {anniversary} > ct.today THEN NULL
                 WHEN EXISTS (
                     SELECT 1 FROM expiry_deadline d2
                      WHERE d2.company_id = co.company_id
                        AND d2.commercial_partner_id = co.commercial_partner_id
                        AND d2.state IN {RUNNING_STATES}
                        AND {start} <= {anniversary}
                        AND d2.date_expiry >= {anniversary}
                 ) THEN 100.0
                 ELSE 0.0
            END
        """

    def _query(self):
        columns = self._columns_sql("d")
        start = self._deadline_start_sql("d")
        retention = ", ".join(
            f"{self._retention_sql(years)} AS retention_{years}y" for years in RETENTION_YEARS
        )
        no_retention = ", ".join(f"NULL::float AS retention_{years}y" for years in RETENTION_YEARS)
        # ids: stable per row (3 kinds), so that a search by id needs no numbering of the whole view
        return f"""
            WITH company_today AS (
                SELECT c.id AS company_id, {self._company_today_sql()} AS today
                  FROM res_company c
                  JOIN res_partner cp ON cp.id = c.partner_id
            ), cohort AS (
                -- each customer's first running deadline per company
                SELECT DISTINCT ON (d.company_id, d.commercial_partner_id)
                       d.company_id, d.commercial_partner_id, d.id AS deadline_id, {start} AS cohort_date
                  FROM expiry_deadline d
                 WHERE d.state IN {RUNNING_STATES}
                 ORDER BY d.company_id, d.commercial_partner_id, {start}, d.id
            )
            SELECT t.id * 3 AS id, 'renewed' AS kind, COALESCE(t.previous_date_expiry, t.date_renewal) AS date,
                   co.cohort_date, d.id AS deadline_id, {columns}, NULL::integer AS lost_reason_id,
                   1 AS renewed_count, 0 AS lost_count, 0 AS customer_count,
                   d.amount AS amount_retained, 0.0 AS amount_lost, 100.0 AS renewal_rate, {no_retention}
              FROM expiry_deadline_term t
              JOIN expiry_deadline d ON d.id = t.deadline_id
              LEFT JOIN cohort co
                ON co.company_id = d.company_id AND co.commercial_partner_id = d.commercial_partner_id
             WHERE t.state = 'done'
            UNION ALL
            SELECT d.id * 3 + 1, 'lost', d.date_expiry, co.cohort_date, d.id, {columns},
                   {lost_reason_sql("d")},
                   0, 1, 0, 0.0, d.amount, 0.0, {no_retention}
              FROM expiry_deadline d
              JOIN company_today ct ON ct.company_id = d.company_id
              LEFT JOIN cohort co
                ON co.company_id = d.company_id AND co.commercial_partner_id = d.commercial_partner_id
             -- lost: the one rule of the renewal analysis too (lost_deadline_sql)
             WHERE {lost_deadline_sql("d", "ct.today")}
            UNION ALL
            SELECT co.deadline_id * 3 + 2, 'customer', co.cohort_date, co.cohort_date, d.id, {columns},
                   NULL, 0, 0, 1, 0.0, 0.0, NULL, {retention}
              FROM cohort co
              JOIN expiry_deadline d ON d.id = co.deadline_id
              JOIN company_today ct ON ct.company_id = co.company_id
        """

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(f"CREATE OR REPLACE VIEW {self._table} AS ({self._query()})")
