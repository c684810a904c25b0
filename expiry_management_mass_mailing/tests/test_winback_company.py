# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Each company has its own win-back list (res.company.expiry_winback_mailing_list_id)."""

import datetime

from odoo.tests import tagged

from odoo.addons.expiry_management.tests.common import ReminderCase


@tagged("post_install", "-at_install")
class TestWinbackPerCompany(ReminderCase):
    def test_each_company_fills_its_own_list(self):
        other = self._company("Other Winback Co")
        list_here = self.env["mailing.list"].create({"name": "Win-back here"})
        list_there = self.env["mailing.list"].create({"name": "Win-back there"})
        self.company.expiry_winback_mailing_list_id = list_here.id
        other.expiry_winback_mailing_list_id = list_there.id
        there_customer = self.env["res.partner"].create({"name": "Theo There", "email": "theo@there.example"})
        expiry = datetime.date(2026, 6, 30)
        here = self._create_deadline(expiry)
        there = self._create_deadline(expiry, company_id=other, partner_id=there_customer, user_id=False)
        (here | there)._expiry_join_winback_list()
        subscribed = self.env["mailing.subscription"].search(
            [("list_id", "in", (list_here | list_there).ids)]
        )
        self.assertEqual(
            {(s.list_id, s.contact_id.email_normalized) for s in subscribed},
            {(list_here, "carla@customer.example"), (list_there, "theo@there.example")},
        )

    def test_settings_choose_the_list_of_the_current_company(self):
        other = self._company("Settings Winback Co")
        mailing_list = self.env["mailing.list"].create({"name": "Win-back of the other company"})
        settings = (
            self.env["res.config.settings"]
            .with_company(other)
            .create({"expiry_winback_mailing_list_id": mailing_list.id})
        )
        settings.execute()
        self.assertEqual(other.expiry_winback_mailing_list_id, mailing_list.id)
        self.assertEqual(self.company.expiry_winback_mailing_list_id, 0, "the other company keeps none")
        self.assertEqual(
            self.env["res.config.settings"].with_company(other).create({}).expiry_winback_mailing_list_id,
            mailing_list,
        )
        mailing_list.unlink()
        self.assertFalse(
            self.env["res.config.settings"].with_company(other).create({}).expiry_winback_mailing_list_id
        )
