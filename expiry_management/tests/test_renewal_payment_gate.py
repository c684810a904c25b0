# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Issue 16, finding 7: one gate where money becomes a renewal. A renewal
order paid online renews when it is paid in full, whatever confirmed it; a
payment of a renewal that could no longer apply is refused; a refunded or
voided payment takes the renewal back. Back-office quotations paid by other
means renew at confirmation, as before."""

from dateutil.relativedelta import relativedelta

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.payment.tests.common import PaymentCommon

from .common import ExpiryCommon


@tagged("post_install", "-at_install")
class TestRenewalPaymentGate(ExpiryCommon, PaymentCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.deadline = cls._create_deadline(20, user_id=cls.user.id)
        cls.old_expiry = cls.deadline.date_expiry

    def _quotation(self, **values):
        order = self.env["sale.order"].browse(self.deadline.action_renew()["res_id"])
        order.write(values)
        return order

    def _pay(self, order, amount, suffix="pay"):
        """A payment of ``amount`` for ``order`` (payment link or portal), done."""
        tx = self._create_transaction(
            "redirect",
            amount=amount,
            currency_id=order.currency_id.id,
            partner_id=order.partner_id.id,
            reference=f"{order.name}-{suffix}",
            sale_order_ids=[(6, 0, order.ids)],
        )
        tx._set_done()
        tx._post_process()
        return tx

    def _done_terms(self):
        return self.deadline.term_ids.filtered(lambda term: term.state == "done")

    def test_back_office_quotation_renews_at_confirmation(self):
        order = self._quotation()
        order.action_confirm()
        self.assertEqual(self.deadline.date_expiry, self.old_expiry + relativedelta(years=1))
        self.assertTrue(order.expiry_renewal_released)

    def test_quotation_paid_in_full_online_renews_once(self):
        order = self._quotation(require_payment=True)
        tx = self._pay(order, order.amount_total)
        self.assertEqual(order.state, "sale")
        self.assertEqual(self.deadline.date_expiry, self.old_expiry + relativedelta(years=1))
        tx.is_post_processed = False
        tx._post_process()
        self.assertEqual(len(self._done_terms()), 1)

    def test_wire_transfer_announced_then_confirmed_by_hand_renews_at_confirmation(self):
        order = self._quotation(require_payment=True)
        tx = self._create_transaction(
            "redirect",
            amount=order.amount_total,
            currency_id=order.currency_id.id,
            partner_id=order.partner_id.id,
            reference=f"{order.name}-wire",
            sale_order_ids=[(6, 0, order.ids)],
        )
        tx._set_pending()
        tx._post_process()
        self.assertEqual(order.state, "sent")
        # the money arrived on the bank account: the salesperson confirms
        order.action_confirm()
        self.assertEqual(self.deadline.date_expiry, self.old_expiry + relativedelta(years=1))

    def test_partial_prepayment_defers_the_renewal_until_paid_in_full(self):
        order = self._quotation(require_payment=True, prepayment_percent=0.3)
        self._pay(order, order.amount_total * 0.3, "down")
        self.assertEqual(order.state, "sale", "Odoo confirms on the prepayment")
        self.assertEqual(self.deadline.date_expiry, self.old_expiry)
        self.assertFalse(self._done_terms())
        self.assertTrue(order._expiry_renewal_awaits_payment())
        self._pay(order, order.amount_total * 0.7, "rest")
        self.assertEqual(self.deadline.date_expiry, self.old_expiry + relativedelta(years=1))
        self.assertEqual(self._done_terms().sale_order_id, order)

    def test_prepayment_order_confirmed_by_hand_renews_at_confirmation(self):
        """The company asks a 50 % prepayment online, but the salesperson
        confirms by hand without any payment: the back office decided."""
        order = self._quotation(require_payment=True, prepayment_percent=0.5)
        order.action_confirm()
        self.assertTrue(order.expiry_renewal_released)
        self.assertEqual(self.deadline.date_expiry, self.old_expiry + relativedelta(years=1))

    def _invoice_and_register_payment(self, order, amount=None):
        invoice = order._create_invoices(final=True)
        invoice.action_post()
        if amount is not False:
            self.env["account.payment.register"].with_context(
                active_model="account.move", active_ids=invoice.ids
            ).create({"amount": amount or invoice.amount_residual})._create_payments()
        return invoice

    def test_prepayment_online_then_the_rest_on_the_invoice_renews_when_paid(self):
        order = self._quotation(require_payment=True, prepayment_percent=0.5)
        self._pay(order, order.amount_total * 0.5, "down")
        self.assertEqual(order.state, "sale")
        self.assertFalse(self._done_terms(), "half paid: the renewal waits")
        self._invoice_and_register_payment(order)
        # the reconciliation of the payment released the renewal, nobody called it
        self.assertTrue(order.expiry_renewal_released)
        self.assertEqual(self.deadline.date_expiry, self.old_expiry + relativedelta(years=1))

    def test_a_written_off_invoice_does_not_release_a_waiting_renewal(self):
        """Settling the rest with a loss is no payment (review of issue 16)."""
        order = self._quotation(require_payment=True, prepayment_percent=0.5)
        self._pay(order, order.amount_total * 0.5, "down")
        invoice = self._invoice_and_register_payment(order, amount=False)
        self._settle_with_entry(invoice)
        self.assertEqual(invoice.payment_state, "paid")
        self.assertFalse(order.expiry_renewal_released)
        self.assertFalse(self._done_terms())
        self.assertEqual(self.deadline.date_expiry, self.old_expiry)

    def test_nobody_writes_the_gates_flag(self):
        order = self._quotation(require_payment=True)
        tx = self._pay(order, order.amount_total)
        tx._create_child_transaction(tx.amount, is_refund=True)._set_done()
        self.assertFalse(self._done_terms())
        salesman = order.with_user(self.user)
        with self.assertRaises(AccessError), self.env.cr.savepoint():
            salesman.write({"expiry_renewal_released": False})
        with self.assertRaises(AccessError), self.env.cr.savepoint():
            self.env["sale.order"].with_user(self.user).browse(order.ids).expiry_renewal_released = False
        self.assertTrue(order.expiry_renewal_released)

    def test_a_refunded_payment_is_not_renewed_again_by_a_new_invoice(self):
        """Paid online and invoiced; a full credit note rolls the renewal back;
        the payment is refunded too; re-invoicing does not renew again."""
        order = self._quotation(require_payment=True)
        tx = self._pay(order, order.amount_total)
        invoice = order._create_invoices(final=True)
        invoice.action_post()
        self.assertEqual(len(self._done_terms()), 1)
        self.env["account.move.reversal"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({"journal_id": invoice.journal_id.id, "reason": "refund"}).refund_moves()
        credit_note = order.invoice_ids.filtered(lambda m: m.move_type == "out_refund")
        credit_note.action_post()
        self.assertFalse(self._done_terms())
        tx._create_child_transaction(tx.amount, is_refund=True)._set_done()
        rebilled = order._create_invoices(final=True)
        rebilled.action_post()
        self.assertFalse(self._done_terms())
        self.assertEqual(self.deadline.date_expiry, self.old_expiry)

    def test_a_voided_payment_of_an_invoiced_order_rolls_the_renewal_back(self):
        order = self._quotation(require_payment=True)
        tx = self._pay(order, order.amount_total)
        invoice = order._create_invoices(final=True)
        invoice.action_post()
        self.assertEqual(len(self._done_terms()), 1)
        with mute_logger("odoo.addons.payment.models.payment_transaction"):
            tx._set_error("charged back", extra_allowed_states=("done",))
        self.assertFalse(self._done_terms())
        self.assertEqual(self.deadline.date_expiry, self.old_expiry)

    def test_payment_of_a_renewal_cancelled_since_the_quotation_is_refused(self):
        order = self._quotation(require_payment=True)
        self.deadline.state = "cancelled"
        with self.assertRaisesRegex(ValidationError, "cannot be paid"), self.env.cr.savepoint():
            self._create_transaction(
                "redirect",
                amount=order.amount_total,
                currency_id=order.currency_id.id,
                reference=f"{order.name}-late",
                sale_order_ids=[(6, 0, order.ids)],
            )
        self.assertFalse(order.transaction_ids)

    def test_refunded_payment_rolls_the_renewal_back(self):
        order = self._quotation(require_payment=True)
        tx = self._pay(order, order.amount_total)
        self.assertEqual(len(self._done_terms()), 1)
        refund = tx._create_child_transaction(tx.amount, is_refund=True)
        refund._set_done()
        self.assertEqual(self.deadline.date_expiry, self.old_expiry)
        self.assertFalse(self._done_terms())
        # the refund delivered twice: nothing more
        messages = len(self.deadline.message_ids)
        refund._set_done()
        self.assertEqual(len(self.deadline.message_ids), messages)

    def test_partial_refund_keeps_the_renewal_and_says_so(self):
        order = self._quotation(require_payment=True)
        tx = self._pay(order, order.amount_total)
        refund = tx._create_child_transaction(50.0, is_refund=True)
        refund._set_done()
        self.assertEqual(self.deadline.date_expiry, self.old_expiry + relativedelta(years=1))
        self.assertIn("in part", " ".join(order.message_ids.mapped("body")))

    def test_voided_payment_rolls_the_renewal_back(self):
        order = self._quotation(require_payment=True)
        tx = self._pay(order, order.amount_total)
        with mute_logger("odoo.addons.payment.models.payment_transaction"):
            tx._set_error("charged back", extra_allowed_states=("done",))
        self.assertEqual(self.deadline.date_expiry, self.old_expiry)
        self.assertFalse(self._done_terms())

    def test_migration_marks_the_confirmed_renewal_orders_released(self):
        """Orders confirmed by the previous version renewed at confirmation:
        18.0.1.2.0 marks them released (the gate does not run on them again)."""
        import importlib.util
        from pathlib import Path

        order = self._quotation()
        order.action_confirm()
        self.env.flush_all()
        self.env.cr.execute("UPDATE sale_order SET expiry_renewal_released = FALSE WHERE id = %s", order.ids)
        script = Path(__file__).resolve().parent.parent / "migrations" / "18.0.1.2.0" / "post-migration.py"
        spec = importlib.util.spec_from_file_location("expiry_core_post_migration_1_2", script)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        module.migrate(self.env.cr, "18.0.1.1.0")
        self.env.invalidate_all()
        self.assertTrue(order.expiry_renewal_released)
        self.assertEqual(len(self._done_terms()), 1)

    def test_the_gates_flag_cannot_be_set_at_creation(self):
        Order = self.env["sale.order"].with_user(self.user)
        values = {"partner_id": self.deadline.partner_id.id}
        with self.assertRaises(AccessError), self.env.cr.savepoint():
            Order.create(dict(values, expiry_renewal_released=True))
        with self.assertRaises(AccessError), self.env.cr.savepoint():
            Order.with_context(default_expiry_renewal_released=True).create(values)

    def test_refunding_a_duplicate_online_payment_keeps_a_renewal_paid_by_bank(self):
        order = self._quotation()
        order.action_confirm()
        self._invoice_and_register_payment(order)
        tx = self._pay(order, order.amount_total, "duplicate")
        tx._create_child_transaction(tx.amount, is_refund=True)._set_done()
        self.assertEqual(len(self._done_terms()), 1)

    def test_a_small_online_payment_refunded_or_charged_back_keeps_a_hand_confirmed_renewal(self):
        order = self._quotation()
        order.action_confirm()
        self.assertEqual(len(self._done_terms()), 1)
        refunded = self._pay(order, 1.0, "cent")
        refunded._create_child_transaction(refunded.amount, is_refund=True)._set_done()
        charged_back = self._pay(order, 1.0, "cent2")
        with mute_logger("odoo.addons.payment.models.payment_transaction"):
            charged_back._set_error("charged back", extra_allowed_states=("done",))
        self.assertEqual(len(self._done_terms()), 1, "confirmed by hand, not paid online: the renewal stays")

    def test_reconfirming_an_order_whose_payment_was_refunded_does_not_renew_again(self):
        order = self._quotation(require_payment=True)
        tx = self._pay(order, order.amount_total)
        invoice = order._create_invoices(final=True)
        invoice.action_post()
        # as automatic invoicing does: the transaction's payment settles the invoice
        payments = (
            self.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({})
            ._create_payments()
        )
        payments.payment_transaction_id = tx
        tx.payment_id = payments
        self.assertEqual(len(self._done_terms()), 1)
        tx._create_child_transaction(tx.amount, is_refund=True)._set_done()
        self.assertFalse(self._done_terms())
        salesman_order = order.with_user(self.user)
        salesman_order._action_cancel()
        salesman_order.action_draft()
        salesman_order.action_confirm()
        self.assertFalse(self._done_terms(), "the money went back: re-confirming does not renew again")
        self.assertEqual(self.deadline.date_expiry, self.old_expiry)
