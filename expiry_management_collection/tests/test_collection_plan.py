# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Payment plans: planning, validation, payments matched to instalments, a
missed instalment back on the ladder, the reminder before each one."""

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import freeze_time, tagged
from odoo.tools import mute_logger

from .common import CollectionCase, D


@tagged("post_install", "-at_install")
@freeze_time("2027-03-10 10:00:00")
class TestCollectionPlan(CollectionCase):
    def test_plan_splits_the_overdue_residual(self):
        deadline = self._create_deadline(200)
        move = self._invoice(deadline, -20, 1000.0)
        self._run()  # the second reminder goes out
        plan = self._plan(deadline)
        self.assertEqual(plan.state, "active")
        self.assertEqual(plan.move_ids, move)
        self.assertEqual(plan.line_ids.mapped("amount"), [333.33, 333.33, 333.34])
        self.assertEqual(plan.line_ids.mapped("date_due"), [D(2027, 3, 15), D(2027, 4, 15), D(2027, 5, 15)])
        self.assertEqual(move.expiry_collection_plan_id, plan)
        deadline.invalidate_recordset()
        self.assertEqual(deadline.collection_state, "payment_plan")
        self.assertEqual(deadline.amount_overdue, 0.0, "the instalments are not due yet")
        self.assertEqual(deadline.amount_due, 1000.0)
        self.assertTrue(plan.name.startswith("PLAN/"))

    def test_plan_stops_the_invoice_ladder(self):
        deadline = self._create_deadline(200)
        move = self._invoice(deadline, -20, 1000.0)
        self._plan(deadline)
        with freeze_time("2027-04-01 10:00:00"):
            self._run()
        self.assertFalse(self._logs(move).filtered(lambda r: not r.instalment_id))

    def test_validation(self):
        deadline = self._create_deadline(200)
        self._invoice(deadline, -20, 1000.0)
        plan = self._plan(deadline, confirm=False)
        plan.line_ids[0].amount = 300.0
        with self.assertRaisesRegex(ValidationError, "add up to"):
            plan.action_confirm()
        plan.line_ids[0].amount = 333.33
        plan.line_ids[0].date_due = D(2027, 3, 1)
        with self.assertRaisesRegex(ValidationError, "past"):
            plan.action_confirm()
        plan.line_ids[0].date_due = D(2027, 4, 15)
        with self.assertRaisesRegex(ValidationError, "same day"):
            plan.action_confirm()
        plan.line_ids[0].write({"date_due": D(2027, 3, 15), "amount": 0.0})
        plan.line_ids[1].amount = 666.66
        with self.assertRaisesRegex(ValidationError, "above zero"):
            plan.action_confirm()
        plan.line_ids.unlink()
        with self.assertRaisesRegex(ValidationError, "at least one"):
            plan.action_confirm()
        plan.line_ids = [Command.create({"date_due": D(2027, 4, 1), "amount": 1000.0})]
        plan.action_confirm()
        self.assertEqual(plan.state, "active")
        with self.assertRaises(UserError):
            plan.action_confirm()
        other = self.env["expiry.collection.plan"].create(
            {
                "deadline_id": deadline.id,
                "currency_id": plan.currency_id.id,
                "move_ids": [Command.set(plan.move_ids.ids)],
                "line_ids": [Command.create({"date_due": D(2027, 4, 1), "amount": 1000.0})],
            }
        )
        with self.assertRaisesRegex(ValidationError, "already on the payment plan"):
            other.action_confirm()
        fresh = self._create_deadline(200)
        self._invoice(fresh, -20, 1000.0)
        with self.assertRaises(ValidationError):
            self.env["expiry.collection.plan.wizard"].create(
                {"deadline_id": fresh.id, "count": 0, "date_first": D(2027, 3, 15)}
            ).action_plan()

    def test_payments_are_matched_to_the_instalments(self):
        deadline = self._create_deadline(200)
        move = self._invoice(deadline, -20, 900.0)
        plan = self._plan(deadline)
        self._pay(move, 300.0)
        plan.invalidate_recordset()
        self.assertEqual(plan.line_ids.mapped("state"), ["paid", "pending", "pending"])
        self._pay(move, 400.0)
        plan.invalidate_recordset()
        self.assertEqual(plan.line_ids.mapped("amount_paid"), [300.0, 300.0, 100.0])
        self.assertEqual(plan.amount_residual, 200.0)
        self._pay(move)
        self._run()
        self.assertEqual(plan.state, "done")
        self.assertFalse(move.expiry_collection_plan_id)
        self.assertEqual(deadline.collection_state, "ok")

    def test_missed_instalment_restarts_the_ladder(self):
        deadline = self._create_deadline(200)
        move = self._invoice(deadline, -20, 900.0)
        self._run()
        plan = self._plan(deadline)  # 300 on 15 March, 15 April, 15 May
        # three days' grace: on 18 March it is not missed yet
        with freeze_time("2027-03-18 10:00:00"):
            self._run()
            plan.invalidate_recordset()
            self.assertEqual(plan.line_ids[0].state, "pending")
            self.assertFalse(self._logs(move).filtered("instalment_id").filtered("step_id"))
        with freeze_time("2027-03-19 10:00:00"):
            self._run()
            plan.invalidate_recordset()
            deadline.invalidate_recordset()
            self.assertEqual(plan.line_ids[0].state, "missed")
            self.assertTrue(plan.has_missed)
            self.assertEqual(deadline.collection_state, "follow_up")
            self.assertEqual(deadline.amount_overdue, 300.0)
            self.assertEqual(deadline.days_overdue, 4)
            restart = self._logs(move).filtered(lambda r: r.instalment_id and r.step_id)
            self.assertEqual(restart.step_id, self.step_first, "restarts at the first step by default")
            self.assertEqual(restart.state, "done")
            self._run()
            self.assertEqual(len(self._logs(move).filtered(lambda r: r.instalment_id and r.step_id)), 1)
        # paying the missed instalment stops its ladder
        self._pay(move, 300.0)
        with freeze_time("2027-03-30 10:00:00"):
            self._run()
            self.assertEqual(len(self._logs(move).filtered(lambda r: r.instalment_id and r.step_id)), 1)
            deadline.invalidate_recordset()
            self.assertEqual(deadline.collection_state, "payment_plan")

    def test_restart_step_from_the_settings(self):
        self.company.expiry_plan_restart_step_id = self.step_second
        deadline = self._create_deadline(200)
        move = self._invoice(deadline, -20, 900.0)
        self._plan(deadline)
        with freeze_time("2027-03-19 10:00:00"):
            self._run()
        self.assertEqual(
            self._logs(move).filtered(lambda r: r.instalment_id and r.step_id).step_id, self.step_second
        )

    def test_reminder_before_each_instalment(self):
        deadline = self._create_deadline(200)
        move = self._invoice(deadline, -20, 900.0)
        plan = self._plan(deadline, first=D(2027, 3, 20))
        with freeze_time("2027-03-16 10:00:00"):
            self._run()
            self.assertFalse(self._logs(move).filtered(lambda r: r.instalment_id and not r.step_id))
        with freeze_time("2027-03-17 10:00:00"):
            self._run()
            self._run()
        reminder = self._logs(move).filtered(lambda r: r.instalment_id and not r.step_id)
        self.assertEqual(len(reminder), 1)
        self.assertEqual(reminder.instalment_id, plan.line_ids[0])
        self.assertEqual(reminder.state, "done")
        self.assertIn("300.00", reminder.mail_id.body_html)
        self.assertEqual(reminder.mail_id.recipient_ids, self.customer)

    def test_a_deleted_reminder_template_fails_its_reminders_only(self):
        """Issue 17: deleting the instalment reminder's template does not stop
        the other collection e-mails of the pass."""
        planned = self._create_deadline(200)
        planned_move = self._invoice(planned, -20, 900.0)
        self._plan(planned, first=D(2027, 3, 20))
        overdue = self._create_deadline(200)
        overdue_move = self._invoice(overdue, 3, 300.0)  # 4 days overdue on the 17th
        self.env.ref("expiry_management_collection.mail_template_instalment_reminder").unlink()
        with (
            freeze_time("2027-03-17 10:00:00"),
            mute_logger("odoo.addons.expiry_management.models.expiry_ladder_step_mixin"),
        ):
            self._run()
        reminder = self._logs(planned_move).filtered(lambda r: r.instalment_id and not r.step_id)
        self.assertEqual(reminder.state, "failed")
        self.assertIn("template", reminder.error)
        step = self._logs(overdue_move).filtered(lambda r: r.step_id and r.channel == "email")
        self.assertEqual(step.mapped("state"), ["done"])

    def test_cancelled_plan_puts_the_invoice_back_on_the_ladder(self):
        deadline = self._create_deadline(200)
        move = self._invoice(deadline, -20, 900.0)
        self._run()
        plan = self._plan(deadline)
        plan.action_cancel()
        self.assertFalse(move.expiry_collection_plan_id)
        with freeze_time("2027-04-10 10:00:00"):
            self._run()
        self.assertIn(self.step_final, self._logs(move).step_id)
        deadline.invalidate_recordset()
        self.assertEqual(deadline.collection_state, "follow_up")
