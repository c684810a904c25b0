# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Issue 18: the two rules the portal, the ladder and the automatic renewal
ask: may the customer still stop (or resume) the automatic renewal
(_get_auto_renew_change_error), and is the renewal push blocked by an
overdue invoice of the deadline (_get_renewal_push_block)."""

import datetime
from unittest.mock import patch

from odoo import Command
from odoo.tests import freeze_time, tagged

from .common import ExpiryCommon

D = datetime.date
EXPIRY = D(2027, 4, 30)


@tagged("post_install", "-at_install")
@freeze_time("2027-03-10 12:00:00")
class TestRenewalNoticeRules(ExpiryCommon):
    TODAY = D(2027, 3, 10)

    def _automatic(self, expiry=EXPIRY, notice_days=30, **values):
        return self._create_deadline(expiry, renewal_mode="automatic", notice_days=notice_days, **values)

    def _invoice(self, deadline, due, post=True):
        move = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": deadline.partner_id.id,
                "expiry_deadline_id": deadline.id,
                "invoice_date": due - datetime.timedelta(days=30),
                "invoice_date_due": due,
                "invoice_line_ids": [
                    Command.create(
                        {"name": "Premium", "quantity": 1, "price_unit": 500.0, "tax_ids": [Command.clear()]}
                    )
                ],
            }
        )
        if post:
            move.action_post()
        return move

    def _pay(self, invoice):
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({})._create_payments()

    # ------------------------------------------------------------------
    # _get_auto_renew_change_error
    # ------------------------------------------------------------------
    def test_the_customer_may_change_the_automatic_renewal_until_the_notice_date(self):
        deadline = self._automatic(expiry=D(2027, 4, 9), notice_days=30)
        self.assertEqual(deadline.date_notice, D(2027, 3, 10))
        self.assertTrue(deadline.auto_renew)
        self.assertFalse(deadline._get_auto_renew_change_error(), "the notice date itself is still in time")
        # stopped: resuming is asked the same rule
        deadline._expiry_decline(stop_only=True)
        self.assertFalse(deadline.auto_renew)
        self.assertFalse(deadline._get_auto_renew_change_error())
        with freeze_time("2027-03-11 12:00:00"):
            error = deadline._get_auto_renew_change_error()
        self.assertIn("notice date", error)
        self.assertIn("03/10/2027", error)

    def test_the_notice_date_is_the_company_s_day(self):
        """At 00:30 in Stockholm (23:30 UTC) the notice date has passed there."""
        self.company.partner_id.tz = "Europe/Stockholm"
        deadline = self._automatic(expiry=D(2027, 4, 9), notice_days=30)
        with freeze_time("2027-03-10 22:30:00"):
            self.assertFalse(deadline._get_auto_renew_change_error(), "23:30 in Stockholm: still in time")
        with freeze_time("2027-03-10 23:30:00"):
            self.assertTrue(deadline._get_auto_renew_change_error())

    def test_a_manual_or_ended_deadline_has_no_automatic_renewal_to_change(self):
        manual = self._create_deadline(D(2027, 4, 30))
        self.assertIn("renews by hand", manual._get_auto_renew_change_error())
        closed = self._automatic()
        closed.action_close()
        self.assertIn("Closed", closed._get_auto_renew_change_error())
        draft = self._automatic(state="draft")
        self.assertIn("Draft", draft._get_auto_renew_change_error())

    # ------------------------------------------------------------------
    # _get_renewal_push_block
    # ------------------------------------------------------------------
    def test_an_overdue_invoice_of_the_deadline_blocks_the_renewal_push_until_paid(self):
        deadline = self._create_deadline(D(2027, 4, 30))
        other = self._create_deadline(D(2027, 4, 30))
        self.assertFalse(deadline._get_renewal_push_block())
        self._invoice(deadline, D(2027, 3, 20))
        self.assertFalse(deadline._get_renewal_push_block(), "not due yet")
        self._invoice(deadline, D(2027, 3, 10), post=False)
        self.assertFalse(deadline._get_renewal_push_block(), "a draft is owed nothing")
        overdue = self._invoice(deadline, D(2027, 3, 9))
        block = deadline._get_renewal_push_block()
        self.assertIn(overdue.name, block)
        self.assertIn("overdue", block)
        self.assertFalse(other._get_renewal_push_block(), "another deadline of the customer is not blocked")
        # the core's rule: no checkout carries the overdue amount (with the
        # portal it does, and the overdue invoice no longer blocks: see
        # test_renewal_arrears.py and the portal's test_portal_arrears.py)
        self.assertEqual(
            (deadline | other)._get_renewal_push_blocks(arrears_in_checkout=False), {deadline.id: block}
        )
        self._pay(overdue)
        self.assertFalse(deadline._get_renewal_push_block())

    def test_an_invoice_due_today_does_not_block(self):
        deadline = self._create_deadline(D(2027, 4, 30))
        self._invoice(deadline, D(2027, 3, 10))
        self.assertFalse(deadline._get_renewal_push_block())
        with freeze_time("2027-03-11 12:00:00"):
            self.assertTrue(deadline._get_renewal_push_block())

    # ------------------------------------------------------------------
    # The ladder's send step asks it
    # ------------------------------------------------------------------
    def test_an_overdue_invoice_cancels_the_e_mail_asking_to_renew(self):
        self.customer.email = "fleet@nordicfreight.example.com"
        stage_30 = self.env.ref("expiry_management.reminder_stage_30")
        notice_30 = self.env.ref("expiry_management.reminder_stage_auto_renew_30")
        (stage_30 | notice_30).active = True
        blocked = self._create_deadline(D(2027, 4, 9))
        free = self._create_deadline(D(2027, 4, 9))
        automatic = self._automatic(expiry=D(2027, 5, 9), notice_days=30)
        overdue = self._invoice(blocked, D(2027, 3, 1))
        self._invoice(automatic, D(2027, 3, 1))
        Reminder = self.env["expiry.reminder"].sudo()
        Reminder._prepare_reminders(self.company, self.TODAY)
        # the core's rule: no checkout carries the overdue amount (the portal's
        # does: then the e-mail goes out and says so, see test_renewal_arrears.py)
        with patch.object(
            type(self.env["expiry.deadline"]), "_expiry_arrears_in_checkout", lambda records: False
        ):
            Reminder._send_due_reminders(self.company, self.TODAY, 10000)
        row = blocked.reminder_ids.filtered(lambda r: r.stage_id == stage_30)
        self.assertEqual((row.state, row.cancel_code), ("cancelled", "blocked"))
        self.assertIn(overdue.name, row.error)
        self.assertFalse(row.mail_id)
        self.assertEqual(free.reminder_ids.filtered(lambda r: r.stage_id == stage_30).state, "queued")
        # the notice e-mail asks nothing: it goes out (the customer must know
        # until when they may stop the renewal)
        self.assertEqual(automatic.reminder_ids.filtered(lambda r: r.stage_id == notice_30).state, "queued")
