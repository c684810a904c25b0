# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..models.expiry_deadline import MONEY


class ExpiryCollectionReport(models.Model):
    """Portfolio analysis: one row per posted customer invoice of a
    deadline, with what is owed and overdue today (company time zone), its
    aging, when it was paid and how long that took, by collector,
    salesperson, team (office), line of business (product category), origin
    (agency or intermediary) and company. Amounts in company currency."""

    _name = "expiry.collection.report"
    _description = "Collection Analysis"
    _auto = False
    _order = "days_overdue desc, move_id"
    _rec_name = "move_id"

    move_id = fields.Many2one("account.move", string="Invoice", readonly=True)
    deadline_id = fields.Many2one("expiry.deadline", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", string="Company Currency", readonly=True)
    collector_id = fields.Many2one("res.users", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    product_categ_id = fields.Many2one("product.category", string="Line of Business", readonly=True)
    origin_id = fields.Many2one("expiry.origin", readonly=True)
    reason_id = fields.Many2one("expiry.collection.reason", string="Late Payment Reason", readonly=True)
    invoice_date = fields.Date(readonly=True)
    invoice_date_due = fields.Date(string="Due Date", readonly=True)
    date_paid = fields.Date(string="Paid On", readonly=True)
    is_open = fields.Boolean(string="Open", readonly=True)
    is_overdue = fields.Boolean(string="Overdue", readonly=True, groups=MONEY)
    handed_over = fields.Boolean(readonly=True)
    on_plan = fields.Boolean(string="On Payment Plan", readonly=True)
    aging_bucket = fields.Selection(
        selection="_selection_aging_bucket", string="Aging", readonly=True, groups=MONEY
    )
    days_overdue = fields.Integer(readonly=True, aggregator="max", groups=MONEY)
    days_to_collect = fields.Integer(string="Days to Collect", readonly=True, aggregator="avg")
    amount_invoiced = fields.Monetary(readonly=True, groups=MONEY)
    amount_collected = fields.Monetary(readonly=True, groups=MONEY)
    amount_due = fields.Monetary(readonly=True, groups=MONEY)
    amount_overdue = fields.Monetary(readonly=True, groups=MONEY)
    overdue_count = fields.Integer(string="Overdue Invoices", readonly=True, groups=MONEY)

    @api.model
    def _selection_aging_bucket(self):
        return self.env["expiry.deadline"]._selection_aging_bucket()

    @property
    def _table_query(self):
        return self._query()

    def _query(self):
        """The rows, with each company's today (its time zone) as of now:
        a query run at each read, on the indexed invoice table."""
        Deadline = self.env["expiry.deadline"]
        # sudo: only each company's today (its time zone); the rows go through the record rules
        companies = self.env["res.company"].sudo().search([])  # pylint: disable=no-search-all
        today = SQL(", ").join(
            SQL("(%s, %s::date)", company.id, Deadline._company_today(company)) for company in companies
        )
        return SQL(
            """
            WITH plans AS (
                -- running payment plans: what was paid since, what is still owed
                SELECT p.id, p.amount_total,
                       p.amount_total - COALESCE(SUM(pm.amount_residual), 0) AS paid,
                       COALESCE(SUM(pm.amount_residual), 0) AS residual
                  FROM expiry_collection_plan p
             LEFT JOIN account_move pm ON pm.expiry_collection_plan_id = p.id
                 WHERE p.state = 'active'
              GROUP BY p.id
            ), base AS (
                SELECT m.id AS move_id, m.expiry_deadline_id AS deadline_id,
                       m.commercial_partner_id AS partner_id, m.company_id,
                       c.currency_id, d.collector_id, d.user_id, d.team_id,
                       pt.categ_id AS product_categ_id, d.origin_id,
                       COALESCE(m.expiry_collection_reason_id, d.collection_reason_id) AS reason_id,
                       m.invoice_date, COALESCE(m.invoice_date_due, m.invoice_date) AS invoice_date_due,
                       m.amount_total_signed AS amount_invoiced,
                       CASE WHEN m.payment_state IN ('not_paid', 'partial') THEN m.amount_residual_signed ELSE 0 END
                           AS amount_due,
                       m.payment_state IN ('not_paid', 'partial') AS is_open,
                       d.collection_agency_id IS NOT NULL AS handed_over,
                       plans.id IS NOT NULL AS on_plan,
                       plans.paid AS plan_paid,
                       -- in company currency: the invoice's share of the plan, converted
                       CASE WHEN plans.residual > 0 THEN m.amount_residual_signed / plans.residual ELSE 0 END
                           AS plan_share,
                       plans.id AS plan_id,
                       days.today,
                       c.expiry_aging_bound_1 AS b1, c.expiry_aging_bound_2 AS b2, c.expiry_aging_bound_3 AS b3,
                       paid.date_paid
                  FROM account_move m
                  JOIN expiry_deadline d ON d.id = m.expiry_deadline_id
                  JOIN res_company c ON c.id = m.company_id
                  JOIN (VALUES %(today)s) AS days(company_id, today) ON days.company_id = m.company_id
             LEFT JOIN plans ON plans.id = m.expiry_collection_plan_id
             LEFT JOIN product_product pp ON pp.id = d.product_id
             LEFT JOIN product_template pt ON pt.id = pp.product_tmpl_id
             LEFT JOIN LATERAL (
                       SELECT MAX(apr.max_date) AS date_paid
                         FROM account_move_line aml
                         JOIN account_partial_reconcile apr ON apr.debit_move_id = aml.id
                        WHERE aml.move_id = m.id AND aml.display_type = 'payment_term'
                   ) paid ON m.payment_state IN ('paid', 'in_payment')
                 WHERE m.move_type = 'out_invoice' AND m.state = 'posted'
                   AND m.expiry_deadline_id IS NOT NULL
            ), items AS (
                -- an invoice on a running plan is owed as the plan's unpaid
                -- instalments, paid oldest first (see tools.allocate_payments)
                SELECT base.*,
                       CASE WHEN on_plan THEN (
                           SELECT MIN(l.date_due) FROM (
                               SELECT pl.date_due,
                                      SUM(pl.amount) OVER (ORDER BY pl.date_due, pl.sequence, pl.id) AS cumul
                                 FROM expiry_collection_plan_line pl WHERE pl.plan_id = base.plan_id
                           ) l WHERE l.cumul > base.plan_paid + 0.005
                       ) ELSE invoice_date_due END AS owed_since,
                       CASE WHEN on_plan THEN base.plan_share * GREATEST(0, (
                           SELECT COALESCE(SUM(pl.amount), 0) FROM expiry_collection_plan_line pl
                            WHERE pl.plan_id = base.plan_id AND pl.date_due < base.today
                       ) - base.plan_paid) END AS plan_overdue
                  FROM base
            ), aged AS (
                SELECT items.*,
                       CASE WHEN is_open AND owed_since < today THEN today - owed_since ELSE 0 END AS days_overdue
                  FROM items
            )
            SELECT move_id AS id, move_id, deadline_id, partner_id, company_id, currency_id, collector_id,
                   user_id, team_id, product_categ_id, origin_id, reason_id, invoice_date, invoice_date_due,
                   date_paid, is_open, days_overdue > 0 AS is_overdue, handed_over, on_plan,
                   CASE WHEN days_overdue <= 0 THEN 'not_due'
                        WHEN days_overdue <= b1 THEN '1_30'
                        WHEN days_overdue <= b2 THEN '31_60'
                        WHEN days_overdue <= b3 THEN '61_90'
                        ELSE 'over_90' END AS aging_bucket,
                   days_overdue,
                   CASE WHEN date_paid IS NOT NULL THEN GREATEST(date_paid - invoice_date, 0) END AS days_to_collect,
                   amount_invoiced,
                   amount_invoiced - amount_due AS amount_collected,
                   amount_due,
                   CASE WHEN days_overdue <= 0 THEN 0 WHEN on_plan THEN plan_overdue ELSE amount_due END
                       AS amount_overdue,
                   CASE WHEN days_overdue > 0 THEN 1 ELSE 0 END AS overdue_count
              FROM aged
            """,
            today=today,
        )

    # ------------------------------------------------------------------
    # Indicators over a period
    # ------------------------------------------------------------------
    @api.model
    def get_portfolio_indicators(self, date_from, date_to, domain=None):
        """Collection rate and rotation of the invoices due from
        ``date_from`` to ``date_to``: what was invoiced, what was collected,
        the rate, and the average days from invoice to payment."""
        self._expiry_check_collection_access("read")
        try:
            date_from, date_to = fields.Date.to_date(date_from), fields.Date.to_date(date_to)
        except (TypeError, ValueError) as error:
            raise UserError(self.env._("Give the period as two dates (YYYY-MM-DD).")) from error
        if not (date_from and date_to) or date_from > date_to:
            raise UserError(self.env._("Give the period as two dates (YYYY-MM-DD), the first one first."))
        domain = self._expiry_collection_parse_domain(
            domain,
            self.env._(
                "Filter the indicators with a list of conditions (field, operator, value) "
                "on the fields of the collection analysis."
            ),
        )
        base = domain + [
            ("invoice_date_due", ">=", date_from),
            ("invoice_date_due", "<=", date_to),
        ]
        [(count, invoiced, collected)] = self._read_group(
            base, [], ["__count", "amount_invoiced:sum", "amount_collected:sum"]
        )
        [(paid_count, days)] = self._read_group(
            base + [("date_paid", "!=", False)], [], ["__count", "days_to_collect:avg"]
        )
        [(overdue_count, overdue)] = self._read_group(
            domain + [("is_overdue", "=", True)], [], ["__count", "amount_overdue:sum"]
        )
        return {
            "invoice_count": count,
            "amount_invoiced": invoiced or 0.0,
            "amount_collected": collected or 0.0,
            "collection_rate": round(100.0 * collected / invoiced, 1) if invoiced else False,
            "paid_count": paid_count,
            "average_days_to_collect": round(days, 1) if days is not None else False,
            "overdue_count": overdue_count,
            "amount_overdue": overdue or 0.0,
        }
