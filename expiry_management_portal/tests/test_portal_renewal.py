# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import datetime

from dateutil.relativedelta import relativedelta

from odoo.exceptions import UserError, ValidationError
from odoo.tests import TransactionCase, tagged

from odoo.addons.website.tools import MockRequest

from .common import ExpiryPortalPaymentCommon


@tagged("post_install", "-at_install")
class TestPortalRenewal(ExpiryPortalPaymentCommon, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setUpExpiryPortal()
        cls.partner_a = cls.portal_user_a.partner_id

    def _add_to_cart(self, order, deadline):
        with MockRequest(self.env, website=self.website, sale_order_id=order.id):
            return order._cart_add_renewal(deadline)

    # ------------------------------------------------------------------
    # Who may renew online, when
    # ------------------------------------------------------------------
    def test_deadline_in_renewal_window_can_be_renewed_online(self):
        self.assertFalse(self.deadline_a._get_portal_renewal_error(self.partner_a))
        self.assertTrue(self.deadline_a.with_user(self.portal_user_a).portal_can_renew)
        self.assertEqual(
            self.deadline_a.with_user(self.portal_user_a).portal_renewal_date_expiry,
            self.deadline_a.date_expiry + relativedelta(years=1),
        )

    def test_deadline_before_renewal_window_cannot_be_renewed_yet(self):
        error = self.deadline_a_later._get_portal_renewal_error(self.partner_a)
        self.assertIn("can be renewed online from", error)
        self.assertFalse(self.deadline_a_later.with_user(self.portal_user_a).portal_can_renew)

    def test_renewal_window_follows_the_setting(self):
        self.company.expiry_renewal_window_days = 300
        self.assertFalse(self.deadline_a_later._get_portal_renewal_error(self.partner_a))
        self.company.expiry_renewal_window_days = 5
        self.assertTrue(self.deadline_a._get_portal_renewal_error(self.partner_a))

    def test_recently_expired_deadline_can_be_renewed_within_grace_period(self):
        deadline = self._create_deadline(self.customer_a, -10, state="expired")
        self.assertFalse(deadline._get_portal_renewal_error(self.partner_a))
        old = self._create_deadline(self.customer_a, -31, state="expired")
        self.assertIn("can no longer be renewed online", old._get_portal_renewal_error(self.partner_a))

    def test_cancelled_closed_or_unrenewable_deadlines_cannot_be_renewed_online(self):
        cancelled = self._create_deadline(self.customer_a, 10, state="cancelled")
        self.assertIn("cancelled", cancelled._get_portal_renewal_error(self.partner_a))
        closed = self._create_deadline(self.customer_a, 10, state="closed")
        self.assertTrue(closed._get_portal_renewal_error(self.partner_a))
        no_duration = self._create_deadline(self.customer_a, 10, product_id=self.product_plain.id)
        self.assertIn("renewal duration", no_duration._get_portal_renewal_error(self.partner_a))
        with self.assertRaises(UserError):
            no_duration._check_portal_renewal(self.partner_a)

    def test_another_customers_deadline_cannot_be_renewed(self):
        self.assertIn("does not belong to you", self.deadline_b._get_portal_renewal_error(self.partner_a))
        order = self._new_cart(self.partner_a)
        with self.assertRaises(UserError):
            self._add_to_cart(order, self.deadline_b)
        # Even when forged into a raw cart update (as /shop/cart/update would).
        with MockRequest(self.env, website=self.website, sale_order_id=order.id):
            with self.assertRaises(UserError):
                order._cart_update(product_id=self.product.id, set_qty=1, deadline_id=str(self.deadline_b.id))
        self.assertFalse(order.order_line)

    # ------------------------------------------------------------------
    # Cart
    # ------------------------------------------------------------------
    def test_renew_puts_the_deadline_in_the_cart_once_at_its_price(self):
        order = self._new_cart(self.partner_a)
        line = self._add_to_cart(order, self.deadline_a)
        self.assertEqual(line.deadline_id, self.deadline_a)
        self.assertEqual(line.product_id, self.product)
        self.assertEqual(line.price_unit, 80.0, "the deadline's agreed price, not the list price")
        self.assertEqual(line.deadline_expiry_ordered, self.deadline_a.date_expiry)
        again = self._add_to_cart(order, self.deadline_a)
        self.assertEqual(again, line)
        self.assertEqual(len(order.order_line), 1, "the same deadline is never twice in the cart")
        self.assertEqual(line.product_uom_qty, 1)

    def test_renewal_quantity_is_the_deadlines_and_cannot_be_raised(self):
        self.deadline_a.quantity = 3
        order = self._new_cart(self.partner_a)
        line = self._add_to_cart(order, self.deadline_a)
        self.assertEqual(line.product_uom_qty, 3)
        with MockRequest(self.env, website=self.website, sale_order_id=order.id):
            result = order._cart_update(product_id=self.product.id, line_id=line.id, set_qty=7)
        self.assertEqual(line.product_uom_qty, 3)
        self.assertTrue(result["warning"])

    def test_renewal_without_agreed_price_uses_the_pricelist_price(self):
        deadline = self._create_deadline(self.customer_a, 5)
        order = self._new_cart(self.partner_a)
        line = self._add_to_cart(order, deadline)
        self.assertEqual(line.price_unit, 100.0)

    def test_plain_purchase_of_the_product_does_not_touch_the_renewal_line(self):
        order = self._new_cart(self.partner_a)
        line = self._add_to_cart(order, self.deadline_a)
        with MockRequest(self.env, website=self.website, sale_order_id=order.id):
            order._cart_update(product_id=self.product.id, add_qty=1)
        self.assertEqual(len(order.order_line), 2)
        self.assertEqual(line.product_uom_qty, 1)
        self.assertFalse((order.order_line - line).deadline_id)

    # ------------------------------------------------------------------
    # Payment and confirmation: exactly once
    # ------------------------------------------------------------------
    def test_paid_renewal_extends_the_deadline_once(self):
        old_expiry = self.deadline_a.date_expiry
        order = self._new_cart(self.partner_a)
        self._add_to_cart(order, self.deadline_a)
        tx = self._order_transaction(order)
        self._notify_done(tx)
        self.assertEqual(order.state, "sale")
        new_expiry = old_expiry + relativedelta(years=1)
        self.assertEqual(self.deadline_a.date_expiry, new_expiry)
        term = self.deadline_a.term_ids.filtered(lambda t: t.state == "done")
        self.assertEqual(len(term), 1)
        self.assertEqual(term.sale_order_id, order)
        self.assertEqual(term.previous_date_expiry, old_expiry)

        # The webhook delivered a second time, the post-processing re-run
        tx.is_post_processed = False
        self._notify_done(tx)
        # An order confirmation run twice
        order._action_confirm()
        self.assertEqual(self.deadline_a.date_expiry, new_expiry)
        self.assertEqual(len(self.deadline_a.term_ids), 1)

    def test_two_carts_with_the_same_renewal_never_extend_twice(self):
        old_expiry = self.deadline_a.date_expiry
        first = self._new_cart(self.partner_a)
        second = self._new_cart(self.partner_a)
        self._add_to_cart(first, self.deadline_a)
        self._add_to_cart(second, self.deadline_a)
        first.action_confirm()
        self.assertEqual(self.deadline_a.date_expiry, old_expiry + relativedelta(years=1))
        # The second cart can no longer be paid ...
        with self.assertRaises(ValidationError):
            second._check_cart_is_ready_to_be_paid()
        # ... and if it was paid anyway (race), confirming it does not extend.
        second.action_confirm()
        self.assertEqual(self.deadline_a.date_expiry, old_expiry + relativedelta(years=1))
        self.assertEqual(len(self.deadline_a.term_ids.filtered(lambda t: t.state == "done")), 1)
        self.assertIn("was not renewed by this order", " ".join(second.message_ids.mapped("body")))

    def test_cancelled_then_reconfirmed_cart_renews_once(self):
        old_expiry = self.deadline_a.date_expiry
        order = self._new_cart(self.partner_a)
        self._add_to_cart(order, self.deadline_a)
        order.action_confirm()
        order.with_context(disable_cancel_warning=True).action_cancel()
        self.assertEqual(self.deadline_a.date_expiry, old_expiry)
        order.action_draft()
        order.action_confirm()
        self.assertEqual(self.deadline_a.date_expiry, old_expiry + relativedelta(years=1))

    # ------------------------------------------------------------------
    # "Renew online" link
    # ------------------------------------------------------------------
    def test_portal_renewal_url_is_the_tokenised_portal_page(self):
        url = self.deadline_a.portal_renewal_url
        self.assertTrue(url.startswith(self.deadline_a.get_base_url()))
        self.assertIn(f"/my/deadlines/{self.deadline_a.id}", url)
        self.assertIn(f"access_token={self.deadline_a.access_token}", url)

    def test_reminder_emails_carry_the_renew_online_link(self):
        for xmlid in ("mail_template_reminder_30", "mail_template_expiry_notice"):
            template = self.env.ref(f"expiry_management.{xmlid}")
            body = template._render_field("body_html", self.deadline_a.ids)[self.deadline_a.id]
            self.assertIn(f"/my/deadlines/{self.deadline_a.id}?access_token=", body)
            self.assertIn("Renew online", body)

    def test_send_renewal_link_emails_the_customer_the_portal_link(self):
        action = self.deadline_a.action_send_portal_renewal_link()
        composer = self.env[action["res_model"]].with_context(**action["context"]).create({})
        composer._action_send_mail()
        message = self.deadline_a.message_ids[0]
        self.assertIn(self.customer_a, message.partner_ids)
        self.assertIn(f"/my/deadlines/{self.deadline_a.id}?access_token=", message.body)

    def test_send_renewal_link_without_email_is_refused(self):
        self.customer_a.email = False
        with self.assertRaises(UserError):
            self.deadline_a.action_send_portal_renewal_link()

    def test_renewal_cancels_the_old_terms_queued_reminders(self):
        template = self.env.ref("expiry_management_portal.mail_template_deadline_renew_online")
        queued = self.env["mail.mail"].browse(template.send_mail(self.deadline_a.id))
        other = self.env["mail.mail"].browse(template.send_mail(self.deadline_b.id))
        self.assertEqual(queued.state, "outgoing")
        order = self._new_cart(self.partner_a)
        self._add_to_cart(order, self.deadline_a)
        order.action_confirm()
        self.assertEqual(queued.state, "cancel")
        self.assertEqual(other.state, "outgoing", "other deadlines' reminders are untouched")

    def test_deadline_form_offers_send_renewal_link_and_share(self):
        arch = self.env["expiry.deadline"].get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn("action_send_portal_renewal_link", arch)
        share = self.env.ref("expiry_management_portal.expiry_deadline_portal_share_action")
        self.assertEqual(share.binding_model_id.model, "expiry.deadline")

    def test_renewal_dates_use_the_company_today(self):
        # The window is evaluated with the company's calendar day.
        first_day, last_day = self.deadline_a._get_portal_renewal_window()
        self.assertEqual(last_day - first_day, datetime.timedelta(days=60))
