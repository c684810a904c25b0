# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

# What a customer owes, defined once (the collection addon builds on it):
#: a customer invoice still owed: posted, not paid, not in payment, not reversed
OPEN_INVOICE_DOMAIN = [
    ("move_type", "=", "out_invoice"),
    ("state", "=", "posted"),
    ("payment_state", "in", ("not_paid", "partial")),
]
#: an open item: an open invoice linked to a deadline (the "Unpaid Renewals" list)
OPEN_ITEM_DOMAIN = OPEN_INVOICE_DOMAIN + [("expiry_deadline_id", "!=", False)]


def days_overdue(due_date, today):
    """Whole days ``today`` is past ``due_date`` (0 when not yet overdue;
    an item due today is not overdue)."""
    if not due_date:
        return 0
    return max((today - due_date).days, 0)


class AccountMove(models.Model):
    """The invoices a deadline is owed: its renewal orders' invoices and any
    customer invoice linked to it by hand (e.g. premium instalments)."""

    _inherit = "account.move"

    expiry_deadline_id = fields.Many2one(
        "expiry.deadline",
        string="Deadline",
        compute="_compute_expiry_deadline_id",
        store=True,
        readonly=False,
        index="btree_not_null",
        copy=False,
        tracking=True,
        check_company=True,
        domain="[('commercial_partner_id', '=', commercial_partner_id)]",
        groups="base.group_user",
        help="The policy, contract or licence this invoice is for: what it still owes is followed on the "
        "deadline.",
    )
    expiry_days_overdue = fields.Integer(
        string="Days Overdue",
        compute="_compute_expiry_days_overdue",
        help="Days since the due date (or, without one, the invoice date) of an unpaid invoice, in the "
        "company's time zone.",
    )

    def init(self):
        result = super().init()
        # What the unpaid list, the figures and the collection pass read.
        self.env.cr.execute(
            """
            CREATE INDEX IF NOT EXISTS account_move_expiry_open_idx
                ON account_move (company_id, invoice_date_due, expiry_deadline_id)
             WHERE expiry_deadline_id IS NOT NULL AND move_type = 'out_invoice'
               AND state = 'posted' AND payment_state IN ('not_paid', 'partial')
            """
        )
        return result

    @api.depends("invoice_line_ids.sale_line_ids.deadline_id")
    def _compute_expiry_deadline_id(self):
        for move in self:
            deadlines = move.invoice_line_ids.sale_line_ids.deadline_id
            if deadlines:
                move.expiry_deadline_id = deadlines[:1]
            elif not move.expiry_deadline_id:
                move.expiry_deadline_id = False

    @api.constrains("expiry_deadline_id", "partner_id")
    def _check_expiry_deadline_partner(self):
        for move in self.filtered("expiry_deadline_id"):
            # sudo: compares the customers only; the deadline is named only if the user may read it
            deadline = move.expiry_deadline_id.sudo()
            if deadline.commercial_partner_id != move.commercial_partner_id:
                if not move.expiry_deadline_id.has_access("read"):
                    raise ValidationError(
                        self.env._(
                            "The invoice %(invoice)s is for %(partner)s, not for the customer of this deadline.",
                            invoice=move.display_name,
                            partner=move.commercial_partner_id.display_name,
                        )
                    )
                raise ValidationError(
                    self.env._(
                        "The invoice %(invoice)s is for %(partner)s, not for the customer of the deadline %(deadline)s.",
                        invoice=move.display_name,
                        partner=move.commercial_partner_id.display_name,
                        deadline=deadline.display_name,
                    )
                )

    # ------------------------------------------------------------------
    # The open items: one rule for the lists, the figures and the collection
    # ------------------------------------------------------------------
    def _expiry_owed_since(self):
        """The date this invoice is owed from: its due date, else its invoice date."""
        self.ensure_one()
        return self.invoice_date_due or self.invoice_date

    def _expiry_days_overdue(self, today):
        """Days this invoice is overdue on ``today`` (0 unless it is open)."""
        self.ensure_one()
        if not self.filtered_domain(OPEN_INVOICE_DOMAIN):
            return 0
        return days_overdue(self._expiry_owed_since(), today)

    @api.depends("invoice_date_due", "invoice_date", "move_type", "state", "payment_state", "company_id")
    def _compute_expiry_days_overdue(self):
        Deadline = self.env["expiry.deadline"]
        todays = {}
        for move in self:
            company = move.company_id
            if company not in todays:
                todays[company] = Deadline._company_today(company)
            move.expiry_days_overdue = move._expiry_days_overdue(todays[company])

    def _expiry_open_items(self, today):
        """What is still owed on these invoices and when it was due:
        ``[(move, due date, residual in the company currency, source)]``,
        for the open items among them (OPEN_ITEM_DOMAIN) of their deadline's
        company. ``source`` is False here: the collection addon owes an
        invoice on a payment plan as the plan's instalments (their lines).

        :param today: the day the amounts are converted on
        """
        return [
            (move, move._expiry_owed_since(), move.amount_residual_signed, False)
            for move in self._expiry_open_moves()
        ]

    def _expiry_open_moves(self):
        """These invoices that are open items: of a deadline of their company."""
        # sudo: compares the companies only
        return self.filtered_domain(OPEN_ITEM_DOMAIN).filtered(
            lambda m: m.company_id == m.expiry_deadline_id.sudo().company_id
        )

    def action_expiry_schedule_collection_call(self):
        """Plan a payment reminder call for each unpaid renewal invoice."""
        if not self.env.su and not self.env.user.has_group("account.group_account_invoice"):
            raise AccessError(self.env._("Only invoicing users can plan payment reminder calls."))
        self.check_access("write")
        if self.filtered_domain(OPEN_INVOICE_DOMAIN) != self:
            raise UserError(
                self.env._("Payment reminder calls are planned for unpaid customer invoices only.")
            )
        for move in self:
            move.activity_schedule(
                "expiry_management.mail_activity_type_payment_reminder",
                date_deadline=self.env["expiry.deadline"]._company_today(move.company_id),
                summary=self.env._("Payment reminder: %(invoice)s", invoice=move.name),
                user_id=(move.invoice_user_id or self.env.user).id,
            )
        return True

    # ------------------------------------------------------------------
    # The way back: a renewal invoice refunded, cancelled or written off
    # ------------------------------------------------------------------
    def _post(self, soft=True):
        posted = super()._post(soft)
        posted._expiry_handle_renewal_billing(posted=True)
        return posted

    def write(self, vals):
        result = super().write(vals)
        if vals.get("state") == "cancel":
            self._expiry_handle_renewal_billing()
        return result

    def _expiry_is_written_off(self):
        """Whether this customer invoice is settled in full without money: it
        is reconciled with entries that are neither payments, bank statement
        lines nor credit notes only (a write-off to a loss account)."""
        self.ensure_one()
        counterparts = self._expiry_settling_moves()
        if not counterparts or any(move.origin_payment_id or move.statement_line_id for move in counterparts):
            return False
        # an entry that moves the receivable to another receivable (doubtful
        # debtors, another payer) leaves the debt owed: no write-off
        return any(
            move.move_type == "entry"
            and any(line.account_id.account_type != "asset_receivable" for line in move.line_ids)
            for move in counterparts
        )

    def _expiry_is_paid_with_money(self):
        """Whether this customer invoice is paid in full with money: it is
        settled by payments (of a payment transaction still done, when it came
        from one) or bank statement lines, and by nothing else than those and
        credit notes (no write-off). The one money rule of the renewal gate
        (sale.order._expiry_is_paid_in_full)."""
        self.ensure_one()
        counterparts = self._expiry_settling_moves()

        def is_money(move):
            if move.statement_line_id:
                return True
            if not move.origin_payment_id:
                return False
            transaction = move.origin_payment_id.payment_transaction_id
            if not transaction:
                return True
            if transaction.state != "done":
                return False
            # a payment refunded in full through its provider is no money kept
            refunded = sum(
                transaction.child_transaction_ids.filtered(
                    lambda tx: tx.operation == "refund" and tx.state == "done"
                ).mapped("amount")
            )
            return transaction.currency_id.compare_amounts(transaction.amount + refunded, 0) > 0

        money = counterparts.filtered(is_money)
        return bool(money) and all(move.move_type == "out_refund" for move in counterparts - money)

    def _expiry_settling_moves(self):
        """The moves that settle this posted customer invoice in full (its
        receivable is reconciled with them); none while it is not settled."""
        self.ensure_one()
        if (
            self.move_type != "out_invoice"
            or self.state != "posted"
            or self.payment_state not in ("paid", "in_payment")
        ):
            return self.browse()
        receivables = self.line_ids.filtered(lambda aml: aml.account_id.account_type == "asset_receivable")
        return (
            receivables.matched_credit_ids.credit_move_id | receivables.matched_debit_ids.debit_move_id
        ).move_id - self

    def _expiry_refund_reason(self):
        """What these refunding moves did, for the deadline's chatter."""
        reasons = []
        for move in self:
            if move.move_type == "out_refund":
                reasons.append(self.env._("refunded by credit note %(move)s", move=move.name))
            elif move.state == "cancel":
                reasons.append(self.env._("invoice %(move)s cancelled", move=move.name))
            elif move.payment_state == "reversed":
                reasons.append(self.env._("invoice %(move)s reversed", move=move.name))
            else:
                reasons.append(self.env._("invoice %(move)s written off", move=move.name))
        return ", ".join(reasons)

    def _expiry_handle_renewal_billing(self, posted=False):
        """React on these moves for the renewals they bill (the one place of
        "the way back", called when moves are posted, cancelled or reconciled):
        a renewal whose invoices are fully refunded, cancelled or written off
        is reverted (sale.order.line._expiry_revert_renewals); a partial credit
        note keeps it and says so; a renewal rolled back by a refund and billed
        again applies again.

        :param posted: ``self`` was just posted
        """
        # sudo: the accountant (or a payment notification) may have no sale or
        # deadline rights; only the renewal lines these moves bill are read
        moves = self.sudo().filtered(lambda move: move.move_type in ("out_invoice", "out_refund"))
        if not moves:
            return
        lines = moves.invoice_line_ids.sale_line_ids.filtered("deadline_id")
        for line in lines:
            status, refunding = line._expiry_refund_status()
            if status == "full":
                line._expiry_revert_renewals(refunding._expiry_refund_reason(), source="invoice")
            elif status == "partial" and posted and refunding & moves:
                line._expiry_report_partial_refund(refunding & moves)
        invoices = moves.filtered(lambda move: move.move_type == "out_invoice")
        renewal_lines = invoices.invoice_line_ids.sale_line_ids.filtered("deadline_id")
        if posted:
            renewal_lines._expiry_reapply_rebilled_renewals()
        # an order confirmed before being paid in full renews once its
        # invoices are paid (the gate decides: sale.order._expiry_release_renewals)
        renewal_lines.order_id._expiry_release_renewals()
