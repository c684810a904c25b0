# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date

from odoo.exceptions import UserError, ValidationError
from odoo.tests import freeze_time, tagged

from .common import ExpiryCommon


@tagged("post_install", "-at_install")
class TestDeadline(ExpiryCommon):
    def test_reference_comes_from_the_sequence(self):
        deadline = self._create_deadline(date(2027, 1, 1))
        self.assertTrue(deadline.name.startswith("DL/"))
        other = self._create_deadline(date(2027, 1, 1))
        self.assertNotEqual(deadline.name, other.name)

    def test_amount_is_quantity_times_unit_price(self):
        deadline = self._create_deadline(date(2027, 1, 1), quantity=3, price_unit=120.5)
        self.assertEqual(deadline.amount, 361.5)
        deadline.quantity = 0
        self.assertEqual(deadline.amount, 0)

    def test_commercial_partner_is_stored_for_contacts(self):
        deadline = self._create_deadline(date(2027, 1, 1), partner_id=self.contact.id)
        self.assertEqual(deadline.commercial_partner_id, self.customer)
        self.assertEqual(
            self.env["expiry.deadline"].search([("commercial_partner_id", "=", self.customer.id)]),
            deadline,
        )

    def test_expiry_before_start_is_refused(self):
        with self.assertRaises(ValidationError):
            self._create_deadline(date(2027, 1, 1), date_start=date(2027, 1, 2))
        deadline = self._create_deadline(date(2027, 1, 1))
        with self.assertRaises(ValidationError):
            deadline.date_start = date(2027, 6, 1)

    def test_expiry_on_start_day_is_allowed(self):
        deadline = self._create_deadline(date(2027, 1, 1), date_start=date(2027, 1, 1))
        self.assertEqual(deadline.date_expiry, date(2027, 1, 1))

    def test_negative_quantity_or_price_is_refused(self):
        with self.assertRaises(ValidationError):
            self._create_deadline(date(2027, 1, 1), quantity=-1)
        with self.assertRaises(ValidationError):
            self._create_deadline(date(2027, 1, 1), price_unit=-5)

    def test_negative_product_duration_is_refused(self):
        with self.assertRaises(ValidationError):
            self.product_year.expiry_duration = -1

    @freeze_time("2027-03-10 12:00:00")
    def test_days_remaining_counts_from_today(self):
        deadline = self._create_deadline(date(2027, 3, 17))
        self.assertEqual(deadline.days_remaining, 7)
        past = self._create_deadline(date(2027, 3, 5))
        self.assertEqual(past.days_remaining, -5)

    @freeze_time("2027-03-10 23:30:00")
    def test_days_remaining_follows_the_user_time_zone(self):
        deadline = self._create_deadline(date(2027, 3, 17))
        # 23:30 UTC is already 11 March in Berlin, still 10 March in Mexico.
        self.assertEqual(deadline.with_context(tz="Europe/Berlin").days_remaining, 6)
        self.assertEqual(deadline.with_context(tz="America/Mexico_City").days_remaining, 7)

    @freeze_time("2027-03-10 12:00:00")
    def test_days_remaining_is_searchable(self):
        Deadline = self.env["expiry.deadline"]
        soon = self._create_deadline(date(2027, 3, 15))
        later = self._create_deadline(date(2027, 5, 1))
        past = self._create_deadline(date(2027, 3, 1))
        mine = Deadline.search([("id", "in", (soon | later | past).ids)])
        self.assertEqual(
            mine.filtered_domain([("days_remaining", "<=", 7), ("days_remaining", ">=", 0)]), soon
        )
        found = Deadline.search(
            [("id", "in", mine.ids), ("days_remaining", "<=", 7), ("days_remaining", ">=", 0)]
        )
        self.assertEqual(found, soon)
        self.assertEqual(Deadline.search([("id", "in", mine.ids), ("days_remaining", "<", 0)]), past)
        self.assertEqual(Deadline.search([("id", "in", mine.ids), ("days_remaining", "=", 5)]), soon)

    def test_days_remaining_refuses_non_numbers(self):
        with self.assertRaises(UserError):
            self.env["expiry.deadline"].search([("days_remaining", "<", "soon")])
        with self.assertRaises(UserError):
            self.env["expiry.deadline"].search([("days_remaining", "in", [1, 2])])

    @freeze_time("2027-03-10 12:00:00")
    def test_urgency_buckets_and_daily_refresh(self):
        expired = self._create_deadline(date(2027, 3, 9))
        soon = self._create_deadline(date(2027, 3, 17))
        window = self._create_deadline(date(2027, 4, 9))
        later = self._create_deadline(date(2027, 4, 10))
        closed = self._create_deadline(date(2027, 3, 12), state="closed")
        self.assertEqual(
            [d.urgency for d in (expired, soon, window, later, closed)],
            ["expired", "soon", "window", "later", "done"],
        )
        with freeze_time("2027-04-03 12:00:00"):
            refreshed = self.env["expiry.deadline"]._refresh_urgency()
            self.assertIn(soon, refreshed)
            self.assertEqual(soon.urgency, "expired")
            self.assertEqual(window.urgency, "soon")
            self.assertEqual(closed.urgency, "done")

    def test_only_draft_or_cancelled_deadlines_can_be_deleted(self):
        deadline = self._create_deadline(date(2027, 1, 1))
        with self.assertRaises(UserError):
            deadline.unlink()
        deadline.action_cancel()
        deadline.unlink()
        self.assertFalse(deadline.exists())

    def test_state_actions(self):
        deadline = self._create_deadline(date(2027, 1, 1), state="draft")
        deadline.action_activate()
        self.assertEqual(deadline.state, "active")
        deadline.action_close()
        self.assertEqual(deadline.state, "closed")
        deadline.action_cancel()
        with self.assertRaises(UserError):
            deadline.action_close()
        with self.assertRaises(UserError):
            deadline.action_activate()
        deadline.action_draft()
        self.assertEqual(deadline.state, "draft")

    def test_team_follows_the_salesperson(self):
        team = self.env["crm.team"].create({"name": "Office Malmö", "member_ids": [(4, self.user.id)]})
        deadline = self._create_deadline(date(2027, 1, 1), user_id=self.user.id)
        self.assertEqual(deadline.team_id, team)

    def test_grace_period_of_zero_is_kept_in_settings(self):
        settings = self.env["res.config.settings"].create({"expiry_renewal_grace_days": 0})
        settings.execute()
        self.assertEqual(self.env["expiry.deadline"]._get_expiry_param("renewal_grace_days"), 0)
        self.assertEqual(self.env["res.config.settings"].create({}).expiry_renewal_grace_days, 0)

    def test_negative_settings_are_refused(self):
        with self.assertRaises(ValidationError):
            self.env["res.config.settings"].create({"expiry_upcoming_days": -1})

    def test_kanban_columns_follow_the_urgency_order(self):
        self._create_deadline(date(2099, 1, 1))
        groups = self.env["expiry.deadline"].read_group(
            [("state", "in", ("draft", "active", "expired"))], ["urgency"], ["urgency"]
        )
        self.assertEqual([g["urgency"] for g in groups], ["expired", "soon", "window", "later"])
