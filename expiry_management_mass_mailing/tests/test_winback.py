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
