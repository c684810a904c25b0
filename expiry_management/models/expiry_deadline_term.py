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
    lost_reason_id = fields.Many2one(
        "expiry.lost.reason",
        index="btree_not_null",
        ondelete="restrict",
        help="Why the customer did not renew after this term (set with the deadline's).",
    )
    user_id = fields.Many2one("res.users", string="Renewed By", default=lambda self: self.env.user)
    state = fields.Selection(
        [("done", "Applied"), ("cancelled", "Rolled back")],
        default="done",
        required=True,
        index=True,
    )
    refund = fields.Selection(
        [("invoice", "Invoice refunded"), ("payment", "Payment refunded")],
        readonly=True,
        copy=False,
        help="The money of this renewal came back (a credit note, a cancelled or written-off "
        "invoice, a refunded or voided payment): the renewal was rolled back, or, when the "
        "deadline had been renewed again since, left for the salesperson to adjust.",
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

    def _rollback(self, reason=None):
        """Undo applied renewals, latest first, when nothing was renewed after.

        :param reason: why (a refund, a voided invoice), said in the chatter;
            None: the sale order was cancelled
        :return: the terms that could not be rolled back (a later renewal
            exists); their deadline is left untouched and says so in its chatter.
        """
        blocked = self.browse()
        for term in self.filtered(lambda t: t.state == "done").sorted("date_expiry", reverse=True):
            # sudo: the caller (order cancellation, refund) decided this
            # renewal is undone; only its own deadline is read and written
            deadline = term.deadline_id.sudo()
            origin = term.origin or term.date_renewal
            if deadline.date_expiry != term.date_expiry:
                blocked |= term
                if reason:
                    body = self.env._(
                        "The renewal from %(origin)s was refunded (%(reason)s) but not rolled back: "
                        "the deadline was renewed again since. Adjust its expiry date.",
                        origin=origin,
                        reason=reason,
                    )
                else:
                    body = self.env._(
                        "The renewal from %(origin)s was cancelled but not rolled back: "
                        "the deadline was renewed again since. Check its expiry date.",
                        origin=origin,
                    )
                deadline.message_post(body=body, subtype_xmlid="mail.mt_note")
                continue
            term.sudo().state = "cancelled"  # sudo: same term as above; users only read terms
            previous_state = term.previous_state or "active"
            if previous_state == "active" and term.previous_date_expiry < deadline._company_today(
                deadline.company_id
            ):
                previous_state = "expired"
            deadline.write({"date_expiry": term.previous_date_expiry, "state": previous_state})
            if reason:
                body = self.env._(
                    "Renewal from %(origin)s rolled back (%(reason)s): expiry date restored to %(date)s.",
                    origin=origin,
                    reason=reason,
                    date=term.previous_date_expiry,
                )
            else:
                body = self.env._(
                    "Renewal from %(origin)s rolled back: expiry date restored to %(date)s.",
                    origin=origin,
                    date=term.previous_date_expiry,
                )
            deadline.message_post(body=body, subtype_xmlid="mail.mt_note")
        return blocked

    def _expiry_schedule_refund_activity(self, reason):
        """The renewal was refunded but not rolled back (renewed again since):
        ask the deadline's salesperson to adjust it."""
        self.ensure_one()
        # sudo: the deadline of this term; the refund may come from an
        # accountant or a payment notification without deadline rights
        term = self.sudo()
        deadline = term.deadline_id
        user = deadline.user_id or term.sale_order_id.user_id or self.env.user
        deadline.activity_schedule(
            "mail.mail_activity_data_todo",
            summary=self.env._("Renewal refunded: adjust the deadline"),
            note=self.env._(
                "The renewal from %(origin)s (until %(date)s) was refunded: %(reason)s. The deadline "
                "was renewed again since, so it was not rolled back: adjust its expiry date.",
                origin=term.origin or term.date_renewal,
                date=term.date_expiry,
                reason=reason,
            ),
            user_id=user.id,
        )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_applied(self):
        if self.filtered(lambda t: t.state == "done"):
            raise UserError(
                self.env._("An applied renewal cannot be deleted; cancel its sale order instead.")
            )
