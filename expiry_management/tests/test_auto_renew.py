# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Automatic renewal by the daily pass (issue 18): the renewal itself (order,
invoice, new term, once), who is not renewed, and the off-session charge of
the saved payment method with its retries. The provider here is a dummy one
whose answer the test decides (patched _send_payment_request): these tests
run without the demo payment provider too; the repository's top-level tests
(test_auto_renew_payment_demo) do the same through the demo provider."""

import datetime
from contextlib import contextmanager
from unittest.mock import patch

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import ExpiryCommon

DAY = datetime.timedelta(days=1)


@tagged("post_install", "-at_install")
class AutoRenewCase(ExpiryCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Charge = cls.env["expiry.renewal.charge"]
        cls.Pass = cls.env["expiry.daily.pass"]
        cls.today = cls.Deadline._company_today(cls.company)
        cls.company.write({"expiry_renewal_grace_days": 15, "expiry_charge_retry_days": "1,3"})
        method = cls.env.ref("payment.payment_method_unknown")
        cls.provider = cls.env["payment.provider"].create(
            {
                "name": "Renewal Test Provider",
                "code": "none",
                "state": "test",
                "allow_tokenization": True,
                "company_id": cls.company.id,
                "payment_method_ids": [Command.set(method.ids)],
            }
        )
        method.write({"active": True, "support_tokenization": True})
        cls.method = method
        cls.collection_installed = "expiry.collection.log" in cls.env

    def _token(self, partner=None, **values):
        return self.env["payment.token"].create(
            {
                "provider_id": self.provider.id,
                "payment_method_id": self.method.id,
                "partner_id": (partner or self.customer).id,
                "payment_details": "4242",
                "provider_ref": "renewal-test",
                **values,
            }
        )

    def _auto(self, expiry=0, **values):
        values.setdefault("renewal_mode", "automatic")
        values.setdefault("notice_days", 10)
        values.setdefault("user_id", self.user.id)
        return self._create_deadline(expiry, **values)

    def _pass(self, today=None):
        """The daily pass's two steps of the automatic renewal for the main
        company, as its scheduled action runs them (its error policy
        included: no step may stop on an error)."""
        if today is None:
            self.Pass._run_company(self.company, only={"auto renew", "renewal charges"})
            self.assertFalse(self.company.sudo().expiry_pass_errors)
        else:
            self.Deadline._cron_auto_renew(self.company, today, 1000)
            self.Charge._cron_charge_due(self.company, today, 1000)

    @contextmanager
    def _provider_answers(self, *answers):
        """The dummy provider answers each payment request in turn with a
        state ("done", "error", "pending", "cancel") or raises an exception."""
        answers = list(answers)
        sent = []

        def send(tx):
            sent.append(tx)
            answer = answers.pop(0) if len(answers) > 1 else answers[0]
            if isinstance(answer, Exception):
                raise answer
            if answer == "done":
                tx._set_done()
            elif answer == "pending":
                tx._set_pending()
            elif answer == "cancel":
                tx._set_canceled()
            else:
                tx._set_error("Card declined (test)")

        with patch.object(type(self.env["payment.transaction"]), "_send_payment_request", send):
            yield sent

    def _notes(self, deadline, text):
        return deadline.message_ids.filtered(lambda m: text in (m.body or ""))


class TestAutoRenew(AutoRenewCase):
    def test_renews_on_expiry_day_once(self):
        deadline = self._auto(0)
        expiry = deadline.date_expiry
        self._pass()
        self.assertEqual(deadline.date_expiry, expiry.replace(year=expiry.year + 1))
        self.assertEqual(deadline.state, "active")
        self.assertTrue(deadline.auto_renew)
        term = deadline.term_ids
        self.assertEqual(len(term), 1)
        order = term.sale_order_line_id.order_id
        self.assertEqual(order.state, "sale")
        self.assertTrue(order.expiry_renewal_released)
        invoice = order.invoice_ids
        self.assertEqual(len(invoice), 1)
        self.assertEqual(invoice.state, "posted")
        self.assertEqual(invoice.amount_untaxed, 500.0)
        self.assertTrue(self._notes(deadline, "Renewed automatically"))
        self.assertTrue(self._notes(deadline, "No payment method is saved"))
        self.assertFalse(deadline.renewal_charge_ids)
        # a rerun (or the next day's pass) renews nothing more
        self._pass()
        self._pass(self.today + DAY)
        self.assertEqual(len(deadline.term_ids), 1)
        self.assertEqual(len(self.env["sale.order.line"].search([("deadline_id", "=", deadline.id)])), 1)

    def test_step_runs_before_the_states_move(self):
        names = [name for name, _step in self.Pass._get_steps(self.company, self.today, 10)]
        self.assertLess(names.index("auto renew"), names.index("states"))
        self.assertLess(names.index("auto renew"), names.index("renewal charges"))
        # the whole pass: a deadline whose day was yesterday (missed) renews, never lapses
        deadline = self._auto(-1)
        self.Pass._run_company(self.company)
        self.assertEqual(deadline.state, "active")
        self.assertEqual(len(deadline.term_ids), 1)

    def test_who_is_not_renewed(self):
        tomorrow = self._auto(1)
        stopped = self._auto(0)
        stopped._expiry_decline(self.env.ref("expiry_management.lost_reason_price"), stop_only=True)
        closed = self._auto(0)
        closed.action_close()
        cancelled = self._auto(0)
        cancelled.action_cancel()
        manual = self._auto(0, renewal_mode="manual")
        # renewed by hand before its day (a renewal quotation confirmed): its
        # new expiry is a year later, nothing is due today
        by_hand = self._auto(0)
        by_hand.with_user(self.user).action_renew()
        by_hand._get_open_renewal_lines().order_id.action_confirm()
        self.assertEqual(len(by_hand.term_ids), 1)
        self._pass()
        for deadline in tomorrow | stopped | closed | cancelled | manual:
            self.assertFalse(deadline.term_ids, deadline.name)
            self.assertFalse(self._notes(deadline, "Renewed automatically"))
        self.assertEqual(len(by_hand.term_ids), 1)

    def test_catches_up_missed_days_within_grace(self):
        missed = self._auto(-3)
        lapsed = self._auto(-5)
        lapsed.state = "expired"
        too_late = self._auto(-16)
        self._pass()
        for deadline, expiry_days in ((missed, -3), (lapsed, -5)):
            expiry = self.today + datetime.timedelta(days=expiry_days)
            self.assertEqual(deadline.term_ids.date_start, expiry, "continues from the expiry date")
            self.assertEqual(deadline.date_expiry, expiry.replace(year=expiry.year + 1))
            self.assertEqual(deadline.state, "active")
        self.assertFalse(too_late.term_ids)

    def test_unrenewable_deadline_is_stopped_and_said_once(self):
        deadline = self._auto(0, product_id=self.product_plain, notice_days=0)
        self._pass()
        self.assertFalse(deadline.term_ids)
        self.assertFalse(deadline.auto_renew)
        self.assertEqual(len(self._notes(deadline, "did not happen")), 1)
        activity = deadline.activity_ids.filtered(lambda a: a.summary == "Automatic renewal not done")
        self.assertEqual(activity.user_id, self.user)
        self.assertFalse(self.env["sale.order.line"].search([("deadline_id", "=", deadline.id)]))
        self._pass(self.today + DAY)
        self.assertEqual(len(self._notes(deadline, "did not happen")), 1)

    def test_one_failing_deadline_does_not_block_the_others(self):
        bad, good = self._auto(0), self._auto(0)
        original = type(self.Deadline)._prepare_auto_renewal_order_values

        def prepare(deadline):
            if deadline.id == bad.id:
                raise ValueError("broken hook")
            return original(deadline)

        with patch.object(type(self.Deadline), "_prepare_auto_renewal_order_values", prepare):
            self._pass()
        self.assertEqual(len(good.term_ids), 1)
        self.assertFalse(bad.term_ids)
        # the chatter shows nothing of the code (the server log has the details)
        self.assertTrue(self._notes(bad, "an unexpected error occurred"))
        self.assertFalse(self._notes(bad, "broken hook"))
        self.assertFalse(bad.auto_renew)

    def test_open_renewal_quotation_is_cancelled_not_renewed_twice(self):
        deadline = self._auto(0)
        deadline.with_user(self.user).action_renew()
        quotation = deadline._get_open_renewal_lines().order_id
        self._pass()
        self.assertEqual(quotation.state, "cancel")
        self.assertTrue(quotation.message_ids.filtered(lambda m: "renews automatically" in (m.body or "")))
        self.assertEqual(len(deadline.term_ids), 1)
        self.assertNotEqual(deadline.term_ids.sale_order_line_id.order_id, quotation)

    def test_renewal_being_paid_by_the_customer_wins(self):
        deadline = self._auto(0)
        deadline.with_user(self.user).action_renew()
        quotation = deadline._get_open_renewal_lines().order_id
        self.env["payment.transaction"].create(
            {
                "provider_id": self.provider.id,
                "payment_method_id": self.method.id,
                "reference": "RENEW-CART-1",
                "amount": quotation.amount_total,
                "currency_id": quotation.currency_id.id,
                "partner_id": self.customer.id,
                "operation": "online_redirect",
                "sale_order_ids": [Command.set(quotation.ids)],
            }
        )
        # left out of the batches: a batch of one renews the next deadline, and
        # the pass does not run again and again for the one being paid
        other = self._auto(0)
        self.assertEqual(self.Deadline._cron_auto_renew(self.company, self.today, 1), (1, 0))
        self.assertEqual(len(other.term_ids), 1)
        self.assertEqual(self.Deadline._cron_auto_renew(self.company, self.today, 1), (0, 0))
        self.assertFalse(deadline.term_ids)
        self.assertEqual(quotation.state, "draft")
        self.assertTrue(deadline.auto_renew, "tried again by the next pass")

    def test_payment_token_of_another_customer_is_refused(self):
        deadline = self._auto(30)
        with self.assertRaises(ValidationError):
            deadline.payment_token_id = self._token(self.other_customer)
        # a contact's card pays for its company's deadline
        deadline.payment_token_id = self._token(self.contact)
        self.assertTrue(deadline.payment_token_id)


class TestRenewalCharge(AutoRenewCase):
    def test_saved_card_is_charged_off_session(self):
        token = self._token()
        deadline = self._auto(0, payment_token_id=token)
        with self._provider_answers("done") as sent:
            self._pass()
        charge = deadline.renewal_charge_ids
        self.assertEqual(charge.state, "done")
        self.assertEqual(charge.attempt_count, 1)
        invoice = deadline.term_ids.sale_order_line_id.order_id.invoice_ids
        self.assertEqual(charge.invoice_id, invoice)
        tx = charge.transaction_ids
        self.assertEqual(sent, [tx])
        self.assertEqual(tx.operation, "offline")
        self.assertEqual(tx.token_id, token)
        self.assertEqual(tx.invoice_ids, invoice)
        self.assertEqual(tx.amount, invoice.amount_residual)
        self.assertEqual(tx.state, "done")
        self.assertTrue(self._notes(deadline, "Renewal charged"))
        # nothing is charged twice
        with self._provider_answers("done") as sent:
            self._pass(self.today + DAY)
        self.assertFalse(sent)

    def test_refused_charge_is_retried_on_schedule_then_handed_over(self):
        deadline = self._auto(0, payment_token_id=self._token())
        with self._provider_answers("error") as sent:
            self._pass()
            charge = deadline.renewal_charge_ids
            self.assertEqual((charge.state, charge.date_next_try), ("draft", self.today + DAY))
            self.assertIn("Card declined", charge.last_error)
            self._pass()  # a second run of the same day tries nothing
            self.assertEqual(len(sent), 1)
            self._pass(self.today + DAY)
            self.assertEqual((charge.state, charge.attempt_count), ("draft", 2))
            self.assertEqual(charge.date_next_try, self.today + 3 * DAY)
            self._pass(self.today + 2 * DAY)
            self.assertEqual(len(sent), 2)
            self._pass(self.today + 3 * DAY)
        self.assertEqual(len(sent), 3)
        self.assertEqual((charge.state, charge.attempt_count), ("failed", 3))
        self.assertFalse(charge.date_next_try)
        self.assertEqual(len(self._notes(deadline, "refused")), 3)
        self.assertEqual(len(self._notes(deadline, "No try is left")), 1)
        activity = deadline.activity_ids.filtered(lambda a: a.summary == "Renewal charge failed")
        if self.collection_installed:
            # the collection ladder takes the overdue invoice instead
            self.assertFalse(activity)
            self.assertTrue(self._notes(deadline, "left to the collection"))
        else:
            self.assertEqual(activity.user_id, self.user)
        # the renewal itself stands
        self.assertEqual(len(deadline.term_ids), 1)

    def test_provider_failure_is_a_refused_try(self):
        deadline = self._auto(0, payment_token_id=self._token())
        with self._provider_answers(TimeoutError("the provider did not answer")):
            self._pass()
        charge = deadline.renewal_charge_ids
        self.assertEqual(charge.state, "draft")
        self.assertEqual(charge.transaction_ids.state, "error")
        # the details for the employees on the charge, a plain sentence in the chatter
        self.assertIn("did not answer", charge.last_error)
        self.assertFalse(self._notes(deadline, "did not answer"))
        self.assertTrue(self._notes(deadline, "The payment provider failed"))

    def test_no_new_charge_while_one_is_in_progress(self):
        deadline = self._auto(0, payment_token_id=self._token())
        with self._provider_answers("pending") as sent:
            self._pass()
            charge = deadline.renewal_charge_ids
            self.assertEqual(charge.state, "pending")
            self._pass(self.today + DAY)
            self._pass(self.today + 2 * DAY)
        self.assertEqual(len(sent), 1)
        self.assertEqual(len(self._notes(deadline, "under way")), 1)
        # the provider's notification comes: the charge is done
        charge.transaction_ids._set_done()
        self.assertEqual(charge.state, "done")
        self.assertTrue(self._notes(deadline, "Renewal charged"))

    def test_invoice_paid_by_hand_is_not_charged(self):
        deadline = self._auto(0, payment_token_id=self._token())
        with self._provider_answers("error"):
            self._pass()
        charge = deadline.renewal_charge_ids
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=charge.invoice_id.ids
        ).create({})._create_payments()
        with self._provider_answers("done") as sent:
            self._pass(self.today + DAY)
        self.assertFalse(sent)
        self.assertEqual(charge.state, "done")
        self.assertTrue(self._notes(deadline, "already paid"))

    def test_cancelled_invoice_is_not_charged(self):
        deadline = self._auto(0, payment_token_id=self._token())
        with self._provider_answers("error"):
            self._pass()
        charge = deadline.renewal_charge_ids
        charge.invoice_id.button_draft()
        charge.invoice_id.button_cancel()
        with self._provider_answers("done") as sent:
            self._pass(self.today + DAY)
        self.assertFalse(sent)
        self.assertEqual(charge.state, "abandoned")
        self.assertTrue(self._notes(deadline, "no longer due"))
        # the cancelled invoice undid the renewal: it is not made again by itself
        self.assertFalse(deadline.term_ids.filtered(lambda t: t.state == "done"))
        self.assertEqual(len(deadline.renewal_charge_ids), 1)
        self.assertFalse(deadline.auto_renew)
        self.assertTrue(self._notes(deadline, "was undone"))

    def test_unusable_token_is_not_charged(self):
        token = self._token()
        deadline = self._auto(0, payment_token_id=token)
        token.active = False
        with self._provider_answers("done") as sent:
            self._pass()
        self.assertFalse(sent)
        charge = deadline.renewal_charge_ids
        self.assertEqual(charge.state, "failed")
        self.assertFalse(charge.transaction_ids)
        self.assertTrue(self._notes(deadline, "no longer active"))

    def test_retry_uses_the_payment_method_saved_since(self):
        deadline = self._auto(0, payment_token_id=self._token())
        with self._provider_answers("error"):
            self._pass()
        new_card = self._token(provider_ref="new-card")
        deadline.payment_token_id = new_card
        with self._provider_answers("done") as sent:
            self._pass(self.today + DAY)
        charge = deadline.renewal_charge_ids
        self.assertEqual(charge.state, "done")
        self.assertEqual(sent[0].token_id, new_card)
        self.assertEqual(charge.token_id, new_card)

    def test_unexpected_error_of_a_try_counts_as_a_try(self):
        deadline = self._auto(0, payment_token_id=self._token())
        self.company.expiry_charge_retry_days = "1"
        with (
            patch.object(
                type(self.Charge),
                "_create_transaction",
                side_effect=ValueError("no reference"),
                autospec=True,
            ),
            mute_logger("odoo.addons.expiry_management.models.expiry_renewal_charge"),
        ):
            self._pass()
            charge = deadline.renewal_charge_ids
            self.assertEqual((charge.state, charge.attempt_count), ("draft", 1))
            self._pass(self.today + DAY)
        self.assertEqual((charge.state, charge.attempt_count), ("failed", 2))
        self.assertIn("no reference", charge.last_error)

    def test_retry_setting_is_validated(self):
        company = self.company
        for value in ("1,x", "3,1", "0", "1,,3", "-2", "99999"):
            with self.assertRaises(ValidationError, msg=value), self.env.cr.savepoint():
                company.expiry_charge_retry_days = value
        company.expiry_charge_retry_days = " 1, 3 ,7 "
        self.assertEqual(company._expiry_charge_retry_schedule(), [1, 3, 7])
        company.expiry_charge_retry_days = False
        self.assertEqual(company._expiry_charge_retry_schedule(), [])
        settings = self.env["res.config.settings"].create({"expiry_charge_retry_days": "2,5"})
        settings.execute()
        self.assertEqual(company.expiry_charge_retry_days, "2,5")


class TestAutoRenewReview(AutoRenewCase):
    """Review findings: a renewal is never made or charged twice, never
    charged for what was undone, never stuck."""

    def _tx(self, order=None, invoice=None, state="draft", amount=None, ref="REVIEW-1"):
        record = order or invoice
        tx = self.env["payment.transaction"].create(
            {
                "provider_id": self.provider.id,
                "payment_method_id": self.method.id,
                "reference": ref,
                "amount": amount if amount is not None else record.amount_total,
                "currency_id": record.currency_id.id,
                "partner_id": self.customer.id,
                "operation": "online_redirect",
                "sale_order_ids": [Command.set(order.ids)] if order else [],
                "invoice_ids": [Command.set(invoice.ids)] if invoice else [],
            }
        )
        if state == "done":
            tx._set_done()
        return tx

    def test_late_done_after_refused_try_is_not_charged_again(self):
        # finding 4: the provider took the money after all (late notification)
        deadline = self._auto(0, payment_token_id=self._token())
        with self._provider_answers(TimeoutError("timeout")):
            self._pass()
        charge = deadline.renewal_charge_ids
        first = charge.transaction_ids
        self.assertEqual(first.state, "error")
        first._set_done()
        self.assertEqual(charge.state, "done")
        self.assertTrue(self._notes(deadline, "Renewal charged"))
        with self._provider_answers("done") as sent:
            self._pass(self.today + DAY)
        self.assertFalse(sent, "charged twice")

    def test_done_unprocessed_invoice_payment_is_not_charged_again(self):
        # finding 4: a done payment of the invoice not post-processed yet
        deadline = self._auto(0, payment_token_id=self._token())
        with self._provider_answers("error"):
            self._pass()
        charge = deadline.renewal_charge_ids
        self._tx(invoice=charge.invoice_id, state="done", ref="REVIEW-INV")
        with self._provider_answers("done") as sent:
            self._pass(self.today + DAY)
        self.assertFalse(sent, "charged twice")

    def test_confirmed_order_awaiting_payment_is_not_renewed_twice(self):
        # finding 1: an order confirmed on a partial prepayment renews when paid
        deadline = self._auto(0)
        deadline.with_user(self.user).action_renew()
        order = deadline._get_open_renewal_lines().order_id
        self._tx(order=order, state="done", amount=order.amount_total / 2)
        order.action_confirm()
        self.assertFalse(order.expiry_renewal_released)
        self._pass()
        self.assertFalse(deadline.term_ids, "renewed while its renewal order awaits payment")
        self._tx(order=order, state="done", amount=order.amount_total / 2, ref="REVIEW-2")
        order._expiry_release_renewals()
        self.assertEqual(len(deadline.term_ids.filtered(lambda t: t.state == "done")), 1)
        self._pass(self.today + DAY)
        self.assertEqual(len(deadline.term_ids), 1)

    def test_order_awaiting_payment_on_last_grace_day_stops_with_a_note(self):
        # findings 1 and 9: never a silent lapse
        deadline = self._auto(-15)
        deadline.with_user(self.user).action_renew()
        order = deadline._get_open_renewal_lines().order_id
        self._tx(order=order, state="done", amount=order.amount_total / 2)
        order.action_confirm()
        self._pass()
        self.assertFalse(deadline.term_ids)
        self.assertFalse(deadline.auto_renew)
        self.assertTrue(self._notes(deadline, "did not happen"))

    def test_done_unprocessed_cart_payment_wins(self):
        # finding 2: the cart is paid, its post-processing has not run yet
        deadline = self._auto(0, payment_token_id=self._token())
        deadline.with_user(self.user).action_renew()
        quotation = deadline._get_open_renewal_lines().order_id
        self._tx(order=quotation, state="done")
        with self._provider_answers("done") as sent:
            self._pass()
        self.assertFalse(sent)
        self.assertNotEqual(quotation.state, "cancel")
        self.assertFalse(deadline.term_ids)

    def test_undone_renewal_is_not_charged(self):
        # finding 8: the renewal order was cancelled (the renewal undone)
        deadline = self._auto(0, payment_token_id=self._token())
        with self._provider_answers("error"):
            self._pass()
        charge = deadline.renewal_charge_ids
        charge.order_id.with_context(disable_cancel_warning=True).action_cancel()
        with self._provider_answers("done") as sent:
            self._pass(self.today + DAY)
        self.assertFalse(sent)
        self.assertEqual(charge.state, "abandoned")

    def test_cancelled_deadline_is_not_charged(self):
        # finding 8: the contract was cancelled after its renewal
        deadline = self._auto(0, payment_token_id=self._token())
        with self._provider_answers("error"):
            self._pass()
        deadline.action_cancel()
        charge = deadline.renewal_charge_ids
        with self._provider_answers("done") as sent:
            self._pass(self.today + DAY)
        self.assertFalse(sent)
        self.assertEqual(charge.state, "abandoned")

    def test_card_removed_from_deadline_is_not_charged(self):
        # finding 6
        deadline = self._auto(0, payment_token_id=self._token())
        with self._provider_answers("error"):
            self._pass()
        deadline.payment_token_id = False
        with self._provider_answers("done") as sent:
            self._pass(self.today + DAY)
        self.assertFalse(sent)
        charge = deadline.renewal_charge_ids
        self.assertEqual(charge.state, "failed")
        self.assertIn("no payment method", charge.last_error)

    def test_new_customer_card_never_pays_old_customer_invoice(self):
        # finding 5: the contract moved to another customer between two tries
        deadline = self._auto(0, payment_token_id=self._token())
        with self._provider_answers("error"):
            self._pass()
        charge = deadline.renewal_charge_ids
        deadline.write({"payment_token_id": False})
        deadline.write({"partner_id": self.other_customer.id})
        deadline.payment_token_id = self._token(self.other_customer, provider_ref="other")
        with self._provider_answers("done") as sent:
            self._pass(self.today + DAY)
        self.assertFalse(sent)
        self.assertEqual(charge.state, "failed")

    def test_stale_draft_cart_payment_does_not_lapse_the_deadline(self):
        # finding 9: the customer clicked Pay and left
        deadline = self._auto(0)
        deadline.with_user(self.user).action_renew()
        quotation = deadline._get_open_renewal_lines().order_id
        self._tx(order=quotation)
        self._pass()
        self.assertFalse(deadline.term_ids, "a payment just started wins today")
        for day in range(1, 20):
            self._pass(self.today + day * DAY)
        self.assertEqual(len(deadline.term_ids), 1)
        self.assertEqual(quotation.state, "cancel")
        # the payment left behind can no longer complete for the cancelled cart
        self.assertEqual(quotation.transaction_ids.state, "cancel")

    def test_own_transaction_stuck_in_draft_counts_as_refused(self):
        # finding 10
        deadline = self._auto(0, payment_token_id=self._token())

        def send(tx):
            return None  # the provider leaves it in draft

        with patch.object(type(self.env["payment.transaction"]), "_send_payment_request", send):
            for day in range(0, 30):
                self._pass(self.today + day * DAY)
        charge = deadline.renewal_charge_ids
        self.assertEqual(charge.state, "failed")
        self.assertEqual(charge.attempt_count, 3)
        self.assertEqual(set(charge.transaction_ids.mapped("state")), {"cancel"})

    def test_abandoned_invoice_payment_does_not_block_the_charge(self):
        # finding 10: the customer clicked Pay on the invoice and left
        deadline = self._auto(0, payment_token_id=self._token())
        with self._provider_answers("error"):
            self._pass()
        charge = deadline.renewal_charge_ids
        self._tx(invoice=charge.invoice_id, ref="REVIEW-INV")
        with self._provider_answers("done") as sent:
            for day in range(1, 10):
                self._pass(self.today + day * DAY)
        self.assertEqual(len(sent), 1)
        self.assertEqual(charge.state, "done")

    def test_voided_charge_undoes_the_automatic_renewal(self):
        # finding 7: a done charge voided afterwards by the provider
        deadline = self._auto(0, payment_token_id=self._token())
        expiry = deadline.date_expiry
        with self._provider_answers("done"):
            self._pass()
        tx = deadline.renewal_charge_ids.transaction_ids
        self.assertNotEqual(deadline.date_expiry, expiry)
        tx._set_canceled(extra_allowed_states=("done",))
        self.assertEqual(deadline.date_expiry, expiry, "voided automatic renewal not undone")

    def test_second_payment_after_the_charge_is_done_is_said(self):
        # unconfirmed review item: a late success after another try paid
        deadline = self._auto(0, payment_token_id=self._token())
        with self._provider_answers("error", "done"):
            self._pass()
            self._pass(self.today + DAY)
        charge = deadline.renewal_charge_ids
        self.assertEqual(charge.state, "done")
        first = charge.transaction_ids.sorted("id")[0]
        first._set_done()
        self.assertEqual(charge.state, "done")
        self.assertTrue(self._notes(deadline, "was taken too"))
