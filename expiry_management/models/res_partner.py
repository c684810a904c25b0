# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict

from odoo import api, fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    deadline_ids = fields.One2many(
        "expiry.deadline", "partner_id", string="Deadlines", groups="base.group_user"
    )
    deadline_count = fields.Integer(
        compute="_compute_deadline_summary",
        groups="expiry_management.group_expiry_user",
    )
    deadline_currency_id = fields.Many2one(
        "res.currency",
        compute="_compute_deadline_summary",
        groups="expiry_management.group_expiry_user",
    )
    deadline_active_amount = fields.Monetary(
        string="Active Capital",
        compute="_compute_deadline_summary",
        currency_field="deadline_currency_id",
        groups="expiry_management.group_expiry_user",
        help="Total amount of active deadlines, in the company currency.",
    )
    deadline_closed_amount = fields.Monetary(
        string="Closed Capital",
        compute="_compute_deadline_summary",
        currency_field="deadline_currency_id",
        groups="expiry_management.group_expiry_user",
        help="Total amount of expired and closed deadlines, in the company currency.",
    )
    last_callback_date = fields.Date(
        string="Last Callback",
        readonly=True,
        copy=False,
        index="btree_not_null",
        groups="base.group_user",
        help="Date of the last callback activity marked as done for this customer.",
    )

    def write(self, vals):
        result = super().write(vals)
        # sudo: only whether a company's partner changed time zone (a count, to clear a cache)
        if "tz" in vals and self.env["res.company"].sudo().search_count(
            [("partner_id", "in", self.ids)], limit=1
        ):
            # the company time zones of the date rules are cached
            # (expiry.deadline._get_company_tz)
            self.env.registry.clear_cache()
        return result

    def _deadline_scope_domain(self):
        """Deadlines of these partners: a company sees its contacts' too."""
        commercial = self.filtered(lambda p: p == p.commercial_partner_id)
        contacts = self - commercial
        return [
            "|",
            ("commercial_partner_id", "in", commercial.ids),
            ("partner_id", "in", contacts.ids),
        ]

    @api.depends_context("company", "allowed_company_ids")
    def _compute_deadline_summary(self):
        company = self.env.company
        currency = company.currency_id
        today = self.env["expiry.deadline"]._company_today(company)
        counts = defaultdict(int)
        amounts = defaultdict(float)
        partners = self.filtered("id")
        if partners:
            groups = self.env["expiry.deadline"]._read_group(
                partners._deadline_scope_domain(),
                ["partner_id", "state", "currency_id"],
                ["__count", "amount:sum"],
            )
            for partner, state, deal_currency, count, amount in groups:
                # Credit the contact itself and its commercial entity.
                for target in {partner, partner.commercial_partner_id}:
                    counts[target.id] += count
                    if state in ("draft", "cancelled"):
                        continue
                    key = (target.id, "active" if state == "active" else "closed")
                    amounts[key] += deal_currency._convert(amount, currency, company, today)
        for partner in self:
            partner.deadline_currency_id = currency
            partner.deadline_count = counts[partner.id]
            partner.deadline_active_amount = amounts[(partner.id, "active")]
            partner.deadline_closed_amount = amounts[(partner.id, "closed")]

    def action_view_deadlines(self):
        self.ensure_one()
        self._expiry_check_access("read")
        self.env["expiry.deadline"]._expiry_check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id("expiry_management.action_expiry_deadline")
        action["domain"] = self._deadline_scope_domain()
        action["context"] = {
            "default_partner_id": self.id,
            "search_default_filter_open": 1,
        }
        return action

    def _expiry_record_callback(self, date):
        """Remember the latest completed callback (never moves backwards)."""
        partners = (self | self.commercial_partner_id).filtered(
            lambda p: not p.last_callback_date or p.last_callback_date < date
        )
        # sudo: the date of a callback the user just marked done on this customer
        partners.sudo().write({"last_callback_date": date})
