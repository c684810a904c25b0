# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools import RECORD_ERRORS

_logger = logging.getLogger(__name__)


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    deadline_id = fields.Many2one(
        "expiry.deadline",
        string="Renewed Deadline",
        copy=False,
        index="btree_not_null",
        ondelete="restrict",
        help="Confirming the order extends this deadline by the product's renewal duration.",
    )
    deadline_term_ids = fields.One2many("expiry.deadline.term", "sale_order_line_id")

    # ------------------------------------------------------------------
    # Integrity of renewal lines
    # ------------------------------------------------------------------
    @api.constrains("deadline_id", "order_partner_id")
    def _check_deadline_partner(self):
        for line in self.sudo().filtered("deadline_id"):
            error = line._expiry_get_ownership_error()
            if error:
                raise ValidationError(error)

    def _expiry_get_ownership_error(self):
        """Why this line may not renew its deadline (another customer or
        company than the order's), or False."""
        self.ensure_one()
        line = self.sudo()
        if line.deadline_id.commercial_partner_id != line.order_id.partner_id.commercial_partner_id:
            return self.env._(
                "Deadline %(deadline)s belongs to %(owner)s: it cannot be renewed on an order of %(customer)s.",
                deadline=line.deadline_id.name,
                owner=line.deadline_id.commercial_partner_id.display_name,
                customer=line.order_id.partner_id.commercial_partner_id.display_name,
            )
        if line.deadline_id.company_id != line.order_id.company_id:
            return self.env._(
                "Deadline %(deadline)s belongs to another company than order %(order)s.",
                deadline=line.deadline_id.name,
                order=line.order_id.name,
            )
        return False

    @api.constrains("deadline_id", "order_id")
    def _check_deadline_once_per_order(self):
        """One renewal line per deadline and order: two would extend it twice."""
        lines = self.sudo().filtered("deadline_id")
        if not lines:
            return
        counts = (
            self.env["sale.order.line"]
            .sudo()
            ._read_group(
                [("order_id", "in", lines.order_id.ids), ("deadline_id", "in", lines.deadline_id.ids)],
                ["order_id", "deadline_id"],
                ["__count"],
            )
        )
        for order, deadline, count in counts:
            if count > 1:
                raise ValidationError(
                    self.env._(
                        "%(deadline)s is already renewed by another line of %(order)s: "
                        "a deadline is renewed once per order.",
                        deadline=deadline.display_name,
                        order=order.name,
                    )
                )

    def write(self, vals):
        if "deadline_id" in vals:
            new_id = vals["deadline_id"] or False
            if any(line.deadline_id and line.deadline_id.id != new_id for line in self.sudo()):
                raise ValidationError(
                    self.env._(
                        "The deadline a renewal line renews cannot be changed: remove the line "
                        "and renew the other deadline instead."
                    )
                )
        return super().write(vals)

    # ------------------------------------------------------------------
    # Price: the agreed one (expiry.deadline._get_renewal_price_unit)
    # ------------------------------------------------------------------
    def _expiry_agreed_price_unit(self):
        self.ensure_one()
        if not self.deadline_id:
            return None
        order = self.order_id
        date = order.date_order.date() if order.date_order else None
        return self.deadline_id._get_renewal_price_unit(
            self.product_id, order.currency_id, order.company_id, date
        )

    def _get_display_price(self):
        price = self._expiry_agreed_price_unit()
        if price is not None:
            return price
        return super()._get_display_price()

    def _compute_discount(self):
        result = super()._compute_discount()
        for line in self:
            if (
                line.discount
                and line._expiry_agreed_price_unit() is not None
                and not line.deadline_id._renewal_applies_pricelist_discount()
            ):
                line.discount = 0.0
        return result

    # ------------------------------------------------------------------
    # Confirmation: apply, never block a (paid) order
    # ------------------------------------------------------------------
    def _expiry_get_skip_reason(self):
        """Why confirming this line must not extend its deadline, or False.
        Hook: the portal adds "renewed by something else since ordered"."""
        self.ensure_one()
        return self._expiry_get_ownership_error() or self.deadline_id._get_renewal_error(self.product_id)

    def _expiry_apply_renewals(self):
        """Extend the linked deadlines, once per line (confirmed orders).

        A confirmed order is never blocked here: the customer may have paid
        already (wire transfer, /my/orders). A renewal that can no longer
        apply (the deadline was cancelled or changed, the product lost its
        duration) is skipped, said on the order and the deadline, and the
        salesperson gets an activity to refund or adjust.
        """
        lines = self.sudo().filtered("deadline_id")
        if not lines:
            return
        applied = lines._expiry_applied_lines()
        seen = set()
        for line in lines - applied:
            key = (line.order_id.id, line.deadline_id.id)
            if key in seen:
                line._expiry_report_skipped_renewal(
                    self.env._(
                        "The order renews %(deadline)s on another line already.",
                        deadline=line.deadline_id.name,
                    )
                )
                continue
            seen.add(key)
            reason = line._expiry_get_skip_reason()
            if not reason:
                try:
                    with self.env.cr.savepoint():
                        line.deadline_id._apply_renewal(product=line.product_id, sale_line=line)
                    continue
                except RECORD_ERRORS as error:
                    reason = str(error.args[0] if error.args else error)
            line._expiry_report_skipped_renewal(reason)

    def _expiry_applied_lines(self):
        """The lines of ``self`` whose renewal is applied (the one search of it)."""
        return (
            self.env["expiry.deadline.term"]
            .sudo()
            .search([("sale_order_line_id", "in", self.ids), ("state", "=", "done")])
            .sale_order_line_id
        )

    def _expiry_report_skipped_renewal(self, reason):
        """Say on the order and the deadline that this line did not renew, and
        ask the salesperson to refund or adjust."""
        self.ensure_one()
        line = self.sudo()
        order, deadline = line.order_id, line.deadline_id
        _logger.info("Order %s: renewal of deadline %s skipped: %s", order.name, deadline.id, reason)
        body = Markup("<p>%s</p>") % self.env._(
            "%(deadline)s was not renewed by this order: %(reason)s Refund or adjust the order.",
            deadline=deadline.name,
            reason=reason,
        )
        order.message_post(body=body, subtype_xmlid="mail.mt_note")
        deadline.message_post(
            body=Markup("<p>%s</p>")
            % self.env._(
                "Order %(order)s did not renew this deadline: %(reason)s The salesperson refunds "
                "or adjusts the order.",
                order=order.name,
                reason=reason,
            ),
            subtype_xmlid="mail.mt_note",
        )
        user = order.user_id or deadline.user_id
        if user:
            order.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=self.env._("Renewal not applied: refund or adjust"),
                note=body,
                user_id=user.id,
            )

    def _expiry_rollback_renewals(self):
        terms = self.sudo().deadline_term_ids.filtered(lambda t: t.state == "done")
        terms._rollback()
