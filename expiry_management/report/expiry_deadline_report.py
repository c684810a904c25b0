# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Values of the printable deadline reports.

Deadlines are searched as the user who prints: a salesperson only prints the
deadlines their record rules show, in the companies selected in the switcher.
"""

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools import parse_id


class ReportPartnerDeadlines(models.AbstractModel):
    _name = "report.expiry_management.report_partner_deadlines"
    _description = "Deadlines of a Customer (PDF)"

    @api.model
    def _get_report_values(self, docids, data=None):
        partners = self.env["res.partner"].browse(docids)
        Deadline = self.env["expiry.deadline"]
        company_domain = [("company_id", "in", self.env.companies.ids)]
        deadlines = {
            partner.id: Deadline.search(partner._deadline_scope_domain() + company_domain)
            for partner in partners
        }
        return {
            "doc_ids": partners.ids,
            "doc_model": "res.partner",
            "docs": partners,
            "deadlines": deadlines,
            "today": Deadline._company_today(),
        }


class ReportDeadlinePeriod(models.AbstractModel):
    _name = "report.expiry_management.report_deadline_period"
    _description = "Deadlines of an Expiry Period (PDF)"

    @api.model
    def _get_report_values(self, docids, data=None):
        data = data or {}
        Deadline = self.env["expiry.deadline"]
        date_from = date_to = False
        if data.get("date_from") or data.get("date_to"):
            try:
                date_from = fields.Date.to_date(data.get("date_from"))
                date_to = fields.Date.to_date(data.get("date_to"))
            except ValueError as error:
                raise UserError(self.env._("The period of the report must be two valid dates.")) from error
            if not date_from or not date_to:
                raise UserError(self.env._("Give both the first and the last expiry date of the period."))
            if date_to < date_from:
                raise UserError(self.env._("The end of the period must be after its start."))
            domain = [
                ("date_expiry", ">=", date_from),
                ("date_expiry", "<=", date_to),
                ("company_id", "in", self.env.companies.ids),
            ]
            if data.get("open_only"):
                domain.append(("state", "in", ("draft", "active", "expired")))
            for key, label in (("user_id", self.env._("salesperson")), ("team_id", self.env._("sales team"))):
                if data.get(key):
                    record_id = parse_id(data[key])
                    if not record_id:
                        raise UserError(
                            self.env._("The %(what)s of the report must be a record id.", what=label)
                        )
                    domain.append((key, "=", record_id))
            deadlines = Deadline.search(domain, order="date_expiry, partner_id, id")
        else:
            # Printed from the list view: the selected deadlines.
            deadlines = Deadline.browse(docids).sorted(lambda d: (d.date_expiry, d.id))
            deadlines.check_access("read")
            if deadlines:
                date_from = min(deadlines.mapped("date_expiry"))
                date_to = max(deadlines.mapped("date_expiry"))
        totals = {}
        for deadline in deadlines:
            totals[deadline.currency_id] = totals.get(deadline.currency_id, 0.0) + deadline.amount
        return {
            "doc_ids": deadlines.ids,
            "doc_model": "expiry.deadline",
            "docs": deadlines,
            "company": self.env.company,
            "date_from": date_from,
            "date_to": date_to,
            "totals": totals,
        }
