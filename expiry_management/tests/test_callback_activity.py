# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import TransactionCase, freeze_time, tagged

from .common import ExpiryDashboardTestMixin


@tagged("post_install", "-at_install")
@freeze_time(ExpiryDashboardTestMixin.TODAY)
class TestCallbackActivity(ExpiryDashboardTestMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_dashboard_data()

    def test_broker_activity_types_are_offered_on_the_right_models(self):
        ref = self.env.ref
        self.assertFalse(ref("expiry_management.mail_activity_type_callback").res_model)
        self.assertEqual(
            ref("expiry_management.mail_activity_type_renewal_call").res_model, "expiry.deadline"
        )
        self.assertEqual(
            ref("expiry_management.mail_activity_type_renewal_email").res_model, "expiry.deadline"
        )
        self.assertEqual(ref("expiry_management.mail_activity_type_sms").res_model, "expiry.deadline")
        self.assertEqual(ref("expiry_management.mail_activity_type_visit").res_model, "res.partner")

    def test_callback_done_on_customer_updates_last_callback_date(self):
        activity = self.partner.with_user(self.user).activity_schedule(
            "expiry_management.mail_activity_type_callback", user_id=self.user.id
        )
        activity.with_user(self.user).action_feedback(feedback="Customer will renew")
        self.assertEqual(self.partner.last_callback_date, self.TODAY)

    def test_callback_done_on_deadline_updates_its_customer(self):
        deadline = self._create_deadline(10)
        activity = deadline.with_user(self.user).activity_schedule(
            "expiry_management.mail_activity_type_callback", user_id=self.user.id
        )
        activity.with_user(self.user).action_done()
        self.assertEqual(self.partner.last_callback_date, self.TODAY)

    def test_other_activity_done_does_not_count_as_callback(self):
        deadline = self._create_deadline(10)
        activity = deadline.activity_schedule(
            "expiry_management.mail_activity_type_renewal_email", user_id=self.user.id
        )
        activity.action_done()
        self.assertFalse(self.partner.last_callback_date)
