# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The online renewal under attack and bad input: each test names the defect
of the hardened money path it guards, through HTTP as an attacker sends it or
through the ORM as the shop's routes call it."""

import contextlib

from odoo import Command, http
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, tagged
from odoo.tests.common import JsonRpcException

from odoo.addons.website.tools import MockRequest

from ..models.expiry_deadline import PORTAL_READABLE_FIELDS
from .common import ExpiryPortalCommon

# What a portal user reads of their own deadline, and nothing more.
EXPECTED_PORTAL_FIELDS = {
    "id",
    "display_name",
    "name",
    "description",
    "partner_id",
    "commercial_partner_id",
    "product_id",
    "quantity",
    "price_unit",
    "amount",
    "currency_id",
    "company_id",
    "user_id",
    "date_start",
    "date_expiry",
    "days_remaining",
    "state",
    "term_ids",
    "renewal_count",
    "is_renewable",
    "portal_can_renew",
    "portal_renewal_date_expiry",
    "portal_renewal_url",
    "renewal_mode",
    "notice_days",
    "date_notice",
    "auto_renew",
    "date_declined",
    "access_url",
    "access_token",
    "access_warning",
    "create_date",
    "write_date",
}
INTERNAL_FIELDS = (
    "notes",
    "origin_id",
    "bank_institute_id",
    "team_id",
    "urgency",
    "sale_line_ids",
    "reminder_ids",
    "renewal_amount_due",
    "renewal_unpaid",
    "cron_error",
    "create_uid",
    "write_uid",
    "activity_ids",
    "payment_token_id",
    "lost_reason_id",
)


@tagged("post_install", "-at_install")
class TestPortalHardening(ExpiryPortalCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setUpExpiryPortal()
        cls.partner_a = cls.portal_user_a.partner_id
        # A renewal of 10 seats, and a cheap one of the same customer
        cls.deadline_a.write({"quantity": 10, "notes": "<p>Haggles; give 5% at most</p>"})
        cls.deadline_small = cls._create_deadline(cls.customer_a, 12, description="Small")

    def _login_a(self):
        self.authenticate(self.portal_user_a.login, self.portal_user_a.login)

    def _post_renew(self, deadline):
        return self.url_open(
            f"/my/deadlines/{deadline.id}/renew",
            data={"csrf_token": http.Request.csrf_token(self)},
            allow_redirects=False,
        )

    def _cart_lines(self):
        return self.env["sale.order.line"].sudo().search([("order_partner_id", "=", self.partner_a.id)])

    def _cart_update_json(self, **params):
        return self.make_jsonrpc_request("/shop/cart/update_json", params)

    # --- 1. quantity and price tampering ----------------------------------
    def test_cart_update_json_cannot_lower_a_renewal_line_through_another_deadline(self):
        self._login_a()
        self._post_renew(self.deadline_a)
        line = self._cart_lines()
        self.assertEqual((line.deadline_id, line.product_uom_qty), (self.deadline_a, 10))
        amount = line.order_id.amount_total
        with self.assertRaises(JsonRpcException):
            self._cart_update_json(
                product_id=self.product.id,
                line_id=line.id,
                set_qty=1,
                deadline_id=self.deadline_small.id,
            )
        line.invalidate_recordset()
        self.assertEqual(line.deadline_id, self.deadline_a)
        self.assertEqual(line.product_uom_qty, 10, "ten seats are paid for ten seats")
        self.assertEqual(line.order_id.amount_total, amount)
        # without a deadline in the request, the quantity stays the deadline's too
        self._cart_update_json(product_id=self.product.id, line_id=line.id, set_qty=1)
        line.invalidate_recordset()
        self.assertEqual(line.product_uom_qty, 10)

    def test_a_renewal_lines_quantity_is_fixed_in_the_model(self):
        order = self._new_cart(self.partner_a)
        with MockRequest(self.env, website=self.website, sale_order_id=order.id):
            line = order._cart_add_renewal(self.deadline_a)
        with self.assertRaises(ValidationError):
            line.product_uom_qty = 1

    # --- 2. one line per deadline, ids parsed strictly --------------------
    def test_odd_spellings_of_a_deadline_id_never_make_a_second_line(self):
        order = self._new_cart(self.partner_a)
        with MockRequest(self.env, website=self.website, sale_order_id=order.id):
            line = order._cart_add_renewal(self.deadline_a)
            for spelling in ("%s.0", " %s", "+%s", "%s ", "0%s"):
                value = spelling % self.deadline_a.id
                # refused or read as the same deadline: either way no second line
                with contextlib.suppress(UserError, ValidationError):
                    order._cart_update(product_id=self.product.id, set_qty=1, deadline_id=value)
            with contextlib.suppress(UserError, ValidationError):
                order._cart_update(
                    product_id=self.product.id,
                    set_qty=1,
                    deadline_id=self.deadline_a.id,
                    linked_line_id=line.id,
                )
        self.assertEqual(order.order_line, line, "one renewal line for one deadline")
        self.assertEqual(line.product_uom_qty, 10)

    def test_ids_from_requests_are_parsed_strictly(self):
        from odoo.addons.expiry_management.tools import parse_id, parse_page

        self.assertEqual(parse_id("12"), 12)
        self.assertEqual(parse_id(12), 12)
        for bad in ("12.0", " 12", "+12", "²", "-1", "0", "", None, True, 12.0, "9" * 11, 2**31):
            self.assertIsNone(parse_id(bad), bad)
        self.assertEqual(parse_page("²"), 1)
        self.assertEqual(parse_page("3"), 3)

    # --- 5. bad input never gives a 500 -----------------------------------
    def test_bad_input_gets_a_readable_answer_never_a_500(self):
        self._login_a()
        self.product.website_published = True
        for deadline_id in ("²", "12.0", "-3", "9" * 40, "1e9"):
            response = self.url_open(
                "/shop/cart/update",
                data={
                    "csrf_token": http.Request.csrf_token(self),
                    "product_id": self.product.id,
                    "add_qty": 1,
                    "deadline_id": deadline_id,
                },
                allow_redirects=False,
            )
            self.assertLess(response.status_code, 500, deadline_id)
        for page in ("²", "abc", "-1", "9" * 40):
            response = self.url_open(f"/my/deadlines?page={page}", allow_redirects=False)
            self.assertEqual(response.status_code, 200, page)
        for query in ("sortby=²", "filterby=%00", "sortby[]=x"):
            response = self.url_open(f"/my/deadlines?{query}", allow_redirects=False)
            self.assertEqual(response.status_code, 200, query)
        self.assertFalse(self._cart_lines().filtered("deadline_id"), "nothing was put in the cart")

    def test_a_huge_window_in_the_settings_does_not_break_the_portal(self):
        # stored out of bounds (by SQL): the settings' constraint refuses such values
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE res_company SET expiry_renewal_window_days = %s, expiry_renewal_grace_days = %s",
            (10**9, 10**9),
        )
        self.env.invalidate_all()
        self._login_a()
        for url in ("/my/deadlines", "/my/deadlines?filterby=soon", f"/my/deadlines/{self.deadline_a.id}"):
            self.assertEqual(self.url_open(url).status_code, 200, url)

    # --- 4. portal users read only the fields meant for them --------------
    def test_portal_user_reads_only_the_allowed_fields(self):
        deadline = self.deadline_a.with_user(self.portal_user_a)
        readable = set(deadline.fields_get())
        # glue addons may allow a field of their own (e.g. the collection state)
        extended = self.env["expiry.deadline"]._get_portal_readable_fields() - PORTAL_READABLE_FIELDS
        self.assertFalse(extended & set(INTERNAL_FIELDS))
        expected = EXPECTED_PORTAL_FIELDS | extended
        self.assertEqual(
            readable
            - {
                f for f in readable if f.startswith(("message_", "website_message", "has_message", "rating_"))
            },
            expected,
        )
        values = deadline.read()[0]
        self.assertEqual(
            set(values)
            - {f for f in values if f.startswith(("message_", "website_message", "has_message", "rating_"))},
            expected,
        )
        self.assertNotIn("Haggles", str(values))
        for field in INTERNAL_FIELDS:
            with self.assertRaises(AccessError, msg=field):
                deadline.read([field])
        with self.assertRaises(AccessError):
            deadline.search_read([("notes", "ilike", "Haggles")], ["name"])

    def test_reading_the_renewal_link_in_a_read_only_request_writes_nothing(self):
        """A read through JSON-RPC runs on a read-only cursor: computing the
        renewal link must not try to write the access token (Odoo would log
        the refused UPDATE and retry the whole request read-write)."""
        self.deadline_a.sudo().access_token = False
        self._login_a()
        with self.assertNoLogs("odoo.sql_db", level="ERROR"):
            result = self.make_jsonrpc_request(
                "/web/dataset/call_kw",
                {
                    "model": "expiry.deadline",
                    "method": "read",
                    "args": [[self.deadline_a.id], ["portal_renewal_url"]],
                    "kwargs": {},
                },
            )
        self.assertTrue(result[0]["portal_renewal_url"].endswith(f"/my/deadlines/{self.deadline_a.id}"))

    def test_portal_user_reads_internal_fields_through_json_rpc_neither(self):
        self._login_a()
        for field in ("notes", "origin_id", "team_id", "bank_institute_id"):
            with self.assertRaises(JsonRpcException, msg=field) as caught:
                self.make_jsonrpc_request(
                    "/web/dataset/call_kw",
                    {
                        "model": "expiry.deadline",
                        "method": "read",
                        "args": [[self.deadline_a.id], [field]],
                        "kwargs": {},
                    },
                )
            self.assertNotIn("Haggles", str(caught.exception))
        result = self.make_jsonrpc_request(
            "/web/dataset/call_kw",
            {
                "model": "expiry.deadline",
                "method": "read",
                "args": [[self.deadline_a.id]],
                "kwargs": {},
            },
        )
        self.assertNotIn("notes", result[0])
        self.assertNotIn("Haggles", str(result))

    # --- 6. archived or unsellable renewal products -----------------------
    def test_archived_or_unsellable_product_cannot_be_renewed_online(self):
        self.product.sale_ok = False
        error = self.deadline_a._get_portal_renewal_error(self.partner_a)
        self.assertIn("can no longer be sold", error)
        self.assertFalse(self.deadline_a.with_user(self.portal_user_a).portal_can_renew)
        self.product.sale_ok = True
        self.product.active = False
        self.assertIn("archived", self.deadline_a._get_portal_renewal_error(self.partner_a))
        self._login_a()
        response = self._post_renew(self.deadline_a)
        self.assertEqual(response.status_code, 303)
        page = self.url_open(f"/my/deadlines/{self.deadline_a.id}")
        self.assertIn("can no longer be sold", page.text)
        self.assertFalse(self._cart_lines())

    # --- 7. prices in another currency, pricelist discounts ---------------
    def test_the_cart_charges_the_agreed_price_converted_to_the_carts_currency(self):
        eur = self.env.ref("base.EUR")
        eur.active = True
        self.env["res.currency.rate"].create(
            {"currency_id": eur.id, "rate": 0.5, "name": "2020-01-01", "company_id": self.company.id}
        )
        self.assertNotEqual(eur, self.company.currency_id)
        self.deadline_a.write({"currency_id": eur.id, "price_unit": 80.0})
        order = self._new_cart(self.partner_a)
        with MockRequest(self.env, website=self.website, sale_order_id=order.id):
            line = order._cart_add_renewal(self.deadline_a)
        expected = eur._convert(80.0, order.currency_id, self.company, order.date_order.date())
        self.assertAlmostEqual(line.price_unit, expected, places=2)
        self.assertNotEqual(line.price_unit, self.product.list_price)

    def test_a_percentage_pricelist_does_not_discount_the_agreed_price_online(self):
        pricelist = self.env["product.pricelist"].create(
            {
                "name": "Web ten off",
                "currency_id": self.company.currency_id.id,
                "website_id": self.website.id,
                "selectable": True,
                "item_ids": [Command.create({"compute_price": "percentage", "percent_price": 10})],
            }
        )
        self.partner_a.property_product_pricelist = pricelist
        order = self._new_cart(self.partner_a)
        order.pricelist_id = pricelist
        with MockRequest(self.env, website=self.website, sale_order_id=order.id):
            line = order._cart_add_renewal(self.deadline_a)
        self.assertEqual(line.price_unit, 80.0)
        self.assertEqual(line.discount, 0.0)
        self.assertEqual(line.price_subtotal, 800.0)
