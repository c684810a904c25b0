# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from urllib.parse import urlparse

from odoo import http
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, tagged

from .common import ExpiryPortalCommon


@tagged("post_install", "-at_install")
class TestPortalAccess(ExpiryPortalCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setUpExpiryPortal()
        cls.draft_a = cls._create_deadline(cls.customer_a, 10, state="draft", description="Draft A")

    def _get(self, url):
        return self.url_open(url, allow_redirects=False)

    def _post_renew(self, deadline, **data):
        data.setdefault("csrf_token", http.Request.csrf_token(self))
        return self.url_open(f"/my/deadlines/{deadline.id}/renew", data=data, allow_redirects=False)

    def _cart_deadlines(self, partner):
        return self.env["sale.order.line"].sudo().search([("order_partner_id", "=", partner.id)]).deadline_id

    def _location(self, response):
        return urlparse(response.headers.get("Location", "")).path

    # ------------------------------------------------------------------
    # Record rules, directly
    # ------------------------------------------------------------------
    def test_portal_user_reads_only_his_companys_non_draft_deadlines(self):
        Deadline = self.env["expiry.deadline"].with_user(self.portal_user_a)
        visible = Deadline.search([])
        self.assertEqual(visible, self.deadline_a | self.deadline_a_later)
        with self.assertRaises(AccessError):
            self.deadline_b.with_user(self.portal_user_a).read(["name"])
        with self.assertRaises(AccessError):
            self.draft_a.with_user(self.portal_user_a).read(["name"])

    def test_portal_user_cannot_write_create_or_delete_deadlines(self):
        deadline = self.deadline_a.with_user(self.portal_user_a)
        with self.assertRaises(AccessError):
            deadline.write({"date_expiry": "2099-01-01"})
        with self.assertRaises(AccessError):
            self.env["expiry.deadline"].with_user(self.portal_user_a).create(
                {"partner_id": self.customer_a.id, "date_expiry": "2099-01-01"}
            )
        with self.assertRaises(AccessError):
            deadline.unlink()

    def test_portal_user_reads_only_his_companys_renewal_terms(self):
        term_a = self.deadline_a._apply_renewal()
        term_b = self.deadline_b._apply_renewal()
        Term = self.env["expiry.deadline.term"].with_user(self.portal_user_a)
        self.assertEqual(Term.search([("id", "in", (term_a | term_b).ids)]), term_a)
        with self.assertRaises(AccessError):
            term_b.with_user(self.portal_user_a).read(["date_expiry"])
        with self.assertRaises(AccessError):
            term_a.with_user(self.portal_user_a).write({"date_expiry": "2099-01-01"})

    def test_salesperson_previews_the_customer_page_without_renew_button(self):
        self.authenticate("admin", "admin")
        response = self.url_open(f"/my/deadlines/{self.deadline_a.id}")
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.deadline_a.name, response.text)
        self.assertNotIn(f"/my/deadlines/{self.deadline_a.id}/renew", response.text)
        self.assertNotIn("Sign in to renew", response.text)

    def test_portal_user_writes_to_the_salesperson_on_own_deadlines_only(self):
        message = self.deadline_a.with_user(self.portal_user_a).message_post(
            body="Please call me about the renewal.", message_type="comment", subtype_xmlid="mail.mt_comment"
        )
        self.assertEqual(message.author_id, self.portal_user_a.partner_id)
        with self.assertRaises(AccessError):
            self.deadline_b.with_user(self.portal_user_a).message_post(
                body="Hello", message_type="comment", subtype_xmlid="mail.mt_comment"
            )

    # ------------------------------------------------------------------
    # Pages, probing by ID
    # ------------------------------------------------------------------
    def test_list_shows_own_deadlines_only(self):
        self.authenticate(self.portal_user_a.login, self.portal_user_a.login)
        response = self.url_open("/my/deadlines")
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.deadline_a.name, response.text)
        self.assertIn(self.deadline_a_later.name, response.text)
        self.assertNotIn(self.deadline_b.name, response.text)
        self.assertNotIn(self.draft_a.name, response.text)
        # One click renews from the list, for deadlines in the renewal window only.
        self.assertIn(f'action="/my/deadlines/{self.deadline_a.id}/renew"', response.text)
        self.assertNotIn(f'action="/my/deadlines/{self.deadline_a_later.id}/renew"', response.text)

    def test_list_filters_and_sortings_and_unknown_keys(self):
        self.authenticate(self.portal_user_a.login, self.portal_user_a.login)
        soon = self.url_open("/my/deadlines?filterby=soon").text
        self.assertIn(self.deadline_a.name, soon)
        self.assertNotIn(self.deadline_a_later.name, soon)
        queries = ("filterby=active&sortby=amount", "filterby=expired", "sortby=name", "filterby=x&sortby=y")
        for query in queries:
            self.assertEqual(self.url_open(f"/my/deadlines?{query}").status_code, 200, query)

    def test_home_counter_counts_own_deadlines(self):
        self.authenticate(self.portal_user_a.login, self.portal_user_a.login)
        result = self.make_jsonrpc_request("/my/counters", {"counters": ["deadline_count"]})
        self.assertEqual(result["deadline_count"], 2)

    def test_portal_user_cannot_open_another_customers_deadline(self):
        self.authenticate(self.portal_user_a.login, self.portal_user_a.login)
        own = self._get(f"/my/deadlines/{self.deadline_a.id}")
        self.assertEqual(own.status_code, 200)
        self.assertIn(self.deadline_a.name, own.text)
        for deadline in (self.deadline_b, self.draft_a):
            response = self._get(f"/my/deadlines/{deadline.id}")
            self.assertIn(response.status_code, (302, 303))
            self.assertEqual(self._location(response), "/my")
        missing = self._get("/my/deadlines/999999999")
        self.assertEqual(self._location(missing), "/my")

    def test_guessed_access_token_is_refused(self):
        self.deadline_b._portal_ensure_token()
        self.authenticate(self.portal_user_a.login, self.portal_user_a.login)
        for token in ("", "0", "x" * 36, self.deadline_a._portal_ensure_token()):
            response = self._get(f"/my/deadlines/{self.deadline_b.id}?access_token={token}")
            self.assertEqual(self._location(response), "/my", token)
            self.assertNotIn(self.deadline_b.name, response.text)

    def test_portal_user_cannot_renew_another_customers_deadline(self):
        self.authenticate(self.portal_user_a.login, self.portal_user_a.login)
        expiry = self.deadline_b.date_expiry
        response = self._post_renew(self.deadline_b)
        self.assertEqual(self._location(response), "/my")
        # Even holding B's token (a forwarded e-mail), the cart refuses it.
        token = self.deadline_b._portal_ensure_token()
        response = self._post_renew(self.deadline_b, access_token=token)
        self.assertEqual(self._location(response), f"/my/deadlines/{self.deadline_b.id}")
        page = self.url_open(f"/my/deadlines/{self.deadline_b.id}?access_token={token}")
        self.assertIn("does not belong to you", page.text)
        self.assertFalse(self._cart_deadlines(self.portal_user_a.partner_id))
        self.assertEqual(self.deadline_b.date_expiry, expiry)
        self.assertFalse(self.deadline_b.sale_line_ids)

    def test_forged_cart_update_with_another_customers_deadline_changes_nothing(self):
        """/shop/cart/update forwards any form field to the cart: a deadline
        id slipped in there is checked by the model, not trusted."""
        self.authenticate(self.portal_user_a.login, self.portal_user_a.login)
        expiry = self.deadline_b.date_expiry
        product = self.deadline_b.product_id
        product.website_published = True
        for deadline_id in (self.deadline_b.id, "abc", 10**9):
            response = self.url_open(
                "/shop/cart/update",
                data={
                    "csrf_token": http.Request.csrf_token(self),
                    "product_id": product.id,
                    "add_qty": 1,
                    "deadline_id": deadline_id,
                },
                allow_redirects=False,
            )
            self.assertLess(response.status_code, 500, deadline_id)
        self.assertFalse(self._cart_deadlines(self.portal_user_a.partner_id))
        self.assertEqual(self.deadline_b.date_expiry, expiry)
        self.assertFalse(self.deadline_b.sale_line_ids)

    def test_renew_requires_a_post_with_csrf_token(self):
        self.authenticate(self.portal_user_a.login, self.portal_user_a.login)
        response = self.url_open(
            f"/my/deadlines/{self.deadline_a.id}/renew", data={"csrf_token": "forged"}, allow_redirects=False
        )
        self.assertEqual(response.status_code, 400)
        response = self._get(f"/my/deadlines/{self.deadline_a.id}/renew")
        self.assertEqual(response.status_code, 405)
        self.assertFalse(self._cart_deadlines(self.portal_user_a.partner_id))

    def test_renew_goes_to_checkout_with_the_deadline_in_the_cart(self):
        self.authenticate(self.portal_user_a.login, self.portal_user_a.login)
        response = self._post_renew(self.deadline_a)
        self.assertEqual(self._location(response), "/shop/checkout")
        self.assertEqual(self._cart_deadlines(self.portal_user_a.partner_id), self.deadline_a)
        self._post_renew(self.deadline_a)
        lines = self.env["sale.order.line"].sudo().search([("deadline_id", "=", self.deadline_a.id)])
        self.assertEqual(len(lines), 1)

    def test_renew_of_cancelled_deadline_shows_a_message(self):
        cancelled = self._create_deadline(self.customer_a, 10, state="cancelled", description="Gone")
        self.authenticate(self.portal_user_a.login, self.portal_user_a.login)
        response = self._post_renew(cancelled)
        self.assertEqual(self._location(response), f"/my/deadlines/{cancelled.id}")
        page = self.url_open(f"/my/deadlines/{cancelled.id}")
        self.assertEqual(page.status_code, 200)
        self.assertIn("is cancelled and cannot be renewed", page.text)
        self.assertFalse(self._cart_deadlines(self.portal_user_a.partner_id))

    # ------------------------------------------------------------------
    # Public visitors
    # ------------------------------------------------------------------
    def test_public_visitor_needs_a_valid_access_token(self):
        self.authenticate(None, None)
        response = self._get(f"/my/deadlines/{self.deadline_a.id}")
        self.assertEqual(self._location(response), "/my")
        response = self._get(f"/my/deadlines/{self.deadline_a.id}?access_token=guess")
        self.assertEqual(self._location(response), "/my")
        self.assertEqual(urlparse(self._get("/my/deadlines").headers["Location"]).path, "/web/login")
        token = self.deadline_a._portal_ensure_token()
        response = self._get(f"/my/deadlines/{self.deadline_a.id}?access_token={token}")
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.deadline_a.name, response.text)
        self.assertIn("Sign in to renew", response.text)

    def test_public_visitor_cannot_renew_without_the_token(self):
        # with the token, a guest renews that deadline (test_portal_auto_renew)
        self.authenticate(None, None)
        for token in (None, "guess"):
            response = self._post_renew(self.deadline_a, access_token=token)
            self.assertEqual(urlparse(response.headers["Location"]).path, "/my")
        self.assertFalse(self.deadline_a.sale_line_ids)
