# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools import DURATION_UNITS
from .expiry_deadline import STATES


class ExpiryDeadlineTerm(models.Model):
    """One renewal of a deadline: from which expiry to which, and why."""

    _name = "expiry.deadline.term"
    _description = "Deadline Renewal Term"
    _order = "deadline_id, date_expiry desc, id desc"
    _rec_name = "date_expiry"

    deadline_id = fields.Many2one(
        "expiry.deadline",
        required=True,
        ondelete="cascade",
        index=True,
    )
    company_id = fields.Many2one(related="deadline_id.company_id", store=True, index=True)
    partner_id = fields.Many2one(related="deadline_id.partner_id")
    commercial_partner_id = fields.Many2one(
        related="deadline_id.commercial_partner_id",
        store=True,
        index=True,
    )
    date_renewal = fields.Date(
        string="Renewed On",
        required=True,
        default=lambda self: self.env["expiry.deadline"]._company_today(),
    )
    date_start = fields.Date(string="Term Start", help="The date the renewal extends from.")
    previous_date_expiry = fields.Date(string="Previous Expiry")
    previous_state = fields.Selection(STATES, help="State of the deadline before this renewal.")
    date_expiry = fields.Date(string="New Expiry", required=True)
    duration = fields.Integer()
    duration_unit = fields.Selection(DURATION_UNITS)
    sale_order_line_id = fields.Many2one(
        "sale.order.line",
        string="Order Line",
        ondelete="set null",
        index="btree_not_null",
    )
    sale_order_id = fields.Many2one(related="sale_order_line_id.order_id", string="Sale Order", store=True)
    origin = fields.Char(string="Source Document")
    user_id = fields.Many2one("res.users", string="Renewed By", default=lambda self: self.env.user)
    state = fields.Selection(
        [("done", "Applied"), ("cancelled", "Rolled back")],
        default="done",
        required=True,
        index=True,
    )

    def init(self):
        # A sale order line renews at most once: enforced by the database so
        # that concurrent confirmations (payment webhook + status poll, two
        # browser tabs) cannot both extend the deadline.
        self.env.cr.execute(
            """
            CREATE UNIQUE INDEX IF NOT EXISTS expiry_deadline_term_sale_line_done_uniq
                ON expiry_deadline_term (sale_order_line_id)
             WHERE state = 'done' AND sale_order_line_id IS NOT NULL
            """
        )

    def _rollback(self):
        """Undo applied renewals, latest first, when nothing was renewed after.

        :return: the terms that could not be rolled back (a later renewal
            exists); their deadline is left untouched and says so in its chatter.
        """
        blocked = self.browse()
        for term in self.filtered(lambda t: t.state == "done").sorted("date_expiry", reverse=True):
            deadline = term.deadline_id.sudo()
            if deadline.date_expiry != term.date_expiry:
                blocked |= term
                deadline.message_post(
                    body=self.env._(
                        "The renewal from %(origin)s was cancelled but not rolled back: "
                        "the deadline was renewed again since. Check its expiry date.",
                        origin=term.origin or term.date_renewal,
                    )
                )
                continue
            term.sudo().state = "cancelled"
            previous_state = term.previous_state or "active"
            if previous_state == "active" and term.previous_date_expiry < deadline._company_today(
                deadline.company_id
            ):
                previous_state = "expired"
            deadline.write({"date_expiry": term.previous_date_expiry, "state": previous_state})
            deadline.message_post(
                body=self.env._(
                    "Renewal from %(origin)s rolled back: expiry date restored to %(date)s.",
                    origin=term.origin or term.date_renewal,
                    date=term.previous_date_expiry,
                )
            )
        return blocked

    @api.ondelete(at_uninstall=False)
    def _unlink_except_applied(self):
        if self.filtered(lambda t: t.state == "done"):
            raise UserError(
                self.env._("An applied renewal cannot be deleted; cancel its sale order instead.")
            )
