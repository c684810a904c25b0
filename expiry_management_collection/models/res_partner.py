# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

from .expiry_deadline import COLLECTION_STATES, MONEY


class ResPartner(models.Model):
    """The customer's collection figures: those of their deadlines."""

    _inherit = "res.partner"

    expiry_collector_id = fields.Many2one(
        "res.users",
        string="Collector",
        domain=[("share", "=", False)],
        company_dependent=True,
        help="Follows up this customer's overdue invoices on their deadlines in this company.",
        groups="base.group_user",  # internal: not for the customer's eyes
    )
    expiry_amount_due = fields.Monetary(
        string="Amount Due (Deadlines)",
        compute="_compute_expiry_collection",
        currency_field="expiry_company_currency_id",
        groups=MONEY,
    )
    expiry_amount_overdue = fields.Monetary(
        string="Amount Overdue (Deadlines)",
        compute="_compute_expiry_collection",
        currency_field="expiry_company_currency_id",
        groups=MONEY,
    )
    expiry_days_overdue = fields.Integer(
        string="Days Overdue", compute="_compute_expiry_collection", groups=MONEY
    )
    expiry_collection_state = fields.Selection(
        COLLECTION_STATES, string="Collection", compute="_compute_expiry_collection", groups=MONEY
    )
    expiry_company_currency_id = fields.Many2one(
        "res.currency", compute="_compute_expiry_collection", groups="base.group_user"
    )

    @api.depends_context("company", "allowed_company_ids")
    def _compute_expiry_collection(self):
        """The figures of the customer's deadlines in the companies the
        user works in (never another company's)."""
        priority = ["handed_over", "follow_up", "payment_plan", "written_off", "ok"]
        # sudo: every deadline of these customers, but only in the caller's companies; the
        # fields are for invoicing users (groups=MONEY), who see these companies' invoices
        Deadline = self.env["expiry.deadline"].sudo().with_context(active_test=False)
        partners = self.filtered("id")
        deadlines = Deadline.search(
            [
                ("commercial_partner_id", "in", partners.commercial_partner_id.ids),
                ("company_id", "in", self.env.companies.ids),
            ]
        )
        figures = deadlines._get_collection_figures() if deadlines else {}
        company = self.env.company
        currency = company.currency_id
        today = Deadline._company_today(company)

        def convert(amount, deadline):
            return deadline.company_currency_id._convert(amount, currency, company, today)

        for partner in self:
            mine = deadlines.filtered(lambda d, p=partner: d.commercial_partner_id == p.commercial_partner_id)
            values = [figures[deadline.id] for deadline in mine]
            partner.expiry_company_currency_id = currency
            partner.expiry_amount_due = sum(convert(figures[d.id]["amount_due"], d) for d in mine)
            partner.expiry_amount_overdue = sum(convert(figures[d.id]["amount_overdue"], d) for d in mine)
            partner.expiry_days_overdue = max((v["days_overdue"] for v in values), default=0)
            states = {v["collection_state"] for v in values}
            partner.expiry_collection_state = next((s for s in priority if s in states), "ok")
