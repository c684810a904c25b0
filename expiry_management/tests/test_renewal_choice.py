# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Issue 18: what a new term keeps of the customer's choices, what a closed
deadline activated again keeps of its loss, and how the salesperson hears of
a customer changing their mind."""

import datetime

from odoo.tests import freeze_time, tagged

from .common import ExpiryCommon

D = datetime.date


@tagged("post_install", "-at_install")
@freeze_time("2027-03-10 12:00:00")
class TestRenewalChoice(ExpiryCommon):
    TODAY = D(2027, 3, 10)

    def _automatic(self, **values):
        return self._create_deadline(D(2027, 4, 30), renewal_mode="automatic", notice_days=30, **values)

    def _declined_activities(self, deadline):
        activity_type = self.env.ref("expiry_management.mail_activity_type_renewal_declined")
        return deadline.activity_ids.filtered(lambda a: a.activity_type_id == activity_type)

    def test_a_stopped_automatic_renewal_stays_stopped_after_renewing_by_hand(self):
        deadline = self._automatic(state="active")
        reason = self.env.ref("expiry_management.lost_reason_price")
        deadline._expiry_decline(reason, stop_only=True)
        self.assertFalse(deadline.auto_renew)
        deadline._apply_renewal()
        # the next term: nothing declined, but no consent to charge the card again
        self.assertFalse(deadline.date_declined)
        self.assertFalse(deadline.lost_reason_id)
        self.assertFalse(deadline.auto_renew, "renewing by hand does not turn the automatic renewal back on")

    def test_an_automatic_renewal_not_stopped_goes_on_after_renewing(self):
        deadline = self._automatic(state="active")
        deadline._apply_renewal()
        self.assertTrue(deadline.auto_renew)

    def test_a_closed_deadline_activated_again_is_no_longer_lost(self):
        deadline = self._create_deadline(-10, state="expired")
        deadline._expiry_close_lost(self.env.ref("expiry_management.lost_reason_competitor"), False)
        self.assertEqual(deadline.state, "closed")
        self.assertTrue(deadline.lost_reason_id)
        deadline.action_activate()
        self.assertEqual(deadline.state, "active")
        self.assertFalse(deadline.lost_reason_id)

    def test_changing_their_mind_leaves_one_activity_for_the_salesperson(self):
        deadline = self._automatic(state="active", user_id=self.env.user)
        reason = self.env.ref("expiry_management.lost_reason_price")
        for _round in range(3):
            deadline._expiry_decline(reason, stop_only=True)
            self.assertEqual(len(self._declined_activities(deadline)), 1)
            deadline._expiry_resume()
            self.assertFalse(self._declined_activities(deadline), "resuming closes the salesperson's to-do")
        deadline._expiry_decline(reason, stop_only=True)
        deadline._expiry_decline(reason, stop_only=True)
        self.assertEqual(len(self._declined_activities(deadline)), 1)

    def test_a_stop_by_an_employee_is_not_attributed_to_the_customer(self):
        deadline = self._automatic(state="active", user_id=self.env.user)
        deadline._expiry_decline(stop_only=True, by_customer=False)
        body = deadline.message_ids[:1].body
        self.assertIn(self.env.user.name, body)
        self.assertNotIn("The customer", body)
