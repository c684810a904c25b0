# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Issue 18: a reason when a customer leaves. The back office's Close asks
it (wizard expiry.deadline.close), keeps it on the deadline and its last
term; the win-back list shows the lost deadlines whose reason allows a
win-back; the renewal analysis counts the churn by reason."""

import ast
import datetime

from odoo.exceptions import AccessError, UserError
from odoo.tests import freeze_time, new_test_user, tagged

from .common import ExpiryCommon

D = datetime.date


@tagged("post_install", "-at_install")
@freeze_time("2027-03-10 12:00:00")
class TestRenewalLostReason(ExpiryCommon):
    TODAY = D(2027, 3, 10)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.price = cls.env.ref("expiry_management.lost_reason_price")
        cls.not_needed = cls.env.ref("expiry_management.lost_reason_not_needed")

    def _close(self, deadlines, reason, note=None, user=None):
        action = deadlines.with_user(user or self.user).action_close_ask_reason()
        self.assertEqual(action["res_model"], "expiry.deadline.close")
        wizard = (
            self.env["expiry.deadline.close"]
            .with_user(user or self.user)
            .with_context(**action["context"])
            .create({"lost_reason_id": reason.id, "note": note})
        )
        self.assertEqual(wizard.deadline_ids, deadlines)
        return wizard.action_confirm()

    def test_closing_asks_the_reason_and_keeps_it_on_the_deadline_and_its_term(self):
        deadline = self._create_deadline(D(2027, 2, 28), user_id=self.user)
        deadline._apply_renewal(renewal_date=D(2027, 2, 20))
        term = deadline.term_ids.filtered(lambda t: t.state == "done")
        self.assertEqual(len(term), 1)
        self._close(deadline, self.price, note="Found it cheaper <b>elsewhere</b>")
        self.assertEqual(deadline.state, "closed")
        self.assertEqual(deadline.lost_reason_id, self.price)
        self.assertEqual(term.lost_reason_id, self.price)
        note = deadline.message_ids[0]
        self.assertIn("Closed without renewal. Reason: Price", note.body)
        self.assertIn("&lt;b&gt;elsewhere", note.body, "the note is text, escaped")

    def test_several_deadlines_at_once(self):
        deadlines = self._create_deadline(D(2027, 4, 30), user_id=self.user) | self._create_deadline(
            D(2027, 5, 30), user_id=self.user
        )
        self._close(deadlines, self.not_needed)
        self.assertEqual(set(deadlines.mapped("state")), {"closed"})
        self.assertEqual(deadlines.lost_reason_id, self.not_needed)

    def test_bad_input_is_refused_with_a_readable_error(self):
        deadline = self._create_deadline(D(2027, 4, 30), user_id=self.user)
        cancelled = self._create_deadline(D(2027, 4, 30), user_id=self.user)
        cancelled.action_cancel()
        with self.assertRaisesRegex(UserError, "cancelled deadline cannot be closed"):
            cancelled.with_user(self.user).action_close_ask_reason()
        archived = self.env["expiry.lost.reason"].create({"name": "Old reason"})
        wizard = self.env["expiry.deadline.close"].create(
            {"deadline_ids": [(6, 0, deadline.ids)], "lost_reason_id": archived.id}
        )
        archived.active = False
        with self.assertRaisesRegex(UserError, "archived"):
            wizard.with_user(self.user).action_confirm()
        self.assertEqual(deadline.state, "active")

    def test_only_who_may_write_the_deadline_closes_it(self):
        deadline = self._create_deadline(D(2027, 4, 30), user_id=self.user)
        employee = new_test_user(self.env, login="plain_employee", groups="base.group_user")
        with self.assertRaises(AccessError):
            deadline.with_user(employee).action_close_ask_reason()
        wizard = self.env["expiry.deadline.close"].create(
            {"deadline_ids": [(6, 0, deadline.ids)], "lost_reason_id": self.price.id}
        )
        with self.assertRaises(AccessError):
            wizard.with_user(employee).action_confirm()
        self.assertEqual(deadline.state, "active")
        self.assertFalse(deadline.lost_reason_id)

    def test_the_form_s_close_button_asks_the_reason(self):
        arch = self.env["expiry.deadline"].get_view(
            self.env.ref("expiry_management.expiry_deadline_view_form").id
        )["arch"]
        self.assertIn('name="action_close_ask_reason"', arch)
        self.assertNotIn('name="action_close"', arch)

    def test_the_win_back_list_shows_the_lost_worth_winning_back_until_renewed(self):
        price = self._create_deadline(D(2027, 4, 30), user_id=self.user)
        not_needed = self._create_deadline(D(2027, 4, 30), user_id=self.user)
        declined = self._create_deadline(D(2027, 4, 30), user_id=self.user)
        plain = self._create_deadline(D(2027, 4, 30), user_id=self.user)
        self._close(price, self.price)
        self._close(not_needed, self.not_needed)
        declined._expiry_decline(self.price)
        plain.action_close()
        action = self.env.ref("expiry_management.action_expiry_deadline_winback")
        domain = ast.literal_eval(action.domain)
        ids = (price | not_needed | declined | plain).ids
        self.assertEqual(self.env["expiry.deadline"].search(domain + [("id", "in", ids)]), price | declined)
        declined._apply_renewal(renewal_date=D(2027, 3, 10))
        self.assertFalse(declined.lost_reason_id, "renewed: won back")
        self.assertEqual(self.env["expiry.deadline"].search(domain + [("id", "in", ids)]), price)


@tagged("post_install", "-at_install")
class TestChurnByReason(ExpiryCommon):
    """The analysis is an SQL view on the database's day: not frozen."""

    def _close(self, deadlines, reason):
        wizard = self.env["expiry.deadline.close"].create(
            {"deadline_ids": [(6, 0, deadlines.ids)], "lost_reason_id": reason.id}
        )
        return wizard.action_confirm()

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.price = cls.env.ref("expiry_management.lost_reason_price")
        cls.not_needed = cls.env.ref("expiry_management.lost_reason_not_needed")

    def test_the_renewal_analysis_counts_the_churn_by_reason(self):
        closed = self._create_deadline(40, user_id=self.user)
        expired = self._create_deadline(-9, user_id=self.user, state="expired")
        declined = self._create_deadline(10, user_id=self.user)
        self._close(closed, self.price)
        expired._expiry_decline(self.not_needed)
        declined._expiry_decline(self.price)
        self.env.flush_all()
        Report = self.env["expiry.renewal.report"]
        rows = Report.search([("deadline_id", "in", (closed | expired | declined).ids)])
        lost = rows.filtered(lambda r: r.outcome == "lost")
        self.assertEqual(
            lost.deadline_id, closed | expired, "closed for a reason: lost before its expiry date"
        )
        self.assertEqual(
            {r.deadline_id: r.lost_reason_id for r in lost}, {closed: self.price, expired: self.not_needed}
        )
        self.assertEqual(rows.filtered(lambda r: r.outcome == "at_risk").lost_reason_id, self.price)
        groups = dict(
            Report._read_group(
                [("deadline_id", "in", (closed | expired | declined).ids), ("outcome", "=", "lost")],
                ["lost_reason_id"],
                ["lost_count:sum"],
            )
        )
        self.assertEqual(groups, {self.price: 1, self.not_needed: 1})
        action = self.env.ref("expiry_management.action_expiry_churn_report")
        self.assertEqual(ast.literal_eval(action.domain), [("outcome", "=", "lost")])
