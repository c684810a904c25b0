# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Issue 18, "one timeline per customer": the online renewal of a deadline
whose previous invoice is overdue carries the overdue amount in the same
checkout (an arrears line per overdue invoice), one payment settles both
invoices, and the customer can neither change nor drop the arrears alone.
Through the routes the customer takes (HTTP as the portal user or the share
link's visitor)."""

import datetime
from unittest.mock import patch

from odoo import Command, http
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, tagged
from odoo.tests.common import JsonRpcException
from odoo.tools import mute_logger

from .common import ExpiryPortalPaymentCommon


@tagged("post_install", "-at_install")
class TestPortalArrears(ExpiryPortalPaymentCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the payments are recorded (account_payment), as in production: the
        # overdue invoice is reconciled with the one payment
        cls.enable_post_process_patcher = False
        cls._setup_provider_journal()
        cls.setUpExpiryPortal()
        cls.partner_a = cls.portal_user_a.partner_id
        cls.arrears_product = cls.env.ref("expiry_management_portal.product_expiry_arrears")
        cls.overdue = cls._overdue_invoice(cls.deadline_a, 20, 45.0)

    @classmethod
    def _setup_provider_journal(cls):
        """Odoo's test provider pays into a bank journal (as account_payment's
        AccountPaymentCommon sets it up), so that its payments are recorded."""
        Method = cls.env.registry["account.payment.method"]
        get_information = Method._get_payment_method_information

        def _get_payment_method_information(self):
            return {**get_information(self), "none": {"mode": "electronic", "type": ("bank",)}}

        with patch.object(Method, "_get_payment_method_information", _get_payment_method_information):
            if not cls.env["account.payment.method"].search(
                [("code", "=", "none"), ("payment_type", "=", "inbound")]
            ):
                cls.env["account.payment.method"].sudo().create(
                    {"name": "Dummy method", "code": "none", "payment_type": "inbound"}
                )
            cls.provider.journal_id = cls.env["account.journal"].search(
                [("type", "=", "bank"), ("company_id", "=", cls.company.id)], limit=1
            )

    @classmethod
    def _overdue_invoice(cls, deadline, days_overdue, amount):
        due = cls.today - datetime.timedelta(days=days_overdue)
        move = cls.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": deadline.partner_id.id,
                "expiry_deadline_id": deadline.id,
                "invoice_date": due - datetime.timedelta(days=30),
                "invoice_date_due": due,
                "invoice_line_ids": [
                    Command.create(
                        {"name": "Premium", "quantity": 1, "price_unit": amount, "tax_ids": [Command.clear()]}
                    )
                ],
            }
        )
        move.action_post()
        return move

    # --- helpers ------------------------------------------------------------
    def _login(self, user):
        self.authenticate(user.login, user.login)

    def _post(self, url, **data):
        return self.url_open(
            url, data={"csrf_token": http.Request.csrf_token(self), **data}, allow_redirects=False
        )

    def _renew(self, deadline, **data):
        return self._post(f"/my/deadlines/{deadline.id}/renew", **data)

    def _order(self, deadline):
        return self.env["sale.order.line"].search([("deadline_id", "=", deadline.id)]).order_id

    def _arrears(self, order):
        order.invalidate_recordset()
        return order.order_line.filtered("expiry_arrears_move_id")

    def _pay_partly(self, move, amount):
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=move.ids
        ).create({"amount": amount})._create_payments()

    def _shop_transaction(self, order, amount=None):
        return self.make_jsonrpc_request(
            f"/shop/payment/transaction/{order.id}",
            {
                "provider_id": self.provider.id,
                "payment_method_id": self.provider.payment_method_ids[:1].id,
                "token_id": None,
                "amount": order.amount_total if amount is None else amount,
                "flow": "direct",
                "tokenization_requested": False,
                "landing_route": "/shop/payment/validate",
                "access_token": order._portal_ensure_token(),
            },
        )

    def _pay_cart(self, order):
        """Pay the whole cart through the shop's payment route, then what the
        provider's notification and the post-processing cron do."""
        self._shop_transaction(order)
        tx = order.transaction_ids.filtered(lambda t: t.state == "draft")
        self.assertEqual(len(tx), 1)
        self._notify_done(tx)
        return tx

    def _renewed_cart(self):
        self._login(self.portal_user_a)
        self._renew(self.deadline_a)
        order = self._order(self.deadline_a)
        self.assertEqual(len(order), 1)
        return order

    # --- the push and the page ----------------------------------------------
    def test_the_overdue_invoice_no_longer_blocks_but_the_page_says_the_renewal_includes_it(self):
        self.assertFalse(self.deadline_a._get_renewal_push_block(arrears_in_checkout=True))
        self.assertIn(self.overdue.name, self.deadline_a._get_renewal_push_block(arrears_in_checkout=False))
        self.assertEqual(self.Deadline.browse(self.deadline_a.ids)._get_renewal_push_blocks(), {})
        self._login(self.portal_user_a)
        self.assertTrue(self.deadline_a.with_user(self.portal_user_a).portal_can_renew)
        page = self.url_open(f"/my/deadlines/{self.deadline_a.id}").text
        self.assertIn("o_expiry_portal_arrears", page)
        self.assertIn("Your renewal includes the overdue amount of", page)
        self.assertIn(self.overdue.name, page)
        self.assertIn('class="btn btn-primary o_expiry_portal_renew"', page)
        # it may still be paid alone from its own page
        self.assertIn(self.overdue.get_portal_url().split("?")[0], page)

    def test_renew_puts_the_renewal_and_the_overdue_amount_in_the_cart(self):
        order = self._renewed_cart()
        renewal = order.order_line.filtered("deadline_id")
        arrears = self._arrears(order)
        self.assertEqual(renewal.price_subtotal, 80.0)
        self.assertEqual(arrears.product_id, self.arrears_product)
        self.assertEqual(arrears.expiry_arrears_move_id, self.overdue)
        self.assertEqual(
            (arrears.product_uom_qty, arrears.price_unit, arrears.tax_id),
            (1.0, 45.0, self.env["account.tax"]),
        )
        self.assertIn(f"Overdue: {self.overdue.name}, due", arrears.name)
        self.assertFalse(arrears.deadline_id, "not a renewal of its own")
        self.assertEqual(order.amount_total, 125.0)
        self.assertTrue(arrears._is_not_sellable_line(), "no quantity controls in the cart")
        self.assertFalse(renewal._is_not_sellable_line())
        cart = self.url_open("/shop/cart").text
        self.assertIn(f"Overdue: {self.overdue.name}", cart)
        self.assertRegex(
            cart, rf'type="hidden" class="js_quantity[^>]*data-line-id="{arrears.id}"', "no input"
        )
        self.assertNotRegex(cart, rf'type="text" class="js_quantity[^>]*data-line-id="{arrears.id}"')
        # renewing again does not add it twice
        self._renew(self.deadline_a)
        self.assertEqual(len(self._arrears(order)), 1)
        self.assertEqual(order.amount_total, 125.0)
        # the arrears product is not sold in the shop
        self.assertFalse(self.arrears_product.sale_ok)
        with self.assertRaises(JsonRpcException), mute_logger("odoo.http"):
            self.make_jsonrpc_request(
                "/shop/cart/update_json", {"product_id": self.arrears_product.id, "add_qty": 1}
            )
        self.assertEqual(len(self._arrears(order)), 1)

    def test_the_json_cart_routes_cannot_change_or_drop_the_arrears_alone(self):
        order = self._renewed_cart()
        arrears = self._arrears(order)
        product_id = self.arrears_product.id
        for params in ({"set_qty": 0}, {"set_qty": 3}, {"add_qty": 2}, {"add_qty": -1}):
            request = {"product_id": product_id, "line_id": arrears.id, **params}
            if "add_qty" in params:
                # the shop refuses adding a product it does not sell
                with self.assertRaises(JsonRpcException), mute_logger("odoo.http"):
                    self.make_jsonrpc_request("/shop/cart/update_json", request)
            else:
                # kept as it is
                self.make_jsonrpc_request("/shop/cart/update_json", request)
            arrears.invalidate_recordset()
            self.assertTrue(arrears.exists(), params)
            self.assertEqual((arrears.product_uom_qty, arrears.price_unit), (1.0, 45.0), params)
        self.assertEqual(order.amount_total, 125.0)
        # removing the renewal removes its arrears
        renewal = order.order_line.filtered("deadline_id")
        self.make_jsonrpc_request(
            "/shop/cart/update_json",
            {"product_id": renewal.product_id.id, "line_id": renewal.id, "set_qty": 0},
        )
        order.invalidate_recordset()
        self.assertFalse(order.order_line)

    def test_another_customers_deadline_and_its_debt_stay_out(self):
        overdue_b = self._overdue_invoice(self.deadline_b, 10, 30.0)
        self._login(self.portal_user_a)
        self.assertEqual(self._renew(self.deadline_b).status_code, 303)
        self.assertFalse(self._order(self.deadline_b))
        page = self.url_open(f"/my/deadlines/{self.deadline_b.id}", allow_redirects=False)
        self.assertNotIn(overdue_b.name, page.text)
        # B's own page shows B's debt only
        self._login(self.portal_user_b)
        page = self.url_open(f"/my/deadlines/{self.deadline_b.id}").text
        self.assertIn(overdue_b.name, page)
        self.assertNotIn(self.overdue.name, page)

    # --- one payment -----------------------------------------------------------
    def _assert_paid_both_renewed_once(self, order, tx, expiry):
        self.overdue.invalidate_recordset()
        self.assertIn(self.overdue, tx.invoice_ids)
        self.assertIn(self.overdue.payment_state, ("paid", "in_payment"))
        self.assertEqual(order.state, "sale")
        self.assertEqual(len(self.deadline_a.term_ids.filtered(lambda t: t.state == "done")), 1)
        self.assertEqual(self.deadline_a.date_expiry, expiry)
        self.assertTrue(order.expiry_renewal_released)

    def test_one_payment_pays_the_overdue_invoice_and_renews_once_with_automatic_invoice(self):
        self.env["ir.config_parameter"].sudo().set_param("sale.automatic_invoice", True)
        order = self._renewed_cart()
        expiry = self.deadline_a._get_renewal_dates()[1]
        tx = self._pay_cart(order)
        self._assert_paid_both_renewed_once(order, tx, expiry)
        renewal_invoice = order.invoice_ids
        self.assertEqual(len(renewal_invoice), 1)
        self.assertEqual(renewal_invoice.amount_total, 80.0, "the arrears are not invoiced again")
        self.assertIn(renewal_invoice.payment_state, ("paid", "in_payment"))
        self.assertIn(renewal_invoice, tx.invoice_ids)
        self.assertEqual(order.invoice_status, "invoiced")
        self.assertEqual(self._arrears(order).invoice_status, "invoiced")
        # the post-processing again (cron, webhook): nothing twice
        tx.is_post_processed = False
        tx._post_process()
        self._assert_paid_both_renewed_once(order, tx, expiry)

    def test_one_payment_pays_the_overdue_invoice_and_renews_once_without_automatic_invoice(self):
        self.env["ir.config_parameter"].sudo().set_param("sale.automatic_invoice", False)
        order = self._renewed_cart()
        expiry = self.deadline_a._get_renewal_dates()[1]
        tx = self._pay_cart(order)
        self._assert_paid_both_renewed_once(order, tx, expiry)
        self.assertFalse(order.invoice_ids)
        self.assertEqual(order.invoice_status, "to invoice")
        # invoicing the order later bills the renewal only
        invoice = order._create_invoices()
        self.assertEqual(invoice.invoice_line_ids.product_id, self.product)
        self.assertEqual(invoice.amount_total, 80.0)

    def test_a_refund_of_the_payment_undoes_the_renewal(self):
        order = self._renewed_cart()
        old_expiry = self.deadline_a.date_expiry
        tx = self._pay_cart(order)
        self.assertEqual(tx.amount, 125.0)
        refund = tx._create_child_transaction(tx.amount, is_refund=True)
        refund._set_done()
        refund._post_process()
        self.assertEqual(self.deadline_a.date_expiry, old_expiry)
        self.assertEqual(self.deadline_a.term_ids.state, "cancelled")

    def test_a_refund_of_the_arrears_part_only_keeps_the_renewal(self):
        order = self._renewed_cart()
        tx = self._pay_cart(order)
        expiry = self.deadline_a.date_expiry
        refund = tx._create_child_transaction(45.0, is_refund=True)
        refund._set_done()
        refund._post_process()
        self.assertEqual(self.deadline_a.date_expiry, expiry, "a refund in part keeps the renewal")

    # --- never a stale amount ------------------------------------------------
    def test_an_invoice_paid_meanwhile_refuses_the_stale_payment_then_the_checkout_refreshes(self):
        order = self._renewed_cart()
        self._pay_partly(self.overdue, 45.0)
        with self.assertRaises(JsonRpcException), mute_logger("odoo.http"):
            self._shop_transaction(order, amount=125.0)
        with self.assertRaisesRegex(ValidationError, "was paid in the meantime"):
            order._expiry_check_payable()
        self.assertFalse(order.transaction_ids)
        # the checkout page brings the cart up to date
        self.url_open("/shop/payment")
        self.assertFalse(self._arrears(order))
        self.assertEqual(order.amount_total, 80.0)
        tx = self._pay_cart(order)
        self.assertEqual(tx.amount, 80.0)
        self.assertEqual(self.deadline_a.term_ids.state, "done")

    def test_a_part_paid_meanwhile_refuses_the_old_amount_then_renew_updates_it(self):
        order = self._renewed_cart()
        self._pay_partly(self.overdue, 15.0)
        with self.assertRaises(JsonRpcException), mute_logger("odoo.http"):
            self._shop_transaction(order, amount=125.0)
        with self.assertRaisesRegex(ValidationError, "is now"):
            order._expiry_check_payable()
        self._renew(self.deadline_a)
        self.assertEqual(self._arrears(order).price_unit, 30.0)
        self.assertEqual(order.amount_total, 110.0)
        tx = self._pay_cart(order)
        self.overdue.invalidate_recordset()
        self.assertIn(self.overdue.payment_state, ("paid", "in_payment"))
        self.assertEqual(tx.amount, 110.0)

    def test_an_invoice_overdue_since_the_cart_is_added_before_paying(self):
        order = self._renewed_cart()
        # 2 days: overdue whatever the time zone the page is computed in (user, company)
        later = self._overdue_invoice(self.deadline_a, 2, 20.0)
        with self.assertRaises(JsonRpcException), mute_logger("odoo.http"):
            self._shop_transaction(order, amount=125.0)
        with self.assertRaisesRegex(ValidationError, "is now overdue"):
            order._expiry_check_payable()
        self.url_open("/shop/payment")
        self.assertEqual(self._arrears(order).expiry_arrears_move_id, self.overdue | later)
        self.assertEqual(order.amount_total, 145.0)

    def test_an_invoice_in_another_currency_is_refused_readably(self):
        eur = self.env.ref("base.EUR")
        eur.active = True
        other = eur if self.company.currency_id != eur else self.env.ref("base.USD")
        other.active = True
        self.overdue.button_draft()
        self.overdue.currency_id = other
        self.overdue.action_post()
        self._login(self.portal_user_a)
        self._renew(self.deadline_a)
        self.assertFalse(self._order(self.deadline_a), "neither the renewal nor a part of it")
        page = self.url_open(f"/my/deadlines/{self.deadline_a.id}").text
        self.assertIn("cannot be paid together", page)

    def test_an_invoice_in_another_currency_does_not_stop_the_cart_but_its_payment(self):
        order = self._renewed_cart()
        other = (
            self.env.ref("base.EUR")
            if self.company.currency_id != self.env.ref("base.EUR")
            else (self.env.ref("base.USD"))
        )
        other.active = True
        self.overdue.button_draft()
        self.overdue.currency_id = other
        self.overdue.action_post()
        self.product_plain.write({"sale_ok": True, "is_published": True})
        self.make_jsonrpc_request(
            "/shop/cart/update_json", {"product_id": self.product_plain.id, "add_qty": 1}
        )
        self.assertIn(self.product_plain, order.order_line.product_id)
        with self.assertRaises(JsonRpcException), mute_logger("odoo.http"):
            self._shop_transaction(order)
        with self.assertRaisesRegex(UserError, "cannot be paid together"):
            order._expiry_check_payable()

    # --- the share link's visitor -------------------------------------------
    def test_the_guest_quotation_carries_the_arrears_and_one_payment_settles_both(self):
        self.authenticate(None, None)
        token = self.deadline_a._portal_ensure_token()
        page = self.url_open(f"/my/deadlines/{self.deadline_a.id}?access_token={token}").text
        self.assertIn("Your renewal includes the overdue amount of", page)
        self.assertNotIn("o_expiry_portal_overdue", page, "no link to the invoice itself")
        self._renew(self.deadline_a, access_token=token)
        order = self.env["sale.order"].search([("expiry_guest_renewal", "=", True)])
        self.assertEqual(len(order), 1)
        self.assertEqual(self._arrears(order).expiry_arrears_move_id, self.overdue)
        self.assertEqual(order.amount_total, 125.0)
        # paid meanwhile: the reused quotation drops it
        self._pay_partly(self.overdue, 45.0)
        self._renew(self.deadline_a, access_token=token)
        self.assertEqual(self.env["sale.order"].search([("expiry_guest_renewal", "=", True)]), order)
        self.assertFalse(self._arrears(order))
        self.assertEqual(order.amount_total, 80.0)

    def test_the_guest_pays_both_through_the_quotation_page(self):
        self.authenticate(None, None)
        token = self.deadline_a._portal_ensure_token()
        self._renew(self.deadline_a, access_token=token)
        order = self.env["sale.order"].search([("expiry_guest_renewal", "=", True)])
        self.make_jsonrpc_request(
            f"/my/orders/{order.id}/transaction",
            {
                "provider_id": self.provider.id,
                "payment_method_id": self.provider.payment_method_ids[:1].id,
                "token_id": None,
                "amount": order.amount_total,
                "flow": "direct",
                "tokenization_requested": False,
                "landing_route": order.get_portal_url(),
                "access_token": order._portal_ensure_token(),
            },
        )
        tx = order.transaction_ids
        self.assertNotIn(self.overdue, tx.invoice_ids, "linked once the payment is done")
        self._notify_done(tx)
        self.assertIn(self.overdue, tx.invoice_ids)
        self.overdue.invalidate_recordset()
        self.assertIn(self.overdue.payment_state, ("paid", "in_payment"))
        self.assertEqual(self.deadline_a.term_ids.state, "done")

    def test_a_salespersons_renewal_quotation_is_not_refused_for_the_overdue_invoice(self):
        # the back office's quotation carries what the salesperson put in it
        order = self.env["sale.order"].browse(self.deadline_a.action_renew()["res_id"])
        self.assertFalse(self._arrears(order))
        order._expiry_check_payable()
        tx = self._order_transaction(order)
        self.assertNotIn(self.overdue, tx.invoice_ids)

    def test_a_prepayment_is_not_asked_for_a_renewal_carrying_arrears(self):
        self.company.prepayment_percent = 0.5
        order = self._renewed_cart()
        order.require_payment = True
        self.assertEqual(order._get_prepayment_required_amount(), 125.0)

    def test_the_renewal_link_e_mail_says_the_renewal_includes_the_overdue_amount(self):
        template = self.env.ref("expiry_management_portal.mail_template_deadline_renew_online")
        bodies = template._render_field("body_html", (self.deadline_a | self.deadline_a_later).ids)
        self.assertIn("Your renewal includes the overdue amount of", bodies[self.deadline_a.id])
        self.assertIn(self.overdue.name, bodies[self.deadline_a.id])
        self.assertNotIn("overdue amount", bodies[self.deadline_a_later.id])

    # --- a dispute still blocks ----------------------------------------------
    def test_a_dispute_still_holds_the_renewal_back(self):
        # the collection addon's dispute, as a block of its own
        Deadline = type(self.env["expiry.deadline"])
        original = Deadline._get_renewal_push_blocks

        def blocks(records, arrears_in_checkout=None):
            result = original(records, arrears_in_checkout=arrears_in_checkout)
            result.update({r.id: "Fleet A is in dispute." for r in records if r.description == "Fleet A"})
            return result

        with patch.object(Deadline, "_get_renewal_push_blocks", blocks):
            self._login(self.portal_user_a)
            page = self.url_open(f"/my/deadlines/{self.deadline_a.id}").text
            self.assertIn("is in dispute", page)
            self.assertNotIn('class="btn btn-primary o_expiry_portal_renew"', page)
            self._renew(self.deadline_a)
            self.assertFalse(self._order(self.deadline_a))

    # --- review: H1, a part payment of a checkout carrying arrears -------------
    def _portal_order_transaction(self, order, amount):
        return self.make_jsonrpc_request(
            f"/my/orders/{order.id}/transaction",
            {
                "provider_id": self.provider.id,
                "payment_method_id": self.provider.payment_method_ids[:1].id,
                "token_id": None,
                "amount": amount,
                "flow": "direct",
                "tokenization_requested": False,
                "landing_route": order.get_portal_url(),
                "access_token": order._portal_ensure_token(),
            },
        )

    def test_a_part_payment_of_a_checkout_carrying_arrears_is_refused(self):
        order = self._renewed_cart()
        with self.assertRaises(JsonRpcException), mute_logger("odoo.http"):
            self._portal_order_transaction(order, 45.0)
        self.assertFalse(order.transaction_ids)
        with self.assertRaisesRegex(ValidationError, "whole amount"):
            self._create_transaction(
                "redirect",
                amount=45.0,
                currency_id=order.currency_id.id,
                partner_id=order.partner_id.id,
                reference=f"{order.name}-part",
                sale_order_ids=[Command.set(order.ids)],
            )
        # the whole amount is accepted; the overdue invoice is linked once the payment is done
        tx = self._order_transaction(order)
        self.assertNotIn(self.overdue, tx.invoice_ids)
        self._notify_done(tx)
        self.assertIn(self.overdue, tx.invoice_ids)
        self.overdue.invalidate_recordset()
        self.assertIn(self.overdue.payment_state, ("paid", "in_payment"))

    def test_a_second_payment_of_a_checkout_carrying_arrears_is_refused(self):
        order = self._renewed_cart()
        first = self._order_transaction(order, suffix="first")
        first._set_done()
        with self.assertRaisesRegex(ValidationError, "already"):
            self._order_transaction(order, suffix="second")

    def test_the_arrears_of_an_order_with_a_payment_are_not_refreshed(self):
        order = self._renewed_cart()
        tx = self._order_transaction(order)
        tx._set_done()
        self._pay_partly(self.overdue, 45.0)
        with self.assertRaisesRegex(UserError, "payment"):
            order._expiry_sync_arrears()
        self.assertEqual(self._arrears(order).price_unit, 45.0)
        self.assertEqual(order.amount_total, 125.0)

    def test_the_guest_quotation_with_a_done_payment_is_not_stuck(self):
        self.authenticate(None, None)
        token = self.deadline_a._portal_ensure_token()
        self._renew(self.deadline_a, access_token=token)
        order = self.env["sale.order"].search([("expiry_guest_renewal", "=", True)])
        tx = self._order_transaction(order)
        tx._set_done()
        self._pay_partly(self.overdue, 45.0)
        # the visitor goes back to the quotation being paid (no crash, no second quotation)
        response = self._renew(self.deadline_a, access_token=token)
        self.assertEqual(response.status_code, 303)
        self.assertEqual(self.env["sale.order"].search([("expiry_guest_renewal", "=", True)]), order)

    # --- review: H2, the overdue invoice changed while paying -------------------
    def _assert_not_linked_and_told(self, order, tx, move):
        self.assertNotIn(move, tx.invoice_ids)
        self.assertEqual(order.state, "sale")
        self.assertTrue(order.expiry_renewal_released)
        self.assertTrue(
            any("was not settled by the payment" in body for body in order.message_ids.mapped("body"))
        )
        self.assertTrue(
            any("was not settled by the payment" in body for body in move.message_ids.mapped("body"))
        )
        self.assertTrue(
            self.env["mail.activity"].search([("res_model", "=", "sale.order"), ("res_id", "=", order.id)])
        )

    def test_an_overdue_invoice_cancelled_while_paying_is_not_reconciled(self):
        order = self._renewed_cart()
        tx = self._order_transaction(order)
        self.overdue.button_draft()
        self.overdue.button_cancel()
        self._notify_done(tx)
        self.assertEqual(self.overdue.state, "cancel")
        self.assertTrue(tx.payment_id)
        self._assert_not_linked_and_told(order, tx, self.overdue)

    def test_an_overdue_invoice_reset_to_draft_while_paying_is_not_posted(self):
        order = self._renewed_cart()
        tx = self._order_transaction(order)
        self.overdue.button_draft()
        self._notify_done(tx)
        self.assertEqual(self.overdue.state, "draft", "the accountant's draft stays theirs")
        self._assert_not_linked_and_told(order, tx, self.overdue)

    def test_an_overdue_invoice_paid_by_hand_while_paying_is_not_reconciled(self):
        order = self._renewed_cart()
        tx = self._order_transaction(order)
        self._pay_partly(self.overdue, 45.0)
        self._notify_done(tx)
        self._assert_not_linked_and_told(order, tx, self.overdue)

    # --- review: M2, a refund reopens the overdue invoice ----------------------
    def test_a_full_refund_reopens_the_overdue_invoice(self):
        order = self._renewed_cart()
        tx = self._pay_cart(order)
        self.overdue.invalidate_recordset()
        self.assertIn(self.overdue.payment_state, ("paid", "in_payment"))
        refund = tx._create_child_transaction(tx.amount, is_refund=True)
        refund._set_done()
        refund._post_process()
        self.assertEqual(self.deadline_a.term_ids.state, "cancelled")
        self.overdue.invalidate_recordset()
        self.assertEqual(self.overdue.payment_state, "not_paid")
        self.assertEqual(self.overdue.amount_residual, 45.0)

    def test_a_refund_eating_into_the_renewal_undoes_it(self):
        order = self._renewed_cart()
        old_expiry = self.deadline_a.date_expiry
        tx = self._pay_cart(order)
        refund = tx._create_child_transaction(50.0, is_refund=True)
        refund._set_done()
        refund._post_process()
        self.assertEqual(self.deadline_a.date_expiry, old_expiry, "75 left, the renewal costs 80")
        self.overdue.invalidate_recordset()
        self.assertEqual(self.overdue.payment_state, "not_paid")

    # --- review: M3, the invoice link is the module's own -----------------------
    def test_the_arrears_invoice_link_is_not_writable_by_rpc(self):
        order = self._renewed_cart()
        arrears = self._arrears(order)
        salesman = self.env["res.users"].create(
            {
                "name": "Sales Arrears",
                "login": "sales_arrears",
                "groups_id": [Command.set(self.env.ref("sales_team.group_sale_salesman_all_leads").ids)],
            }
        )
        other = self._overdue_invoice(self.deadline_a_later, 5, 10.0)
        with self.assertRaises(AccessError):
            arrears.with_user(salesman).write({"expiry_arrears_move_id": other.id})
        with self.assertRaises(AccessError):
            self.env["sale.order.line"].with_user(salesman).create(
                {
                    "order_id": order.id,
                    "product_id": self.arrears_product.id,
                    "expiry_arrears_move_id": other.id,
                }
            )
        self.assertEqual(arrears.expiry_arrears_move_id, self.overdue)

    # --- review: M4, two payments of the overdue invoice at once ----------------
    def test_the_cart_payment_is_refused_while_the_invoice_is_paid_elsewhere(self):
        order = self._renewed_cart()
        other = self._create_transaction(
            "redirect",
            amount=45.0,
            currency_id=self.overdue.currency_id.id,
            partner_id=self.overdue.partner_id.id,
            reference=f"{self.overdue.name}-own-page",
            invoice_ids=[Command.set(self.overdue.ids)],
        )
        other._set_pending()
        with self.assertRaisesRegex(ValidationError, "under way"):
            self._order_transaction(order)

    # --- review: lows ---------------------------------------------------------
    def test_duplicating_an_order_drops_the_arrears_line(self):
        order = self._renewed_cart()
        copy = order.copy()
        self.assertFalse(copy.order_line.filtered(lambda line: line.product_id == self.arrears_product))

    def test_the_arrears_product_cannot_be_put_in_the_cart_by_json(self):
        self._pay_partly(self.overdue, 45.0)
        order = self._renewed_cart()
        self.assertFalse(self._arrears(order))
        self.arrears_product.sale_ok = True  # even if someone makes it saleable
        with self.assertRaises(JsonRpcException), mute_logger("odoo.http"):
            self.make_jsonrpc_request(
                "/shop/cart/update_json", {"product_id": self.arrears_product.id, "set_qty": 1}
            )
        self.assertFalse(order.order_line.filtered(lambda line: line.product_id == self.arrears_product))

    def test_the_old_overdue_invoice_is_not_sent_again(self):
        self.env["ir.config_parameter"].sudo().set_param("sale.automatic_invoice", True)
        self.overdue.is_move_sent = False
        order = self._renewed_cart()
        self._pay_cart(order)
        self.assertFalse(self.overdue.is_move_sent)
        self.assertTrue(order.invoice_ids.is_move_sent)

    # --- review: M1, the push goes on only where the checkout carries the arrears -
    def test_outside_the_online_renewal_window_the_overdue_invoice_still_blocks_the_push(self):
        overdue_later = self._overdue_invoice(self.deadline_a_later, 10, 30.0)
        deadlines = self.deadline_a | self.deadline_a_later
        self.assertTrue(self.deadline_a._expiry_arrears_in_checkout())
        self.assertFalse(
            self.deadline_a_later._expiry_arrears_in_checkout(), "200 days out: no online renewal"
        )
        blocks = deadlines._get_renewal_push_blocks()
        self.assertNotIn(self.deadline_a.id, blocks)
        self.assertIn(overdue_later.name, blocks[self.deadline_a_later.id])
        self.assertFalse(self.deadline_a_later._get_renewal_arrears_summary(), "no 'your renewal includes'")
        with self.assertRaises(TypeError):
            self.deadline_a._get_renewal_push_block(True)  # keyword-only

    def test_the_order_lines_show_the_overdue_invoice_as_an_optional_read_only_column(self):
        arch = self.env["sale.order"].get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertRegex(arch, r'<field name="expiry_arrears_move_id"[^>]*optional="hide"')

    def test_the_invoice_payment_is_refused_while_the_checkout_carrying_it_is_paid(self):
        order = self._renewed_cart()
        tx = self._order_transaction(order)
        tx._set_pending()
        with self.assertRaisesRegex(ValidationError, "under way"):
            self._create_transaction(
                "redirect",
                amount=45.0,
                currency_id=self.overdue.currency_id.id,
                partner_id=self.overdue.partner_id.id,
                reference=f"{self.overdue.name}-own-page",
                invoice_ids=[Command.set(self.overdue.ids)],
            )
