# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Issue 18, "one timeline per customer": what is overdue on a deadline
(_get_renewal_arrears), the renewal push held back by it unless the renewal's
checkout carries it (_expiry_arrears_in_checkout: False in the core, True with
the portal), and the "renew now" e-mails saying so. The hook is forced both
ways here, so that these tests mean the same with or without the portal."""

import datetime
from unittest.mock import patch

from odoo import Command
from odoo.tests import freeze_time, tagged

from .common import ExpiryCommon

D = datetime.date
PARAGRAPH = "Your renewal includes the overdue amount of"


@tagged("post_install", "-at_install")
@freeze_time("2027-03-10 12:00:00")
class TestRenewalArrears(ExpiryCommon):
    TODAY = D(2027, 3, 10)

    def _invoice(self, deadline, due, amount=500.0):
        move = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": deadline.partner_id.id,
                "expiry_deadline_id": deadline.id,
                "invoice_date": due - datetime.timedelta(days=30),
                "invoice_date_due": due,
                "invoice_line_ids": [
                    Command.create(
                        {"name": "Premium", "quantity": 1, "price_unit": amount, "tax_ids": [Command.clear()]}
                    )
                ],
            }
        )
        move.action_post()
        return move

    def _pay(self, invoice, amount=None):
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({"amount": amount} if amount else {})._create_payments()

    def _checkout(self, carries):
        return patch.object(
            type(self.env["expiry.deadline"]), "_expiry_arrears_in_checkout", lambda records: carries
        )

    def test_the_arrears_are_the_overdue_invoices_of_the_current_customer(self):
        deadline = self._create_deadline(D(2027, 4, 9))
        self.assertEqual(deadline._get_renewal_arrears(), [])
        self._invoice(deadline, D(2027, 3, 10))  # due today: not overdue
        late = self._invoice(deadline, D(2027, 2, 1), 300.0)
        older = self._invoice(deadline, D(2027, 1, 1), 200.0)
        self._pay(late, 100.0)
        self.assertEqual(
            deadline._get_renewal_arrears(),
            [(older, D(2027, 1, 1), 200.0), (late, D(2027, 2, 1), 200.0)],
            "the oldest first, at their residual",
        )
        self._pay(older)
        self.assertEqual(deadline._get_renewal_arrears(), [(late, D(2027, 2, 1), 200.0)])
        # moved to another customer: the previous customer's debt is not the new one's
        deadline.partner_id = self.env["res.partner"].create({"name": "Someone Else"})
        self.assertEqual(deadline._get_renewal_arrears(), [])

    def test_without_a_checkout_that_carries_them_the_overdue_invoice_blocks(self):
        deadline = self._create_deadline(D(2027, 4, 9))
        overdue = self._invoice(deadline, D(2027, 3, 1))
        with self._checkout(False):
            self.assertIn(overdue.name, deadline._get_renewal_push_blocks()[deadline.id])
            self.assertIn(overdue.name, deadline._get_renewal_push_block())
            self.assertFalse(deadline._get_renewal_arrears_summary(), "the e-mail is held back instead")
        with self._checkout(True):
            self.assertEqual(deadline._get_renewal_push_blocks(), {})
            self.assertFalse(deadline._get_renewal_push_block(arrears_in_checkout=True))
            # one deadline asked alone (the automatic renewal: no checkout) is still held
            self.assertIn(overdue.name, deadline._get_renewal_push_block())

    def test_the_e_mail_asking_to_renew_says_the_renewal_includes_the_overdue_amount(self):
        self.customer.email = "fleet@nordicfreight.example.com"
        stage_30 = self.env.ref("expiry_management.reminder_stage_30")
        stage_30.active = True
        owing = self._create_deadline(D(2027, 4, 9))
        # another customer's (one e-mail per deadline, not one grouped e-mail)
        other = self.env["res.partner"].create({"name": "Other Freight", "email": "other@example.com"})
        free = self._create_deadline(D(2027, 4, 9), partner_id=other.id)
        overdue = self._invoice(owing, D(2027, 3, 1), 123.45)
        template = stage_30.mail_template_id
        with self._checkout(True):
            bodies = template._render_field("body_html", (owing | free).ids)
            self.assertIn(PARAGRAPH, bodies[owing.id])
            self.assertIn(overdue.name, bodies[owing.id])
            self.assertIn("123.45", bodies[owing.id])
            self.assertIn("one payment settles both", bodies[owing.id])
            self.assertNotIn(PARAGRAPH, bodies[free.id])
            # the send step sends it (not held back) with the paragraph
            Reminder = self.env["expiry.reminder"].sudo()
            Reminder._prepare_reminders(self.company, self.TODAY)
            Reminder._send_due_reminders(self.company, self.TODAY, 10000)
            row = owing.reminder_ids.filtered(lambda r: r.stage_id == stage_30)
            self.assertNotEqual(row.cancel_code, "blocked")
            self.assertIn(PARAGRAPH, row.mail_id.body_html or owing.message_ids[:1].body)
        with self._checkout(False):
            self.assertNotIn(PARAGRAPH, template._render_field("body_html", owing.ids)[owing.id])
