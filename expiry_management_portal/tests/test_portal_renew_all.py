# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Issue 19: the "renew all" link of a grouped timed e-mail puts every one of
the customer's deadlines it names that can be renewed online into one cart,
for one checkout (/my/deadlines/renew-all)."""

from unittest.mock import patch

from dateutil.relativedelta import relativedelta

from odoo import http
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from ..models import expiry_deadline_renew_all as renew_all_model
from .common import ExpiryPortalPaymentCommon


@tagged("post_install", "-at_install")
class TestPortalRenewAll(ExpiryPortalPaymentCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setUpExpiryPortal()
        cls.partner_a = cls.portal_user_a.partner_id
        cls.deadline_a2 = cls._create_deadline(cls.customer_a, 15, price_unit=60.0, description="Fleet A2")
        # deadline_a_later: outside the renewal window (listed with its reason)
        cls.group = cls.deadline_a | cls.deadline_a2 | cls.deadline_a_later

    def _path(self, deadlines):
        return "/my/deadlines/renew-all?ids=" + ",".join(map(str, deadlines.ids))

    def _post(self, ids):
        return self.url_open(
            "/my/deadlines/renew-all",
            data={"csrf_token": http.Request.csrf_token(self), "ids": ids},
            allow_redirects=False,
        )

    def _cart(self):
        return (
            self.env["sale.order"]
            .sudo()
            .search(
                [("partner_id", "=", self.partner_a.id), ("state", "=", "draft"), ("website_id", "!=", False)]
            )
        )

    def _render_grouped(self, deadlines):
        template = self.env.ref("expiry_management.mail_template_grouped_reminder")
        first = deadlines[0]
        return template.with_context(
            expiry_reminder_groups=((first.id, tuple(deadlines.ids)),)
        )._render_field("body_html", first.ids)[first.id]

    def test_the_link_of_the_grouped_e_mail_opens_the_page(self):
        # the recipient (Alice, a contact of A) signs in to the portal: one "renew all" link
        mine = self._create_deadline(self.partner_a, 10, description="Alice 1") | self._create_deadline(
            self.partner_a, 12, description="Alice 2"
        )
        body = self._render_grouped(mine)
        url = mine._get_renew_all_url()
        self.assertTrue(url)
        self.assertIn(url, body)
        for deadline in mine:
            self.assertIn(deadline.name, body)
            self.assertIn(deadline._get_portal_renewal_url(), body, "each its own link")
        self.authenticate(self.portal_user_a.login, self.portal_user_a.login)
        response = self.url_open(self._path(self.group))
        self.assertEqual(response.status_code, 200)
        for deadline in self.group:
            self.assertIn(deadline.name, response.text)
        self.assertEqual(response.text.count("o_expiry_portal_renew_all_ok"), 2)
        self.assertEqual(response.text.count("o_expiry_portal_renew_all_reason"), 1)
        self.assertIn("o_expiry_portal_renew_all_submit", response.text)

    def test_no_renew_all_link_for_a_recipient_without_portal_user(self):
        # A's company address has no portal user: each row's own link only
        self.assertFalse(self.customer_a.user_ids)
        body = self._render_grouped(self.deadline_a | self.deadline_a2)
        self.assertFalse((self.deadline_a | self.deadline_a2)._get_renew_all_url())
        self.assertNotIn("/my/deadlines/renew-all", body)
        for deadline in self.deadline_a | self.deadline_a2:
            self.assertIn(deadline._get_portal_renewal_url(), body, "each its own link")

    def test_no_renew_all_link_for_more_deadlines_than_a_link_names(self):
        mine = self._create_deadline(self.partner_a, 10) | self._create_deadline(self.partner_a, 12)
        self.assertTrue(mine._get_renew_all_url())
        with patch.object(renew_all_model, "RENEW_ALL_MAX_IDS", 1):
            self.assertFalse(mine._get_renew_all_url())

    def test_another_companys_deadline_stays_out_with_its_reason(self):
        other_company = self.env["res.company"].create({"name": "Other Renewals Co"})
        self.assertNotEqual(other_company, self.website.company_id)
        foreign = self._create_deadline(
            self.customer_a, 12, description="Fleet A abroad", company_id=other_company.id
        )
        self.assertEqual(foreign.company_id, other_company)
        # a customer of the other company only, on this website: Odoo's website
        # then searches with the user's own company, so the deadline is found
        self.portal_user_a.write({"company_ids": [(4, other_company.id)], "company_id": other_company.id})
        self.portal_user_a.company_ids = other_company
        self.authenticate(self.portal_user_a.login, self.portal_user_a.login)
        response = self.url_open(self._path(foreign))
        self.assertEqual(response.status_code, 200)
        self.assertIn(foreign.name, response.text)
        self.assertNotIn("o_expiry_portal_renew_all_ok", response.text)
        self.assertIn("Renewed on its own website", response.text)
        response = self._post(str(foreign.id))
        self.assertEqual(response.status_code, 200, "nothing went into the cart: the page with the reason")
        self.assertIn("Renewed on its own website", response.text)
        self.assertFalse(
            self.env["sale.order.line"].sudo().search([("deadline_id", "=", foreign.id)]),
            "not in a cart of this website's company",
        )

    def test_post_puts_every_renewable_deadline_in_one_cart(self):
        self.authenticate(self.portal_user_a.login, self.portal_user_a.login)
        response = self._post(",".join(map(str, self.group.ids)))
        self.assertEqual(response.status_code, 303)
        self.assertIn("/shop/checkout", response.headers["Location"])
        cart = self._cart()
        self.assertEqual(len(cart), 1, "one cart, one checkout")
        self.assertEqual(cart.order_line.deadline_id, self.deadline_a | self.deadline_a2)
        # again: nothing twice
        self._post(",".join(map(str, self.group.ids)))
        self.assertEqual(len(self._cart().order_line), 2)

    def test_one_checkout_renews_them_all_once_paid(self):
        self.authenticate(self.portal_user_a.login, self.portal_user_a.login)
        self._post(f"{self.deadline_a.id},{self.deadline_a2.id}")
        cart = self._cart()
        expiries = {deadline: deadline.date_expiry for deadline in self.deadline_a | self.deadline_a2}
        tx = self._order_transaction(cart)
        self._notify_done(tx)
        self._notify_done(tx)  # the webhook again
        self.assertEqual(cart.state, "sale")
        for deadline, expiry in expiries.items():
            self.assertEqual(deadline.date_expiry, expiry + relativedelta(years=1), deadline.name)
            self.assertEqual(len(deadline.term_ids.filtered(lambda term: term.state == "done")), 1)

    def test_another_customers_ids_are_not_found_nor_added(self):
        self.authenticate(self.portal_user_b.login, self.portal_user_b.login)
        with mute_logger("odoo.http"):
            response = self.url_open(self._path(self.deadline_a | self.deadline_a2))
            self.assertEqual(response.status_code, 404)
            response = self._post(f"{self.deadline_a.id},{self.deadline_a2.id}")
            self.assertEqual(response.status_code, 404)
        self.assertFalse(self._cart())
        # mixed: B's own deadline goes in, A's are dropped without a word
        response = self.url_open(self._path(self.deadline_a | self.deadline_b))
        self.assertEqual(response.status_code, 200)
        self.assertNotIn(self.deadline_a.name, response.text)
        self.assertIn(self.deadline_b.name, response.text)
        self._post(f"{self.deadline_a.id},{self.deadline_b.id}")
        carts = self.env["sale.order"].sudo().search([("order_line.deadline_id", "in", self.group.ids)])
        self.assertFalse(carts)

    def test_bad_ids_are_not_found_never_a_server_error(self):
        self.authenticate(self.portal_user_a.login, self.portal_user_a.login)
        with mute_logger("odoo.http"):
            for ids in ("", "abc", "1.0", "-3", "99999999999", ",", "2147483647", "1," * 500):
                response = self.url_open(f"/my/deadlines/renew-all?ids={ids}")
                self.assertEqual(response.status_code, 404, ids)
            response = self.url_open("/my/deadlines/renew-all")
            self.assertEqual(response.status_code, 404)
            response = self._post("x")
            self.assertEqual(response.status_code, 404)

    def test_the_page_needs_a_signed_in_user(self):
        response = self.url_open(self._path(self.group), allow_redirects=False)
        self.assertEqual(response.status_code, 303)
        self.assertIn("/web/login", response.headers["Location"])

    def test_the_post_needs_the_csrf_token(self):
        self.authenticate(self.portal_user_a.login, self.portal_user_a.login)
        with mute_logger("odoo.http"):
            response = self.url_open(
                "/my/deadlines/renew-all",
                data={"csrf_token": "forged", "ids": str(self.deadline_a.id)},
                allow_redirects=False,
            )
        self.assertNotEqual(response.status_code, 303)
        self.assertFalse(self._cart())

    def test_one_that_cannot_be_renewed_stays_out_with_its_reason(self):
        self.deadline_a2.state = "closed"
        self.authenticate(self.portal_user_a.login, self.portal_user_a.login)
        response = self._post(f"{self.deadline_a.id},{self.deadline_a2.id}")
        self.assertEqual(response.status_code, 303)
        self.assertEqual(self._cart().order_line.deadline_id, self.deadline_a)
        # none renewable: the page again, with the reasons
        self.deadline_a.state = "closed"
        self._cart().unlink()
        response = self._post(f"{self.deadline_a.id},{self.deadline_a2.id}")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.text.count("o_expiry_portal_renew_all_reason"), 2)

    def test_the_model_checks_the_owner_before_anything(self):
        deadlines = self.deadline_a | self.deadline_b
        with self.assertRaises(AccessError):
            deadlines.with_user(self.portal_user_a)._portal_renew_all()
        with self.assertRaises(AccessError):
            self.deadline_a.with_user(self.portal_user_b)._portal_renew_all()
        # an employee reading every deadline is not their customer either
        with self.assertRaises(AccessError):
            self.deadline_a.with_user(self.env.ref("base.user_admin"))._portal_renew_all()
        # outside the website: no cart to fill
        with self.assertRaises(UserError):
            self.deadline_a.with_user(self.portal_user_a)._portal_renew_all()
        self.assertFalse(self._cart())
