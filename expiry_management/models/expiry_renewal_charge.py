# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The off-session charge of an automatic renewal's invoice with the
customer's saved payment method (payment.token), and its retries.

One charge per automatic renewal (its invoice). The daily pass's step
"renewal charges" tries the charges that are due (_cron_charge_due); each try
is a ``payment.transaction`` (operation ``offline``) sent through Odoo's
payment machinery; its outcome, now or later (the provider's notification),
comes back through _expiry_sync_transaction. A refused try is tried again on
the company's schedule (``res.company.expiry_charge_retry_days``: days after
the first try); after the last one the invoice is handed over
(expiry.deadline._expiry_charge_hand_over: the salesperson, or the
collection ladder when that addon is installed).
"""

import datetime
import logging

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..tools import CRASH_ERRORS

_logger = logging.getLogger(__name__)

CHARGE_STATES = [
    ("draft", "To Charge"),
    ("pending", "In Progress"),
    ("done", "Paid"),
    ("failed", "Failed"),
    ("abandoned", "Not Needed"),
]
ONE_DAY = datetime.timedelta(days=1)


def error_details(error):
    """The text of ``error``, for the server log and internal fields."""
    return str(error.args[0] if error.args else error)


def error_message(env, error):
    """What users are told of ``error`` (chatter, activities): its text when
    it is written for them (UserError, ValidationError), else a sentence that
    shows nothing of the code (the details go to the server log)."""
    if isinstance(error, UserError):
        return error_details(error)
    return env._("an unexpected error occurred (the details are in the server log).")


class ExpiryRenewalCharge(models.Model):
    _name = "expiry.renewal.charge"
    _description = "Renewal Charge"
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name")
    deadline_id = fields.Many2one(
        "expiry.deadline", required=True, readonly=True, index=True, ondelete="cascade", check_company=True
    )
    company_id = fields.Many2one(
        related="deadline_id.company_id", store=True, index=True, precompute=True, readonly=True
    )
    partner_id = fields.Many2one(related="deadline_id.partner_id", string="Customer")
    term_id = fields.Many2one("expiry.deadline.term", string="Renewal", readonly=True, ondelete="set null")
    order_id = fields.Many2one("sale.order", string="Renewal Order", readonly=True, ondelete="set null")
    invoice_id = fields.Many2one("account.move", required=True, readonly=True, index=True, ondelete="cascade")
    token_id = fields.Many2one("payment.token", string="Payment Method", readonly=True, ondelete="set null")
    state = fields.Selection(CHARGE_STATES, default="draft", required=True, readonly=True, index=True)
    attempt_count = fields.Integer(string="Tries", readonly=True)
    date_first_try = fields.Date(string="First Try", readonly=True)
    date_next_try = fields.Date(string="Next Try", readonly=True, index=True)
    transaction_ids = fields.One2many(
        "payment.transaction", "expiry_renewal_charge_id", string="Transactions", readonly=True
    )
    last_error = fields.Text(readonly=True)

    _sql_constraints = [
        ("invoice_unique", "UNIQUE(invoice_id)", "An invoice is charged by one renewal charge only."),
    ]

    @api.depends("deadline_id", "invoice_id")
    def _compute_name(self):
        for charge in self:
            charge.name = f"{charge.deadline_id.name or ''} / {charge.invoice_id.name or ''}"

    # ------------------------------------------------------------------
    # The daily pass: charges that are due
    # ------------------------------------------------------------------
    @api.model
    def _cron_charge_due(self, company, today, limit):
        """Try the charges of ``company`` due on ``today`` (draft, or in
        progress with a transaction that never came back), each in a
        savepoint; claimed with SKIP LOCKED so that two workers never try the
        same one.

        :return: ``(processed, still to process)``
        """
        domain = [
            ("company_id", "=", company.id),
            ("state", "in", ("draft", "pending")),
            ("date_next_try", "<=", today),
        ]
        # sudo: the daily pass (scheduled action), per company
        charges = self.sudo().search(domain, limit=limit, order="date_next_try, id")
        if not charges:
            return 0, 0
        self.env.cr.execute(
            SQL(
                "SELECT id FROM expiry_renewal_charge WHERE id IN %s FOR UPDATE SKIP LOCKED",
                tuple(charges.ids),
            )
        )
        claimed = charges.browse([row[0] for row in self.env.cr.fetchall()])
        claimed.invalidate_recordset()
        for charge in claimed:
            if charge.state not in ("draft", "pending") or charge.date_next_try > today:
                continue
            try:
                with self.env.cr.savepoint():
                    charge._try(today)
            except CRASH_ERRORS:
                raise
            except Exception as error:  # noqa: BLE001 - one charge's fault: logged on it, the others go on
                _logger.warning("Renewal charge %s failed: %s", charge.id, error)
                with self.env.cr.savepoint():
                    # the try counts (its own writes were rolled back): never retried forever
                    charge.write(
                        {
                            "attempt_count": charge.attempt_count + 1,
                            "date_first_try": charge.date_first_try or today,
                        }
                    )
                    charge._refused(today, error_message(self.env, error), details=error_details(error))
        # sudo: the daily pass (scheduled action), per company
        remaining = self.sudo().search_count(domain) if len(charges) >= limit else 0
        return len(claimed), remaining

    # ------------------------------------------------------------------
    # One try
    # ------------------------------------------------------------------
    def _get_skip_outcome(self, today):
        """``(state, message)`` when this charge must not take money now, or
        False: the renewal was undone or the contract cancelled or closed, the
        invoice is paid (by hand, by a try of this charge whose outcome came
        late, another payment), cancelled, or a payment of it is under way
        (payment.transaction._expiry_under_way)."""
        self.ensure_one()
        invoice = self.invoice_id
        if invoice.state != "posted" or invoice.payment_state == "reversed":
            return "abandoned", self.env._(
                "Invoice %(invoice)s is no longer due (cancelled, reset or refunded): nothing is charged.",
                invoice=invoice.name or invoice.id,
            )
        paid = self.transaction_ids.filtered(lambda tx: tx.state == "done")
        if (
            paid
            or invoice.currency_id.is_zero(invoice.amount_residual)
            or invoice.payment_state in ("paid", "in_payment")
        ):
            return "done", self.env._(
                "Invoice %(invoice)s is already paid: nothing is charged.", invoice=invoice.name
            )
        if (
            self.term_id.state != "done"
            or self.order_id.state == "cancel"
            or self.deadline_id.state in ("cancelled", "closed")
        ):
            return "abandoned", self.env._(
                "The renewal was undone or the contract was cancelled or closed: nothing is charged; "
                "settle invoice %(invoice)s by hand.",
                invoice=invoice.name or invoice.id,
            )
        running = invoice.transaction_ids._expiry_under_way(today)
        if running:
            return "pending", self.env._(
                "A payment of invoice %(invoice)s is under way (%(reference)s): no new charge is "
                "started before it ends.",
                invoice=invoice.name,
                reference=", ".join(running.mapped("reference")),
            )
        return False

    def _try(self, today):
        """Charge the invoice's residual with the saved payment method once."""
        self.ensure_one()
        # a try of ours the provider never answered (left in draft): cancelled,
        # it counts as a refused try (_expiry_sync_transaction)
        stuck = self.transaction_ids.filtered(lambda tx: tx.state == "draft")
        stuck -= stuck._expiry_under_way(today)
        if stuck:
            stuck.with_context(expiry_charge_day=today)._set_canceled(
                self.env._("The payment provider did not answer: the try is counted as refused.")
            )
            return
        skip = self._get_skip_outcome(today)
        if skip:
            state, message = skip
            if state == "pending":
                # checked again tomorrow: the transaction's outcome usually comes first
                self.write({"state": "pending", "date_next_try": today + ONE_DAY})
                if self.last_error != message:
                    self.last_error = message
                    self._log(message)
                return
            self.write({"state": state, "date_next_try": False})
            self._log(message)
            return
        deadline = self.deadline_id
        # always the payment method the customer saves for the renewals now
        # (replaced or removed since the last try), and only for this invoice's customer
        token = deadline.payment_token_id
        if token and token != self.token_id:
            self.token_id = token
        token_error = deadline._get_payment_token_error(token, payer=self.invoice_id.partner_id)
        if token_error:
            self.write({"state": "failed", "date_next_try": False, "last_error": token_error})
            self._log(self.env._("The renewal cannot be charged: %(error)s", error=token_error))
            deadline._expiry_charge_hand_over(self)
            return
        tx = self._create_transaction()
        self.write(
            {
                "state": "pending",
                "attempt_count": self.attempt_count + 1,
                "date_first_try": self.date_first_try or today,
                "date_next_try": False,
            }
        )
        details = None
        try:
            with self.env.cr.savepoint():
                # the day of the try, for the outcome the provider tells at once
                tx.with_context(expiry_charge_day=today)._send_payment_request()
        except CRASH_ERRORS:
            raise
        except Exception as error:  # noqa: BLE001 - the provider refused or failed: a refused try
            details = error_details(error)
            _logger.info("Renewal charge %s: the provider failed: %s", self.id, details)
            tx.with_context(expiry_charge_day=today)._set_error(
                self.env._("The payment provider failed: %(error)s", error=error_message(self.env, error))
            )
        self._expiry_sync_transaction(tx, today)
        if details:
            # the details, for the employees who follow the charges (not in the chatter)
            self.last_error = f"{self.last_error or ''} ({details})".strip()

    def _prepare_transaction_values(self):
        self.ensure_one()
        token, invoice = self.token_id, self.invoice_id
        return {
            "provider_id": token.provider_id.id,
            "payment_method_id": token.payment_method_id.id,
            "reference": self.env["payment.transaction"]._compute_reference(
                token.provider_id.code, invoice_ids=[fields.Command.set(invoice.ids)]
            ),
            "amount": invoice.amount_residual,
            "currency_id": invoice.currency_id.id,
            "partner_id": invoice.partner_id.id,
            "token_id": token.id,
            "operation": "offline",
            "invoice_ids": [fields.Command.set(invoice.ids)],
            "expiry_renewal_charge_id": self.id,
        }

    def _create_transaction(self):
        self.ensure_one()
        # sudo: the payment of this renewal's invoice by the daily pass
        return self.env["payment.transaction"].sudo().create(self._prepare_transaction_values())

    # ------------------------------------------------------------------
    # Outcome of a try (now, or later from the provider's notification)
    # ------------------------------------------------------------------
    def _expiry_sync_transaction(self, tx, today=None):
        """The outcome of ``tx``, a try of this charge: done (paid, whichever
        try it is: a late notification of a try counted as refused means the
        money was taken, no new try), refused (error, cancel of the try in
        progress: tried again or handed over), or still under way. Idempotent:
        a charge is done once, a refusal counts for the try in progress only."""
        self.ensure_one()
        if tx not in self.transaction_ids:
            return
        today = (
            today
            or self.env.context.get("expiry_charge_day")
            or self.deadline_id._company_today(self.company_id)
        )
        if tx.state == "done":
            if self.state == "done":
                if len(self.transaction_ids.filtered(lambda other: other.state == "done")) > 1:
                    self._log(
                        self.env._(
                            "Payment %(reference)s of %(amount)s %(currency)s was taken too, after the "
                            "renewal was paid: refund it.",
                            reference=tx.reference,
                            amount=tx.amount,
                            currency=tx.currency_id.name,
                        )
                    )
                return
            if self.state == "abandoned":
                # the money came for a charge given up (renewal undone, invoice
                # cancelled): said, for the salesperson to refund or keep it
                self._log(
                    self.env._(
                        "Payment %(reference)s of %(amount)s %(currency)s arrived after the charge was "
                        "given up: refund it or settle it with the customer.",
                        reference=tx.reference,
                        amount=tx.amount,
                        currency=tx.currency_id.name,
                    )
                )
                return
            self.write({"state": "done", "date_next_try": False, "last_error": False})
            self._log(
                self.env._(
                    "Renewal charged: %(amount)s %(currency)s taken with %(token)s (%(reference)s).",
                    amount=tx.amount,
                    currency=tx.currency_id.name,
                    token=tx.token_id.display_name,
                    reference=tx.reference,
                )
            )
            # the payment and its reconciliation with the invoice: Odoo's post-processing
            self.env.ref("payment.cron_post_process_payment_tx")._trigger()
            return
        if self.state != "pending" or tx != self.transaction_ids.sorted("id")[-1:]:
            return
        if tx.state in ("error", "cancel"):
            self._refused(today, tx.state_message or self.env._("the payment was refused or cancelled."), tx)
        else:
            # pending or authorized: the provider tells later; checked again tomorrow
            self.date_next_try = today + ONE_DAY

    def _refused(self, today, message, tx=None, details=None):
        """A try was refused (``message``, said in the chatter; ``details``,
        kept in last_error): the next one on the company's schedule (days
        after the first try; never twice a day), or, after the last, the
        invoice is handed over."""
        self.ensure_one()
        schedule = self.company_id._expiry_charge_retry_schedule()
        first = self.date_first_try or today
        attempt = max(self.attempt_count, 1)
        next_try = None
        if attempt <= len(schedule):
            next_try = max(first + datetime.timedelta(days=schedule[attempt - 1]), today + ONE_DAY)
        reference = f" ({tx.reference})" if tx else ""
        if next_try:
            self.write({"state": "draft", "date_next_try": next_try, "last_error": details or message})
            self._log(
                self.env._(
                    "Renewal charge %(attempt)s refused%(reference)s: %(error)s It is tried again on %(date)s.",
                    attempt=attempt,
                    reference=reference,
                    error=message,
                    date=next_try,
                )
            )
            return
        self.write({"state": "failed", "date_next_try": False, "last_error": details or message})
        self._log(
            self.env._(
                "Renewal charge %(attempt)s refused%(reference)s: %(error)s No try is left.",
                attempt=attempt,
                reference=reference,
                error=message,
            )
        )
        self.deadline_id._expiry_charge_hand_over(self)

    def _log(self, message):
        """One line in the deadline's chatter (and the server log)."""
        self.ensure_one()
        _logger.info("Renewal charge %s (deadline %s): %s", self.id, self.deadline_id.id, message)
        self.deadline_id.message_post(body=Markup("<p>%s</p>") % message, subtype_xmlid="mail.mt_note")
