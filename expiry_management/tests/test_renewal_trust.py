# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Issue 16, core side of the renewal through sale orders: who may put a
deadline on an order line (4), what a refusal may say (5) and the way back
when the renewal's invoice is refunded, cancelled or written off (6)."""

from datetime import date

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import freeze_time, new_test_user, tagged

from .common import ExpiryCommon

REFUND_SUMMARY = "Renewal refunded: adjust the deadline"


@tagged("post_install", "-at_install")
@freeze_time("2027-03-10 12:00:00")
class TestRenewalLineAccess(ExpiryCommon):
    """4. A salesman renews a deadline he cannot read; 5. errors describe
    records the user may not see."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesman = new_test_user(
            cls.env, login="trust_salesman", groups="sales_team.group_sale_salesman", tz="UTC"
        )
        cls.other_company = cls._company("Hidden Branch Ltd")
        cls.secret_customer = cls.env["res.partner"].create(
            {"name": "Secret Holdings", "is_company": True, "company_id": cls.other_company.id}
        )

    def _order_values(self, deadline_id, partner=None):
        return {
            "partner_id": (partner or self.customer).id,
            "order_line": [Command.create({"product_id": self.product_year.id, "deadline_id": deadline_id})],
        }

    def test_salesman_cannot_put_another_salespersons_deadline_on_an_order(self):
        deadline = self._create_deadline(date(2027, 3, 31), user_id=self.user.id)
        Order = self.env["sale.order"].with_user(self.salesman)
        with self.assertRaisesRegex(AccessError, "does not exist or you may not renew it"):
            order = Order.create(self._order_values(deadline.id))
            order.action_confirm()
        # nor on a line added to his own order, nor by writing an existing line
        order = Order.create({"partner_id": self.customer.id})
        with self.assertRaises(AccessError):
            order.write(
                {
                    "order_line": [
                        Command.create({"product_id": self.product_year.id, "deadline_id": deadline.id})
                    ]
                }
            )
        order.write({"order_line": [Command.create({"product_id": self.product_year.id})]})
        with self.assertRaises(AccessError):
            order.order_line.write({"deadline_id": deadline.id})
        self.assertFalse(order.order_line.deadline_id)
        order.action_confirm()
        self.assertEqual(deadline.date_expiry, date(2027, 3, 31))
        self.assertFalse(deadline.term_ids)

    def test_salesman_renews_the_deadlines_he_may_read(self):
        own = self._create_deadline(date(2027, 3, 31), user_id=self.salesman.id)
        unassigned = self._create_deadline(date(2027, 3, 31), user_id=False)
        order = self.env["sale.order"].with_user(self.salesman).create(self._order_values(own.id))
        order.write(
            {
                "order_line": [
                    Command.create({"product_id": self.product_year.id, "deadline_id": unassigned.id})
                ]
            }
        )
        order.action_confirm()
        self.assertEqual(own.date_expiry, date(2028, 3, 31))
        self.assertEqual(unassigned.date_expiry, date(2028, 3, 31))

    def test_refusal_of_a_foreign_deadline_names_nothing_of_it(self):
        foreign = self._create_deadline(
            date(2027, 3, 31), company_id=self.other_company.id, partner_id=self.secret_customer.id
        )
        missing_id = foreign.id + 100000
        for user in (self.manager, self.salesman):
            for deadline_id in (foreign.id, missing_id):
                with self.assertRaises(UserError) as caught:
                    self.env["sale.order"].with_user(user).create(self._order_values(deadline_id))
                message = str(caught.exception)
                self.assertIn("does not exist or you may not renew it", message)
                for secret in ("Secret Holdings", "Hidden Branch", foreign.name):
                    self.assertNotIn(secret, message)
        self.assertEqual(foreign.date_expiry, date(2027, 3, 31))

    def test_refusal_of_another_customers_deadline_does_not_name_its_owner(self):
        deadline = self._create_deadline(date(2027, 3, 31))
        with self.assertRaises(ValidationError) as caught:
            self.env["sale.order"].with_user(self.manager).create(
                self._order_values(deadline.id, partner=self.other_customer)
            )
        self.assertNotIn(self.customer.name, str(caught.exception))

    def test_renew_button_says_nothing_of_a_deadline_the_user_cannot_read(self):
        deadline = self._create_deadline(date(2027, 3, 31), user_id=self.user.id, state="cancelled")
        for method in ("action_renew", "action_view_sale_orders", "action_view_terms"):
            with self.assertRaises(AccessError) as caught:
                getattr(deadline.with_user(self.salesman), method)()
            self.assertNotIn(deadline.name, str(caught.exception))
        # the customer's portal user renews on the portal, never with these
        # buttons (with expiry_management_portal, which lets it read the
        # deadline, too: TestPortalPaymentGate.test_portal_back_office_buttons_need_a_deadlines_user)
        portal = new_test_user(
            self.env, login="trust_renew_portal", groups="base.group_portal", partner_id=self.contact.id
        )
        deadline.state = "active"
        for method in ("action_renew", "action_view_sale_orders", "action_view_terms"):
            with self.assertRaises(AccessError):
                getattr(deadline.with_user(portal), method)()
        self.assertFalse(deadline.sale_order_count)

    def test_a_bad_deadline_id_is_a_readable_error(self):
        with self.assertRaises(UserError):
            self.env["sale.order"].with_user(self.salesman).create(self._order_values("12; drop"))

    def test_superuser_flows_are_not_checked_by_the_current_user(self):
        """The website cart creates its lines as superuser and checks the
        ownership itself (expiry_management_portal)."""
        deadline = self._create_deadline(date(2027, 3, 31), user_id=self.user.id)
        order = self.env["sale.order"].with_user(self.salesman).sudo().create(self._order_values(deadline.id))
        self.assertEqual(order.order_line.deadline_id, deadline)
        # the salesman handles that order: rewriting the line's own deadline is no change
        line = order.order_line.with_user(self.salesman)
        line.write({"deadline_id": str(deadline.id), "product_uom_qty": 1})
        order.with_user(self.salesman).action_confirm()
        self.assertEqual(deadline.date_expiry, date(2028, 3, 31))


@tagged("post_install", "-at_install")
@freeze_time("2027-03-10 12:00:00")
class TestRenewalWayBack(ExpiryCommon):
    """6. A refund leaves the renewal in place."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.deadline = cls._create_deadline(date(2027, 3, 31), user_id=cls.user.id)

    def _invoiced_renewal(self, deadline=None, pay=False):
        deadline = deadline or self.deadline
        order = self.env["sale.order"].browse(deadline.action_renew()["res_id"])
        order.action_confirm()
        invoice = order._create_invoices()
        invoice.action_post()
        if pay:
            self._pay(invoice)
        return order, invoice

    def _pay(self, invoice):
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({})._create_payments()

    def _reversal_wizard(self, invoice, user=None):
        Reversal = self.env["account.move.reversal"].with_user(user or self.env.user)
        return Reversal.with_context(active_model="account.move", active_ids=invoice.ids).create(
            {"journal_id": invoice.journal_id.id, "reason": "refund"}
        )

    def _refund(self, invoice):
        """The credit note wizard (Reverse), then post the credit note."""
        action = self._reversal_wizard(invoice).refund_moves()
        credit_note = self.env["account.move"].browse(action["res_id"])
        credit_note.action_post()
        return credit_note

    def _refund_activities(self, deadline=None):
        deadline = deadline or self.deadline
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "expiry.deadline"),
                ("res_id", "=", deadline.id),
                ("summary", "=", REFUND_SUMMARY),
            ]
        )

    def _chatter(self, deadline=None):
        return " ".join((deadline or self.deadline).message_ids.mapped("body"))

    def assertRolledBack(self, deadline=None):
        deadline = deadline or self.deadline
        self.assertEqual(deadline.date_expiry, date(2027, 3, 31))
        self.assertEqual(deadline.state, "active")
        self.assertEqual(deadline.renewal_count, 0)
        self.assertEqual(deadline.term_ids.state, "cancelled")
        self.assertIn("rolled back", self._chatter(deadline))

    def test_full_credit_note_of_a_paid_renewal_invoice_rolls_it_back(self):
        _order, invoice = self._invoiced_renewal(pay=True)
        self.assertEqual(self.deadline.date_expiry, date(2028, 3, 31))
        self._refund(invoice)
        self.assertRolledBack()
        self.assertFalse(self._refund_activities())

    def test_full_credit_note_of_an_unpaid_renewal_invoice_rolls_it_back(self):
        _order, invoice = self._invoiced_renewal()
        self._refund(invoice)
        self.assertEqual(invoice.payment_state, "reversed")
        self.assertRolledBack()

    def test_reversing_with_cancel_rolls_it_back(self):
        _order, invoice = self._invoiced_renewal()
        invoice._reverse_moves(cancel=True)
        self.assertEqual(invoice.payment_state, "reversed")
        self.assertRolledBack()

    def test_reverse_and_reinvoice_keeps_the_renewal_once_the_new_invoice_is_posted(self):
        order, invoice = self._invoiced_renewal()
        action = self._reversal_wizard(invoice).modify_moves()
        self.assertRolledBack()
        new_invoice = self.env["account.move"].browse(action["res_id"])
        self.assertNotEqual(new_invoice, invoice)
        new_invoice.action_post()
        self.assertEqual(self.deadline.date_expiry, date(2028, 3, 31))
        self.assertEqual(self.deadline.renewal_count, 1)
        self.assertEqual(self.deadline.term_ids.filtered(lambda t: t.state == "done").sale_order_id, order)

    def test_cancelling_the_renewal_invoice_rolls_it_back(self):
        _order, invoice = self._invoiced_renewal()
        invoice.button_cancel()
        self.assertRolledBack()

    def test_resetting_to_draft_then_cancelling_rolls_it_back(self):
        _order, invoice = self._invoiced_renewal()
        invoice.button_draft()
        self.assertEqual(self.deadline.date_expiry, date(2028, 3, 31), "a draft is being corrected")
        invoice.button_cancel()
        self.assertRolledBack()

    def test_a_draft_invoice_cancelled_before_posting_changes_nothing(self):
        order = self.env["sale.order"].browse(self.deadline.action_renew()["res_id"])
        order.action_confirm()
        order._create_invoices().button_cancel()
        self.assertEqual(self.deadline.date_expiry, date(2028, 3, 31))

    def test_writing_off_the_renewal_invoice_rolls_it_back(self):
        _order, invoice = self._invoiced_renewal()
        self._settle_with_entry(invoice)
        self.assertEqual(invoice.payment_state, "paid")
        self.assertRolledBack()

    def test_a_paid_renewal_invoice_keeps_its_renewal(self):
        self._invoiced_renewal(pay=True)
        self.assertEqual(self.deadline.date_expiry, date(2028, 3, 31))
        self.assertEqual(self.deadline.term_ids.state, "done")

    def test_refund_after_a_later_renewal_leaves_an_activity_once(self):
        order, invoice = self._invoiced_renewal(pay=True)
        second = self.env["sale.order"].browse(self.deadline.action_renew()["res_id"])
        second.action_confirm()
        self.assertEqual(self.deadline.date_expiry, date(2029, 3, 31))
        self._refund(invoice)
        self.assertEqual(self.deadline.date_expiry, date(2029, 3, 31), "renewed since: left alone")
        activity = self._refund_activities()
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.user)
        self.assertEqual(activity.activity_type_id, self.env.ref("mail.mail_activity_data_todo"))
        self.assertIn("refunded", self._chatter())
        # idempotent: a second call (a refunded payment transaction) adds nothing
        messages = len(self.deadline.message_ids)
        self.assertFalse(order.order_line._expiry_revert_renewals("again"))
        self.assertEqual(len(self._refund_activities()), 1)
        self.assertEqual(len(self.deadline.message_ids), messages)

    def test_revert_renewals_rolls_back_once_and_returns_the_terms(self):
        order, _invoice = self._invoiced_renewal()
        term = self.deadline.term_ids
        self.assertEqual(order.order_line._expiry_revert_renewals("payment refunded"), term)
        self.assertRolledBack()
        self.assertIn("payment refunded", self._chatter())
        messages = len(self.deadline.message_ids)
        self.assertFalse(order.order_line._expiry_revert_renewals("payment refunded"))
        self.assertEqual(len(self.deadline.message_ids), messages)
        self.assertFalse(self._refund_activities())

    def test_invoicing_an_order_whose_payment_was_refunded_does_not_renew_again(self):
        order = self.env["sale.order"].browse(self.deadline.action_renew()["res_id"])
        order.action_confirm()
        order.order_line._expiry_revert_renewals("payment refunded")
        self.assertRolledBack()
        order._create_invoices().action_post()
        self.assertRolledBack()

    def test_partial_credit_note_keeps_the_renewal_and_says_so(self):
        _order, invoice = self._invoiced_renewal(pay=True)
        wizard = self._reversal_wizard(invoice)
        credit_note = self.env["account.move"].browse(wizard.refund_moves()["res_id"])
        renewal_line = credit_note.invoice_line_ids.filtered("sale_line_ids")
        renewal_line.price_unit = renewal_line.price_unit / 5
        credit_note.action_post()
        self.assertEqual(self.deadline.date_expiry, date(2028, 3, 31))
        self.assertEqual(self.deadline.term_ids.state, "done")
        self.assertIn("partial", self._chatter().lower())
        self.assertIn(credit_note.name, self._chatter())
        self.assertFalse(self._refund_activities())

    def test_a_credit_note_of_another_product_of_the_order_leaves_the_renewal_alone(self):
        order = self.env["sale.order"].browse(self.deadline.action_renew()["res_id"])
        order.write({"order_line": [Command.create({"product_id": self.product_plain.id})]})
        order.action_confirm()
        invoice = order._create_invoices()
        invoice.action_post()
        self._pay(invoice)
        credit_note = self.env["account.move"].browse(self._reversal_wizard(invoice).refund_moves()["res_id"])
        credit_note.write(
            {
                "invoice_line_ids": [
                    Command.unlink(line.id)
                    for line in credit_note.invoice_line_ids
                    if line.sale_line_ids.deadline_id
                ]
            }
        )
        credit_note.action_post()
        self.assertEqual(self.deadline.date_expiry, date(2028, 3, 31))
        self.assertEqual(self.deadline.term_ids.state, "done")
        self.assertNotIn(credit_note.name, self._chatter())

    def test_an_accountant_refunds_without_deadline_rights(self):
        accountant = new_test_user(self.env, login="trust_accountant", groups="account.group_account_invoice")
        _order, invoice = self._invoiced_renewal(pay=True)
        wizard = self._reversal_wizard(invoice, user=accountant)
        credit_note = self.env["account.move"].browse(wizard.refund_moves()["res_id"])
        credit_note.with_user(accountant).action_post()
        self.assertRolledBack()

    # --- action_expiry_schedule_collection_call checks its rights ---------
    def test_collection_call_needs_invoicing_rights(self):
        """Refused, before anything is written, to the invoice's own salesperson
        without invoicing rights and to the customer's portal user (both read
        the invoice), and to a Deadlines user."""
        _order, invoice = self._invoiced_renewal()
        salesman = new_test_user(
            self.env, login="trust_call_salesman", groups="sales_team.group_sale_salesman"
        )
        invoice.invoice_user_id = salesman
        portal = new_test_user(
            self.env, login="trust_call_portal", groups="base.group_portal", partner_id=self.contact.id
        )
        self.assertTrue(invoice.with_user(portal).has_access("read"))
        for user in (salesman, portal, self.user):
            with self.assertRaises(AccessError):
                invoice.with_user(user).action_expiry_schedule_collection_call()
        self.assertFalse(invoice.activity_ids)
        accountant = new_test_user(
            self.env, login="trust_call_accountant", groups="account.group_account_invoice"
        )
        invoice.with_user(accountant).action_expiry_schedule_collection_call()
        self.assertEqual(len(invoice.activity_ids), 1)
        self._pay(invoice)
        with self.assertRaises(UserError):
            invoice.with_user(accountant).action_expiry_schedule_collection_call()

    def test_moving_the_receivable_to_doubtful_debtors_is_no_write_off(self):
        """The debt is still owed on another receivable account: the renewal stays."""
        _order, invoice = self._invoiced_renewal()
        doubtful = self.env["account.account"].create(
            {
                "name": "Doubtful debtors",
                "code": "411900",
                "account_type": "asset_receivable",
                "reconcile": True,
                "company_ids": [Command.set(invoice.company_id.ids)],
            }
        )
        self._settle_with_entry(invoice, doubtful)
        self.assertEqual(self.deadline.date_expiry, date(2028, 3, 31))


@tagged("post_install", "-at_install")
@freeze_time("2027-03-10 12:00:00")
class TestRenewalLineAccessFromTheContext(ExpiryCommon):
    def test_a_default_deadline_of_the_context_is_checked_too(self):
        """Review of issue 16: ``default_deadline_id`` in the context (JSON-RPC)
        must not bring a deadline the salesman may not read onto his order."""
        salesman = new_test_user(self.env, login="ctx_salesman", groups="sales_team.group_sale_salesman")
        deadline = self._create_deadline(date(2027, 3, 31), user_id=self.user.id)
        self.assertFalse(deadline.with_user(salesman).has_access("read"))
        order = (
            self.env["sale.order"]
            .with_user(salesman)
            .create(
                {
                    "partner_id": self.customer.id,
                    "order_line": [Command.create({"product_id": self.product_year.id})],
                }
            )
        )
        with self.assertRaises(AccessError), self.env.cr.savepoint():
            order.with_context(default_deadline_id=deadline.id).write(
                {"order_line": [Command.create({"product_id": self.product_year.id})]}
            )
        self.assertFalse(order.sudo().order_line.deadline_id)
        self.assertEqual(deadline.date_expiry, date(2027, 3, 31))
