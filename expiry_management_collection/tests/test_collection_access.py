# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Rights in the model (issue 16): every public method of the collection
desk checks the group and the record access it needs before any sudo(),
collection figures stay in their company, the desk's fields are written by
its actions only, and an agreed plan's instalments do not move."""

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import freeze_time, new_test_user, tagged
from odoo.tools import mute_logger

from .common import CollectionCase, D

DENIED = UserError  # an AccessError is a UserError


@tagged("post_install", "-at_install")
@freeze_time("2027-03-10 10:00:00")
class TestCollectionAccess(CollectionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls._company("Other Brokers")
        contact = cls.env["res.partner"].create(
            {"name": "Nina Freight", "parent_id": cls.customer.id, "email": "nina@nordicfreight.example.com"}
        )
        cls.portal = new_test_user(
            cls.env,
            login="collection_portal",
            groups="base.group_portal",
            partner_id=contact.id,
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.internal = new_test_user(
            cls.env,
            login="collection_internal",
            groups="base.group_user",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.other_sales = new_test_user(
            cls.env,
            login="collection_other_sales",
            name="Olle Other",
            groups="expiry_management.group_expiry_user,sales_team.group_sale_salesman,"
            "account.group_account_invoice",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.user_b = new_test_user(
            cls.env,
            login="collection_company_b",
            groups="expiry_management.group_expiry_manager,account.group_account_invoice",
            company_id=cls.company_b.id,
            company_ids=[Command.set(cls.company_b.ids)],
        )
        cls.public = cls.env.ref("base.public_user")

    def _roles(self):
        """``{role: user}`` of every role that must be refused."""
        return {
            "portal user of the customer": self.portal,
            "public user": self.public,
            "internal user without our groups": self.internal,
            "salesperson on another salesperson's deadline": self.other_sales,
            "Deadlines user without invoicing rights": self.salesperson,
            "user of another company": self.user_b,
        }

    def _as(self, records, user):
        return records.with_user(user).with_context(allowed_company_ids=user.company_ids.ids)

    def _traces(self):
        """What a refused call must not change."""
        Log = self.env["expiry.collection.log"].sudo()
        return (
            self.env["mail.mail"].sudo().search_count([]),
            self.env["mail.message"].sudo().search_count([]),
            self.env["account.move"].sudo().search_count([]),
            sorted(Log.search([]).mapped(lambda r: (r.id, r.state))),
            sorted(self.env["expiry.collection.plan"].sudo().search([]).mapped(lambda r: (r.id, r.state))),
        )

    # ------------------------------------------------------------------
    # 1. a portal customer sends e-mails as superuser
    # ------------------------------------------------------------------
    def test_portal_customer_cannot_resend_invoices(self):
        deadline = self._create_deadline(200)
        move = self._invoice(deadline, -10)
        move.with_user(self.portal).check_access("read")  # their own invoice
        before = self._traces()
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            self._as(move, self.portal).action_expiry_resend_copy()
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            self._as(deadline, self.portal).action_collection_resend_invoice()
        self.assertEqual(self._traces(), before, "no e-mail, no message")
        # the collection desk still sends it
        mails = self._as(move, self.collector).action_expiry_resend_copy()
        self.assertEqual(len(mails), 1)

    # ------------------------------------------------------------------
    # 2. another company's collection figures
    # ------------------------------------------------------------------
    def test_customer_figures_stay_in_their_company(self):
        deadline = self._create_deadline(200)
        self._invoice(deadline, -40, 575.0)
        as_a = self._as(self.customer, self.collector)
        self.assertEqual(as_a.expiry_collection_state, "follow_up")
        self.assertEqual(as_a.expiry_days_overdue, 40)
        self.assertEqual(as_a.expiry_amount_overdue, 575.0)
        as_b = self._as(self.customer, self.user_b)
        self.assertEqual(as_b.expiry_collection_state, "ok")
        self.assertEqual(as_b.expiry_days_overdue, 0)
        self.assertEqual(as_b.expiry_amount_overdue, 0.0)
        self.assertEqual(as_b.expiry_amount_due, 0.0)
        for user in (self.salesperson, self.internal, self.portal):
            for name in ("expiry_collection_state", "expiry_days_overdue", "expiry_amount_overdue"):
                with self.subTest(user=user.login, field=name), self.assertRaises(AccessError):
                    self._as(self.customer, user).read([name])

    # ------------------------------------------------------------------
    # 3. a salesperson without invoicing rights stops the dunning
    # ------------------------------------------------------------------
    def test_salesperson_cannot_stop_the_dunning(self):
        deadline = self._create_deadline(200)  # Sam's deadline
        move = self._invoice(deadline, -3)
        logs = self.env["expiry.collection.log"].sudo()._collection_prepare(self.company, self.TODAY)
        self.assertEqual(logs.state, "scheduled")
        as_sales = self._as(logs, self.salesperson)
        as_sales.check_access("read")  # he sees it
        for method in ("action_cancel", "action_process_now"):
            with self.subTest(method=method), self.assertRaises(AccessError):
                getattr(as_sales, method)()
        logs.sudo().write({"state": "failed", "error": "No mobile"})
        with self.assertRaises(AccessError):
            as_sales.action_retry()
        self.assertEqual(logs.state, "failed")
        protected = {
            "collection_agency_id": self.agency.id,
            "collection_handed_over_date": D(2027, 3, 1),
            "collection_written_off_date": D(2027, 3, 1),
            "collection_write_off_reason": "Lost",
        }
        for user in (self.salesperson, self.collector):
            for name, value in protected.items():
                with self.subTest(user=user.login, field=name), self.assertRaises(DENIED):
                    self._as(deadline, user).write({name: value})
        self.assertFalse(deadline.collection_agency_id)
        self.assertFalse(deadline.collection_written_off_date)
        # the desk's own buttons still work for the collector
        self._as(logs, self.collector).action_retry()
        self.assertEqual(logs.state, "scheduled")
        self._as(deadline, self.collector).action_collection_hand_over(self.agency)
        self.assertEqual(deadline.collection_agency_id, self.agency)
        self.assertEqual(self._logs(move).mapped("state"), ["cancelled"])

    # ------------------------------------------------------------------
    # 9b. the internal late-payment reason of an invoice
    # ------------------------------------------------------------------
    def test_portal_customer_cannot_read_the_late_payment_reason(self):
        deadline = self._create_deadline(200)
        move = self._invoice(deadline, -10)
        move.expiry_collection_reason_id = self.env.ref("expiry_management_collection.reason_not_received")
        with self.assertRaises(AccessError):
            self._as(move, self.portal).read(["expiry_collection_reason_id"])
        self.assertTrue(self._as(move, self.collector).read(["expiry_collection_reason_id"])[0])

    # ------------------------------------------------------------------
    # 9d. the instalments of an agreed plan
    # ------------------------------------------------------------------
    def _plan(self, deadline, confirm=True):
        wizard = self._as(self.env["expiry.collection.plan.wizard"], self.collector).create(
            {"deadline_id": deadline.id, "count": 3, "date_first": D(2027, 3, 15)}
        )
        plan = self.env["expiry.collection.plan"].browse(wizard.action_plan()["res_id"])
        if confirm:
            self._as(plan, self.collector).action_confirm()
        return plan

    def test_agreed_instalments_do_not_move(self):
        deadline = self._create_deadline(200)
        self._invoice(deadline, -20, 900.0)
        plan = self._plan(deadline, confirm=False)
        as_collector = self._as(plan, self.collector)
        as_collector.line_ids[:1].date_due = D(2027, 3, 16)  # a draft is adjusted freely
        as_collector.action_confirm()
        self.assertEqual(plan.state, "active")
        line = as_collector.line_ids[:1]
        with self.assertRaises(UserError):
            line.write({"date_due": D(2099, 1, 1)})
        with self.assertRaises(UserError):
            line.write({"amount": 1.0})
        with self.assertRaises(UserError):
            as_collector.write({"line_ids": [Command.update(line.id, {"date_due": D(2099, 1, 1)})]})
        with self.assertRaises(UserError):
            self._as(self.env["expiry.collection.plan.line"], self.collector).create(
                {"plan_id": plan.id, "date_due": D(2099, 1, 1), "amount": 1.0}
            )
        with self.assertRaises(UserError):
            line.unlink()
        for values in ({"state": "draft"}, {"amount_total": 1.0}, {"date_confirmed": D(2099, 1, 1)}):
            with self.subTest(values=values), self.assertRaises(UserError):
                as_collector.write(values)
        with self.assertRaises(UserError):
            self._as(self.env["expiry.collection.plan"], self.collector).create(
                {"deadline_id": deadline.id, "currency_id": self.company.currency_id.id, "state": "active"}
            )
        self.assertEqual(line.date_due, D(2027, 3, 16))
        # cancel, back to draft: adjusted again
        as_collector.action_cancel()
        as_collector.action_draft()
        line.write({"date_due": D(2027, 3, 17)})
        self.assertEqual(line.date_due, D(2027, 3, 17))

    def test_wizards_and_searches_stay_on_readable_deadlines(self):
        deadline = self._create_deadline(200)
        self._invoice(deadline, -20, 575.0)
        wizards = {
            "expiry.collection.hand.over": {"deadline_id": deadline.id, "agency_id": self.agency.id},
            "expiry.collection.write.off": {"deadline_id": deadline.id, "reason": "Lost"},
            "expiry.collection.plan.wizard": {"deadline_id": deadline.id},
        }
        for model, values in wizards.items():
            with self.subTest(model=model), self.assertRaises(AccessError), mute_logger("odoo.models"):
                self._as(self.env[model], self.user_b).create(values)
            self.assertTrue(self._as(self.env[model], self.collector).create(values))
        Deadline = self.env["expiry.deadline"]
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            self._as(Deadline, self.salesperson).search([("amount_due", ">", 0)])
        self.assertIn(deadline, self._as(Deadline, self.collector).search([("amount_due", ">", 0)]))
        # the desk's filters on the state and the days stay open to Deadlines users
        self.assertIn(deadline, self._as(Deadline, self.salesperson).search([("days_overdue", ">", 0)]))

    def test_plan_amounts_need_invoicing_rights(self):
        deadline = self._create_deadline(200)  # Sam's deadline: he sees its plan
        self._invoice(deadline, -20, 900.0)
        plan = self._plan(deadline)
        as_sales = self._as(plan, self.salesperson)
        values = as_sales.read(["state", "has_missed", "instalment_count"])[0]
        self.assertEqual((values["state"], values["instalment_count"]), ("active", 3))
        self.assertEqual(as_sales.line_ids.read(["state"])[0]["state"], "pending")
        for name in ("amount_total", "amount_paid", "amount_residual"):
            with self.subTest(field=name), self.assertRaises(AccessError):
                as_sales.read([name])
        for name in ("amount", "amount_paid"):
            with self.subTest(field=name), self.assertRaises(AccessError):
                as_sales.line_ids.read([name])

    # ------------------------------------------------------------------
    # Every public method, every refused role
    # ------------------------------------------------------------------
    @mute_logger("odoo.models", "odoo.addons.base.models.ir_rule")
    def test_every_action_refuses_every_other_role(self):
        deadline = self._create_deadline(200)
        move = self._invoice(deadline, -20, 900.0)
        handed = self._create_deadline(300)
        self._invoice(handed, -60, 300.0)
        handed.action_collection_hand_over(self.agency)
        logs = self.env["expiry.collection.log"].sudo()._collection_prepare(self.company, self.TODAY)
        log = logs.filtered(lambda r: r.move_id == move)[:1]
        self.assertEqual(log.state, "scheduled")
        draft_plan = self._plan(deadline, confirm=False)
        Plan = self.env["expiry.collection.plan"]
        step = self.step_first
        Wizard = self.env["expiry.collection.hand.over"]
        hand_over = Wizard.create({"deadline_id": deadline.id, "agency_id": self.agency.id})
        write_off = self.env["expiry.collection.write.off"].create(
            {"deadline_id": deadline.id, "reason": "x"}
        )
        plan_wizard = self.env["expiry.collection.plan.wizard"].create({"deadline_id": deadline.id})
        calls = {
            "account.move.action_expiry_resend_copy": (move, lambda r: r.action_expiry_resend_copy()),
            "account.move.action_expiry_open_deadline": (move, lambda r: r.action_expiry_open_deadline()),
            "expiry.deadline.action_collection_resend_invoice": (
                deadline,
                lambda r: r.action_collection_resend_invoice(),
            ),
            "expiry.deadline.action_collection_view_invoices": (
                deadline,
                lambda r: r.action_collection_view_invoices(),
            ),
            "expiry.deadline.action_collection_hand_over_wizard": (
                deadline,
                lambda r: r.action_collection_hand_over_wizard(),
            ),
            "expiry.deadline.action_collection_hand_over": (
                deadline,
                lambda r: r.action_collection_hand_over(self.agency.id),
            ),
            "expiry.deadline.action_collection_take_back": (
                handed,
                lambda r: r.action_collection_take_back(),
            ),
            "expiry.deadline.action_collection_payment_plan_wizard": (
                deadline,
                lambda r: r.action_collection_payment_plan_wizard(),
            ),
            "expiry.deadline.action_collection_write_off_wizard": (
                deadline,
                lambda r: r.action_collection_write_off_wizard(),
            ),
            "expiry.deadline.action_collection_write_off": (
                deadline,
                lambda r: r.action_collection_write_off("lost"),
            ),
            "expiry.deadline.action_collection_print_letter": (
                deadline,
                lambda r: r.action_collection_print_letter(),
            ),
            "expiry.deadline.action_collection_view_plans": (
                deadline,
                lambda r: r.action_collection_view_plans(),
            ),
            "expiry.collection.log.action_process_now": (log, lambda r: r.action_process_now()),
            "expiry.collection.log.action_cancel": (log, lambda r: r.action_cancel()),
            "expiry.collection.plan.action_confirm": (draft_plan, lambda r: r.action_confirm()),
            "expiry.collection.plan.action_cancel": (draft_plan, lambda r: r.action_cancel()),
            "expiry.collection.plan.action_draft": (Plan, lambda r: r.browse(draft_plan.id).action_draft()),
            "expiry.collection.step.action_view_logs": (step, lambda r: r.action_view_logs()),
            "expiry.dashboard.action_open_collection": (
                self.env["expiry.dashboard"],
                lambda r: r.action_open_collection("team"),
            ),
            "expiry.collection.report.get_portfolio_indicators": (
                self.env["expiry.collection.report"],
                lambda r: r.get_portfolio_indicators("2027-01-01", "2027-12-31"),
            ),
            "expiry.collection.hand.over.action_hand_over": (hand_over, lambda r: r.action_hand_over()),
            "expiry.collection.write.off.action_write_off": (write_off, lambda r: r.action_write_off()),
            "expiry.collection.plan.wizard.action_plan": (plan_wizard, lambda r: r.action_plan()),
        }
        # not about one customer: any invoicing user of the company may (their rows go through
        # the record rules), so a billing user of another company or team is not refused
        model_level = {
            "expiry.collection.step.action_view_logs",
            "expiry.dashboard.action_open_collection",
            "expiry.collection.report.get_portfolio_indicators",
        }
        billing_roles = {"salesperson on another salesperson's deadline", "user of another company"}
        before = self._traces()
        allowed = []
        for role, user in self._roles().items():
            for name, (records, call) in calls.items():
                if role in billing_roles and name in model_level:
                    continue
                try:
                    with self.env.cr.savepoint():
                        call(self._as(records, user))
                except DENIED:
                    continue
                allowed.append(f"{name} as {role}")
        self.maxDiff = None
        self.assertEqual(allowed, [], "every role is refused")
        self.env.invalidate_all()
        self.assertEqual(self._traces(), before, "a refused call changes nothing")
        # the collection desk keeps working
        as_collector = self._as(deadline, self.collector)
        self.assertEqual(as_collector.action_collection_view_invoices()["res_model"], "account.move")
        self.assertTrue(self._as(self.env["expiry.dashboard"], self.collector).action_open_collection("mine"))
        indicators = self._as(self.env["expiry.collection.report"], self.collector).get_portfolio_indicators(
            "2027-01-01", "2027-12-31"
        )
        self.assertIn("collection_rate", indicators)
        elsewhere = self._as(self.env["expiry.collection.report"], self.user_b).get_portfolio_indicators(
            "2027-01-01", "2027-12-31"
        )
        self.assertEqual((elsewhere["invoice_count"], elsewhere["amount_overdue"]), (0, 0.0))
        self._as(step, self.collector).action_view_logs()
        self._as(log, self.collector).action_cancel()
        self.assertEqual(log.state, "cancelled")

    def test_dashboard_refuses_portal_and_internal_users(self):
        for user in (self.portal, self.public, self.internal):
            with self.subTest(user=user.login), self.assertRaises(AccessError), mute_logger("odoo.models"):
                self._as(self.env["expiry.dashboard"], user).get_dashboard_data("mine")
        data = self._as(self.env["expiry.dashboard"], self.salesperson).get_dashboard_data("mine")
        self.assertFalse(data["collection"], "no collection figures without invoicing rights")
        data = self._as(self.env["expiry.dashboard"], self.collector).get_dashboard_data("mine")
        self.assertTrue(data["collection"])

    def test_bad_input_is_a_clear_error(self):
        Report = self._as(self.env["expiry.collection.report"], self.collector)
        for dates in (("2027-13-45", "2027-12-31"), ("", "2027-12-31"), (None, None)):
            with self.subTest(dates=dates), self.assertRaises(UserError):
                Report.get_portfolio_indicators(*dates)
        deadline = self._create_deadline(200)
        self._invoice(deadline, -20)
        with self.assertRaises(UserError):
            self._as(deadline, self.collector).action_collection_write_off("lost", 999999999)
