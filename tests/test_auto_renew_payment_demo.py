# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The automatic renewal's charge through Odoo's demo payment provider
(payment_demo, installed on the database setup/test and setup/run build, on
which no addon of ours depends: hence here, run by pytest only). The demo
token decides the provider's answer (``demo_simulated_state``), as a real
card would be accepted or refused; and the demo data shows an automatic
deadline with a saved demo card and one whose customer stopped it."""

import datetime

from odoo.tests import tagged

from odoo.addons.expiry_management.tests.common import ExpiryCommon

DAY = datetime.timedelta(days=1)


@tagged("post_install", "-at_install")
class TestAutoRenewPaymentDemo(ExpiryCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.provider = cls.env.ref("payment.payment_provider_demo")
        cls.method = cls.env.ref("payment_demo.payment_method_demo")
        cls.today = cls.Deadline._company_today(cls.company)
        cls.company.expiry_charge_retry_days = "1,3"

    def _demo_token(self, simulated_state):
        return self.env["payment.token"].create(
            {
                "provider_id": self.provider.id,
                "payment_method_id": self.method.id,
                "partner_id": self.customer.id,
                "payment_details": "4242",
                "provider_ref": "demo-renewal-test",
                "demo_simulated_state": simulated_state,
            }
        )

    def _auto(self, token):
        return self._create_deadline(
            0, renewal_mode="automatic", notice_days=10, user_id=self.user.id, payment_token_id=token.id
        )

    def _charges(self, today):
        self.env["expiry.renewal.charge"]._cron_charge_due(self.company, today, 1000)

    def _notes(self, deadline, text):
        return deadline.message_ids.filtered(lambda m: text in (m.body or ""))

    def test_demo_card_pays_the_renewal_invoice(self):
        self.assertEqual(self.provider.code, "demo")
        deadline = self._auto(self._demo_token("done"))
        self.env["expiry.daily.pass"]._run_company(self.company, only={"auto renew", "renewal charges"})
        charge = deadline.renewal_charge_ids
        self.assertEqual(charge.state, "done")
        tx = charge.transaction_ids
        self.assertEqual((tx.state, tx.operation, tx.provider_code), ("done", "offline", "demo"))
        # Odoo's post-processing (its scheduled action, triggered) pays the invoice
        tx._post_process()
        self.assertIn(charge.invoice_id.payment_state, ("paid", "in_payment"))
        self.assertTrue(self._notes(deadline, "Renewal charged"))

    def test_demo_refusals_are_retried_then_the_new_card_pays(self):
        token = self._demo_token("error")
        deadline = self._auto(token)
        self.env["expiry.daily.pass"]._run_company(self.company, only={"auto renew", "renewal charges"})
        charge = deadline.renewal_charge_ids
        self.assertEqual((charge.state, charge.date_next_try), ("draft", self.today + DAY))
        self.assertEqual(charge.transaction_ids.state, "error")
        token.demo_simulated_state = "cancel"
        self._charges(self.today + DAY)
        self.assertEqual((charge.state, charge.attempt_count), ("draft", 2))
        self.assertEqual(charge.date_next_try, self.today + 3 * DAY)
        # the customer's card works again on the last try
        token.demo_simulated_state = "done"
        self._charges(self.today + 3 * DAY)
        self.assertEqual((charge.state, charge.attempt_count), ("done", 3))
        self.assertEqual(charge.transaction_ids.sorted("id").mapped("state"), ["error", "cancel", "done"])
        self.assertEqual(len(self._notes(deadline, "refused")), 2)

    def test_demo_refusals_until_the_last_try(self):
        deadline = self._auto(self._demo_token("error"))
        self.env["expiry.daily.pass"]._run_company(self.company, only={"auto renew", "renewal charges"})
        for day in (1, 3, 7):
            self._charges(self.today + day * DAY)
        charge = deadline.renewal_charge_ids
        self.assertEqual((charge.state, charge.attempt_count), ("failed", 3))
        self.assertEqual(len(charge.transaction_ids), 3)
        # the collection addon (installed here) takes the overdue invoice
        self.assertTrue(self._notes(deadline, "left to the collection"))
        self.assertEqual(charge.invoice_id.payment_state, "not_paid")

    def test_pending_demo_payment_is_not_charged_twice(self):
        deadline = self._auto(self._demo_token("pending"))
        self.env["expiry.daily.pass"]._run_company(self.company, only={"auto renew", "renewal charges"})
        charge = deadline.renewal_charge_ids
        self._charges(self.today + DAY)
        self.assertEqual(len(charge.transaction_ids), 1)
        self.assertEqual(charge.state, "pending")
        # the provider confirms later (its notification, here the demo's button)
        charge.transaction_ids.action_demo_set_done()
        self.assertEqual(charge.state, "done")

    def test_demo_data_shows_both_automatic_deadlines(self):
        charged = self.env.ref("expiry_management.deadline_wood_maintenance_auto")
        self.assertEqual(charged.renewal_mode, "automatic")
        self.assertTrue(charged.auto_renew)
        self.assertTrue(charged.date_notice)
        self.assertEqual(charged.payment_token_id.provider_id, self.provider)
        self.assertFalse(charged._get_payment_token_error(charged.payment_token_id))
        stopped = self.env.ref("expiry_management.deadline_gemini_licence_auto_stopped")
        self.assertEqual(stopped.renewal_mode, "automatic")
        self.assertFalse(stopped.auto_renew)
        self.assertTrue(stopped.date_declined)
        self.assertEqual(stopped.lost_reason_id, self.env.ref("expiry_management.lost_reason_competitor"))

    def test_refund_through_the_provider_undoes_the_automatic_renewal(self):
        # review finding 7: the charge's transaction pays the invoice, not the order
        deadline = self._auto(self._demo_token("done"))
        expiry = deadline.date_expiry
        self.env["expiry.daily.pass"]._run_company(self.company, only={"auto renew", "renewal charges"})
        charge = deadline.renewal_charge_ids
        tx = charge.transaction_ids
        tx._post_process()
        self.assertIn(charge.invoice_id.payment_state, ("paid", "in_payment"))
        self.assertNotEqual(deadline.date_expiry, expiry)
        refund = tx._create_child_transaction(tx.amount, is_refund=True)
        refund._set_done()
        refund._post_process()
        self.assertEqual(deadline.date_expiry, expiry, "refunded automatic renewal not undone")
        self.assertFalse(deadline.term_ids.filtered(lambda t: t.state == "done"))
