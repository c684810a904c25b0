# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What the collection desk's public methods receive from outside (JSON-RPC):
record ids checked as the calling user and against the deadline's company,
strings, ids and domains parsed strictly, each bad value a clear error and
never a traceback; and what a portal customer reads of their own invoice."""

import datetime

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import freeze_time, new_test_user, tagged
from odoo.tools import mute_logger

from .common import CollectionCase, D


@tagged("post_install", "-at_install")
@freeze_time("2027-03-10 10:00:00")
class TestCollectionInput(CollectionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls._company("Probe Company B")
        cls.env["account.chart.template"].try_loading(
            "generic_coa", company=cls.company_b, install_demo=False
        )
        cls.agency_b = cls.agency.copy({"name": "Secret Agency of B", "company_id": cls.company_b.id})
        cls.account_b = cls.env["account.account"].search(
            [("company_ids", "in", cls.company_b.ids), ("account_type", "=", "expense")], limit=1
        )
        # a desk user of both companies: reads B's agency and account, works on A's deadline
        cls.both = new_test_user(
            cls.env,
            login="collection_both_companies",
            groups="expiry_management.group_expiry_manager,account.group_account_invoice",
            company_id=cls.company.id,
            company_ids=[Command.set((cls.company | cls.company_b).ids)],
        )

    def setUp(self):
        super().setUp()
        self.deadline = self._create_deadline(-20)
        self.invoice = self._invoice(self.deadline, -40, amount=575.0)

    def _as(self, records, user):
        return records.with_user(user).with_context(allowed_company_ids=user.company_ids.ids)

    def _messages(self):
        return (
            self.env["mail.message"]
            .sudo()
            .search(
                [
                    "|",
                    "&",
                    ("model", "=", "expiry.deadline"),
                    ("res_id", "=", self.deadline.id),
                    "&",
                    ("model", "=", "account.move"),
                    ("res_id", "=", self.invoice.id),
                ]
            )
        )

    # ------------------------------------------------------------------
    # 1. record ids are checked as the caller and against the deadline
    # ------------------------------------------------------------------
    def test_hand_over_refuses_an_agency_the_user_cannot_read(self):
        self.assertFalse(self._as(self.agency_b, self.collector).has_access("read"))
        messages = self._messages()
        # the agency's tags are in the cache (read as superuser): the user's
        # access is checked all the same
        self.assertTrue(self.agency_b.category_id)
        for agency in (self.agency_b.id, str(self.agency_b.id), self.agency_b):
            with self.subTest(agency=agency), self.assertRaises(UserError) as caught:
                self._as(self.deadline, self.collector).action_collection_hand_over(agency)
            self.assertNotIn("Secret Agency", str(caught.exception))
        self.assertFalse(self.deadline.collection_agency_id)
        self.assertEqual(self._messages(), messages, "nothing in the chatter")
        self.assertNotIn("Secret Agency", "".join(self._messages().mapped("body")))

    def test_hand_over_refuses_an_agency_of_another_company(self):
        # readable by this user, but of another company than the deadline's
        self.assertTrue(self._as(self.agency_b, self.both).has_access("read"))
        with self.assertRaises(UserError) as caught:
            self._as(self.deadline, self.both).action_collection_hand_over(self.agency_b.id)
        self.assertNotIn("Secret Agency", str(caught.exception))
        self.assertFalse(self.deadline.collection_agency_id)
        # an agency shared by all companies, or of the deadline's company, is fine
        self._as(self.deadline, self.both).action_collection_hand_over(self.agency.id)
        self.assertEqual(self.deadline.collection_agency_id, self.agency)

    def test_hand_over_refuses_a_partner_of_another_model_or_untagged(self):
        for value in (
            self.other_customer.id,
            self.env["res.users"].browse(self.collector.id),
            self.agency | self.agency_b,
        ):
            with self.subTest(value=value), self.assertRaises(UserError):
                self._as(self.deadline, self.collector).action_collection_hand_over(value)
        self.assertFalse(self.deadline.collection_agency_id)

    def test_write_off_refuses_an_account_of_another_company(self):
        self.assertTrue(self.account_b)
        for user in (self.collector, self.both):
            for account in (self.account_b.id, self.account_b):
                with self.subTest(user=user.login, account=account), self.assertRaises(UserError) as caught:
                    self._as(self.deadline, user).action_collection_write_off("Lost", account)
                self.assertNotIn(self.account_b.name, str(caught.exception))
        self.assertFalse(self.deadline.collection_written_off_date)
        self.assertEqual(self.invoice.payment_state, "not_paid")
        # an account of the deadline's company is fine
        account_a = self.env["account.account"].search(
            [("company_ids", "in", self.company.ids), ("account_type", "=", "expense")], limit=1
        )
        refunds = self._as(self.deadline, self.collector).action_collection_write_off("Lost", account_a.id)
        self.assertEqual(refunds.invoice_line_ids.account_id, account_a)

    def test_plan_refuses_a_restart_step_of_another_company(self):
        step_b = self.step_first.copy({"name": "Secret step of B", "company_id": self.company_b.id})
        Plan = self.env["expiry.collection.plan"]
        values = {
            "deadline_id": self.deadline.id,
            "currency_id": self.company.currency_id.id,
            "move_ids": [Command.set(self.invoice.ids)],
            "restart_step_id": step_b.id,
        }
        for user in (self.collector, self.both):
            with self.subTest(user=user.login), self.assertRaises(UserError) as caught:
                self._as(Plan, user).create(values)
            self.assertNotIn("Secret step", str(caught.exception))
        plan = self._as(Plan, self.collector).create(dict(values, restart_step_id=self.step_second.id))
        with self.assertRaises(UserError):
            plan.write({"restart_step_id": step_b.id})
        self.assertEqual(plan.restart_step_id, self.step_second)

    # ------------------------------------------------------------------
    # 2. bad input: a clear error, never a traceback
    # ------------------------------------------------------------------
    def _assert_clean(self, call, *args, **kwargs):
        try:
            with mute_logger("odoo.sql_db"), self.env.cr.savepoint():
                call(*args, **kwargs)
        except UserError:
            return
        except Exception as error:  # noqa: BLE001
            self.fail(f"traceback {type(error).__name__}: {error}")
        self.fail("accepted")

    def test_bad_input_is_a_clear_error(self):
        deadline = self._as(self.deadline, self.collector)
        report = self._as(self.env["expiry.collection.report"], self.collector)
        period = ("2027-01-01", "2027-03-01")
        cases = {
            "hand_over('abc')": (deadline.action_collection_hand_over, ("abc",), {}),
            "hand_over([1])": (deadline.action_collection_hand_over, ([1],), {}),
            "hand_over(True)": (deadline.action_collection_hand_over, (True,), {}),
            "hand_over(-1)": (deadline.action_collection_hand_over, (-1,), {}),
            "hand_over(2**40)": (deadline.action_collection_hand_over, (2**40,), {}),
            "hand_over(None)": (deadline.action_collection_hand_over, (None,), {}),
            "hand_over(note=['x'])": (
                deadline.action_collection_hand_over,
                (self.agency.id,),
                {"note": ["x"]},
            ),
            "hand_over(note=5)": (deadline.action_collection_hand_over, (self.agency.id,), {"note": 5}),
            "hand_over(note=long)": (
                deadline.action_collection_hand_over,
                (self.agency.id,),
                {"note": "x" * 100000},
            ),
            "write_off(['x'])": (deadline.action_collection_write_off, (["x"],), {}),
            "write_off(5)": (deadline.action_collection_write_off, (5,), {}),
            "write_off(long)": (deadline.action_collection_write_off, ("x" * 100000,), {}),
            "write_off(account='abc')": (deadline.action_collection_write_off, ("ok",), {"account": "abc"}),
            "write_off(account=[1])": (deadline.action_collection_write_off, ("ok",), {"account": [1]}),
            "write_off(account=True)": (deadline.action_collection_write_off, ("ok",), {"account": True}),
            "write_off(account=partner)": (
                deadline.action_collection_write_off,
                ("ok",),
                {"account": self.agency},
            ),
            "portfolio(domain='abc')": (report.get_portfolio_indicators, period, {"domain": "abc"}),
            "portfolio(domain=5)": (report.get_portfolio_indicators, period, {"domain": 5}),
            "portfolio(domain={})": (report.get_portfolio_indicators, period, {"domain": {"a": 1}}),
            "portfolio(domain=bogus field)": (
                report.get_portfolio_indicators,
                period,
                {"domain": [("bogus", "=", 1)]},
            ),
            "portfolio(domain=bad operator)": (
                report.get_portfolio_indicators,
                period,
                {"domain": [("partner_id", "~~", 1)]},
            ),
            "portfolio(domain=short term)": (
                report.get_portfolio_indicators,
                period,
                {"domain": [("partner_id", "=")]},
            ),
            "portfolio(domain=bad date)": (
                report.get_portfolio_indicators,
                period,
                {"domain": [("invoice_date", ">=", "abc")]},
            ),
            "portfolio(domain=bad id)": (
                report.get_portfolio_indicators,
                period,
                {"domain": [("partner_id", "=", "abc")]},
            ),
            "portfolio(domain=bad number)": (
                report.get_portfolio_indicators,
                period,
                {"domain": [("days_to_collect", ">", "abc")]},
            ),
            "portfolio(domain=dangling operator)": (
                report.get_portfolio_indicators,
                period,
                {"domain": ["|"]},
            ),
            "portfolio(domain=nested list)": (report.get_portfolio_indicators, period, {"domain": [[["a"]]]}),
            "portfolio(dates 2027-13-45)": (report.get_portfolio_indicators, ("2027-13-45", "x"), {}),
            "portfolio(dates reversed)": (report.get_portfolio_indicators, ("2027-03-01", "2027-01-01"), {}),
        }
        for name, (call, args, kwargs) in cases.items():
            with self.subTest(case=name):
                self._assert_clean(call, *args, **kwargs)
        self.assertFalse(self.deadline.collection_agency_id)
        self.assertFalse(self.deadline.collection_written_off_date)

    def test_good_input_still_works(self):
        report = self._as(self.env["expiry.collection.report"], self.collector)
        domain = [
            "|",
            ("partner_id", "=", self.customer.id),
            ("partner_id", "in", [self.other_customer.id]),
            ("invoice_date_due", ">=", "2027-01-01"),
            ("is_open", "=", True),
            ("deadline_id.name", "!=", False),
        ]
        indicators = report.get_portfolio_indicators("2027-01-01", "2027-03-31", domain=domain)
        self.assertEqual((indicators["invoice_count"], indicators["amount_invoiced"]), (1, 575.0))
        self.assertEqual(indicators["overdue_count"], 1)
        indicators = report.get_portfolio_indicators(
            "2027-01-01", "2027-03-31", domain=[("partner_id", "=", self.other_customer.id)]
        )
        self.assertEqual(indicators["invoice_count"], 0)
        deadline = self._as(self.deadline, self.collector)
        deadline.action_collection_hand_over(str(self.agency.id), note="Phone first.")
        self.assertEqual(self.deadline.collection_agency_id, self.agency)
        self.assertIn("Phone first.", self.invoice.message_ids[:1].body)

    # ------------------------------------------------------------------
    # A write-off after a partial payment of a renewal invoice
    # ------------------------------------------------------------------
    def test_write_off_after_partial_payment_says_the_renewal_is_kept(self):
        deadline = self._create_deadline(20)
        order = self._renewal_order(deadline)
        invoice = order._create_invoices()
        invoice.invoice_date_due = self.TODAY - datetime.timedelta(days=10)
        invoice.action_post()
        self.assertEqual(invoice.expiry_deadline_id, deadline)
        self._pay(invoice, amount=100.0)
        expiry = deadline.date_expiry
        # as the superuser: the sale module's "Invoice paid" note on the order
        # needs rights on the order the collector may not have (see the report)
        deadline.action_collection_write_off("Customer gone")
        self.assertEqual(invoice.payment_state, "paid")
        self.assertEqual(deadline.date_expiry, expiry, "the renewal is kept")
        notes = deadline.message_ids.filtered(
            lambda m: "renewal" in (m.body or "") and "kept" in (m.body or "")
        )
        self.assertTrue(notes, deadline.message_ids.mapped("body"))

    def _renewal_order(self, deadline):
        order = self.env["sale.order"].browse(deadline.action_renew()["res_id"])
        order.action_confirm()
        return order

    # ------------------------------------------------------------------
    # 3. what the portal reads of its own invoice and partner
    # ------------------------------------------------------------------
    def test_portal_reads_no_collection_field_of_its_invoice_or_partner(self):
        plan = self.env["expiry.collection.plan"].create(
            {
                "name": "Internal plan name",
                "deadline_id": self.deadline.id,
                "currency_id": self.company.currency_id.id,
                "move_ids": [Command.set(self.invoice.ids)],
                "line_ids": [Command.create({"date_due": D(2027, 3, 20), "amount": 575.0})],
            }
        )
        plan.action_confirm()
        self._run()
        contact = self.env["res.partner"].create({"name": "Xavier", "parent_id": self.customer.id})
        portal = new_test_user(
            self.env,
            login="collection_input_portal",
            groups="base.group_portal",
            partner_id=contact.id,
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        modules = {"expiry_management_collection", "expiry_management_collection_portal"}
        # deliberately readable by the customer: none on these models
        allowed = {"account.move": set(), "res.partner": set()}
        records = {"account.move": self.invoice, "res.partner": contact | self.customer}
        readable = []
        for model, record in records.items():
            record.with_user(portal).check_access("read")  # their own invoice and company
            ours = [name for name, field in record._fields.items() if modules & set(field._modules or ())]
            self.assertTrue(ours)
            for name in ours:
                if name in allowed[model]:
                    continue
                try:
                    values = record.with_user(portal).read([name])
                except AccessError:
                    continue
                readable.append(f"{model}.{name}: {[v[name] for v in values]}")
        self.assertEqual(readable, [], "the portal reads no internal collection field")
        self.assertIn(self.invoice.id, self.invoice.with_user(portal).read(["name"])[0].values())
