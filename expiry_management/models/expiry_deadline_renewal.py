# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Renewal of a deadline: whether it can be renewed, to which date, at which
price, and the single entry point that applies it."""

from odoo import fields, models
from odoo.exceptions import AccessError, UserError

from ..tools import MAX_YEAR, add_duration, renewal_base_date


class ExpiryDeadline(models.Model):
    _inherit = "expiry.deadline"

    # ------------------------------------------------------------------
    # May it be renewed? (one rule)
    # ------------------------------------------------------------------
    def _get_renewal_product(self, product=None):
        """The product whose duration a renewal applies: the given one when it
        is renewable (e.g. an order line's), else the deadline's."""
        self.ensure_one()
        if product and product.expiry_duration > 0:
            return product
        return self.product_id

    def _get_renewal_error(self, product=None, start=False):
        """Why this deadline cannot be renewed (with ``product``), or False.

        The one rule behind ``is_renewable``, the Renew button, the online
        renewal and the confirmation of a renewal order. ``start``: a new
        renewal is being started (quotation, cart), so the product must also
        still be sold; an order already agreed (or paid) only needs a
        renewable deadline.
        """
        self.ensure_one()
        # sudo: this deadline only (an order line's or the portal customer's
        # own), whose state and product decide; the caller checked its access
        deadline = self.sudo()
        if deadline.state == "cancelled":
            return self.env._(
                "%(deadline)s is cancelled and cannot be renewed.", deadline=deadline.display_name
            )
        renewal_product = deadline._get_renewal_product(product)
        if not renewal_product:
            return self.env._(
                "%(deadline)s has no product or service to renew.", deadline=deadline.display_name
            )
        if renewal_product.expiry_duration <= 0:
            return self.env._(
                "%(product)s has no renewal duration: set one on the product "
                "(Sales tab) before renewing %(deadline)s.",
                product=renewal_product.display_name,
                deadline=deadline.display_name,
            )
        if start and not (renewal_product.active and renewal_product.sale_ok):
            return self.env._(
                "%(product)s is archived or can no longer be sold, so %(deadline)s cannot be renewed "
                "with it; please contact us.",
                product=renewal_product.display_name,
                deadline=deadline.display_name,
            )
        try:
            deadline._get_renewal_dates(product=renewal_product)
        except ValueError:
            return self.env._(
                "%(deadline)s cannot be renewed: its new expiry date would be beyond the calendar.",
                deadline=deadline.display_name,
            )
        return False

    def _check_renewable(self, product=None, start=False):
        """Raise a UserError explaining why a deadline cannot be renewed."""
        for deadline in self:
            error = deadline._get_renewal_error(product, start=start)
            if error:
                raise UserError(error)

    # ------------------------------------------------------------------
    # To which date, at which price
    # ------------------------------------------------------------------
    def _get_renewal_dates(self, renewal_date=None, product=None):
        """Return ``(base_date, new_expiry)`` of renewing on ``renewal_date``
        (default: the company's today) with ``product``.

        The one place where a renewal's dates are decided: the base is the
        current expiry when renewed early or within the grace period, the
        renewal date otherwise; the new expiry is one product duration later.

        :raises ValueError: when the product has no duration or the date
            would leave the calendar (see _get_renewal_error)
        """
        self.ensure_one()
        renewal_product = self._get_renewal_product(product)
        renewal_date = renewal_date or self._company_today(self.company_id)
        grace = self._get_expiry_param("renewal_grace_days", self.company_id)
        base = renewal_base_date(self.date_expiry, renewal_date, grace)
        tmpl = renewal_product.product_tmpl_id
        new_expiry = add_duration(base, tmpl.expiry_duration, tmpl.expiry_duration_unit)
        if new_expiry.year > MAX_YEAR:
            raise ValueError(f"a renewal until {new_expiry} is beyond the year {MAX_YEAR}")
        return base, new_expiry

    def _get_renewal_price_unit(self, product, currency, company, date=None):
        """The agreed unit price of renewing this deadline with ``product``, in
        ``currency`` (the order's), or None when there is none and the
        pricelist decides. The one pricing rule of renewals, used by the
        back-office quotation and by the website cart alike."""
        self.ensure_one()
        # sudo: the agreed price of this deadline only, for the order renewing it
        deadline = self.sudo()
        if not deadline.price_unit or product != deadline.product_id:
            return None
        return deadline.currency_id._convert(
            deadline.price_unit,
            currency or deadline.currency_id,
            company or deadline.company_id,
            date or fields.Date.context_today(self),
        )

    def _renewal_applies_pricelist_discount(self, company=None):
        """Whether a pricelist's percentage discount applies to the agreed price
        in ``company`` (the renewal order's)."""
        return bool(self._get_expiry_param("renewal_pricelist_discount", company))

    # ------------------------------------------------------------------
    # Apply: the single entry point
    # ------------------------------------------------------------------
    def _prepare_renewal_term_values(
        self, base, new_expiry, renewal_date, renewal_product, sale_line, origin
    ):
        self.ensure_one()
        return {
            "deadline_id": self.id,
            "date_renewal": renewal_date,
            "date_start": base,
            "previous_date_expiry": self.date_expiry,
            "previous_state": self.state,
            "date_expiry": new_expiry,
            "duration": renewal_product.expiry_duration,
            "duration_unit": renewal_product.expiry_duration_unit,
            "sale_order_line_id": sale_line.id if sale_line else False,
            "origin": origin or (sale_line.order_id.name if sale_line else False),
        }

    def _prepare_renewal_deadline_values(self, term):
        """What a renewal writes on the deadline: the new expiry date of
        ``term`` and the active state (extended by the automatic renewal to
        start the new term's choices afresh)."""
        self.ensure_one()
        return {"date_expiry": term.date_expiry, "state": "active"}

    def _apply_renewal(self, renewal_date=None, product=None, sale_line=None, origin=None):
        """Extend the deadline by one duration and record the term.

        Runs as superuser on purpose: the renewal is triggered by confirming a
        sale order, possibly by a salesperson without deadline rights or by a
        payment of the public user. Callers decide who may renew.
        The partial unique index on ``expiry_deadline_term.sale_order_line_id``
        makes a sale line extend a deadline at most once, even under races.
        :return: the new ``expiry.deadline.term``
        """
        self.ensure_one()
        # sudo: superuser on purpose (see above): callers decide who may renew
        deadline = self.sudo()
        deadline._check_renewable(product)
        renewal_product = deadline._get_renewal_product(product)
        renewal_date = renewal_date or self._company_today(deadline.company_id)
        base, new_expiry = deadline._get_renewal_dates(renewal_date, renewal_product)
        term = (
            self.env["expiry.deadline.term"]
            .sudo()  # sudo: terms are read-only for users; the term of this deadline
            .create(
                deadline._prepare_renewal_term_values(
                    base, new_expiry, renewal_date, renewal_product, sale_line, origin
                )
            )
        )
        deadline.write(deadline._prepare_renewal_deadline_values(term))
        deadline._cancel_pending_mails()
        deadline.message_post(
            body=self.env._(
                "Renewed until %(date)s (previous expiry %(previous)s)%(origin)s.",
                date=new_expiry,
                previous=term.previous_date_expiry,
                origin=self.env._(" by %s", term.origin) if term.origin else "",
            ),
            subtype_xmlid="mail.mt_note",
        )
        return term

    def _cancel_pending_mails(self):
        """Cancel the automatic e-mails about these deadlines still waiting in
        the outgoing queue (reminders, "renew online" links): they speak of the
        expiry date a renewal just replaced. Conversations (comments) stay.

        :return: the cancelled ``mail.mail``
        """
        if not self:
            return self.env["mail.mail"]
        mails = (
            self.env["mail.mail"]
            .sudo()  # sudo: restricted to these deadlines' own outgoing mails by the domain
            .search(
                [
                    ("model", "=", self._name),
                    ("res_id", "in", self.ids),
                    ("state", "=", "outgoing"),
                    ("message_type", "!=", "comment"),
                ]
            )
        )
        mails.cancel()
        return mails

    # ------------------------------------------------------------------
    # Renew button: a quotation linked to the deadline
    # ------------------------------------------------------------------
    def _prepare_renewal_order_line_values(self):
        """The renewal line; its unit price is the agreed one
        (sale.order.line._get_display_price asks _get_renewal_price_unit)."""
        self.ensure_one()
        return {
            "product_id": self._get_renewal_product().id,
            "product_uom_qty": self.quantity or 1.0,
            "deadline_id": self.id,
        }

    def _prepare_renewal_order_values(self):
        self.ensure_one()
        values = {
            "partner_id": self.partner_id.id,
            "company_id": self.company_id.id,
            "origin": self.name,
            "order_line": [fields.Command.create(self._prepare_renewal_order_line_values())],
        }
        if self.user_id:
            values["user_id"] = self.user_id.id
        # sudo: the team of this deadline, copied to its renewal order
        team = self.sudo().team_id
        if team:
            values["team_id"] = team.id
        return values

    def _get_open_renewal_lines(self):
        """Renewal order lines of these deadlines not yet confirmed."""
        return self.env["sale.order.line"].search(
            [("deadline_id", "in", self.ids), ("state", "in", ("draft", "sent"))]
        )

    def _check_back_office_access(self):
        """The back-office buttons of a deadline's renewals: for employees who
        may read it (the customer renews through the portal's own routes)."""
        if not self.env.su and not self.env.user._is_internal():
            raise AccessError(self.env._("The renewals of a deadline are managed by its salespeople."))
        self.check_access("read")

    def action_renew(self):
        """Create (or reopen) the renewal quotation of this deadline."""
        self.ensure_one()
        # before the renewal rule (which reads as superuser) says anything of it
        self._check_back_office_access()
        self._check_renewable(start=True)
        order = self._get_open_renewal_lines()[:1].order_id
        if not order:
            order = self.env["sale.order"].create(self._prepare_renewal_order_values())
            self.message_post(
                body=self.env._("Renewal quotation %s created.", order._get_html_link()),
                subtype_xmlid="mail.mt_note",
            )
        return {
            "type": "ir.actions.act_window",
            "res_model": "sale.order",
            "res_id": order.id,
            "views": [(False, "form")],
            "target": "current",
        }

    def action_view_sale_orders(self):
        self.ensure_one()
        self._check_back_office_access()
        action = self.env["ir.actions.act_window"]._for_xml_id("sale.action_quotations_with_onboarding")
        action["domain"] = [("order_line.deadline_id", "=", self.id)]
        action["context"] = {"create": False}
        return action

    def action_view_terms(self):
        self.ensure_one()
        self._check_back_office_access()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "expiry_management.action_expiry_deadline_term"
        )
        action["domain"] = [("deadline_id", "=", self.id)]
        action["context"] = {"create": False}
        return action
