# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""One rule for what is owed, with the core and the collection installed:
the core's unpaid list and figures and the collection's open items are the
same invoices with the same days overdue; one menu for the list; one
activity type for a payment call (and the 18.0.1.2.0 migration that moves
the collection's own call activities to it)."""

import ast
import importlib.util
from pathlib import Path

from odoo.tests import freeze_time, tagged

from odoo.addons.expiry_management.models import account_move as core_account_move

from ..hooks import uninstall_hook
from ..models import account_move, expiry_deadline
from .common import CollectionCase, D

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations" / "18.0.1.2.0"


def _script(name):
    spec = importlib.util.spec_from_file_location(f"expiry_collection_owed_{name}", MIGRATIONS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@tagged("post_install", "-at_install")
@freeze_time("2027-03-10 10:00:00")
class TestCollectionOwed(CollectionCase):
    def _without_due_date(self, move):
        self.env.flush_all()
        self.env.cr.execute("UPDATE account_move SET invoice_date_due = NULL WHERE id = %s", (move.id,))
        self.env.invalidate_all()

    def test_the_collection_builds_on_the_cores_rule(self):
        # the collection imports the core's rule instead of defining its own
        self.assertFalse(hasattr(account_move, "OPEN_INVOICE_DOMAIN"))
        self.assertIs(expiry_deadline.OPEN_ITEM_DOMAIN, core_account_move.OPEN_ITEM_DOMAIN)
        self.assertIs(expiry_deadline.days_overdue, core_account_move.days_overdue)
        field = self.env["ir.model.fields"]._get("account.move", "expiry_deadline_id")
        # the core owns the column: uninstalling the collection keeps the links
        self.assertTrue(self.env.ref("expiry_management.field_account_move__expiry_deadline_id", False))
        self.assertEqual(field.model_id.model, "account.move")

    def test_core_list_and_collection_open_items_are_the_same(self):
        deadline = self._create_deadline(200)
        overdue = self._invoice(deadline, -12, 300.0)
        not_due = self._invoice(deadline, 5, 100.0)
        no_due_date = self._invoice(deadline, -3, 50.0)
        self._without_due_date(no_due_date)  # owed since its invoice date
        paid = self._invoice(deadline, -20, 80.0)
        self._pay(paid)
        unlinked = self._invoice(deadline, -20, 70.0)
        unlinked.expiry_deadline_id = False
        today = self.TODAY
        owed = overdue | not_due | no_due_date

        action = self.env.ref("expiry_management.action_expiry_unpaid_renewals")
        listed = self.env["account.move"].search(ast.literal_eval(action.domain))
        mine = listed & (owed | paid | unlinked)
        self.assertEqual(mine, owed)
        self.assertEqual(deadline.collection_invoice_ids, owed)
        self.assertEqual(deadline.renewal_invoice_ids, owed)
        self.assertEqual(deadline.renewal_amount_due, deadline.amount_due)
        self.assertEqual(deadline.amount_due, 450.0)

        days = {move: move.expiry_days_overdue for move in owed}
        self.assertEqual(days, {overdue: 12, not_due: 0, no_due_date: 33})
        items = owed._expiry_open_items(today)
        self.assertEqual(
            {move: move._expiry_days_overdue(today) for move, _due, _amount, _line in items}, days
        )
        # the deadline's days overdue: those of its oldest item, the invoice without due date
        self.assertEqual(deadline.days_overdue, max(days.values()))
        self.assertEqual(self.customer.expiry_days_overdue, max(days.values()))

    def test_an_invoice_on_a_payment_plan_is_owed_as_its_instalments(self):
        deadline = self._create_deadline(200)
        move = self._invoice(deadline, -40, 300.0)
        wizard = (
            self.env["expiry.collection.plan.wizard"]
            .with_user(self.collector)
            .create(
                {"deadline_id": deadline.id, "count": 2, "date_first": D(2027, 3, 20), "interval_months": 1}
            )
        )
        plan = self.env["expiry.collection.plan"].browse(wizard.action_plan()["res_id"])
        plan.with_user(self.collector).action_confirm()
        items = move._expiry_open_items(self.TODAY)
        self.assertEqual(
            sorted(due for _move, due, _amount, _line in items), [D(2027, 3, 20), D(2027, 4, 20)]
        )
        self.assertEqual(deadline.days_overdue, 0)
        self.assertEqual(deadline.renewal_amount_due, 300.0)

    def test_one_menu_for_the_open_items(self):
        action = self.env.ref("expiry_management.action_expiry_unpaid_renewals")
        view = self.env.ref("expiry_management.account_move_view_list_unpaid_renewals")
        actions = self.env["ir.actions.act_window"].search(
            [("res_model", "=", "account.move"), ("view_id", "=", view.id)]
        )
        self.assertEqual(actions, action)
        menus = self.env["ir.ui.menu"].search([("action", "=", f"ir.actions.act_window,{action.id}")])
        self.assertEqual(len(menus), 1)
        self.assertEqual(menus.parent_id, self.env.ref("expiry_management_collection.menu_expiry_collection"))

    def test_uninstalling_the_collection_shows_the_cores_menu_again(self):
        menu = self.env.ref("expiry_management.menu_expiry_collections")
        self.assertFalse(menu.active)
        uninstall_hook(self.env)
        self.assertTrue(menu.active)

    def test_one_activity_type_for_a_payment_call(self):
        payment_call = self.env.ref("expiry_management.mail_activity_type_payment_reminder")
        self.assertFalse(
            self.env.ref("expiry_management_collection.mail_activity_type_collection_call", False)
        )
        deadline = self._create_deadline(200)
        move = self._invoice(deadline, -10, 250.0)
        self._run()
        activity = self._logs(move).filtered(lambda r: r.channel == "call").activity_id
        self.assertEqual(activity.activity_type_id, payment_call)
        self.assertEqual(activity.res_model, "expiry.deadline")

    def test_migration_moves_the_call_activities_to_the_cores_type(self):
        payment_call = self.env.ref("expiry_management.mail_activity_type_payment_reminder")
        old_type = self.env["mail.activity.type"].create(
            {"name": "Collection Call", "category": "phonecall", "res_model": "expiry.deadline"}
        )
        self.env["ir.model.data"].create(
            {
                "module": "expiry_management_collection",
                "name": "mail_activity_type_collection_call",
                "model": "mail.activity.type",
                "res_id": old_type.id,
                "noupdate": True,
            }
        )
        deadline = self._create_deadline(200)
        activity = deadline.activity_schedule(
            activity_type_id=old_type.id, user_id=self.collector.id, summary="Call"
        )
        self.env.flush_all()
        _script("post-migration").migrate(self.env.cr, "18.0.1.1.0")
        self.env.invalidate_all()
        self.assertEqual(activity.activity_type_id, payment_call)
        self.assertFalse(old_type.exists())
        self.assertFalse(
            self.env.ref("expiry_management_collection.mail_activity_type_collection_call", False)
        )
        # a generic type: offered on deadlines (collection) and invoices (the core's Plan Call)
        self.assertFalse(payment_call.res_model)
