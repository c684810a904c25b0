# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

import logging

from markupsafe import Markup, escape

from odoo import Command, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL
from odoo.tools.pdf import PdfReadError

_logger = logging.getLogger(__name__)


class AccountMove(models.Model):
    """The invoices a deadline collects. What is owed is the core's rule
    (expiry_management: OPEN_INVOICE_DOMAIN, OPEN_ITEM_DOMAIN, the stored link
    ``expiry_deadline_id``, ``_expiry_open_items`` and ``_expiry_days_overdue``);
    the collection only owes an invoice on a running payment plan as its
    instalments."""

    _inherit = "account.move"

    expiry_collection_reason_id = fields.Many2one(
        "expiry.collection.reason",
        string="Late Payment Reason",
        tracking=True,
        copy=False,
        groups="base.group_user",  # internal: not for the customer's eyes
    )
    expiry_collection_plan_id = fields.Many2one(
        "expiry.collection.plan",
        string="Payment Plan",
        readonly=True,
        copy=False,
        index="btree_not_null",
        groups="base.group_user",  # internal: not for the customer's eyes
    )
    expiry_collection_log_ids = fields.One2many(
        "expiry.collection.log",
        "move_id",
        string="Collection Steps",
        readonly=True,
        groups="base.group_user",  # internal: not for the customer's eyes
    )

    def write(self, vals):
        if "expiry_collection_plan_id" in vals and not self.env.su:
            raise AccessError(
                self.env._("An invoice joins or leaves a payment plan through the plan's own buttons only.")
            )
        return super().write(vals)

    # ------------------------------------------------------------------
    # The open items: the core's rule, with the payment plans
    # ------------------------------------------------------------------
    def _expiry_open_items(self, today):
        """The core's open items, where an invoice on an active payment plan
        is owed as the plan's unpaid instalments (their own due dates, the
        plan line as the item's source) instead of its residual."""
        items = [
            item
            for item in super()._expiry_open_items(today)
            if item[0].expiry_collection_plan_id.state != "active"
        ]
        open_moves = self._expiry_open_moves()
        plans = open_moves.expiry_collection_plan_id.filtered(lambda p: p.state == "active")
        for plan in plans:
            for line in plan.line_ids:
                residual = line.amount - line.amount_paid
                if plan.currency_id.compare_amounts(residual, 0) > 0:
                    amount = plan.currency_id._convert(
                        residual, plan.company_id.currency_id, plan.company_id, today
                    )
                    items.append(
                        ((plan.move_ids & open_moves)[:1] or plan.move_ids[:1], line.date_due, amount, line)
                    )
        return items

    # ------------------------------------------------------------------
    # The invoice PDF, for the collection e-mails
    # ------------------------------------------------------------------
    def _expiry_invoice_pdf_attachment_values(self):
        """``{move id: attachment values}``: each invoice's PDF, the one sent
        to the customer when there is one, else rendered, all in one go."""
        result = {}
        to_render = self.browse()
        for move in self:
            document = move.invoice_pdf_report_id
            if document:
                result[move.id] = {"name": document.name, "raw": document.raw, "mimetype": "application/pdf"}
            else:
                to_render |= move
        if to_render:
            report = self.env.ref("account.account_invoices")
            try:
                parts, kind = to_render._expiry_render_invoices(report)
            except (UserError, ValueError, OSError, PdfReadError) as error:
                # wkhtmltopdf could not split one document per invoice: one each
                _logger.info("Invoice PDFs rendered one by one: %s", error)
                parts, kind = {}, "pdf"
                for move in to_render:
                    part, kind = move._expiry_render_invoices(report)
                    parts.update(part)
            for move in to_render:
                extension = "pdf" if kind == "pdf" else "html"
                result[move.id] = {
                    "name": move._get_invoice_report_filename(extension=extension),
                    "raw": parts[move.id],
                    "mimetype": "application/pdf" if kind == "pdf" else "text/html",
                }
        return result

    def _expiry_render_invoices(self, report):
        r"""\`\`({move id: content}, "pdf" or "html")\`\`: these invoices
        rendered with \`\`report\`\` in one go (HTML in tests)."""
        # their payments (the report's "Paid on" lines) read for all at once
        # sudo: the caller checked these invoices (resend copy, the daily pass); the report reads their payments
        Report = self.env["ir.actions.report"].sudo().with_context(expiry_prefetch_payments=True)
        content, kind = Report._pre_render_qweb_pdf(report, res_ids=self.ids)
        return Report._get_splitted_report(report, content, kind), kind

    def _get_all_reconciled_invoice_partials(self):
        """While rendering a batch of invoices (context key
        ``expiry_prefetch_payments``), read each invoice's payments from the
        partial reconciliations of all their receivable lines, fetched for
        the whole batch at once, instead of one query per invoice. The result
        is the same as Odoo's; exchange differences, the rare case, go the
        usual way."""
        if not self.env.context.get("expiry_prefetch_payments"):
            return super()._get_all_reconciled_invoice_partials()
        self.ensure_one()
        all_lines = self.line_ids
        lines = all_lines.filtered(
            lambda line: line.account_id.account_type in ("asset_receivable", "liability_payable")
        ).with_prefetch(all_lines._prefetch_ids)
        # (records iterated, never combined, so that they keep the batch's prefetch)
        as_debit, as_credit = lines.matched_credit_ids, lines.matched_debit_ids
        if not lines or as_debit.exchange_move_id or as_credit.exchange_move_id:
            return super()._get_all_reconciled_invoice_partials()
        rows = [(partial, partial.credit_move_id, partial.debit_amount_currency) for partial in as_debit]
        rows += [(partial, partial.debit_move_id, partial.credit_amount_currency) for partial in as_credit]
        return [
            {
                "aml_id": counterpart.id,
                "aml": counterpart,
                "partial_id": partial.id,
                "amount": amount,
                "currency": self.currency_id,
                "is_exchange": False,
            }
            for partial, counterpart, amount in rows
        ]

    def _expiry_attach_invoice_pdfs(self, mails):
        """Attach each invoice's PDF to its ``mails`` (one per invoice, by
        ``res_id``): one insert for the files, one for the links."""
        if self.env.context.get("expiry_collection_no_pdf"):
            # the demo data's pass at installation: no web server to render PDFs
            return
        values = self._expiry_invoice_pdf_attachment_values()
        mails = mails.filtered(lambda m: m.res_id in values)
        if not mails:
            return
        # sudo: the PDFs of invoices the caller checked, attached to the mails just queued
        attachments = (
            self.env["ir.attachment"]
            .sudo()
            .create(
                [
                    dict(values[mail.res_id], res_model="mail.message", res_id=mail.mail_message_id.id)
                    for mail in mails
                ]
            )
        )
        self.env.cr.execute(
            SQL(
                "INSERT INTO message_attachment_rel (message_id, attachment_id) VALUES %s ON CONFLICT DO NOTHING",
                SQL(", ").join(
                    SQL("(%s, %s)", mail.mail_message_id.id, attachment.id)
                    for mail, attachment in zip(mails, attachments, strict=True)
                ),
            )
        )
        mails.mail_message_id.invalidate_recordset(["attachment_ids"])
        mails.invalidate_recordset(["attachment_ids"])

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_expiry_resend_copy(self):
        """E-mail a copy of these invoices (with the PDF) to their customers
        at once, logged in the chatter of the deadline and the customer.
        The collection desk's (invoicing rights), on invoices the user may write
        and, for users of the deadlines app, of deadlines they may read."""
        self._expiry_check_collection_access("write")
        if self.env.user.has_group("expiry_management.group_expiry_user"):
            self.expiry_deadline_id.check_access("read")
        if self.filtered(lambda m: m.move_type != "out_invoice" or m.state != "posted"):
            raise UserError(self.env._("Only posted customer invoices can be sent again."))
        missing = self.filtered(lambda m: not m.partner_id.email_normalized)
        if missing:
            raise UserError(
                self.env._(
                    "These customers have no valid e-mail address: %s",
                    ", ".join(missing.partner_id.mapped("display_name")),
                )
            )
        template = self.env.ref("expiry_management_collection.mail_template_invoice_copy")
        # sudo: rights checked above; the template renders the PDF and logs in the deadline's chatter
        moves = self.sudo()
        # one chatter message per e-mail on the invoice, with its delivery
        mails = template.sudo()._expiry_send_batch(moves.ids)  # sudo: see above
        moves._expiry_attach_invoice_pdfs(mails)
        body = {
            move.id: self.env._(
                "Copy of invoice %(invoice)s sent to %(email)s by %(user)s.",
                invoice=move.name,
                email=move.partner_id.email_formatted,
                user=self.env.user.name,
            )
            for move in moves
        }
        moves._expiry_log_collection(body, on_invoice=set())
        self.env.ref("mail.ir_cron_mail_scheduler_action")._trigger()
        return mails

    def _expiry_log_collection(self, bodies, on_invoice=None):
        """Log ``{move id: text}`` in the chatter of the invoice's deadline
        and customer, and of the invoice (only those of ``on_invoice``, a set
        of move ids, when given), in one batch each."""
        bodies = {move_id: text for move_id, text in bodies.items() if text}
        moves = self.browse(list(bodies))

        def html(text):
            return Markup("<p>%s</p>") % escape(text)

        moves.filtered(lambda m: on_invoice is None or m.id in on_invoice)._message_log_batch(
            {move.id: html(bodies[move.id]) for move in moves}
        )
        deadlines = {}
        partners = {}
        for move in moves:
            if move.expiry_deadline_id:
                deadlines.setdefault(move.expiry_deadline_id.id, []).append(bodies[move.id])
            partners.setdefault(move.commercial_partner_id.id, []).append(bodies[move.id])
        # sudo: the deadlines and customers of these invoices, which the caller checked
        if deadlines:
            self.env["expiry.deadline"].sudo().browse(list(deadlines))._message_log_batch(
                {key: Markup("<br/>").join(html(text) for text in texts) for key, texts in deadlines.items()}
            )
        if partners:  # sudo: see above
            self.env["res.partner"].sudo().browse(list(partners))._message_log_batch(
                {key: Markup("<br/>").join(html(text) for text in texts) for key, texts in partners.items()}
            )

    def _expiry_write_off(self, reason, account=None):
        """Credit what this invoice still owes (a credit note of its residual,
        without taxes, on the write-off account), posted and reconciled."""
        self.ensure_one()
        account = (
            account
            or self.company_id.expiry_writeoff_account_id
            or self.invoice_line_ids.filtered(lambda line: line.display_type == "product")[:1].account_id
        )
        if not account:
            raise UserError(self.env._("Set the write-off account in the settings."))
        today = self.env["expiry.deadline"]._company_today(self.company_id)
        partly_paid = self.currency_id.compare_amounts(self.amount_residual, self.amount_total) < 0
        refund = self.create(
            {
                "move_type": "out_refund",
                "partner_id": self.partner_id.id,
                "currency_id": self.currency_id.id,
                "company_id": self.company_id.id,
                "journal_id": self.journal_id.id,
                "invoice_date": today,
                "reversed_entry_id": self.id,
                "expiry_deadline_id": self.expiry_deadline_id.id,
                "ref": self.env._("Write-off of %(invoice)s: %(reason)s", invoice=self.name, reason=reason),
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": self.env._(
                                "Write-off of %(invoice)s: %(reason)s", invoice=self.name, reason=reason
                            ),
                            "quantity": 1,
                            "price_unit": self.amount_residual,
                            "account_id": account.id,
                            "tax_ids": [Command.clear()],
                        }
                    )
                ],
            }
        )
        refund.action_post()
        (self.line_ids | refund.line_ids).filtered(
            lambda line: line.account_id.account_type == "asset_receivable" and not line.reconciled
        ).reconcile()
        if partly_paid:
            self._expiry_report_kept_renewals(reason)
        return refund

    def _expiry_report_kept_renewals(self, reason):
        """This renewal invoice was written off after a partial payment: its
        renewal stays (a write-off of an unpaid invoice reverses it and rolls
        the renewal back: account.move._expiry_handle_renewal_billing), and
        the deadline's chatter says so."""
        self.ensure_one()
        # sudo: the renewal lines this invoice bills (the caller may have no sale rights) and
        # their deadlines' chatter; the note names this invoice and its order only
        lines = self.sudo().invoice_line_ids.sale_line_ids.filtered(
            lambda line: line.deadline_id and "done" in line.deadline_term_ids.mapped("state")
        )
        for line in lines:
            line.deadline_id.message_post(
                body=self.env._(
                    "Invoice %(invoice)s was written off after a partial payment (%(reason)s): "
                    "the renewal by order %(order)s is kept. Adjust the deadline by hand if the "
                    "contract ends.",
                    invoice=self.name,
                    reason=reason,
                    order=line.order_id.name,
                ),
                author_id=self.env.user.partner_id.id,
                subtype_xmlid="mail.mt_note",
            )

    def action_expiry_open_deadline(self):
        self.ensure_one()
        self._expiry_check_collection_access("read")
        self.expiry_deadline_id.check_access("read")
        return self.expiry_deadline_id.get_formview_action()
