# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""How a deadline renews: by hand (an order someone confirms or pays) or by
itself on its expiry day, unless the customer stops it before its notice
date; and the customer's "I will not renew" with its reason. The daily pass's
automatic renewal is in expiry_deadline_auto_renew.py."""

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools.misc import format_date

from ..tools import MAX_WINDOW_DAYS, add_duration, notice_date
from .account_move import OPEN_ITEM_DOMAIN

RENEWAL_MODES = [
    ("manual", "Manual"),
    ("automatic", "Automatic"),
]


def check_notice_days(env, record_name, notice_days, duration=0, unit=None):
    """Raise a ValidationError when ``notice_days`` is negative, absurdly
    large, or not shorter than one renewal duration (``duration`` ``unit``)."""
    if notice_days < 0:
        raise ValidationError(
            env._("The notice period of %(record)s cannot be negative.", record=record_name)
        )
    if notice_days > MAX_WINDOW_DAYS:
        raise ValidationError(
            env._(
                "The notice period of %(record)s can be at most %(max)s days.",
                record=record_name,
                max=MAX_WINDOW_DAYS,
            )
        )
    if notice_days and duration and unit:
        reference = fields.Date.to_date("2001-01-01")
        try:
            length = (add_duration(reference, duration, unit) - reference).days
        except ValueError:
            return
        if notice_days >= length:
            raise ValidationError(
                env._(
                    "The notice period of %(record)s (%(days)s days) must be shorter than one "
                    "renewal (%(length)s days).",
                    record=record_name,
                    days=notice_days,
                    length=length,
                )
            )


class ExpiryDeadline(models.Model):
    _inherit = "expiry.deadline"

    renewal_mode = fields.Selection(
        RENEWAL_MODES,
        compute="_compute_renewal_mode",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
        tracking=True,
        help="Manual: each renewal needs an order someone confirms or pays. Automatic: the daily pass "
        "renews the deadline on its expiry date (and charges the saved payment method), unless the "
        "customer stopped it before the notice date. Defaults to the product's.",
    )
    notice_days = fields.Integer(
        string="Notice Period (Days)",
        compute="_compute_renewal_mode",
        store=True,
        readonly=False,
        precompute=True,
        tracking=True,
        help="How many days before the expiry date the customer must stop an automatic renewal. "
        "Defaults to the product's.",
    )
    date_notice = fields.Date(
        string="Notice Date",
        compute="_compute_date_notice",
        store=True,
        index="btree_not_null",
        help="The last day the customer may stop the automatic renewal: the expiry date minus the "
        "notice period. Empty for manual renewals.",
    )
    auto_renew = fields.Boolean(
        string="Renews Automatically",
        compute="_compute_auto_renew",
        store=True,
        readonly=False,
        index=True,
        tracking=True,
        help="An automatic deadline the customer has not stopped: the daily pass renews it on its "
        "expiry date.",
    )
    payment_token_id = fields.Many2one(
        "payment.token",
        string="Renewal Payment Method",
        tracking=True,
        check_company=True,
        ondelete="set null",
        groups="base.group_user",
        domain="[('partner_id', 'child_of', commercial_partner_id), ('company_id', '=', company_id)]",
        help="The customer's saved payment method charged when the deadline renews automatically.",
    )
    lost_reason_id = fields.Many2one(
        "expiry.lost.reason",
        tracking=True,
        index="btree_not_null",
        ondelete="restrict",
        help="Why the customer does not renew: set when the deadline is closed without renewal, "
        "or when the customer declines or stops the automatic renewal in the portal.",
    )
    date_declined = fields.Date(
        string="Declined On",
        readonly=True,
        copy=False,
        tracking=True,
        help="The day the customer said they will not renew this term (or stopped its automatic "
        "renewal). The timed e-mails of the term stop; a renewal starts the next term afresh.",
    )

    @api.depends("product_id")
    def _compute_renewal_mode(self):
        for deadline in self:
            template = deadline.product_id.product_tmpl_id
            if template:
                deadline.renewal_mode = template.renewal_mode or "manual"
                deadline.notice_days = template.notice_days
            elif not deadline.renewal_mode:
                deadline.renewal_mode = "manual"
                deadline.notice_days = 0

    @api.depends("date_expiry", "notice_days", "renewal_mode")
    def _compute_date_notice(self):
        for deadline in self:
            if deadline.renewal_mode != "automatic" or not deadline.date_expiry:
                deadline.date_notice = False
                continue
            try:
                deadline.date_notice = notice_date(deadline.date_expiry, deadline.notice_days)
            except ValueError:
                deadline.date_notice = False

    @api.depends("renewal_mode")
    def _compute_auto_renew(self):
        for deadline in self:
            deadline.auto_renew = deadline.renewal_mode == "automatic" and not deadline.date_declined

    @api.constrains("notice_days", "product_id")
    def _check_notice_days(self):
        for deadline in self:
            template = deadline.product_id.product_tmpl_id
            check_notice_days(
                self.env,
                deadline.display_name,
                deadline.notice_days,
                template.expiry_duration,
                template.expiry_duration_unit,
            )

    @api.constrains("auto_renew", "renewal_mode")
    def _check_auto_renew(self):
        for deadline in self:
            if deadline.auto_renew and deadline.renewal_mode != "automatic":
                raise ValidationError(
                    self.env._(
                        "%(deadline)s renews by hand: it cannot renew automatically.",
                        deadline=deadline.display_name,
                    )
                )

    # ------------------------------------------------------------------
    # The rules of the customer's choice and of the renewal push (one place
    # each: the portal, the reminder ladder and the automatic renewal ask them)
    # ------------------------------------------------------------------
    def _get_auto_renew_change_error(self):
        """Why the automatic renewal of this deadline can no longer be
        stopped or resumed (a translated sentence), or False when it can: an
        automatic deadline, active, on or before its notice date (the
        company's day)."""
        self.ensure_one()
        # sudo: reads this deadline's own mode, state and dates (callers checked their access to it)
        deadline = self.sudo()
        if deadline.renewal_mode != "automatic":
            return self.env._(
                "%s renews by hand: there is no automatic renewal to change.", self.display_name
            )
        if deadline.state != "active":
            labels = dict(self._fields["state"]._description_selection(self.env))
            return self.env._(
                "%(deadline)s is %(state)s: its automatic renewal can no longer be changed.",
                deadline=self.display_name,
                state=labels[deadline.state],
            )
        today = deadline._company_today(deadline.company_id)
        if not deadline.date_notice or today > deadline.date_notice:
            return self.env._(
                "The notice date of %(deadline)s (%(date)s) has passed: its automatic renewal can no "
                "longer be changed. Contact us if you need help.",
                deadline=self.display_name,
                date=format_date(self.env, deadline.date_notice or deadline.date_expiry),
            )
        return False

    def _get_renewal_push_block(self, *, arrears_in_checkout=False):
        """Why the customer must not be pushed to renew this deadline now
        (no "renew now" e-mail, no portal Renew button), a translated
        sentence, or False: an invoice of the deadline is overdue (the
        collection addon adds a dispute).

        ``arrears_in_checkout``: whether the renewal's checkout carries what
        is overdue (see _expiry_arrears_in_checkout); then an overdue invoice
        does not block; None asks _expiry_arrears_in_checkout. False by
        default: one deadline asked alone (the automatic renewal charges its
        renewal invoice, there is no checkout). Keyword-only: every caller
        says which.
        """
        self.ensure_one()
        return self._get_renewal_push_blocks(arrears_in_checkout=arrears_in_checkout).get(self.id, False)

    def _expiry_arrears_in_checkout(self):
        """Whether the online renewal of this deadline, now, puts what is
        overdue (see _get_renewal_arrears) in the same checkout, so that the
        overdue invoice no longer holds its "renew now" push back (and the
        e-mail says the renewal includes it).
        No checkout in the core: False; the portal addon says which (those
        its customer can renew online now). Asked per deadline (cheap: the
        reminder ladder asks it for a batch)."""
        self.ensure_one()
        return False

    def _get_renewal_push_blocks(self, arrears_in_checkout=None):
        """``{deadline id: reason}`` of these deadlines whose renewal push is
        blocked (see _get_renewal_push_block); a few queries whatever their
        number (the reminder ladder asks it for a batch).

        ``arrears_in_checkout``: None (the "renew now" e-mails, the portal)
        asks _expiry_arrears_in_checkout: when the renewal's checkout carries
        the overdue amount, an overdue invoice no longer blocks (a dispute
        still does)."""
        blocks = {}
        if not self.ids:
            return blocks
        if arrears_in_checkout is None:
            # per deadline: only those whose online renewal carries the arrears now
            in_checkout = {deadline.id for deadline in self if deadline._expiry_arrears_in_checkout()}
        else:
            in_checkout = set(self.ids) if arrears_in_checkout else set()
        held = self.browse([deadline_id for deadline_id in self.ids if deadline_id not in in_checkout])
        for deadline_id, arrears in held._get_renewal_arrears_by_deadline().items():
            move, date_due, _residual = arrears[0]
            blocks[deadline_id] = self.env._(
                "The invoice %(invoice)s of %(deadline)s is overdue since %(date)s: it is to be paid "
                "before the renewal.",
                invoice=move.name,
                # sudo: the deadline's own name (the caller reads its block)
                deadline=self.browse(deadline_id).sudo().display_name,
                date=format_date(self.env, date_due),
            )
        return blocks

    def _get_renewal_arrears(self):
        """What this deadline's current customer owes overdue on it:
        ``[(invoice, due date, residual)]``, the oldest first; the residual
        is the invoice's own (amount_residual, in its currency). The rule of
        the push block, and what the portal's renewal checkout carries."""
        self.ensure_one()
        return self._get_renewal_arrears_by_deadline().get(self.id, [])

    def _get_renewal_arrears_summary(self):
        """What the "renew now" e-mails say of the overdue amount the online
        renewal carries: ``{"amount", "currency", "items": [(invoice name,
        due date)]}``, or False (nothing overdue, or no checkout carries it:
        then the e-mail is held back by the push block instead)."""
        self.ensure_one()
        if not self._expiry_arrears_in_checkout():
            return False
        arrears = self._get_renewal_arrears()
        if not arrears:
            return False
        return {
            "amount": sum(residual for _move, _date_due, residual in arrears),
            "currency": arrears[0][0].currency_id,
            "items": [(move.name, date_due) for move, date_due, _residual in arrears],
        }

    def _get_renewal_arrears_by_deadline(self):
        """``{deadline id: [(invoice, due date, residual)]}`` (see
        _get_renewal_arrears) of these deadlines that have overdue invoices;
        one search whatever their number."""
        result = {}
        if not self.ids:
            return result
        # sudo: the open invoices of these deadlines only; _expiry_open_moves keeps
        # those of the deadline's own company, and the reason names only its own invoice
        moves = (
            self.env["account.move"]
            .sudo()
            .search(OPEN_ITEM_DOMAIN + [("expiry_deadline_id", "in", self.ids)])
        )
        if not moves:
            return result
        # sudo: the companies and dates of these deadlines (see above)
        for deadline in self.sudo():
            # only what its current customer owes in its company: a deadline moved to
            # another customer is not held (nor named) by the previous one's invoice
            mine = moves.filtered(
                lambda m, d=deadline: m.expiry_deadline_id == d
                and m.commercial_partner_id == d.commercial_partner_id
                and m.company_id == d.company_id
            )
            if not mine:
                continue
            today = deadline._company_today(deadline.company_id)
            overdue = {}
            # an invoice is overdue when one of its items is (a payment plan's
            # instalment, with the collection addon): the oldest due date counts
            for move, date_due, amount, _source in mine._expiry_open_items(today):
                if date_due and date_due < today and amount > 0:
                    overdue[move] = min(overdue.get(move, date_due), date_due)
            if overdue:
                result[deadline.id] = sorted(
                    ((move, date_due, move.amount_residual) for move, date_due in overdue.items()),
                    key=lambda item: (item[1], item[0].id),
                )
        return result

    def _expiry_reprepare_reminders(self):
        """The renewal terms of these deadlines changed (renewal mode, notice
        period, automatic renewal on or off): the e-mails of the current term
        not sent yet whose stage no longer applies, or whose day moved, are
        cancelled (code ``changed``), and the ladder is prepared again at once
        (a cancelled row comes back when its stage applies again). A declined
        term is left alone: the decline cancels its e-mails itself."""
        # sudo: the e-mails of the deadlines being written (the caller may write them)
        deadlines = self.sudo().filtered(lambda d: d.date_expiry and not d.date_declined)
        if not deadlines:
            return
        # sudo: the timed e-mails of these deadlines only (domain below), re-prepared with them
        Reminder = self.env["expiry.reminder"].sudo()
        rows = Reminder.search(
            [("deadline_id", "in", deadlines.ids), ("state", "in", ("scheduled", "failed"))]
        )
        moved = rows.filtered(
            lambda r: r.date_expiry == r.deadline_id.date_expiry
            and r.stage_id._get_due_date(r.deadline_id) != r.date_due
        )
        moved._set_cancelled(
            self.env._("Not sent: the renewal mode or the notice period of the deadline changed."), "changed"
        )
        for company in deadlines.company_id:
            mine = deadlines.filtered(lambda d, c=company: d.company_id == c)
            Reminder._prepare_reminders(company, self._company_today(company), deadlines=mine)

    # ------------------------------------------------------------------
    # The customer's choice for the current term (portal and back office)
    # ------------------------------------------------------------------
    def _expiry_decline(self, lost_reason=None, stop_only=False, by_customer=True):
        """The customer will not renew this term (``stop_only``: an automatic
        deadline whose customer stopped the automatic renewal). Records the
        day and the reason (on the deadline and its last term), stops the
        timed e-mails of the term, tells the salesperson. Callers check who may
        (portal: portal_set_auto_renew and the decline route; back office:
        the deadline's write access)."""
        # sudo: the decision of these deadlines' customer or salesperson, checked by the caller
        for deadline in self.sudo():
            today = deadline._company_today(deadline.company_id)
            deadline.write(deadline._prepare_decline_values(lost_reason, today))
            last_term = deadline.term_ids.filtered(lambda t: t.state == "done")[:1]
            if last_term and lost_reason:
                last_term.lost_reason_id = lost_reason
            deadline._expiry_cancel_term_reminders(
                self.env._("Not sent: the customer said they will not renew."), "declined"
            )
            deadline._expiry_notify_decline(lost_reason, stop_only, by_customer)

    def _prepare_decline_values(self, lost_reason, today):
        self.ensure_one()
        return {
            "auto_renew": False,
            "date_declined": today,
            "lost_reason_id": lost_reason.id if lost_reason else False,
        }

    def _expiry_resume(self, by_customer=True):
        """Undo _expiry_decline before the notice date: the automatic renewal
        (or the timed e-mails) of the term go on."""
        # sudo: the decision of these deadlines' customer or salesperson, checked by the caller
        for deadline in self.sudo():
            last_term = deadline.term_ids.filtered(lambda t: t.state == "done")[:1]
            if last_term and last_term.lost_reason_id == deadline.lost_reason_id:
                last_term.lost_reason_id = False
            deadline.write(
                {
                    "auto_renew": deadline.renewal_mode == "automatic",
                    "date_declined": False,
                    "lost_reason_id": False,
                }
            )
            # the term's e-mails the decline cancelled are scheduled again (the
            # daily pass's catch-up rule cancels those whose day is long past)
            reminders = deadline.reminder_ids.filtered(
                lambda r, d=deadline: r.state == "cancelled"
                and r.cancel_code == "declined"
                and r.date_expiry == d.date_expiry
            )
            reminders.write({"state": "scheduled", "cancel_code": False, "error": False})
            activity_type = self.env.ref(
                "expiry_management.mail_activity_type_renewal_declined", raise_if_not_found=False
            )
            if activity_type:
                deadline.activity_ids.filtered(lambda a, t=activity_type: a.activity_type_id == t).unlink()
            if by_customer:
                text = self.env._("The customer changed their mind: the deadline renews again as agreed.")
            else:
                text = self.env._(
                    "%(who)s undid the stop: the deadline renews again as agreed.", who=self.env.user.name
                )
            deadline.message_post(
                body=text,
                subtype_xmlid="mail.mt_note",
            )

    def _expiry_cancel_term_reminders(self, reason, code):
        """Cancel the timed e-mails of the current term not sent yet."""
        self.ensure_one()
        reminders = self.reminder_ids.filtered(
            lambda r: r.date_expiry == self.date_expiry and r.state in ("scheduled", "failed", "queued")
        )
        reminders._set_cancelled(reason, code)
        return reminders

    def _expiry_notify_decline(self, lost_reason, stop_only, by_customer=True):
        """Tell the salesperson: a note in the chatter and one open "Renewal
        Declined" activity (not one more per change of mind)."""
        self.ensure_one()
        if by_customer:
            who = self.env._("The customer")
        else:
            who = self.env.user.name
        if stop_only:
            text = self.env._(
                "%(who)s stopped the automatic renewal of %(deadline)s.", who=who, deadline=self.display_name
            )
        else:
            text = self.env._("%(who)s will not renew %(deadline)s.", who=who, deadline=self.display_name)
        reason = lost_reason.name if lost_reason else self.env._("no reason given")
        body = Markup("<p>%s</p><p>%s</p>") % (text, self.env._("Reason: %s", reason))
        self.message_post(body=body, subtype_xmlid="mail.mt_note")
        activity_type = self.env.ref(
            "expiry_management.mail_activity_type_renewal_declined", raise_if_not_found=False
        )
        if not self.user_id or not activity_type:
            return
        if self.activity_ids.filtered(lambda a: a.activity_type_id == activity_type):
            return
        self.activity_schedule(
            activity_type_id=activity_type.id,
            user_id=self.user_id.id,
            summary=text,
            note=body,
        )
