# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date

import psycopg2

from odoo.exceptions import UserError, ValidationError
from odoo.tests import freeze_time, tagged
from odoo.tools import mute_logger

from .common import ExpiryCommon


@tagged("post_install", "-at_install")
@freeze_time("2027-03-10 12:00:00")
class TestRenewal(ExpiryCommon):
    def _renewal_order(self, deadline):
        action = deadline.action_renew()
        return self.env["sale.order"].browse(action["res_id"])

    # --- the rule -------------------------------------------------------
    def test_early_renewal_extends_from_the_current_expiry(self):
        deadline = self._create_deadline(date(2027, 3, 31))
        term = deadline._apply_renewal()
        self.assertEqual(deadline.date_expiry, date(2028, 3, 31))
        self.assertEqual(term.previous_date_expiry, date(2027, 3, 31))
        self.assertEqual(term.date_expiry, date(2028, 3, 31))
        self.assertEqual(term.date_renewal, date(2027, 3, 10))

    def test_month_end_renewal_is_clamped(self):
        deadline = self._create_deadline(date(2027, 3, 31), product_id=self.product_month.id)
        deadline._apply_renewal()
        self.assertEqual(deadline.date_expiry, date(2027, 4, 30))

    def test_leap_day_renewal_lands_on_february_28(self):
        deadline = self._create_deadline(date(2028, 2, 29))
        deadline._apply_renewal()
        self.assertEqual(deadline.date_expiry, date(2029, 2, 28))

    def test_renewal_within_grace_period_continues_the_term(self):
        deadline = self._create_deadline(date(2027, 2, 20), state="expired")
        deadline._apply_renewal()
        self.assertEqual(deadline.date_expiry, date(2028, 2, 20))
        self.assertEqual(deadline.state, "active")

    def test_renewal_long_after_expiry_starts_on_renewal_date(self):
        self.company.expiry_renewal_grace_days = 10
        deadline = self._create_deadline(date(2027, 2, 20), state="expired")
        term = deadline._apply_renewal()
        self.assertEqual(term.date_start, date(2027, 3, 10))
        self.assertEqual(deadline.date_expiry, date(2028, 3, 10))

    def test_renewal_uses_the_product_duration_unit(self):
        weeks = self._make_product("Support", 2, "week", 10)
        days = self._make_product("Pass", 10, "day", 10)
        deadline = self._create_deadline(date(2027, 3, 31), product_id=weeks.id)
        deadline._apply_renewal()
        self.assertEqual(deadline.date_expiry, date(2027, 4, 14))
        deadline._apply_renewal(product=days)
        self.assertEqual(deadline.date_expiry, date(2027, 4, 24))

    # --- refusals -------------------------------------------------------
    def test_cancelled_deadline_cannot_be_renewed(self):
        deadline = self._create_deadline(date(2027, 3, 31), state="cancelled")
        with self.assertRaisesRegex(UserError, "cancelled"):
            deadline._apply_renewal()
        with self.assertRaises(UserError):
            deadline.action_renew()
        self.assertEqual(deadline.date_expiry, date(2027, 3, 31))

    def test_product_without_duration_cannot_renew(self):
        deadline = self._create_deadline(date(2027, 3, 31), product_id=self.product_plain.id)
        with self.assertRaisesRegex(UserError, "no renewal duration"):
            deadline._apply_renewal()
        self.assertFalse(deadline.is_renewable)
        self.assertFalse(deadline.term_ids)

    def test_deadline_without_product_cannot_renew(self):
        deadline = self._create_deadline(date(2027, 3, 31), product_id=False)
        with self.assertRaisesRegex(UserError, "no product"):
            deadline.action_renew()

    # --- renew button and sale orders ------------------------------------
    def test_renew_button_creates_a_linked_quotation_at_the_deadline_price(self):
        deadline = self._create_deadline(date(2027, 3, 31), quantity=2, price_unit=450.0)
        order = self._renewal_order(deadline)
        self.assertEqual(order.state, "draft")
        self.assertEqual(order.partner_id, self.customer)
        self.assertEqual(order.order_line.deadline_id, deadline)
        self.assertEqual(order.order_line.product_uom_qty, 2)
        self.assertEqual(order.order_line.price_unit, 450.0)
        self.assertEqual(deadline.sale_order_count, 1)
        # the quotation alone does not renew
        self.assertEqual(deadline.date_expiry, date(2027, 3, 31))

    def test_renew_button_twice_reopens_the_same_quotation(self):
        deadline = self._create_deadline(date(2027, 3, 31))
        self.assertEqual(self._renewal_order(deadline), self._renewal_order(deadline))

    def test_confirming_the_order_renews_exactly_once(self):
        deadline = self._create_deadline(date(2027, 3, 31))
        order = self._renewal_order(deadline)
        order.action_confirm()
        self.assertEqual(deadline.date_expiry, date(2028, 3, 31))
        self.assertEqual(deadline.renewal_count, 1)
        self.assertEqual(deadline.term_ids.sale_order_id, order)
        # A second confirmation (double click, second webhook) is refused by
        # sale and, should it get through, applies nothing more.
        with self.assertRaises(UserError):
            order.action_confirm()
        order._action_confirm()
        order.order_line._expiry_apply_renewals()
        self.assertEqual(deadline.date_expiry, date(2028, 3, 31))
        self.assertEqual(deadline.renewal_count, 1)

    def test_database_refuses_a_second_applied_term_for_one_order_line(self):
        deadline = self._create_deadline(date(2027, 3, 31))
        order = self._renewal_order(deadline)
        order.action_confirm()
        with mute_logger("odoo.sql_db"), self.assertRaises(psycopg2.IntegrityError), self.cr.savepoint():
            deadline._apply_renewal(sale_line=order.order_line)

    def test_duplicated_order_does_not_renew_again(self):
        deadline = self._create_deadline(date(2027, 3, 31))
        order = self._renewal_order(deadline)
        order.action_confirm()
        copy = order.copy()
        self.assertFalse(copy.order_line.deadline_id)
        copy.action_confirm()
        self.assertEqual(deadline.date_expiry, date(2028, 3, 31))

    def test_cancelling_the_order_rolls_the_renewal_back(self):
        deadline = self._create_deadline(date(2027, 3, 31))
        order = self._renewal_order(deadline)
        order.action_confirm()
        order._action_cancel()
        self.assertEqual(deadline.date_expiry, date(2027, 3, 31))
        self.assertEqual(deadline.state, "active")
        self.assertEqual(deadline.term_ids.state, "cancelled")
        self.assertEqual(deadline.renewal_count, 0)
        # cancel, reset to quotation and confirm again: renewed once, not twice
        order.action_draft()
        order.action_confirm()
        self.assertEqual(deadline.date_expiry, date(2028, 3, 31))
        self.assertEqual(deadline.renewal_count, 1)

    def test_rollback_restores_expired_state(self):
        deadline = self._create_deadline(date(2027, 3, 1), state="expired")
        order = self._renewal_order(deadline)
        order.action_confirm()
        self.assertEqual(deadline.state, "active")
        order._action_cancel()
        self.assertEqual(deadline.state, "expired")
        self.assertEqual(deadline.date_expiry, date(2027, 3, 1))

    def test_cancel_after_a_later_renewal_does_not_roll_back(self):
        deadline = self._create_deadline(date(2027, 3, 31))
        first = self._renewal_order(deadline)
        first.action_confirm()
        second = self._renewal_order(deadline)
        self.assertNotEqual(first, second)
        second.action_confirm()
        self.assertEqual(deadline.date_expiry, date(2029, 3, 31))
        first._action_cancel()
        self.assertEqual(deadline.date_expiry, date(2029, 3, 31))
        self.assertEqual(deadline.renewal_count, 2)

    def test_deadline_of_another_customer_cannot_be_put_on_an_order(self):
        deadline = self._create_deadline(date(2027, 3, 31))
        with self.assertRaises(ValidationError):
            self.env["sale.order"].create(
                {
                    "partner_id": self.other_customer.id,
                    "order_line": [(0, 0, {"product_id": self.product_year.id, "deadline_id": deadline.id})],
                }
            )

    def test_contact_of_the_customer_can_order_the_company_renewal(self):
        deadline = self._create_deadline(date(2027, 3, 31))
        order = self.env["sale.order"].create(
            {
                "partner_id": self.contact.id,
                "order_line": [(0, 0, {"product_id": self.product_year.id, "deadline_id": deadline.id})],
            }
        )
        order.action_confirm()
        self.assertEqual(deadline.date_expiry, date(2028, 3, 31))

    def test_salesperson_without_deadline_rights_can_confirm_a_renewal(self):
        salesman = self.env["res.users"].create(
            {
                "name": "Plain Salesman",
                "login": "plain_salesman",
                "groups_id": [(6, 0, [self.env.ref("sales_team.group_sale_salesman_all_leads").id])],
            }
        )
        deadline = self._create_deadline(date(2027, 3, 31))
        order = self._renewal_order(deadline)
        order.with_user(salesman).action_confirm()
        self.assertEqual(deadline.date_expiry, date(2028, 3, 31))
