# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date

from odoo.tests import freeze_time, tagged

from .common import ExpiryCommon


@tagged("post_install", "-at_install")
class TestPartnerSummary(ExpiryCommon):
    def test_company_counts_and_sums_its_contacts_deadlines(self):
        self._create_deadline(date(2027, 1, 1), quantity=2, price_unit=100)  # active 200
        self._create_deadline(date(2027, 1, 1), partner_id=self.contact.id, price_unit=50)  # active 50
        self._create_deadline(date(2026, 1, 1), state="expired", price_unit=70)  # closed 70
        self._create_deadline(date(2025, 1, 1), state="closed", price_unit=30)  # closed 30
        self._create_deadline(date(2027, 1, 1), state="cancelled", price_unit=999)  # ignored in sums
        self._create_deadline(date(2027, 1, 1), partner_id=self.other_customer.id, price_unit=1000)
        self.customer.invalidate_recordset()
        self.assertEqual(self.customer.deadline_count, 5)
        self.assertEqual(self.customer.deadline_active_amount, 250)
        self.assertEqual(self.customer.deadline_closed_amount, 100)
        self.assertEqual(self.contact.deadline_count, 1)
        self.assertEqual(self.contact.deadline_active_amount, 50)
        self.assertEqual(self.other_customer.deadline_active_amount, 1000)

    def test_amounts_in_another_currency_are_converted(self):
        eur = self.env.ref("base.EUR")
        usd = self.env.ref("base.USD")
        foreign = eur if self.company.currency_id == usd else usd
        foreign.active = True
        self.env["res.currency.rate"].search(
            [("currency_id", "in", (foreign | self.company.currency_id).ids)]
        ).unlink()
        self.env["res.currency.rate"].create(
            {"currency_id": foreign.id, "rate": 2.0, "name": "2020-01-01", "company_id": self.company.id}
        )
        self._create_deadline(date(2027, 1, 1), price_unit=100, currency_id=foreign.id)
        self.customer.invalidate_recordset()
        self.assertAlmostEqual(self.customer.deadline_active_amount, 50.0)
        self.assertEqual(self.customer.deadline_currency_id, self.company.currency_id)

    def test_smart_button_opens_the_company_and_contacts_deadlines(self):
        mine = self._create_deadline(date(2027, 1, 1)) | self._create_deadline(
            date(2027, 1, 1), partner_id=self.contact.id
        )
        self._create_deadline(date(2027, 1, 1), partner_id=self.other_customer.id)
        action = self.customer.action_view_deadlines()
        self.assertEqual(self.env["expiry.deadline"].search(action["domain"]), mine)
        self.assertEqual(action["context"]["default_partner_id"], self.customer.id)

    @freeze_time("2027-03-10 12:00:00")
    def test_done_callback_records_the_last_callback_date(self):
        deadline = self._create_deadline(date(2027, 3, 20), partner_id=self.contact.id)
        activity = deadline.activity_schedule(
            "expiry_management.mail_activity_type_callback", user_id=self.user.id
        )
        self.assertFalse(self.contact.last_callback_date)
        activity.action_feedback(feedback="Customer renews next week")
        self.assertEqual(self.contact.last_callback_date, date(2027, 3, 10))
        self.assertEqual(self.customer.last_callback_date, date(2027, 3, 10))

    @freeze_time("2027-03-10 12:00:00")
    def test_callback_on_the_customer_itself_counts(self):
        activity = self.other_customer.activity_schedule("expiry_management.mail_activity_type_callback")
        activity.action_done()
        self.assertEqual(self.other_customer.last_callback_date, date(2027, 3, 10))

    @freeze_time("2027-03-10 12:00:00")
    def test_other_activity_types_do_not_count_as_callback(self):
        activity = self.other_customer.activity_schedule("mail.mail_activity_data_todo")
        activity.action_done()
        self.assertFalse(self.other_customer.last_callback_date)

    def test_last_callback_date_never_moves_backwards(self):
        self.customer._expiry_record_callback(date(2027, 3, 10))
        self.customer._expiry_record_callback(date(2027, 3, 1))
        self.assertEqual(self.customer.last_callback_date, date(2027, 3, 10))

    def test_last_callback_date_is_sortable(self):
        self.customer._expiry_record_callback(date(2027, 3, 10))
        self.other_customer._expiry_record_callback(date(2027, 3, 11))
        partners = self.env["res.partner"].search(
            [("id", "in", (self.customer | self.other_customer).ids)], order="last_callback_date desc"
        )
        self.assertEqual(partners.ids, [self.other_customer.id, self.customer.id])
