# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import datetime

from odoo.tests import freeze_time, tagged

from odoo.addons.expiry_management.tests.common import ReminderCase

D = datetime.date
EXPIRY = D(2026, 6, 30)


@tagged("post_install", "-at_install")
class TestWinback(ReminderCase):
    def test_expiry_without_renewal_sends_the_notice_and_joins_the_winback_list(self):
        mailing_list = self.env["mailing.list"].create({"name": "Win-back"})
        self.company.expiry_winback_mailing_list_id = mailing_list.id
        opted_out = self.env["res.partner"].create({"name": "Opted Out", "email": "out@customer.example"})
        contact_out = self.env["mailing.contact"].create(
            {"name": "Opted Out", "email": "out@customer.example"}
        )
        self.env["mailing.subscription"].create(
            {"contact_id": contact_out.id, "list_id": mailing_list.id, "opt_out": True}
        )
        blacklisted = self.env["res.partner"].create({"name": "Black", "email": "black@customer.example"})
        self.env["mail.blacklist"].create({"email": "black@customer.example"})
        existing = self.env["mailing.contact"].create({"name": "Carla", "email": "Carla@Customer.example"})
        deadlines = (
            self._create_deadline(EXPIRY)
            | self._create_deadline(EXPIRY, partner_id=opted_out)
            | self._create_deadline(EXPIRY, partner_id=blacklisted)
        )
        renewed = self._create_deadline(EXPIRY)
        with freeze_time("2026-06-25 03:00:00"):
            renewed._apply_renewal(renewal_date=D(2026, 6, 25))
        with freeze_time("2026-07-01 03:00:00"):
            self._run()
        self.assertEqual(set(deadlines.mapped("state")), {"expired"})
        self.assertEqual(renewed.state, "active")
        notices = (deadlines | renewed).reminder_ids.filtered(lambda r: r.stage_id == self.stage_notice)
        self.assertEqual(notices.deadline_id, deadlines, "no notice for the renewed one")
        self.assertEqual(set(notices.mapped("state")), {"sent"})
        self.assertIn("has expired", notices[0].mail_id.subject)
        contacts = (
            self.env["mailing.subscription"]
            .search([("list_id", "=", mailing_list.id), ("opt_out", "=", False)])
            .contact_id
        )
        self.assertEqual(contacts, existing, "existing contact reused; opted-out and blacklisted left alone")
        self.assertEqual(
            self.env["mailing.contact"].search_count([("email_normalized", "=", "carla@customer.example")]), 1
        )
        subscription = self.env["mailing.subscription"].search([("contact_id", "=", contact_out.id)])
        self.assertTrue(subscription.opt_out)

    def test_thresholds_are_saved_and_zero_stays_zero(self):
        mailing_list = self.env["mailing.list"].create({"name": "Win-back"})
        settings = self.env["res.config.settings"].create(
            {
                "expiry_reminder_catchup_days": 0,
                "expiry_close_after_days": 0,
                "expiry_winback_mailing_list_id": mailing_list.id,
            }
        )
        settings.execute()
        Deadline = self.env["expiry.deadline"]
        self.assertEqual(Deadline._get_expiry_param("reminder_catchup_days"), 0)
        self.assertEqual(Deadline._get_expiry_param("close_after_days"), 0)
        self.assertEqual(Deadline._get_expiry_param("winback_mailing_list_id"), mailing_list.id)
        fresh = self.env["res.config.settings"].create({})
        self.assertEqual(fresh.expiry_winback_mailing_list_id, mailing_list)
        self.assertEqual(fresh.expiry_reminder_catchup_days, 0)


@tagged("post_install", "-at_install")
class TestWinbackLostReason(ReminderCase):
    """Issue 18: only the customers who left for a reason worth a win-back
    join the list, on expiry or when the deadline is closed with its reason."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.mailing_list = cls.env["mailing.list"].create({"name": "Win-back"})
        cls.company.expiry_winback_mailing_list_id = cls.mailing_list.id
        cls.price = cls.env.ref("expiry_management.lost_reason_price")
        cls.not_needed = cls.env.ref("expiry_management.lost_reason_not_needed")

    def _subscribed(self):
        return (
            self.env["mailing.subscription"]
            .search([("list_id", "=", self.mailing_list.id), ("opt_out", "=", False)])
            .contact_id.mapped("email_normalized")
        )

    def test_a_customer_who_no_longer_needs_it_is_not_won_back(self):
        self.assertFalse(self.not_needed.allow_winback)
        gone = self.env["res.partner"].create({"name": "Gone", "email": "gone@customer.example"})
        price = self.env["res.partner"].create({"name": "Price", "email": "price@customer.example"})
        declined = self._create_deadline(EXPIRY, partner_id=gone)
        too_dear = self._create_deadline(EXPIRY, partner_id=price)
        plain = self._create_deadline(EXPIRY)
        with freeze_time("2026-06-01 03:00:00"):
            declined._expiry_decline(self.not_needed)
            too_dear._expiry_decline(self.price)
        with freeze_time("2026-07-01 03:00:00"):
            self._run()
        self.assertEqual({declined.state, too_dear.state, plain.state}, {"expired"})
        self.assertEqual(
            sorted(self._subscribed()),
            ["carla@customer.example", "price@customer.example"],
            "no reason: as before",
        )

    def test_closing_with_a_reason_worth_a_win_back_joins_the_list_at_once(self):
        price = self.env["res.partner"].create({"name": "Price", "email": "price@customer.example"})
        gone = self.env["res.partner"].create({"name": "Gone", "email": "gone@customer.example"})
        with freeze_time("2026-06-01 03:00:00"):
            for partner, reason in ((price, self.price), (gone, self.not_needed)):
                deadline = self._create_deadline(EXPIRY, partner_id=partner)
                wizard = self.env["expiry.deadline.close"].create(
                    {"deadline_ids": [(6, 0, deadline.ids)], "lost_reason_id": reason.id}
                )
                wizard.action_confirm()
                self.assertEqual(deadline.state, "closed")
        self.assertEqual(self._subscribed(), ["price@customer.example"])
