# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The money path under bad input and bad luck (core side): each test names
the defect it reproduces."""

from datetime import date

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import freeze_time, new_test_user, tagged

from .common import ExpiryCommon, ReminderCase


@tagged("post_install", "-at_install")
@freeze_time("2027-03-10 12:00:00")
class TestRenewalHardening(ExpiryCommon):
    def _renewal_order(self, deadline):
        return self.env["sale.order"].browse(deadline.action_renew()["res_id"])

    def _activities(self, order):
        return self.env["mail.activity"].search([("res_model", "=", "sale.order"), ("res_id", "=", order.id)])

    # --- 3. a paid order always confirms ---------------------------------
    def test_confirming_after_the_deadline_was_cancelled_confirms_and_reports(self):
        deadline = self._create_deadline(date(2027, 3, 31), user_id=self.user.id)
        order = self._renewal_order(deadline)
        deadline.action_cancel()  # while the customer's wire transfer travels
        order.action_confirm()
        self.assertEqual(order.state, "sale", "the order is confirmed: the customer paid")
        self.assertEqual(deadline.state, "cancelled")
        self.assertEqual(deadline.date_expiry, date(2027, 3, 31), "nothing renewed")
        self.assertFalse(deadline.term_ids)
        self.assertIn("was not renewed by this order", " ".join(order.message_ids.mapped("body")))
        self.assertIn("did not renew this deadline", " ".join(deadline.message_ids.mapped("body")))
        activity = self._activities(order)
        self.assertEqual(activity.user_id, order.user_id)
        self.assertIn("refund or adjust", activity.summary)

    def test_confirming_after_the_product_lost_its_duration_confirms_and_reports(self):
        deadline = self._create_deadline(date(2027, 3, 31))
        order = self._renewal_order(deadline)
        self.product_year.expiry_duration = 0
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertEqual(deadline.date_expiry, date(2027, 3, 31))
        self.assertIn("no renewal duration", " ".join(order.message_ids.mapped("body")))

    # --- 2. one renewal line per deadline and order -----------------------
    def test_an_order_cannot_renew_one_deadline_on_two_lines(self):
        deadline = self._create_deadline(date(2027, 3, 31))
        order = self._renewal_order(deadline)
        with self.assertRaises(ValidationError):
            order.write(
                {
                    "order_line": [
                        Command.create({"product_id": self.product_year.id, "deadline_id": deadline.id})
                    ]
                }
            )
        order.action_confirm()
        self.assertEqual(deadline.date_expiry, date(2028, 3, 31))
        self.assertEqual(deadline.renewal_count, 1)

    def test_the_deadline_of_a_renewal_line_cannot_be_swapped(self):
        deadline = self._create_deadline(date(2027, 3, 31), quantity=10)
        other = self._create_deadline(date(2027, 3, 31), quantity=1)
        order = self._renewal_order(deadline)
        with self.assertRaises(ValidationError):
            order.order_line.write({"deadline_id": other.id})
        self.assertEqual(order.order_line.deadline_id, deadline)

    # --- 7. one pricing rule: agreed price, order currency, no discount ---
    def test_back_office_quotation_converts_the_agreed_price_to_the_orders_currency(self):
        eur = self.env.ref("base.EUR")
        eur.active = True
        self.env["res.currency.rate"].create(
            {"currency_id": eur.id, "rate": 0.5, "name": "2027-01-01", "company_id": self.company.id}
        )
        company_currency = self.company.currency_id
        self.assertNotEqual(company_currency, eur)
        deadline = self._create_deadline(date(2027, 3, 31), currency_id=eur.id, price_unit=100.0)
        order = self._renewal_order(deadline)
        self.assertEqual(order.currency_id, company_currency)
        expected = eur._convert(100.0, company_currency, self.company, date(2027, 3, 10))
        self.assertAlmostEqual(order.order_line.price_unit, expected, places=2)
        self.assertNotEqual(order.order_line.price_unit, self.product_year.list_price)

    def test_a_percentage_pricelist_does_not_discount_the_agreed_price(self):
        self.env.user.groups_id += self.env.ref("sale.group_discount_per_so_line")
        pricelist = self.env["product.pricelist"].create(
            {
                "name": "Ten off",
                "currency_id": self.company.currency_id.id,
                "item_ids": [Command.create({"compute_price": "percentage", "percent_price": 10})],
            }
        )
        self.customer.property_product_pricelist = pricelist
        deadline = self._create_deadline(date(2027, 3, 31), price_unit=450.0)
        line = self._renewal_order(deadline).order_line
        self.assertEqual(line.price_unit, 450.0)
        self.assertEqual(line.discount, 0.0, "the agreed price is the price")
        # unless the settings say so
        self.company.expiry_renewal_pricelist_discount = True
        line.order_id.unlink()
        line = self._renewal_order(deadline).order_line
        self.assertEqual(line.price_unit, 450.0)
        self.assertEqual(line.discount, 10.0)

    # --- 5. bounds on durations, offsets, windows, dates, searches ---------
    def test_huge_renewal_duration_is_refused_with_its_bound(self):
        with self.assertRaisesRegex(ValidationError, "at most 100 years"):
            self.product_year.expiry_duration = 10**6
        with self.assertRaisesRegex(ValidationError, "at most 36600 days"):
            self.product_month.product_tmpl_id.write(
                {"expiry_duration": 40000, "expiry_duration_unit": "day"}
            )

    def test_huge_stage_offset_is_refused_with_its_bound(self):
        stage = self.env.ref("expiry_management.reminder_stage_30")
        with self.assertRaisesRegex(ValidationError, "between -3660 and 3660"):
            stage.offset_days = -(10**7)

    def test_huge_settings_window_is_refused_and_a_stored_one_is_clamped(self):
        settings = self.env["res.config.settings"].create({})
        with self.assertRaisesRegex(ValidationError, "at most 3660 days"), self.env.cr.savepoint():
            settings.expiry_renewal_window_days = 10**8
        # a value stored out of bounds (by SQL) is clamped
        self.env.flush_all()
        self.env.cr.execute("UPDATE res_company SET expiry_renewal_grace_days = %s", (10**9,))
        self.env.invalidate_all()
        Deadline = self.env["expiry.deadline"]
        self.assertEqual(Deadline._get_expiry_param("renewal_grace_days"), 3660)
        # the daily pass, the urgency refresh and the reports still work
        Deadline._refresh_urgency()
        self.env["expiry.reminder"]._cron_daily_pass()
        self.env.cr.execute("UPDATE res_company SET expiry_renewal_window_days = %s", (10**9,))
        self.env.invalidate_all()
        self.env["expiry.renewal.report"].search_count([("outcome", "=", "at_risk")])
        self.env["expiry.dashboard"].get_dashboard_data()

    def test_huge_days_remaining_search_is_a_readable_error(self):
        Deadline = self.env["expiry.deadline"]
        for value in (10**9, -(10**9), 10**30):
            with self.assertRaises(UserError):
                Deadline.search([("days_remaining", "<=", value)])
        self.assertIsInstance(Deadline.search([("days_remaining", "<=", 30)]), type(Deadline))

    def test_dates_beyond_the_calendar_are_refused(self):
        with self.assertRaisesRegex(ValidationError, "between the years 1900 and 2999"):
            self._create_deadline(date(9999, 12, 1))
        deadline = self._create_deadline(date(2999, 12, 1))
        self.product_year.expiry_duration = 100
        # a renewal would leave the calendar: refused readably, not an OverflowError
        self.assertFalse(deadline.is_renewable)
        with self.assertRaises(UserError):
            deadline.action_renew()

    # --- 10. rights -------------------------------------------------------
    def test_sales_all_documents_does_not_give_write_on_every_deadline(self):
        user = new_test_user(
            self.env,
            login="expiry_user_all_leads",
            groups="expiry_management.group_expiry_user,sales_team.group_sale_salesman_all_leads",
        )
        foreign = self._create_deadline(date(2027, 3, 31), user_id=self.manager.id, team_id=False)
        own = self._create_deadline(date(2027, 3, 31), user_id=user.id, team_id=False)
        self.assertEqual(foreign.with_user(user).read(["name"])[0]["name"], foreign.name, "still reads all")
        with self.assertRaises(AccessError):
            foreign.with_user(user).write({"description": "changed"})
        with self.assertRaises(AccessError):
            foreign.with_user(user).unlink()
        own.with_user(user).write({"description": "mine"})

    def test_unpaid_renewal_amounts_need_invoicing_rights(self):
        deadline = self._create_deadline(date(2027, 3, 31), user_id=self.user.id)
        self.assertFalse(self.user.has_group("account.group_account_invoice"))
        with self.assertRaises(AccessError):
            deadline.with_user(self.user).read(["renewal_amount_due"])
        with self.assertRaises(AccessError):
            deadline.with_user(self.user).read(["renewal_unpaid"])
        self.assertNotIn("renewal_amount_due", deadline.with_user(self.user).fields_get())
        # the form still opens for them, without the payment banner
        deadline.with_user(self.user).get_views([(False, "form"), (False, "search")])
        self.user.groups_id += self.env.ref("account.group_account_invoice")
        self.assertEqual(deadline.with_user(self.user).renewal_amount_due, 0.0)


@tagged("post_install", "-at_install")
class TestDailyPassHardening(ReminderCase):
    # --- 8. one bad record does not stop the others -----------------------
    def test_a_failing_state_change_of_one_deadline_blocks_no_other(self):
        from unittest.mock import patch

        bad = self._create_deadline(date(2026, 6, 30), description="bad")
        goods = self._create_deadline(date(2026, 6, 30)) | self._create_deadline(date(2026, 6, 30))
        Deadline = type(self.env["expiry.deadline"])
        original = Deadline.write

        def write(records, vals):
            if vals.get("state") == "expired" and bad in records:
                raise ValidationError(records.env._("a constraint of another module refuses it"))
            return original(records, vals)

        with freeze_time("2026-07-01 03:00:00"), patch.object(Deadline, "write", write):
            self.Reminder._cron_daily_pass()
        self.assertEqual(set(goods.mapped("state")), {"expired"})
        self.assertEqual(bad.state, "active")
        self.assertIn("refuses it", bad.cron_error)
        with freeze_time("2026-07-01 05:00:00"):
            # the same day, the pass does not try it again (and does not loop)
            self.assertEqual(
                self.env["expiry.deadline"].sudo()._cron_update_states(self.company, date(2026, 7, 1), 100),
                (0, 0),
            )

    def test_a_raising_callback_fails_its_reminder_only(self):
        goods = self._create_deadline(date(2026, 5, 31)) | self._create_deadline(date(2026, 5, 31))
        bad = self._create_deadline(date(2026, 5, 31), description="bad")
        original = type(self.env["mail.activity"]).create

        def create(model, vals_list):
            vals_list = vals_list if isinstance(vals_list, list) else [vals_list]
            if any(
                vals.get("res_id") == bad.id and "Call" in (vals.get("summary") or "") for vals in vals_list
            ):
                raise ValidationError(model.env._("broken activity type"))
            return original(model, vals_list)

        from unittest.mock import patch

        with (
            freeze_time("2026-05-01 03:00:00"),
            patch.object(type(self.env["mail.activity"]), "create", create),
        ):
            self.Reminder._cron_daily_pass()
        self._deliver_queued_mails()
        stage_30 = (goods | bad).reminder_ids.filtered(lambda r: r.stage_id == self.stage_30)
        self.assertEqual(set(stage_30.filtered(lambda r: r.deadline_id in goods).mapped("state")), {"sent"})
        failed = stage_30.filtered(lambda r: r.deadline_id == bad)
        self.assertEqual(failed.state, "failed")
        self.assertIn("broken activity type", failed.error)
        self.assertEqual(len(self._mails(goods)), 2)
        self.assertFalse(self._mails(bad), "its mail was rolled back with it")

    # --- 9. a rolled-back renewal brings its reminders back ---------------
    def test_reminders_come_back_when_a_renewal_is_rolled_back(self):
        deadline = self._create_deadline(date(2026, 6, 5))
        with freeze_time("2026-05-01 03:00:00"):
            self._run()
        reminder = deadline.reminder_ids.filtered(lambda r: r.stage_id == self.stage_30)
        self.assertEqual((reminder.state, reminder.date_due), ("scheduled", date(2026, 5, 6)))
        with freeze_time("2026-05-02 03:00:00"):
            order = self.env["sale.order"].browse(deadline.action_renew()["res_id"])
            order.action_confirm()
            self.assertEqual(reminder.state, "cancelled")
            order._action_cancel()  # the customer withdrew: rolled back
            self.assertEqual(deadline.date_expiry, date(2026, 6, 5))
            self._run()
        self.assertEqual(reminder.state, "scheduled", "the old term's e-mail is due again")
        self.assertFalse(reminder.error)
        review = self.env["expiry.reminder.review"].search(
            [("user_id", "=", self.salesperson.id), ("date", "=", date(2026, 5, 6))]
        )
        self.assertIn(reminder, review.reminder_ids, "and shown to the salesperson again")
        self.assertEqual((review.reminder_count, len(review.activity_ids)), (1, 1))
        with freeze_time("2026-05-06 03:00:00"):
            self._run()
        self.assertEqual(reminder.state, "sent")
        self.assertEqual(len(self._mails(deadline)), 1)

    def test_a_reminder_cancelled_by_the_salesperson_stays_cancelled(self):
        deadline = self._create_deadline(date(2026, 6, 5))
        with freeze_time("2026-05-01 03:00:00"):
            self._run()
            reminder = deadline.reminder_ids.filtered(lambda r: r.stage_id == self.stage_30)
            reminder.with_user(self.salesperson).action_cancel()
            self._run()
        self.assertEqual(reminder.state, "cancelled")
