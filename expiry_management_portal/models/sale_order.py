# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models
from odoo.exceptions import UserError

from odoo.addons.expiry_management.tools import parse_id


class SaleOrder(models.Model):
    _inherit = "sale.order"

    expiry_guest_renewal = fields.Boolean(
        string="Renewal from a Share Link",
        copy=False,
        readonly=True,
        groups="base.group_user",
        help="Opened by a visitor holding a deadline's share link: the renewal of that deadline "
        "only, paid on this quotation's own portal page.",
    )

    # ------------------------------------------------------------------
    # Online renewal: put a deadline into the website cart
    # ------------------------------------------------------------------
    def _cart_add_renewal(self, deadline):
        """Put the renewal of ``deadline`` into this cart (once) and return the line.

        Checks that the customer of the cart may renew the deadline online now.
        A line already in the cart whose agreed terms changed since (the
        deadline's price or quantity) is replaced at the new terms.
        """
        self.ensure_one()
        # sudo: the caller's cart (website.sale_get_order), checked against its customer below
        deadline = deadline.sudo().exists()
        if not deadline:
            raise UserError(self.env._("This deadline does not exist."))
        deadline._check_portal_renewal(self.partner_id)
        stale = self.order_line.filtered(
            lambda line: line.deadline_id == deadline
            and line.deadline_expiry_ordered
            and line._expiry_get_changed_terms_reason()
        )
        if stale:
            stale.unlink()
        product = deadline._get_renewal_product()
        # all or nothing: the renewal with the overdue amount it carries
        # (sale_order_arrears.py, after every cart update), or neither
        with self.env.cr.savepoint():
            result = self._cart_update(product_id=product.id, set_qty=1, deadline_id=deadline.id)
            self._expiry_sync_arrears()
        return self.env["sale.order.line"].browse(result.get("line_id"))

    def _expiry_parse_deadline_id(self, deadline_id):
        """The deadline id a cart request names (False when it names none).
        Parsed once, strictly, for every cart hook."""
        if deadline_id in (None, False, ""):
            return False
        number = parse_id(deadline_id)
        if not number:
            raise UserError(self.env._("This deadline does not exist."))
        return number

    def _expiry_get_deadline(self, deadline_id):
        """The deadline a cart operation refers to, checked against this cart's
        customer. ``deadline_id`` may come straight from a form (string)."""
        self.ensure_one()
        number = self._expiry_parse_deadline_id(deadline_id)
        # sudo: any id a form names; checked against this cart's customer right after
        deadline = self.env["expiry.deadline"].sudo().browse(number).exists() if number else None
        if not deadline:
            raise UserError(self.env._("This deadline does not exist."))
        deadline._check_portal_renewal(self.partner_id)
        return deadline

    def _expiry_check_line_deadline(self, line, deadline_id):
        """A cart line keeps the deadline it was created for: a request naming
        another deadline for it (or a deadline for a plain line) is refused."""
        number = self._expiry_parse_deadline_id(deadline_id)
        if line and number and line.deadline_id.id != number:
            raise UserError(
                self.env._("This cart line cannot be changed into the renewal of another deadline.")
            )

    def _cart_find_product_line(self, product_id=None, line_id=None, deadline_id=False, **kwargs):
        if line_id:
            lines = super()._cart_find_product_line(product_id, line_id, **kwargs)
            self._expiry_check_line_deadline(lines[:1], deadline_id)
            return lines
        number = self._expiry_parse_deadline_id(deadline_id)
        if number:
            # A deadline has one renewal line per cart, whatever else the
            # request says (linked line, attributes).
            return self.order_line.filtered(
                lambda line: line.deadline_id.id == number and line.product_id.id == product_id
            )
        # A plain purchase of the product never lands on (or increases) a renewal line.
        lines = super()._cart_find_product_line(product_id, line_id, **kwargs)
        return lines.filtered(lambda line: not line.deadline_id)

    def _verify_updated_quantity(self, order_line, product_id, new_qty, deadline_id=False, **kwargs):
        new_qty, warning = super()._verify_updated_quantity(order_line, product_id, new_qty, **kwargs)
        self._expiry_check_line_deadline(order_line, deadline_id)
        deadline = order_line.deadline_id
        if not deadline and deadline_id:
            deadline = self._expiry_get_deadline(deadline_id)
        if deadline:
            # A renewal renews the deadline's quantity, not more, not less.
            quantity = deadline.quantity or 1.0
            if new_qty != quantity and order_line:
                warning = self.env._("The quantity of a renewal is the one of the renewed deadline.")
            return quantity, warning
        return new_qty, warning

    def _prepare_order_line_values(self, product_id, quantity, deadline_id=False, **kwargs):
        values = super()._prepare_order_line_values(product_id, quantity, **kwargs)
        if not deadline_id:
            return values
        deadline = self._expiry_get_deadline(deadline_id)
        if values["product_id"] != deadline._get_renewal_product().id:
            raise UserError(
                self.env._("This product does not renew %(deadline)s.", deadline=deadline.display_name)
            )
        values.update(
            deadline_id=deadline.id,
            deadline_expiry_ordered=deadline.date_expiry,
            deadline_price_ordered=deadline.price_unit,
            # a renewal is a line of its own, never an option of another line
            linked_line_id=False,
        )
        return values

    def _check_cart_is_ready_to_be_paid(self):
        """Refuse to pay for a renewal that is no longer valid (renewed in
        another order meanwhile, cancelled, out of its window, its price or
        quantity changed): the rule every payment route asks
        (sale.order._expiry_check_payable, on payment.transaction creation),
        asked here before the payment form too."""
        self._expiry_check_payable()
        return super()._check_cart_is_ready_to_be_paid()
