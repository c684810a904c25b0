# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The automatic renewal: the daily pass's step "auto renew" renews, on their
expiry day (or the first pass after it, within the grace period), the
automatic deadlines whose customer did not stop them: a confirmed renewal
order (through the renewal gate of sale.order), its posted invoice, and,
when the customer saved a payment method for it, an expiry.renewal.charge
that the step "renewal charges" takes off-session.

Exactly once per term: each deadline is claimed with a row lock (SKIP
LOCKED: another worker skips it; a worker whose snapshot is older than
another's commit fails on the lock and its run is rolled back) and checked
again once locked; the renewal moves its expiry date, so a rerun finds
nothing left."""

import logging

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from ..tools import CRASH_ERRORS
from .expiry_renewal_charge import error_message

_logger = logging.getLogger(__name__)


class ExpiryDeadline(models.Model):
    _inherit = "expiry.deadline"

    renewal_charge_ids = fields.One2many(
        "expiry.renewal.charge", "deadline_id", string="Renewal Charges", groups="base.group_user"
    )
    renewal_charge_count = fields.Integer(compute="_compute_renewal_charge_count", groups="base.group_user")

    @api.depends("renewal_charge_ids")
    def _compute_renewal_charge_count(self):
        for deadline in self:
            deadline.renewal_charge_count = len(deadline.renewal_charge_ids)

    # ------------------------------------------------------------------
    # The saved payment method: one rule
    # ------------------------------------------------------------------
    def _get_payment_token_owner_error(self, token, payer=None):
        """The one ownership rule of a saved payment method: it pays only for
        its own customer, this deadline's (commercial partner), and, when
        given, ``payer``'s (the customer of the invoice it would pay: a
        contract moved to another customer never has the new one's card pay
        the old one's invoice). A reason, or False."""
        self.ensure_one()
        # sudo: compares the token's customer with this deadline's (and the payer's)
        owner = token.sudo().partner_id.commercial_partner_id
        if owner != self.sudo().commercial_partner_id or (payer and owner != payer.commercial_partner_id):
            return self.env._("this payment method belongs to another customer.")
        return False

    def _get_payment_token_error(self, token, payer=None):
        """Why ``token`` cannot pay this deadline's renewals (for ``payer``,
        see _get_payment_token_owner_error), or False: it is archived, of
        another customer or company, or its provider is disabled or does not
        charge saved payment methods. Names only the token."""
        self.ensure_one()
        if not token:
            return self.env._("no payment method is saved for the renewal.")
        # sudo: compares the token's customer, company and provider with this deadline's
        token, deadline = token.sudo(), self.sudo()
        if not token.exists() or not token.active:
            return self.env._(
                "the saved payment method %(token)s is no longer active.", token=token.display_name
            )
        owner_error = deadline._get_payment_token_owner_error(token, payer)
        if owner_error:
            return owner_error
        provider = token.provider_id
        if provider.company_id and provider.company_id != deadline.company_id:
            return self.env._("this payment method belongs to another company.")
        if provider.state not in ("enabled", "test") or not provider.allow_tokenization:
            return self.env._(
                "the payment provider of %(token)s is disabled or does not charge saved payment methods.",
                token=token.display_name,
            )
        return False

    @api.constrains("payment_token_id", "partner_id")
    def _check_payment_token_id(self):
        # sudo: integrity check; the message names only the token's own kind of problem
        for deadline in self.sudo().filtered("payment_token_id"):
            if deadline._get_payment_token_owner_error(deadline.payment_token_id):
                raise ValidationError(
                    self.env._(
                        "The renewal payment method of %(deadline)s must belong to its customer.",
                        deadline=deadline.display_name,
                    )
                )

    # ------------------------------------------------------------------
    # The daily pass: step "auto renew"
    # ------------------------------------------------------------------
    @api.model
    def _get_auto_renew_domain(self, company, today):
        """Automatic deadlines of ``company`` to renew on ``today``: not
        stopped, still running (active, or expired by a pass that missed
        their day), expiring today or within the grace period before it."""
        grace = self._get_expiry_param("renewal_grace_days", company)
        return [
            ("company_id", "=", company.id),
            ("renewal_mode", "=", "automatic"),
            ("auto_renew", "=", True),
            ("state", "in", ("active", "expired")),
            ("date_expiry", "<=", today),
            ("date_expiry", ">=", fields.Date.subtract(today, days=grace)),
        ]

    @api.model
    def _cron_auto_renew(self, company, today, limit):
        """Renew ``company``'s automatic deadlines due on ``today``, each in a
        savepoint (one that fails is stopped, said, and the others go on).

        :return: ``(processed, still to process)``
        """
        # sudo: the daily pass (scheduled action), per company; never a public method
        deadlines = self.sudo()
        domain = self._get_auto_renew_domain(company, today)
        # a renewal the customer is paying right now wins (see
        # _expiry_close_open_renewals): left out of the batches, not counted as
        # to do, until the last day of the grace period
        grace = self._get_expiry_param("renewal_grace_days", company)
        paying = self._get_renewal_orders_being_paid(
            [("company_id", "=", company.id)], today
        ).order_line.deadline_id.filtered(
            lambda deadline: deadline.date_expiry > fields.Date.subtract(today, days=grace)
        )
        if paying:
            domain = [*domain, ("id", "not in", paying.ids)]
        todo = deadlines.search(domain, limit=limit, order="date_expiry, id")
        if not todo:
            return 0, 0
        self.env.cr.execute(
            SQL("SELECT id FROM expiry_deadline WHERE id IN %s FOR UPDATE SKIP LOCKED", tuple(todo.ids))
        )
        locked = todo.browse([row[0] for row in self.env.cr.fetchall()])
        locked.invalidate_recordset()
        # checked again once locked: renewed meanwhile (this run, a payment) is no longer due
        locked = locked.filtered_domain(domain)
        for deadline in locked:
            try:
                with self.env.cr.savepoint():
                    deadline._expiry_auto_renew(today)
            except CRASH_ERRORS:
                raise
            except Exception as error:  # noqa: BLE001 - one deadline's fault: said on it, the others go on
                _logger.info("Automatic renewal of deadline %s failed: %s", deadline.id, error)
                with self.env.cr.savepoint():
                    deadline._expiry_auto_renew_stop(error_message(self.env, error))
        remaining = deadlines.search_count(domain) if len(todo) >= limit else 0
        return len(locked), remaining

    @api.model
    def _get_renewal_orders_being_paid(self, line_domain, today):
        """The renewal orders (of the sale order lines in ``line_domain``)
        the customer is paying, whose renewal is not applied yet: a quotation
        or cart with a payment under way (payment.transaction._expiry_under_way),
        or an order confirmed on a part payment whose renewal awaits the rest
        (the gate applies it then). The one rule of "being renewed already" of
        the automatic renewal: it never renews such a deadline a second time."""
        # sudo: the daily pass, the renewal lines of open orders
        lines = (
            self.env["sale.order.line"]
            .sudo()
            .search(
                [
                    *line_domain,
                    ("deadline_id", "!=", False),
                    ("order_id.state", "in", ("draft", "sent", "sale")),
                    ("order_id.expiry_renewal_released", "=", False),
                    "|",
                    ("order_id.state", "=", "sale"),
                    ("order_id.transaction_ids.state", "in", ("draft", "pending", "authorized", "done")),
                ]
            )
        )
        lines -= lines._expiry_applied_lines()
        return lines.order_id.filtered(
            lambda order: order.state == "sale" or order.transaction_ids._expiry_under_way(today)
        )

    def _expiry_close_open_renewals(self, today=None):
        """Before renewing by itself: the renewal quotations and carts of this
        deadline not confirmed yet would renew it a second time. One the
        customer is paying (_get_renewal_orders_being_paid) wins: no automatic
        renewal today (the next pass decides, once it is paid or not; on the
        last day of the grace period the automatic renewal is stopped and
        said); the others are cancelled, said on each order.

        :return: whether the automatic renewal may go on
        """
        self.ensure_one()
        today = today or self._company_today(self.company_id)
        paying = self._get_renewal_orders_being_paid([("deadline_id", "=", self.id)], today)
        if paying:
            _logger.info(
                "Deadline %s: renewal %s is being paid, no automatic renewal today", self.id, paying.ids
            )
            grace = self._get_expiry_param("renewal_grace_days", self.company_id)
            if self.date_expiry <= fields.Date.subtract(today, days=grace):
                self._expiry_auto_renew_stop(
                    self.env._(
                        "its renewal %(orders)s is still being paid or awaits payment on the last day of "
                        "the grace period.",
                        orders=", ".join(paying.mapped("name")),
                    )
                )
            return False
        # sudo: the renewal orders of this deadline (the daily pass)
        orders = self.sudo()._get_open_renewal_lines().order_id
        for order in orders:
            # a payment the customer started and left (not under way): it can
            # no longer complete for the cancelled order
            order.transaction_ids.filtered(lambda tx: tx.state == "draft")._set_canceled(
                self.env._(
                    "The renewal order was cancelled: %(deadline)s renews automatically.", deadline=self.name
                )
            )
            order._action_cancel()
            order.message_post(
                body=Markup("<p>%s</p>")
                % self.env._(
                    "Cancelled: %(deadline)s renews automatically, this renewal is no longer needed.",
                    deadline=self.name,
                ),
                subtype_xmlid="mail.mt_note",
            )
        return True

    def _get_auto_renew_error(self):
        """Why this deadline cannot renew by itself now, or False: the
        renewal rule (_get_renewal_error, as a new renewal), the renewal-push
        block (an overdue invoice, a dispute), a renewal of the same term
        undone since (a cancelled or refunded invoice must not renew again
        the next day), a saved payment method that is not the customer's."""
        self.ensure_one()
        error = self._get_renewal_error(start=True)
        if error:
            return error
        # its own charge, no checkout: an overdue invoice holds it back
        block = self._get_renewal_push_block(arrears_in_checkout=False)
        if block:
            return block
        # sudo: the renewals of this deadline (terms are the module's records)
        undone = self.sudo().term_ids.filtered(
            lambda term: term.state == "cancelled" and term.previous_date_expiry == self.date_expiry
        )
        if undone:
            return self.env._(
                "a renewal of this term was undone (refunded, or its order or invoice cancelled), so it is "
                "not renewed again by itself."
            )
        # sudo: the token of this deadline (an employees' field), checked against its customer
        token = self.sudo().payment_token_id
        if token and self._get_payment_token_owner_error(token):
            return self.env._("its renewal payment method belongs to another customer.")
        return False

    def _prepare_auto_renewal_order_values(self):
        """The renewal order of an automatic renewal (hook)."""
        self.ensure_one()
        values = self._prepare_renewal_order_values()
        values.update(
            {
                "origin": self.env._("%(deadline)s (automatic renewal)", deadline=self.name),
                "require_signature": False,
                "require_payment": False,
            }
        )
        return values

    def _expiry_auto_renew(self, today):
        """Renew this deadline by itself: a confirmed renewal order (the gate
        applies the renewal), its posted invoice, and the charge of the saved
        payment method when there is one. A deadline that cannot renew is
        stopped with the reason (chatter, the salesperson's activity).

        :return: the new ``expiry.deadline.term``, or None
        """
        self.ensure_one()
        # sudo: the daily pass renews this deadline for its customer
        deadline = self.sudo().with_company(self.company_id)
        error = deadline._get_auto_renew_error()
        if error:
            deadline._expiry_auto_renew_stop(error)
            return None
        if not deadline._expiry_close_open_renewals(today):
            return None
        order = (
            self.env["sale.order"]
            .sudo()  # sudo: the renewal order the daily pass makes for this deadline's customer
            .with_company(deadline.company_id)
            .create(deadline._prepare_auto_renewal_order_values())
        )
        order.action_confirm()
        term = order.order_line.deadline_term_ids.filtered(lambda t: t.state == "done")[:1]
        if not term:
            raise UserError(self.env._("the renewal order %(order)s did not renew it.", order=order.name))
        invoice = order._create_invoices()
        invoice.action_post()
        token = deadline.payment_token_id
        charge = self.env["expiry.renewal.charge"]
        if token and not invoice.currency_id.is_zero(invoice.amount_residual):
            # sudo: the charge the daily pass makes for this renewal
            charge = charge.sudo().create(
                {
                    "deadline_id": deadline.id,
                    "term_id": term.id,
                    "order_id": order.id,
                    "invoice_id": invoice.id,
                    "token_id": token.id,
                    "date_next_try": today,
                }
            )
        if charge:
            payment = self.env._(
                "%(token)s is charged for invoice %(invoice)s.",
                token=token.display_name,
                invoice=invoice._get_html_link(),
            )
        elif invoice.currency_id.is_zero(invoice.amount_residual):
            payment = self.env._("Invoice %(invoice)s has nothing to pay.", invoice=invoice._get_html_link())
        else:
            payment = self.env._(
                "No payment method is saved: invoice %(invoice)s awaits payment.",
                invoice=invoice._get_html_link(),
            )
        deadline.message_post(
            body=Markup("<p>%s</p><p>%s</p>")
            % (
                self.env._(
                    "Renewed automatically until %(date)s: order %(order)s confirmed, invoice posted.",
                    date=term.date_expiry,
                    order=order._get_html_link(),
                ),
                payment,
            ),
            subtype_xmlid="mail.mt_note",
        )
        return term

    def _expiry_auto_renew_stop(self, reason):
        """This deadline cannot renew by itself (``reason``): its automatic
        renewal is stopped for the term (it then follows the timed e-mails of
        a manual renewal), said in its chatter, and its salesperson gets an
        activity to renew it by hand or close it."""
        self.ensure_one()
        # sudo: the daily pass stops this deadline's automatic renewal
        deadline = self.sudo()
        deadline.auto_renew = False
        text = self.env._(
            "The automatic renewal of %(deadline)s did not happen: %(reason)s Renew it by hand or close it.",
            deadline=deadline.name,
            reason=reason,
        )
        deadline.message_post(body=Markup("<p>%s</p>") % text, subtype_xmlid="mail.mt_note")
        if deadline.user_id:
            deadline.activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=deadline.user_id.id,
                summary=self.env._("Automatic renewal not done"),
                note=text,
            )

    # ------------------------------------------------------------------
    # After the last refused charge
    # ------------------------------------------------------------------
    def _expiry_charge_hand_over(self, charge):
        """The renewal's invoice of ``charge`` could not be charged (no try
        left, or no usable payment method): the salesperson gets an activity
        to collect it. The collection addon hands it to its ladder instead."""
        self.ensure_one()
        # sudo: the daily pass tells this deadline's salesperson
        deadline = self.sudo()
        text = self.env._(
            "Invoice %(invoice)s of the automatic renewal could not be charged: %(error)s "
            "Collect it from the customer.",
            invoice=charge.invoice_id.name,
            error=charge.last_error or "",
        )
        user = deadline.user_id or charge.order_id.user_id
        if user:
            deadline.activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=user.id,
                summary=self.env._("Renewal charge failed"),
                note=text,
            )
        return True

    # ------------------------------------------------------------------
    # Demo data
    # ------------------------------------------------------------------
    @api.model
    def _expiry_setup_auto_renew_demo(self, charged_ids, stopped_ids, lost_reason_id):
        """Demo: save a demo card (payment_demo, when installed: no manifest
        depends on it) for the renewals of ``charged_ids``, and stop the
        automatic renewal of ``stopped_ids`` as their customer would."""
        # sudo: demo data loaded at install
        deadlines = self.sudo().browse(charged_ids).exists()
        provider = self.env.ref("payment.payment_provider_demo", raise_if_not_found=False)
        method = self.env.ref("payment_demo.payment_method_demo", raise_if_not_found=False)
        # sudo: the demo provider's code (is payment_demo installed?)
        if provider and method and provider.sudo().code == "demo":
            for deadline in deadlines:
                # sudo: demo data loaded at install
                token = (
                    self.env["payment.token"]
                    .sudo()
                    .create(
                        {
                            "provider_id": provider.id,
                            "payment_method_id": method.id,
                            "partner_id": deadline.commercial_partner_id.id,
                            "payment_details": "4242",
                            "provider_ref": f"demo-renewal-{deadline.id}",
                            "demo_simulated_state": "done",
                        }
                    )
                )
                deadline.payment_token_id = token
        reason = self.env["expiry.lost.reason"].browse(lost_reason_id).exists()
        # sudo: demo data loaded at install
        self.sudo().browse(stopped_ids).exists()._expiry_decline(reason, stop_only=True)
