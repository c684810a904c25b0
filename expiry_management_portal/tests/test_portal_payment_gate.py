# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Issue 16: one gate where money becomes a renewal, whatever the payment
route (/shop/payment/transaction, /my/orders/<id>/transaction, the
zero-amount validation, a webhook completing a payment later), the way back
(refunded or voided payments), and the portal's scope (a moved deadline,
the renewal terms' fields, the back-office buttons)."""

import datetime
from urllib.parse import urlparse

from dateutil.relativedelta import relativedelta

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException
from odoo.tools import mute_logger

from odoo.addons.website.tools import MockRequest

from ..models.expiry_deadline_term import PORTAL_READABLE_TERM_FIELDS
from .common import ExpiryPortalPaymentCommon


@tagged("post_install", "-at_install")
class TestPortalPaymentGate(ExpiryPortalPaymentCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setUpExpiryPortal()
        cls.partner_a = cls.portal_user_a.partner_id
        cls.salesperson = new_test_user(
            cls.env,
            login="gate_salesperson",
            groups="expiry_management.group_expiry_user,sales_team.group_sale_salesman",
        )
        cls.deadline_a.user_id = cls.salesperson

    # --- helpers ------------------------------------------------------------
    def _cart(self, deadline, partner=None):
        order = self._new_cart(partner or self.partner_a)
        order.user_id = self.salesperson
        with MockRequest(self.env, website=self.website, sale_order_id=order.id):
            order._cart_add_renewal(deadline)
        return order

    def _readd(self, order, deadline):
        with MockRequest(self.env, website=self.website, sale_order_id=order.id):
            return order._cart_add_renewal(deadline)

    def _transaction(self, order, amount, suffix):
        tx = self._order_transaction(order, suffix)
        tx.amount = amount
        return tx

    def _pay_through_my_orders(self, order):
        """/my/orders/<id>/transaction, as the order's portal page calls it."""
        return self.make_jsonrpc_request(
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

    def _chatter(self, record):
        return " ".join(record.message_ids.mapped("body"))

    def assertNotRenewed(self, deadline, expiry, state):
        self.assertEqual(deadline.date_expiry, expiry)
        self.assertEqual(deadline.state, state)
        self.assertFalse(deadline.term_ids.filtered(lambda term: term.state == "done"))

    def assertSkippedAndReported(self, order, deadline):
        self.assertIn("was not renewed by this order", self._chatter(order))
        self.assertIn(order.name, self._chatter(deadline))
        self.assertTrue(
            order.activity_ids.filtered(lambda activity: activity.user_id == self.salesperson),
            "the salesperson is asked to refund or adjust",
        )

    # --- 7. every route: the rule of the cart checked again -----------------
    def test_my_orders_route_refuses_paying_a_renewal_closed_since_the_cart(self):
        order = self._cart(self.deadline_a)
        self.deadline_a.state = "closed"
        self.authenticate(self.portal_user_a.login, self.portal_user_a.login)
        with mute_logger("odoo.http"), self.assertRaises(JsonRpcException) as caught:
            self._pay_through_my_orders(order)
        self.assertEqual(str(caught.exception), "odoo.exceptions.ValidationError")
        with self.assertRaisesRegex(ValidationError, "cannot be paid"), self.env.cr.savepoint():
            self._order_transaction(order, "closed")
        self.assertFalse(order.transaction_ids)

    def test_payment_completed_after_the_deadline_was_closed_does_not_renew_it(self):
        old_expiry = self.deadline_a.date_expiry
        order = self._cart(self.deadline_a)
        tx = self._order_transaction(order, "closed")
        self.deadline_a.state = "closed"
        self._notify_done(tx)
        self.assertEqual(order.state, "sale", "the paid order is confirmed, as Odoo does")
        self.assertNotRenewed(self.deadline_a, old_expiry, "closed")
        self.assertSkippedAndReported(order, self.deadline_a)

    def test_payment_completed_after_the_grace_period_does_not_renew(self):
        deadline = self._create_deadline(self.customer_a, -10, state="expired", user_id=self.salesperson.id)
        order = self._cart(deadline)
        tx = self._order_transaction(order, "grace")
        # the payment arrives when the grace period is over
        self.company.expiry_renewal_grace_days = 5
        self._notify_done(tx)
        self.assertEqual(order.state, "sale")
        self.assertNotRenewed(deadline, self.today - datetime.timedelta(days=10), "expired")
        self.assertSkippedAndReported(order, deadline)

    def test_zero_amount_checkout_after_the_deadline_was_closed_does_not_renew(self):
        free = self.env["product.product"].create(
            {
                "name": "Free Fleet Policy",
                "type": "service",
                "list_price": 0.0,
                "sale_ok": True,
                "is_published": True,
                "expiry_duration": 1,
                "expiry_duration_unit": "year",
                "taxes_id": [Command.clear()],
            }
        )
        deadline = self._create_deadline(self.customer_a, 10, product_id=free.id, user_id=self.salesperson.id)
        order = self._cart(deadline)
        self.assertFalse(order.amount_total)
        deadline.state = "closed"
        # what /shop/payment/validate does for a cart of nothing to pay
        with MockRequest(self.env, website=self.website, sale_order_id=order.id):
            order._validate_order()
        self.assertEqual(order.state, "sale")
        self.assertNotRenewed(deadline, self.today + datetime.timedelta(days=10), "closed")
        self.assertSkippedAndReported(order, deadline)

    def test_partial_prepayment_confirms_but_renews_when_paid_in_full(self):
        old_expiry = self.deadline_a.date_expiry
        order = self._cart(self.deadline_a)
        order.write({"require_payment": True, "prepayment_percent": 0.5})
        first = self._transaction(order, order.amount_total / 2, "half-1")
        self._notify_done(first)
        self.assertEqual(order.state, "sale", "a prepayment confirms the order (Odoo)")
        self.assertNotRenewed(self.deadline_a, old_expiry, "active")
        self.assertIn("paid in full", self._chatter(order))
        second = self._transaction(order, order.amount_total / 2, "half-2")
        self._notify_done(second)
        self.assertEqual(self.deadline_a.date_expiry, old_expiry + relativedelta(years=1))
        term = self.deadline_a.term_ids
        self.assertEqual((len(term), term.state, term.sale_order_id), (1, "done", order))
        # the webhook again, the cron again: once
        second.is_post_processed = False
        self._notify_done(second)
        self.assertEqual(len(self.deadline_a.term_ids), 1)

    def test_price_changed_after_the_cart_refuses_the_payment_then_the_cart_is_repriced(self):
        order = self._cart(self.deadline_a)
        self.assertEqual(order.amount_total, 80.0)
        self.deadline_a.price_unit = 95.0
        self.authenticate(self.portal_user_a.login, self.portal_user_a.login)
        with mute_logger("odoo.http"), self.assertRaises(JsonRpcException) as caught:
            self._pay_through_my_orders(order)
        self.assertEqual(str(caught.exception), "odoo.exceptions.ValidationError")
        # the shop's route (and any other creating a transaction) likewise
        with self.assertRaisesRegex(ValidationError, "price was changed"):
            order._check_cart_is_ready_to_be_paid()
        with self.assertRaisesRegex(ValidationError, "price was changed"), self.env.cr.savepoint():
            self._order_transaction(order, "old-price")
        self.assertFalse(order.transaction_ids)
        # renewing again from the deadline page reprices the cart
        line = self._readd(order, self.deadline_a)
        self.assertEqual((line.price_unit, order.amount_total), (95.0, 95.0))
        self.assertEqual(len(order.order_line), 1)
        tx = self._order_transaction(order, "new-price")
        self._notify_done(tx)
        self.assertEqual(len(self.deadline_a.term_ids.filtered(lambda t: t.state == "done")), 1)

    def test_quantity_changed_after_the_cart_refuses_the_payment(self):
        order = self._cart(self.deadline_a)
        self.deadline_a.quantity = 3
        with self.assertRaisesRegex(ValidationError, "quantity was changed"), self.env.cr.savepoint():
            self._order_transaction(order, "old-quantity")
        line = self._readd(order, self.deadline_a)
        self.assertEqual((line.product_uom_qty, order.amount_total), (3, 240.0))

    def test_product_changed_after_the_cart_refuses_the_payment(self):
        order = self._cart(self.deadline_a)
        other = self.deadline_a.product_id.copy({"name": "Other Cover"})
        self.deadline_a.product_id = other
        with (
            self.assertRaisesRegex(ValidationError, "product or service was changed"),
            self.env.cr.savepoint(),
        ):
            self._order_transaction(order, "old-product")
        self.assertFalse(order.transaction_ids)

    def test_a_cart_made_before_the_upgrade_can_still_be_paid(self):
        """Carts of the previous version have no agreed price snapshot: the
        migration gives them today's (18.0.1.1.0 post-migration)."""
        import importlib.util
        from pathlib import Path

        order = self._cart(self.deadline_a)
        line = order.order_line.filtered("deadline_id")
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE sale_order_line SET deadline_price_ordered = NULL WHERE id = %s", line.ids
        )
        script = Path(__file__).resolve().parent.parent / "migrations" / "18.0.1.1.0" / "post-migration.py"
        spec = importlib.util.spec_from_file_location("expiry_portal_post_migration", script)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        module.migrate(self.env.cr, "18.0.1.0.0")
        self.env.invalidate_all()
        self.assertEqual(line.deadline_price_ordered, self.deadline_a.price_unit)
        self.assertFalse(line._expiry_get_skip_reason())

    def test_price_changed_before_the_payment_completed_is_skipped_and_reported(self):
        old_expiry = self.deadline_a.date_expiry
        order = self._cart(self.deadline_a)
        tx = self._order_transaction(order, "then-repriced")
        self.deadline_a.price_unit = 95.0
        self._notify_done(tx)
        self.assertNotRenewed(self.deadline_a, old_expiry, "active")
        self.assertSkippedAndReported(order, self.deadline_a)

    # --- 6/7. the way back: refunded or voided payments ----------------------
    def _paid_renewal(self):
        order = self._cart(self.deadline_a)
        tx = self._order_transaction(order, "paid")
        self._notify_done(tx)
        self.assertEqual(self.deadline_a.term_ids.state, "done")
        return order, tx

    def test_refunded_payment_rolls_the_renewal_back(self):
        old_expiry = self.deadline_a.date_expiry
        order, tx = self._paid_renewal()
        refund = tx._create_child_transaction(tx.amount, is_refund=True)
        refund._set_done()
        refund._post_process()
        self.assertEqual(self.deadline_a.date_expiry, old_expiry)
        self.assertEqual(self.deadline_a.term_ids.state, "cancelled")
        self.assertIn("rolled back", self._chatter(self.deadline_a))
        # the refund post-processed, the cron again: it stays rolled back
        refund.is_post_processed = False
        refund._post_process()
        tx.is_post_processed = False
        tx._post_process()
        self.assertEqual(self.deadline_a.date_expiry, old_expiry)
        self.assertTrue(order.expiry_renewal_released)

    def test_partial_refund_keeps_the_renewal_and_says_so(self):
        old_expiry = self.deadline_a.date_expiry
        order, tx = self._paid_renewal()
        refund = tx._create_child_transaction(10.0, is_refund=True)
        refund._set_done()
        self.assertEqual(self.deadline_a.date_expiry, old_expiry + relativedelta(years=1))
        self.assertEqual(self.deadline_a.term_ids.state, "done")
        self.assertIn("in part", self._chatter(order))

    def test_voided_payment_rolls_the_renewal_back(self):
        old_expiry = self.deadline_a.date_expiry
        _order, tx = self._paid_renewal()
        with mute_logger("odoo.addons.payment.models.payment_transaction"):
            tx._set_canceled("voided by the acquirer", extra_allowed_states=("done",))
        self.assertEqual(self.deadline_a.date_expiry, old_expiry)
        self.assertEqual(self.deadline_a.term_ids.state, "cancelled")

    # --- 8. a moved deadline ---------------------------------------------------
    def test_moving_a_deadline_to_another_customer_renews_its_access_token(self):
        old_token = self.deadline_a._portal_ensure_token()
        # the previous customer's contact follows it from the portal chatter
        self.deadline_a.message_subscribe(partner_ids=(self.partner_a | self.salesperson.partner_id).ids)
        self.deadline_a.partner_id = self.customer_b
        self.assertNotIn(self.partner_a, self.deadline_a.message_partner_ids)
        self.assertIn(self.salesperson.partner_id, self.deadline_a.message_partner_ids, "employees stay")
        self.assertTrue(self.deadline_a.access_token)
        self.assertNotEqual(self.deadline_a.access_token, old_token)
        self.authenticate(None, None)
        response = self.url_open(
            f"/my/deadlines/{self.deadline_a.id}?access_token={old_token}", allow_redirects=False
        )
        self.assertEqual(urlparse(response.headers.get("Location", "")).path, "/my")
        # any other change keeps the links working
        token = self.deadline_a.access_token
        self.deadline_a.write({"description": "renamed"})
        self.assertEqual(self.deadline_a.access_token, token)

    def test_a_contact_moved_to_another_company_takes_a_new_access_token(self):
        """The deadline's customer changes when its contact moves to another
        company (review of issue 16): the old share link stops working."""
        contact = self.env["res.partner"].create({"name": "Moving Contact", "parent_id": self.customer_a.id})
        self.deadline_a.partner_id = contact
        old_token = self.deadline_a._portal_ensure_token()
        contact.parent_id = self.customer_b
        self.assertEqual(self.deadline_a.commercial_partner_id, self.customer_b)
        self.assertNotEqual(self.deadline_a.access_token, old_token)
        self.authenticate(None, None)
        response = self.url_open(
            f"/my/deadlines/{self.deadline_a.id}?access_token={old_token}", allow_redirects=False
        )
        self.assertEqual(urlparse(response.headers.get("Location", "")).path, "/my")
        # a contact's other changes keep the link
        token = self.deadline_a.access_token
        contact.write({"phone": "+46 8 123 45 67"})
        self.assertEqual(self.deadline_a.access_token, token)

    def test_a_moved_deadline_shows_nothing_of_the_previous_customers_orders(self):
        order, _tx = self._paid_renewal()
        self.deadline_a.partner_id = self.customer_b
        self.authenticate(self.portal_user_b.login, self.portal_user_b.login)
        response = self.url_open(f"/my/deadlines/{self.deadline_a.id}")
        self.assertEqual(response.status_code, 200)
        self.assertIn("o_expiry_portal_terms", response.text, "the renewal history is shown")
        self.assertNotIn(order.name, response.text)

    def test_a_moved_deadline_shows_only_its_current_customers_invoices(self):
        account_values = {
            "move_type": "out_invoice",
            "invoice_line_ids": [Command.create({"name": "Fleet", "quantity": 1, "price_unit": 80.0})],
        }
        old_invoice = self.env["account.move"].create({"partner_id": self.customer_a.id, **account_values})
        new_invoice = self.env["account.move"].create(
            {"partner_id": self.portal_user_b.partner_id.id, **account_values}
        )
        moves = old_invoice | new_invoice
        self.assertEqual(self.deadline_a._get_portal_customer_moves(moves), old_invoice)
        self.deadline_a.partner_id = self.customer_b
        self.assertEqual(self.deadline_a._get_portal_customer_moves(moves), new_invoice)

    # --- 9c. the renewal terms' portal fields -----------------------------------
    def test_portal_user_reads_only_the_allowed_renewal_term_fields(self):
        term = self.deadline_a._apply_renewal().with_user(self.portal_user_a)
        self.assertEqual(term.read(["date_expiry"])[0]["date_expiry"], self.deadline_a.date_expiry)
        for field in ("user_id", "sale_order_line_id", "previous_state", "origin"):
            with self.assertRaises(AccessError, msg=field):
                term.read([field])
        self.assertLessEqual(set(term.fields_get()), PORTAL_READABLE_TERM_FIELDS)
        self.assertLessEqual(set(term.read()[0]), PORTAL_READABLE_TERM_FIELDS)
        with self.assertRaises(AccessError):
            term.search_read([("user_id", "!=", False)], ["date_expiry"])
        # employees read everything
        self.assertIn("user_id", term.with_user(self.salesperson).fields_get())

    # --- public methods check their own rights ----------------------------------
    def test_portal_back_office_buttons_need_a_deadlines_user(self):
        plain = new_test_user(self.env, login="gate_plain", groups="base.group_user")
        for user in (self.portal_user_a, plain):
            deadline = self.deadline_a.with_user(user)
            for method in ("action_send_portal_renewal_link", "action_preview_portal"):
                with self.assertRaises(AccessError, msg=f"{user.login}: {method}"):
                    getattr(deadline, method)()
        # the customer's portal user reads its deadline and renews it on the
        # portal only: the core's renewal buttons refuse it too
        deadline = self.deadline_a.with_user(self.portal_user_a)
        self.assertTrue(deadline.has_access("read"))
        for method in ("action_renew", "action_view_sale_orders", "action_view_terms"):
            with self.assertRaises(AccessError, msg=method):
                getattr(deadline, method)()
        action = self.deadline_a.with_user(self.salesperson).action_preview_portal()
        self.assertIn(f"/my/deadlines/{self.deadline_a.id}", action["url"])

    def test_a_small_payment_charged_back_keeps_a_renewal_confirmed_by_hand(self):
        """A customer pays 1.00 on their order confirmed by hand (the route
        takes the amount they send), then charges it back: the renewal stays."""
        order = self.env["sale.order"].browse(self.deadline_a.action_renew()["res_id"])
        order.partner_id = self.partner_a
        order.action_confirm()
        renewed = self.deadline_a.date_expiry
        self.authenticate(self.portal_user_a.login, self.portal_user_a.login)
        self.make_jsonrpc_request(
            f"/my/orders/{order.id}/transaction",
            {
                "provider_id": self.provider.id,
                "payment_method_id": self.provider.payment_method_ids[:1].id,
                "token_id": None,
                "amount": 1.0,
                "flow": "direct",
                "tokenization_requested": False,
                "landing_route": order.get_portal_url(),
                "access_token": order._portal_ensure_token(),
            },
        )
        tx = order.transaction_ids
        self._notify_done(tx)
        with mute_logger("odoo.addons.payment.models.payment_transaction"):
            tx._set_error("charged back", extra_allowed_states=("done",))
        self.assertEqual(self.deadline_a.date_expiry, renewed)
