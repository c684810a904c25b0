# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError

from ..tools import CRASH_ERRORS, parse_id

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
    @api.model_create_multi
    def create(self, vals_list):
        # a deadline may also come from the context (default_deadline_id):
        # the one the line gets is checked, whatever brought it
        default = self.env.context.get("default_deadline_id")
        ids = self._expiry_check_deadline_access(
            [vals["deadline_id"] if "deadline_id" in vals else default for vals in vals_list]
        )
        vals_list = [
            dict(vals, deadline_id=deadline_id) if "deadline_id" in vals or default else vals
            for vals, deadline_id in zip(vals_list, ids, strict=True)
        ]
        return super().create(vals_list)

    def _expiry_parse_deadline_value(self, value):
        """The deadline id a ``deadline_id`` value of create/write stands for
        (an id, a digit string, a record, an (id, name) pair), False for none.

        :raises ValidationError: anything else
        """
        if isinstance(value, models.BaseModel):
            if value._name != "expiry.deadline" or len(value) > 1:
                raise ValidationError(self._expiry_deadline_refusal())
            value = value.id
        elif isinstance(value, list | tuple):
            value = value[0] if value else False
        if value is None or (not isinstance(value, str) and value == 0):
            return False
        deadline_id = parse_id(value)
        if deadline_id is None:
            raise ValidationError(self._expiry_deadline_refusal())
        return deadline_id

    def _expiry_deadline_refusal(self):
        return self.env._("This deadline does not exist or you may not renew it.")

    def _expiry_check_deadline_access(self, values):
        """Only a deadline the current user may read can be put on an order
        line: confirming the order extends it as superuser.

        ``values`` are ``deadline_id`` values as given to create/write.
        Superuser flows (the website cart, which checks the customer's
        ownership itself) are not checked here. The refusal names nothing of
        the deadline: it may be another salesperson's or company's.

        :return: the deadline ids of ``values`` (False for none)
        """
        ids = [self._expiry_parse_deadline_value(value) for value in values]
        if self.env.su or not any(ids):
            return ids
        deadlines = self.env["expiry.deadline"].browse({deadline_id for deadline_id in ids if deadline_id})
        if len(deadlines.exists()) != len(deadlines) or not deadlines.has_access("read"):
            raise AccessError(self._expiry_deadline_refusal())
        return ids

    @api.constrains("deadline_id", "order_partner_id")
    def _check_deadline_partner(self):
        # sudo: integrity check; its error names only the order's own records
        for line in self.sudo().filtered("deadline_id"):
            error = line._expiry_get_ownership_error()
            if error:
                raise ValidationError(error)

    def _expiry_get_ownership_error(self):
        """Why this line may not renew its deadline (another customer or
        company than the order's), or False. Says nothing of the deadline's
        owner: the message may reach someone who cannot read it."""
        self.ensure_one()
        # sudo: compares the deadline's customer and company with the order's;
        # only the order's number goes into the message
        line = self.sudo()
        if line.deadline_id.commercial_partner_id != line.order_id.partner_id.commercial_partner_id:
            return self.env._(
                "The deadline of this line belongs to another customer: it cannot be renewed on "
                "order %(order)s.",
                order=line.order_id.name,
            )
        if line.deadline_id.company_id != line.order_id.company_id:
            return self.env._(
                "The deadline of this line belongs to another company than order %(order)s.",
                order=line.order_id.name,
            )
        return False

    @api.constrains("deadline_id", "order_id")
    def _check_deadline_once_per_order(self):
        """One renewal line per deadline and order: two would extend it twice."""
        # sudo: counts the renewal lines of these lines' orders only
        lines = self.sudo().filtered("deadline_id")
        if not lines:
            return
        counts = (
            self.env["sale.order.line"]
            .sudo()  # sudo: restricted to the orders of ``lines`` by the domain
            ._read_group(
                [("order_id", "in", lines.order_id.ids), ("deadline_id", "in", lines.deadline_id.ids)],
                ["order_id", "deadline_id"],
                ["__count"],
            )
        )
        for order, _deadline, count in counts:
            if count > 1:
                raise ValidationError(
                    self.env._(
                        "A deadline is renewed by two lines of %(order)s: a deadline is renewed "
                        "once per order.",
                        order=order.name,
                    )
                )

    def write(self, vals):
        if "deadline_id" in vals:
            new_id = self._expiry_parse_deadline_value(vals["deadline_id"])
            vals = dict(vals, deadline_id=new_id)  # "12" would clear the field
            lines = self.sudo()  # sudo: compares ids only, nothing is shown
            if new_id and any(line.deadline_id.id != new_id for line in lines):
                # a deadline put on a line (rewriting a line's own one is no change)
                self._expiry_check_deadline_access([new_id])
            if any(line.deadline_id and line.deadline_id.id != new_id for line in lines):
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
                and not line.deadline_id._renewal_applies_pricelist_discount(line.company_id)
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
        # sudo: the confirmation may come from a salesperson without deadline
        # rights or the public user's payment; only these lines' deadlines
        # (checked readable when put on the line) are renewed
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
                except CRASH_ERRORS:
                    raise
                except Exception as error:  # noqa: BLE001 - the line's fault: reported on the order
                    reason = str(error.args[0] if error.args else error)
            line._expiry_report_skipped_renewal(reason)

    def _expiry_applied_lines(self):
        """The lines of ``self`` whose renewal is applied (the one search of it)."""
        return (
            self.env["expiry.deadline.term"]
            .sudo()  # sudo: restricted to these lines by the domain
            .search([("sale_order_line_id", "in", self.ids), ("state", "=", "done")])
            .sale_order_line_id
        )

    def _expiry_report_skipped_renewal(self, reason):
        """Say on the order and the deadline that this line did not renew, and
        ask the salesperson to refund or adjust."""
        self.ensure_one()
        # sudo: the order and deadline of this line only, whose confirmer may
        # have no deadline rights
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
        # sudo: the renewal terms of these lines only (order cancellation by a
        # salesperson without deadline rights)
        terms = self.sudo().deadline_term_ids.filtered(lambda t: t.state == "done")
        terms._rollback()

    # ------------------------------------------------------------------
    # The way back: a refunded, voided or written-off renewal
    # ------------------------------------------------------------------
    def _expiry_revert_renewals(self, reason, source="payment"):
        """The money of these lines' renewals came back (a full credit note, a
        cancelled or written-off invoice, a refunded or voided payment): roll
        the applied renewals back when nothing happened to their deadline since
        (expiry.deadline.term._rollback, as when the order is cancelled), else
        leave the deadline as it is with an activity for its salesperson to
        adjust it and a note in its chatter.

        Idempotent: a renewal rolled back or already reported is left alone.

        :param reason: why, said in the deadline's chatter ("refunded by credit
            note RINV/...")
        :param source: ``"invoice"`` (the accounting: billing the line again
            applies the renewal again) or ``"payment"``
        :return: the ``expiry.deadline.term`` rolled back
        """
        # sudo: called by accounting and payment flows of users without
        # deadline rights; only the renewal terms of these lines are touched
        terms = self.sudo().deadline_term_ids.filtered(lambda t: t.state == "done" and not t.refund)
        if not terms:
            return self.env["expiry.deadline.term"]
        terms.refund = source
        blocked = terms._rollback(reason=reason)
        for term in blocked:
            term._expiry_schedule_refund_activity(reason)
        return (terms - blocked).with_env(self.env)

    def _expiry_refund_status(self):
        """Whether the money billed for this renewal line came back, from its
        customer invoices and credit notes (the sale module links them through
        ``account.move.line.sale_line_ids``, credit notes made by reversing an
        invoice included):

        - ``("full", moves)``: invoiced, and every posted invoice is refunded
          by credit notes, cancelled or written off (settled without money);
        - ``("partial", moves)``: credit notes refund part of the line's amount;
        - ``(False, moves)``: billed in full and not refunded (re-billed after a
          refund included), or never billed.

        ``moves`` are the moves that refund or void it.
        """
        self.ensure_one()
        # sudo: reads the accounting of this order line only, to decide
        line = self.sudo()
        currency = line.order_id.currency_id
        amls = line.invoice_lines.filtered(lambda aml: aml.move_id.move_type in ("out_invoice", "out_refund"))
        invoices = amls.move_id.filtered(lambda m: m.move_type == "out_invoice")
        voided = invoices.filtered(
            lambda m: (m.state == "cancel" and m.posted_before)
            or (m.state == "posted" and (m.payment_state == "reversed" or m._expiry_is_written_off()))
        )
        billed = credited = 0.0
        credit_notes = self.env["account.move"]
        for aml in amls:
            move = aml.move_id
            if move.state != "posted" or move in voided:
                continue
            if move.move_type == "out_invoice":
                billed += aml.price_total
            elif move.reversed_entry_id not in voided:
                credited += aml.price_total
                credit_notes |= move
        ever_billed = bool(voided) or any(m.state == "posted" for m in invoices)
        if not ever_billed or not (voided or credit_notes):
            return False, self.env["account.move"]
        refunding = voided | credit_notes | amls.move_id.filtered(lambda m: m.reversed_entry_id in voided)
        net = billed - credited
        if currency.compare_amounts(net, 0.0) <= 0:
            return "full", refunding
        if credit_notes and currency.compare_amounts(net, line.price_total) < 0:
            return "partial", credit_notes
        return False, self.env["account.move"]

    def _expiry_report_partial_refund(self, credit_notes):
        """A credit note refunds part of this renewal: it stays, and the
        deadline's chatter says so."""
        self.ensure_one()
        # sudo: the deadline of this line, whose accountant may have no deadline rights
        line = self.sudo()
        line.deadline_id.message_post(
            body=Markup("<p>%s</p>")
            % self.env._(
                "Credit note %(credit_notes)s refunds part of the renewal by order %(order)s: "
                "this is a partial refund, the renewal is kept. Adjust the deadline by hand "
                "if it changes the contract.",
                credit_notes=", ".join(credit_notes.mapped("name")),
                order=line.order_id.name,
            ),
            subtype_xmlid="mail.mt_note",
        )

    def _expiry_reapply_rebilled_renewals(self):
        """Lines whose renewal was rolled back by a refund of its invoice and
        that are billed again (the accountant reversed the invoice and
        re-invoiced the order, e.g. "Reverse and create invoice"): the renewal
        applies again, through the same checks as at confirmation. Not after a
        refunded payment, nor after the order was cancelled."""

        def rolled_back_by_invoice_refund(line):
            terms = line.deadline_term_ids
            last = terms.sorted("id")[-1:]
            return (
                last.state == "cancelled"
                and last.refund == "invoice"
                and not terms.filtered(lambda t: t.state == "done")
            )

        # sudo: the renewal terms of these lines only
        lines = self.sudo().filtered(
            lambda line: line.deadline_id
            and line.order_id.state == "sale"
            and rolled_back_by_invoice_refund(line)
            and line._expiry_refund_status()[0] is False
            # the gate's money rule: an order paid online renews when paid in
            # full (its payment may have been refunded meanwhile)
            and not line.order_id._expiry_renewal_awaits_payment()
        )
        lines._expiry_apply_renewals()
