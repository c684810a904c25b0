# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Issue 18 in the portal, through the routes the customer takes: the
automatic renewal's dates and payment method on "My deadlines", stopping and
resuming it before the notice date, "I will not renew", the saved payment
method, a guest's renewal through the share link, and the renewal push
refused while an invoice is overdue. Each route is also attacked: another
customer, a visitor with and without the token, bad input."""

import datetime
from unittest.mock import patch

from odoo import Command, http
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, tagged
from odoo.tests.common import JsonRpcException
from odoo.tools import mute_logger

from odoo.addons.mail.tests.common import mail_new_test_user

from .common import ExpiryPortalCommon, ExpiryPortalPaymentCommon


@tagged("post_install", "-at_install")
class TestPortalAutoRenew(ExpiryPortalPaymentCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setUpExpiryPortal()
        cls.partner_a = cls.portal_user_a.partner_id
        cls.product_auto = cls.env["product.product"].create(
            {
                "name": "Tacit Maintenance",
                "type": "service",
                "list_price": 50.0,
                "sale_ok": True,
                "expiry_duration": 1,
                "expiry_duration_unit": "year",
                "renewal_mode": "automatic",
                "notice_days": 30,
            }
        )
        # notice date in 30 days: the customer may still decide
        cls.auto_a = cls._create_deadline(
            cls.customer_a, 60, description="Auto A", product_id=cls.product_auto.id
        )
        # notice date 20 days ago: the switch is read-only
        cls.auto_a_late = cls._create_deadline(
            cls.customer_a, 10, description="Auto A late", product_id=cls.product_auto.id
        )
        cls.auto_b = cls._create_deadline(
            cls.customer_b, 60, description="Auto B", product_id=cls.product_auto.id
        )
        cls.provider.allow_tokenization = True
        cls.token_a = cls._create_token(cls, partner_id=cls.partner_a.id, payment_details="4242")
        cls.token_b = cls._create_token(
            cls, partner_id=cls.portal_user_b.partner_id.id, payment_details="9999"
        )
        cls.reason_price = cls.env.ref("expiry_management.lost_reason_price")
        cls.reason_hidden = cls.env["expiry.lost.reason"].create(
            {"name": "Internal: bad payer", "portal_visible": False}
        )
        cls.reason_archived = cls.env["expiry.lost.reason"].create({"name": "Old reason", "active": False})

    # --- helpers ------------------------------------------------------------
    def _login(self, user):
        self.authenticate(user.login, user.login)

    def _post(self, url, **data):
        return self.url_open(
            url, data={"csrf_token": http.Request.csrf_token(self), **data}, allow_redirects=False
        )

    def _page(self, deadline, **params):
        query = "&".join(f"{key}={value}" for key, value in params.items())
        return self.url_open(f"/my/deadlines/{deadline.id}" + (f"?{query}" if query else "")).text

    # --- what the customer sees ----------------------------------------------
    def test_list_and_page_show_the_renewal_dates_and_the_saved_payment_method(self):
        self.auto_a.sudo().payment_token_id = self.token_a
        self._login(self.portal_user_a)
        listing = self.url_open("/my/deadlines").text
        self.assertIn("Automatic on", listing)
        self.assertIn("To stop it, tell us by", listing)
        self.assertIn("4242", listing)
        self.assertIn("Manual", listing, "the manual deadlines say so")
        self.assertNotIn("9999", listing, "never another customer's card")
        page = self._page(self.auto_a)
        self.assertIn("o_expiry_portal_renewal_date", page)
        self.assertIn("o_expiry_portal_date_notice", page)
        self.assertIn("4242", page)
        self.assertIn("o_expiry_portal_stop_auto_renew", page)
        self.assertIn(self.reason_price.name, page)
        self.assertNotIn(self.reason_hidden.name, page, "only the reasons offered in the portal")

    def test_the_portal_user_reads_the_new_fields_but_not_the_payment_method(self):
        deadline = self.auto_a.with_user(self.portal_user_a)
        values = deadline.read(["renewal_mode", "notice_days", "date_notice", "auto_renew", "date_declined"])[
            0
        ]
        self.assertEqual(values["renewal_mode"], "automatic")
        self.assertEqual(values["date_notice"], self.auto_a.date_expiry - datetime.timedelta(days=30))
        for field in ("payment_token_id", "lost_reason_id"):
            with self.assertRaises(AccessError, msg=field):
                deadline.read([field])

    # --- stop and resume the automatic renewal -------------------------------
    def test_the_owner_stops_then_resumes_the_automatic_renewal(self):
        self._login(self.portal_user_a)
        response = self._post(
            f"/my/deadlines/{self.auto_a.id}/auto-renew", enabled="0", lost_reason_id=self.reason_price.id
        )
        self.assertEqual(response.status_code, 303)
        self.assertFalse(self.auto_a.auto_renew)
        self.assertEqual(self.auto_a.lost_reason_id, self.reason_price)
        self.assertEqual(self.auto_a.date_declined, self.today)
        self.assertIn("stopped the automatic renewal", " ".join(self.auto_a.message_ids.mapped("body")))
        page = self._page(self.auto_a)
        self.assertIn("o_expiry_portal_success", page)
        self.assertIn("o_expiry_portal_resume_auto_renew", page)

        self._post(f"/my/deadlines/{self.auto_a.id}/auto-renew", enabled="1")
        self.assertTrue(self.auto_a.auto_renew)
        self.assertFalse(self.auto_a.date_declined)
        self.assertFalse(self.auto_a.lost_reason_id)

    def test_stopping_needs_a_reason_of_the_portal_list(self):
        self._login(self.portal_user_a)
        for reason_id in ("", "abc", "12.0", "-1", "9" * 40, self.reason_hidden.id, self.reason_archived.id):
            response = self._post(
                f"/my/deadlines/{self.auto_a.id}/auto-renew", enabled="0", lost_reason_id=reason_id
            )
            self.assertEqual(response.status_code, 303, reason_id)
            self.assertTrue(self.auto_a.auto_renew, reason_id)
            self.assertIn("Please pick a reason from the list.", self._page(self.auto_a), reason_id)
        for enabled in ("maybe", "", "2"):
            self._post(f"/my/deadlines/{self.auto_a.id}/auto-renew", enabled=enabled)
            self.assertIn("Please choose whether", self._page(self.auto_a), enabled)
        self.assertTrue(self.auto_a.auto_renew)
        # non-numeric deadline ids never reach the route
        response = self._post("/my/deadlines/abc/auto-renew", enabled="0")
        self.assertEqual(response.status_code, 404)

    def test_after_the_notice_date_the_switch_is_read_only_and_says_why(self):
        self._login(self.portal_user_a)
        page = self._page(self.auto_a_late)
        self.assertIn("o_expiry_portal_auto_renew_locked", page)
        self.assertIn("has passed", page)
        self.assertNotIn("o_expiry_portal_stop_auto_renew", page)
        self._post(
            f"/my/deadlines/{self.auto_a_late.id}/auto-renew",
            enabled="0",
            lost_reason_id=self.reason_price.id,
        )
        self.assertTrue(self.auto_a_late.auto_renew)
        self.assertIn("has passed", self._page(self.auto_a_late))
        # and in the model, whatever the route
        with self.assertRaises(UserError):
            self.auto_a_late.with_user(self.portal_user_a).portal_set_auto_renew(False, self.reason_price.id)

    def test_another_customer_gets_a_404_and_changes_nothing(self):
        self._login(self.portal_user_b)
        for url, data in (
            (
                f"/my/deadlines/{self.auto_a.id}/auto-renew",
                {"enabled": "0", "lost_reason_id": self.reason_price.id},
            ),
            (f"/my/deadlines/{self.deadline_a.id}/decline", {"lost_reason_id": self.reason_price.id}),
            (f"/my/deadlines/{self.auto_a.id}/payment-method", {"token_id": self.token_b.id}),
            ("/my/deadlines/999999999/auto-renew", {"enabled": "0"}),
        ):
            self.assertEqual(self._post(url, **data).status_code, 404, url)
        self.assertEqual(self.url_open(f"/my/deadlines/{self.auto_a.id}/payment-method").status_code, 404)
        # ids out of the database's range: a 404 too, never a 500
        huge = "9" * 25
        for url in (f"/my/deadlines/{huge}/auto-renew", f"/my/deadlines/{huge}/decline"):
            self.assertEqual(self._post(url, enabled="0").status_code, 404, url)
        self.assertEqual(self._post(f"/my/deadlines/{huge}/renew").status_code, 303, "back to /my")
        self.assertEqual(self.url_open(f"/my/deadlines/{huge}/payment-method").status_code, 404)
        self.assertTrue(self.auto_a.auto_renew)
        self.assertFalse(self.deadline_a.date_declined)
        self.assertFalse(self.auto_a.payment_token_id)
        # the model methods, as JSON-RPC would call them
        deadline = self.auto_a.with_user(self.portal_user_b)
        for method, args in (
            ("portal_set_auto_renew", (False, self.reason_price.id)),
            ("portal_set_payment_token", (self.token_b.id,)),
        ):
            with self.assertRaises(AccessError, msg=method):
                getattr(deadline, method)(*args)
        with self.assertRaises(AccessError):
            self.deadline_a.with_user(self.portal_user_b).portal_decline_renewal(self.reason_price.id)
        # one deadline at a time, a readable refusal
        with self.assertRaisesRegex(UserError, "one deadline at a time"):
            (self.auto_a | self.auto_a_late).with_user(self.portal_user_a).portal_set_auto_renew(True)

    def test_a_visitor_cannot_decide_with_or_without_the_token(self):
        self.authenticate(None, None)
        token = self.auto_a._portal_ensure_token()
        for data in ({}, {"access_token": token}):
            response = self._post(
                f"/my/deadlines/{self.auto_a.id}/auto-renew",
                enabled="0",
                lost_reason_id=self.reason_price.id,
                **data,
            )
            self.assertEqual(response.status_code, 303)
            self.assertIn("/web/login", response.headers["Location"])
        self.assertTrue(self.auto_a.auto_renew)
        public = self.env.ref("base.public_user")
        with self.assertRaises(AccessError):
            self.auto_a.with_user(public).portal_set_auto_renew(False, self.reason_price.id)
        # the page opened with the token shows the dates, not the switch
        page = self._page(self.auto_a, access_token=token)
        self.assertNotIn("o_expiry_portal_stop_auto_renew", page)

    # --- "I will not renew" ------------------------------------------------------
    def test_the_owner_declines_a_manual_renewal_once(self):
        self.deadline_a.user_id = self.env.ref("base.user_admin")
        self._login(self.portal_user_a)
        self.assertIn("o_expiry_portal_decline", self._page(self.deadline_a))
        self._post(f"/my/deadlines/{self.deadline_a.id}/decline", lost_reason_id=self.reason_price.id)
        self.assertEqual(self.deadline_a.date_declined, self.today)
        self.assertEqual(self.deadline_a.lost_reason_id, self.reason_price)
        self.assertTrue(
            self.deadline_a.activity_ids.filtered(lambda a: a.user_id == self.deadline_a.user_id),
            "the salesperson is told",
        )
        page = self._page(self.deadline_a)
        self.assertIn("o_expiry_portal_declined_info", page)
        self.assertNotIn("o_expiry_portal_decline_form", page)
        # twice: a clear answer, nothing changes
        with self.assertRaisesRegex(UserError, "already told us"):
            self.deadline_a.with_user(self.portal_user_a).portal_decline_renewal(self.reason_price.id)
        # an automatic deadline is stopped, not declined
        with self.assertRaisesRegex(UserError, "stop the automatic renewal"):
            self.auto_a.with_user(self.portal_user_a).portal_decline_renewal(self.reason_price.id)

    def test_declining_with_a_bad_reason_is_refused_on_the_page(self):
        self._login(self.portal_user_a)
        for reason_id in ("", "x", self.reason_archived.id, self.reason_hidden.id):
            response = self._post(f"/my/deadlines/{self.deadline_a.id}/decline", lost_reason_id=reason_id)
            self.assertEqual(response.status_code, 303)
            self.assertFalse(self.deadline_a.date_declined, reason_id)
            self.assertIn("Please pick a reason from the list.", self._page(self.deadline_a))

    def test_a_lapsed_deadline_cannot_be_declined(self):
        lapsed = self._create_deadline(self.customer_a, -40, state="expired")
        with self.assertRaisesRegex(UserError, "lapsed"):
            lapsed.with_user(self.portal_user_a).portal_decline_renewal(self.reason_price.id)

    # --- the saved payment method ---------------------------------------------
    def test_the_owner_picks_one_of_their_own_payment_methods(self):
        self._login(self.portal_user_a)
        page = self.url_open(f"/my/deadlines/{self.auto_a.id}/payment-method").text
        self.assertIn("4242", page)
        self.assertNotIn("9999", page, "never another customer's card")
        self.assertIn("/my/payment_method", page)
        url = f"/my/deadlines/{self.auto_a.id}/payment-method"
        for bad in (self.token_b.id, "abc", "-3", "9" * 40):
            self.assertEqual(self._post(url, token_id=bad).status_code, 303, bad)
            self.assertFalse(self.auto_a.payment_token_id, bad)
            self.assertIn("cannot be used for renewals", self._page(self.auto_a), bad)
        self._post(url)
        self.assertIn("Please choose a payment method.", self._page(self.auto_a))
        self._post(url, token_id=self.token_a.id)
        self.assertEqual(self.auto_a.payment_token_id, self.token_a)
        self.assertIn("4242", self._page(self.auto_a))
        self._post(url, token_id="0")
        self.assertFalse(self.auto_a.payment_token_id)
        # an archived card is no longer offered
        self.token_a.active = False
        self._post(url, token_id=self.token_a.id)
        self.assertFalse(self.auto_a.payment_token_id)
        # a manual deadline charges nothing: no page, a clear refusal in the model
        self.assertEqual(self.url_open(f"/my/deadlines/{self.deadline_a.id}/payment-method").status_code, 404)
        with self.assertRaisesRegex(UserError, "does not renew automatically"):
            self.deadline_a.with_user(self.portal_user_a).portal_set_payment_token(self.token_a.id)

    # --- a guest renews through the share link ---------------------------------
    def test_a_guest_renews_and_pays_through_the_share_link_only_that_deadline(self):
        self.authenticate(None, None)
        token = self.deadline_a._portal_ensure_token()
        page = self._page(self.deadline_a, access_token=token)
        self.assertIn("o_expiry_portal_guest_renew", page)
        response = self._post(f"/my/deadlines/{self.deadline_a.id}/renew", access_token=token)
        self.assertEqual(response.status_code, 303)
        order = self.env["sale.order"].search([("order_line.deadline_id", "=", self.deadline_a.id)])
        self.assertEqual(len(order), 1)
        self.assertIn(f"/my/orders/{order.id}", response.headers["Location"])
        self.assertIn("access_token=", response.headers["Location"])
        self.assertTrue(order.expiry_guest_renewal)
        self.assertEqual(order.partner_id, self.customer_a, "paid as the deadline's customer")
        self.assertEqual(order.order_line.deadline_id, self.deadline_a, "that deadline only")
        self.assertEqual(order.amount_total, 80.0, "at the agreed price")
        self.assertFalse(order.website_id, "not a shop cart: nothing else of the customer opens")
        # again: the same quotation
        self._post(f"/my/deadlines/{self.deadline_a.id}/renew", access_token=token)
        self.assertEqual(
            self.env["sale.order"].search_count([("order_line.deadline_id", "=", self.deadline_a.id)]), 1
        )
        # an expired quotation is not offered again: a new one
        order.validity_date = self.today - datetime.timedelta(days=1)
        self._post(f"/my/deadlines/{self.deadline_a.id}/renew", access_token=token)
        newer = self.env["sale.order"].search([("order_line.deadline_id", "=", self.deadline_a.id)]) - order
        self.assertEqual(len(newer), 1)
        order.validity_date = False
        newer.unlink()
        # the quotation's page opens for the guest with its token
        quotation_page = self.url_open(response.headers["Location"])
        self.assertEqual(quotation_page.status_code, 200)
        self.assertIn("o_sale_portal_paynow", quotation_page.text, "paid without signing in")
        # paid through the quotation's own payment route, the deadline renews once
        old_expiry = self.deadline_a.date_expiry
        self.make_jsonrpc_request(
            f"/my/orders/{order.id}/transaction",
            {
                "provider_id": self.provider.id,
                "payment_method_id": self.payment_method_id,
                "token_id": None,
                "amount": order.amount_total,
                "flow": "direct",
                "tokenization_requested": False,
                "landing_route": order.get_portal_url(),
                "access_token": order._portal_ensure_token(),
            },
        )
        tx = order.transaction_ids
        self.assertEqual(tx.partner_id, self.customer_a)
        self._notify_done(tx)
        self.assertEqual(order.state, "sale")
        self.assertGreater(self.deadline_a.date_expiry, old_expiry)
        self.assertEqual(len(self.deadline_a.term_ids.filtered(lambda t: t.state == "done")), 1)

    def test_a_guest_cannot_renew_without_the_token_or_with_another_deadlines(self):
        self.authenticate(None, None)
        token_a = self.deadline_a._portal_ensure_token()
        for deadline, data in (
            (self.deadline_a, {}),
            (self.deadline_a, {"access_token": "wrong"}),
            (self.deadline_b, {"access_token": token_a}),
            (self.deadline_a_later, {"access_token": token_a}),
        ):
            response = self._post(f"/my/deadlines/{deadline.id}/renew", **data)
            self.assertEqual(response.status_code, 303)
            self.assertNotIn("/my/orders/", response.headers["Location"])
        self.assertFalse(self.env["sale.order"].search([("expiry_guest_renewal", "=", True)]))
        # bad ids
        self.assertEqual(self._post("/my/deadlines/x/renew", access_token=token_a).status_code, 404)
        # another customer, signed in, holding A's link: their own cart refuses it
        self._login(self.portal_user_b)
        self._post(f"/my/deadlines/{self.deadline_a.id}/renew", access_token=token_a)
        self.assertFalse(self.env["sale.order.line"].search([("deadline_id", "=", self.deadline_a.id)]))
        self.assertIn("does not belong to you", self._page(self.deadline_a, access_token=token_a))

    def test_a_guest_is_told_when_the_deadline_cannot_be_renewed_online(self):
        self.authenticate(None, None)
        token = self.deadline_a_later._portal_ensure_token()
        page = self._page(self.deadline_a_later, access_token=token)
        self.assertNotIn("o_expiry_portal_guest_renew", page)
        self.assertIn("can be renewed online from", page)
        self._post(f"/my/deadlines/{self.deadline_a_later.id}/renew", access_token=token)
        self.assertFalse(self.env["sale.order"].search([("expiry_guest_renewal", "=", True)]))

    # --- no renewal push while an invoice is overdue ----------------------------
    def test_any_push_block_holds_the_renewal_for_the_owner_and_the_guest(self):
        # a block without an invoice of its own, as the collection addon's dispute
        Deadline = type(self.env["expiry.deadline"])
        block = "Fleet A is in dispute: it is to be paid before the renewal."
        with patch.object(
            Deadline,
            "_get_renewal_push_blocks",
            lambda records, arrears_in_checkout=None: {
                record.id: block for record in records if record.description == "Fleet A"
            },
        ):
            self._login(self.portal_user_a)
            page = self._page(self.deadline_a)
            self.assertIn("is to be paid before the renewal", page)
            self.assertNotIn('o_expiry_portal_renew"', page)
            self.assertFalse(self.deadline_a.with_user(self.portal_user_a).portal_can_renew)
            with mute_logger("odoo.http"):
                self._post(f"/my/deadlines/{self.deadline_a.id}/renew")
            self.assertFalse(
                self.env["sale.order.line"].search([("deadline_id", "=", self.deadline_a.id)]),
                "nothing in the cart",
            )
            # the guest neither
            self.authenticate(None, None)
            token = self.deadline_a._portal_ensure_token()
            self._post(f"/my/deadlines/{self.deadline_a.id}/renew", access_token=token)
            self.assertFalse(self.env["sale.order"].search([("expiry_guest_renewal", "=", True)]))

    def _overdue_invoice(self, deadline, days_overdue=20, amount=80.0):
        due = self.today - datetime.timedelta(days=days_overdue)
        move = self.env["account.move"].create(
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

    def test_an_overdue_invoice_of_the_deadline_is_shown_and_carried_by_the_renewal(self):
        # issue 18: the renewal's checkout carries the overdue amount (see
        # test_portal_arrears.py), so the invoice no longer holds Renew back
        move = self._overdue_invoice(self.deadline_a)
        self._login(self.portal_user_a)
        page = self._page(self.deadline_a)
        self.assertNotIn("is to be paid before the renewal", page)
        self.assertIn("o_expiry_portal_overdue", page)
        self.assertIn("o_expiry_portal_arrears", page)
        self.assertIn(move.get_portal_url().split("?")[0], page, "a link to pay it alone")
        self.assertIn('class="btn btn-primary o_expiry_portal_renew"', page)
        listing = self.url_open("/my/deadlines").text
        self.assertIn(f'action="/my/deadlines/{self.deadline_a.id}/renew"', listing)
        self._post(f"/my/deadlines/{self.deadline_a.id}/renew")
        order = self.env["sale.order.line"].search([("deadline_id", "=", self.deadline_a.id)]).order_id
        self.assertEqual(order.order_line.expiry_arrears_move_id, move)

    def test_a_previous_customers_overdue_invoice_neither_shows_nor_blocks(self):
        move = self._overdue_invoice(self.deadline_a)
        self.deadline_a.partner_id = self.customer_b
        self._login(self.portal_user_b)
        page = self._page(self.deadline_a)
        self.assertNotIn(move.name, page)
        self.assertIn("o_expiry_portal_renew", page)

    def test_the_public_methods_through_json_rpc(self):
        def call(method, *args):
            return self.make_jsonrpc_request(
                "/web/dataset/call_kw",
                {
                    "model": "expiry.deadline",
                    "method": method,
                    "args": [[self.auto_a.id], *args],
                    "kwargs": {},
                },
            )

        self._login(self.portal_user_a)
        self.assertIs(call("portal_set_auto_renew", False, self.reason_price.id), False, "stopped")
        self.assertFalse(self.auto_a.auto_renew)
        self.assertTrue(call("portal_set_payment_token", self.token_a.id))
        self.assertEqual(self.auto_a.payment_token_id, self.token_a)
        with mute_logger("odoo.http"), self.assertRaises(JsonRpcException):
            call("portal_set_payment_token", self.token_b.id)
        self._login(self.portal_user_b)
        with mute_logger("odoo.http"), self.assertRaises(JsonRpcException):
            call("portal_set_auto_renew", True)
        self.assertFalse(self.auto_a.auto_renew)

    # --- review findings (issue 18, second review) -----------------------------
    def _guest_order_with_a_pending_payment(self):
        self.authenticate(None, None)
        token = self.deadline_a._portal_ensure_token()
        self._post(f"/my/deadlines/{self.deadline_a.id}/renew", access_token=token)
        order = self.env["sale.order"].search([("order_line.deadline_id", "=", self.deadline_a.id)])
        self.assertEqual(len(order), 1)
        tx = self._order_transaction(order)
        tx._set_pending()
        return order, token

    def test_a_guest_with_a_payment_under_way_goes_back_to_it_never_pays_twice(self):
        order, token = self._guest_order_with_a_pending_payment()
        # the guest comes back to the share link: their order, not a second one
        response = self._post(f"/my/deadlines/{self.deadline_a.id}/renew", access_token=token)
        self.assertIn(f"/my/orders/{order.id}", response.headers["Location"])
        self.assertEqual(
            self.env["sale.order"].search([("order_line.deadline_id", "=", self.deadline_a.id)]), order
        )
        # the signed-in customer's cart is refused the same term
        self._login(self.portal_user_a)
        self._post(f"/my/deadlines/{self.deadline_a.id}/renew")
        self.assertEqual(
            self.env["sale.order"].search([("order_line.deadline_id", "=", self.deadline_a.id)]), order
        )
        self.assertIn("already under way", self._page(self.deadline_a))
        self.assertFalse(self.deadline_a.with_user(self.portal_user_a).portal_can_renew)
        # an order of the same term made another way cannot be paid meanwhile
        cart = self._new_cart(self.customer_a)
        self.env["sale.order.line"].create(
            {
                "order_id": cart.id,
                "product_id": self.product.id,
                "deadline_id": self.deadline_a.id,
                "deadline_expiry_ordered": self.deadline_a.date_expiry,
                "deadline_price_ordered": self.deadline_a.price_unit,
            }
        )
        with self.assertRaisesRegex(ValidationError, "already under way"):
            cart._expiry_check_payable()
        # the order being paid still is
        order._expiry_check_payable()

    def test_a_guest_order_of_the_previous_customer_is_not_reused(self):
        self.authenticate(None, None)
        token = self.deadline_a._portal_ensure_token()
        self._post(f"/my/deadlines/{self.deadline_a.id}/renew", access_token=token)
        order_a = self.env["sale.order"].search([("order_line.deadline_id", "=", self.deadline_a.id)])
        self.deadline_a.partner_id = self.customer_b
        token_b = self.deadline_a._portal_ensure_token()
        response = self._post(f"/my/deadlines/{self.deadline_a.id}/renew", access_token=token_b)
        order_b = (
            self.env["sale.order"].search([("order_line.deadline_id", "=", self.deadline_a.id)]) - order_a
        )
        self.assertEqual(len(order_b), 1, "a quotation of the new customer")
        self.assertEqual(order_b.partner_id, self.customer_b)
        self.assertNotIn(f"/my/orders/{order_a.id}?", response.headers["Location"])

    def test_a_colleagues_saved_card_is_neither_offered_nor_accepted(self):
        colleague = mail_new_test_user(
            self.env,
            login="expiry_portal_a2",
            name="Carl Colleague",
            email="carl@example.com",
            groups="base.group_portal",
        )
        colleague.partner_id.parent_id = self.customer_a
        token_colleague = self._create_token(partner_id=colleague.partner_id.id, payment_details="7777")
        token_company = self._create_token(partner_id=self.customer_a.id, payment_details="5555")
        self._login(self.portal_user_a)
        url = f"/my/deadlines/{self.auto_a.id}/payment-method"
        page = self.url_open(url).text
        self.assertIn("4242", page)
        self.assertIn("5555", page, "the company's own card")
        self.assertNotIn("7777", page, "never a colleague's card")
        self._post(url, token_id=token_colleague.id)
        self.assertFalse(self.auto_a.payment_token_id)
        self.assertIn("cannot be used for renewals", self._page(self.auto_a))
        with self.assertRaises(UserError):
            self.auto_a.with_user(self.portal_user_a).portal_set_payment_token(token_colleague.id)
        self._post(url, token_id=token_company.id)
        self.assertEqual(self.auto_a.payment_token_id, token_company)
        # the colleague sees and picks their own
        self.assertTrue(self.auto_a.with_user(colleague).portal_set_payment_token(token_colleague.id))
        self.assertEqual(self.auto_a.payment_token_id, token_colleague)

    def test_a_stop_of_ours_is_not_undone_from_the_portal(self):
        # the salesperson turned the automatic renewal off in the back office
        self.auto_a.auto_renew = False
        self.assertFalse(self.auto_a.date_declined)
        self._login(self.portal_user_a)
        page = self._page(self.auto_a)
        self.assertIn("turned off by us", page)
        self.assertNotIn("You stopped", page)
        self.assertNotIn("o_expiry_portal_resume_auto_renew", page)
        self._post(f"/my/deadlines/{self.auto_a.id}/auto-renew", enabled="1")
        self.assertFalse(self.auto_a.auto_renew)
        self.assertIn("please contact us to turn it back on", self._page(self.auto_a))
        with self.assertRaisesRegex(UserError, "turned off by us"):
            self.auto_a.with_user(self.portal_user_a).portal_set_auto_renew(True)

    def test_an_employee_deciding_for_the_customer_needs_write_access_and_is_named(self):
        # an employee who reads all deadlines but may write none, of the customer's company
        reader = mail_new_test_user(
            self.env,
            login="expiry_reader_a",
            name="Rita Reader",
            email="rita@example.com",
            groups="base.group_user,sales_team.group_sale_salesman_all_leads",
        )
        reader.partner_id.parent_id = self.customer_a
        with self.assertRaises(AccessError):
            self.auto_a.with_user(reader).portal_set_auto_renew(False, self.reason_price.id)
        self.assertTrue(self.auto_a.auto_renew)
        admin = self.env.ref("base.user_admin")
        self.assertFalse(self.auto_a.with_user(admin).portal_set_auto_renew(False, self.reason_price.id))
        notes = " ".join(self.auto_a.message_ids.mapped("body"))
        self.assertIn(f"{admin.name} stopped the automatic renewal", notes)
        self.assertNotIn("The customer stopped", notes)

    def test_an_internal_reason_is_not_shown_in_the_portal(self):
        self.auto_a._expiry_decline(self.reason_hidden, stop_only=True)
        self.deadline_a._expiry_decline(self.reason_hidden)
        self._login(self.portal_user_a)
        for deadline in (self.auto_a, self.deadline_a):
            page = self._page(deadline)
            self.assertNotIn(self.reason_hidden.name, page)
        self.auto_a.lost_reason_id = self.reason_price
        self.assertIn(
            self.reason_price.name, self._page(self.auto_a).split("o_expiry_portal_auto_renew_off")[1]
        )

    def test_the_success_message_follows_the_state_the_model_returns(self):
        self._login(self.portal_user_a)
        # "on" is a yes for the model: the message says so too
        self._post(
            f"/my/deadlines/{self.auto_a.id}/auto-renew", enabled="0", lost_reason_id=self.reason_price.id
        )
        self._page(self.auto_a)
        self._post(f"/my/deadlines/{self.auto_a.id}/auto-renew", enabled="True")
        self.assertTrue(self.auto_a.auto_renew)
        self.assertIn("renews automatically again", self._page(self.auto_a))

    def test_a_message_is_shown_on_its_own_deadline_page_only(self):
        self._login(self.portal_user_a)
        self._post(f"/my/deadlines/{self.auto_a.id}/auto-renew", enabled="maybe")
        self.assertNotIn("Please choose whether", self._page(self.deadline_a), "another deadline's page")
        self.assertIn("Please choose whether", self._page(self.auto_a))
        self.assertNotIn("Please choose whether", self._page(self.auto_a), "once")


@tagged("post_install", "-at_install")
class TestPortalAutoRenewTour(ExpiryPortalCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setUpExpiryPortal()
        product = cls.env["product.product"].create(
            {
                "name": "Tour Maintenance",
                "type": "service",
                "list_price": 50.0,
                "expiry_duration": 1,
                "expiry_duration_unit": "year",
                "renewal_mode": "automatic",
                "notice_days": 30,
            }
        )
        cls.tour_deadline = cls._create_deadline(
            cls.customer_a, 60, description="Tour contract AR-0001", product_id=product.id
        )

    def test_customer_stops_then_resumes_the_automatic_renewal(self):
        self.start_tour("/my/deadlines", "expiry_portal_auto_renew", login=self.portal_user_a.login)
        self.assertTrue(self.tour_deadline.auto_renew)
        self.assertFalse(self.tour_deadline.date_declined)
        notes = " ".join(self.tour_deadline.message_ids.mapped("body"))
        self.assertIn("stopped the automatic renewal", notes)
        self.assertIn("changed their mind", notes)
