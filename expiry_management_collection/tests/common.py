# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The collection tests' data set: a company of its own (Stockholm time,
generic chart of accounts) with customers, a collector and deadlines, and
helpers to invoice, pay and run the collection pass."""

import datetime
from unittest.mock import patch

from odoo import Command
from odoo.tests import new_test_user

from odoo.addons.expiry_management.tests.common import ExpiryTestCase
from odoo.addons.sms.tools.sms_api import SmsApi

D = datetime.date


class CollectionCase(ExpiryTestCase):
    expiry_context = {"tracking_disable": True, "tz": "UTC"}
    #: the tests run on this day (company time)
    TODAY = D(2027, 3, 10)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls._company("Collection Brokers", tz="Europe/Stockholm")
        cls.env["account.chart.template"].try_loading("generic_coa", company=cls.company, install_demo=False)
        cls.env = cls.env(context=dict(cls.env.context, allowed_company_ids=[cls.company.id]))
        cls.collector = new_test_user(
            cls.env,
            login="collector",
            name="Carla Collector",
            email="carla@example.com",
            groups="expiry_management.group_expiry_user,account.group_account_invoice,sales_team.group_sale_salesman",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
            tz="Europe/Stockholm",
        )
        cls.salesperson = new_test_user(
            cls.env,
            login="collection_sales",
            name="Sam Sales",
            email="sam@example.com",
            groups="expiry_management.group_expiry_user,sales_team.group_sale_salesman",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "Nordic Freight AB",
                "is_company": True,
                "email": "billing@nordicfreight.example.com",
                "mobile": "+46 70 123 45 67",
                "expiry_collector_id": cls.collector.id,
            }
        )
        cls.other_customer = cls.env["res.partner"].create(
            {"name": "Sur Seguros SA", "is_company": True, "email": "pagos@surseguros.example.com"}
        )
        cls.product = cls._make_product("Fleet Policy", 1, "year", 500.0)
        cls.journal = cls.env["account.journal"].search(
            [("type", "=", "sale"), ("company_id", "=", cls.company.id)], limit=1
        )
        cls.steps = cls.env["expiry.collection.step"]._get_ladder(cls.company)
        cls.step_first = cls.env.ref("expiry_management_collection.step_friendly_reminder")
        cls.step_sms_call = cls.env.ref("expiry_management_collection.step_sms_and_call")
        cls.step_second = cls.env.ref("expiry_management_collection.step_second_reminder")
        cls.step_final = cls.env.ref("expiry_management_collection.step_final_notice")
        cls.agency = cls.env["res.partner"].create(
            {
                "name": "Recovery Agency",
                "is_company": True,
                "category_id": [
                    Command.link(
                        cls.env.ref("expiry_management_collection.res_partner_category_collection_agency").id
                    )
                ],
            }
        )

    @classmethod
    def _deadline_defaults(cls, date_expiry, company):
        vals = super()._deadline_defaults(date_expiry, company)
        vals.update(
            partner_id=cls.customer.id,
            product_id=cls.product.id,
            price_unit=500.0,
            user_id=cls.salesperson.id,
        )
        return vals

    def _plan(self, deadline, count=3, first=None, confirm=True):
        """A payment plan of ``count`` monthly instalments of ``deadline``'s
        overdue invoices, planned (and ``confirm``: confirmed) by the collector."""
        wizard = (
            self.env["expiry.collection.plan.wizard"]
            .with_user(self.collector)
            .create(
                {
                    "deadline_id": deadline.id,
                    "count": count,
                    "date_first": first or D(2027, 3, 15),
                    "interval_months": 1,
                }
            )
        )
        plan = self.env["expiry.collection.plan"].browse(wizard.action_plan()["res_id"])
        if confirm:
            plan.with_user(self.collector).action_confirm()
        return plan

    @classmethod
    def _invoice(cls, deadline, due, amount=500.0, currency=None, post=True, partner=None):
        """A customer invoice of ``deadline`` due on ``due`` (a date, or days
        from TODAY; negative: overdue)."""
        if isinstance(due, int):
            due = cls.TODAY + datetime.timedelta(days=due)
        move = (
            cls.env["account.move"]
            .with_company(deadline.company_id)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": (partner or deadline.partner_id).id,
                    "expiry_deadline_id": deadline.id,
                    "currency_id": (currency or deadline.company_id.currency_id).id,
                    "invoice_date": min(due - datetime.timedelta(days=30), cls.TODAY),
                    "invoice_date_due": due,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "name": "Premium",
                                "quantity": 1,
                                "price_unit": amount,
                                "tax_ids": [Command.clear()],
                            }
                        )
                    ],
                }
            )
        )
        if post:
            move.action_post()
        return move

    def _pay(self, move, amount=None, date=None):
        values = {"payment_date": date or self.TODAY}
        if amount:
            values["amount"] = amount
        self.env["account.payment.register"].with_company(move.company_id).with_context(
            active_model="account.move", active_ids=move.ids
        ).create(values)._create_payments()
        move.invalidate_recordset()

    def _run(self, company=None, deliver=True):
        """One collection pass for the company, as the daily pass runs it,
        then (``deliver``) Odoo's mail queue that it wakes up: the e-mails
        it queued are accepted by the (test) mail server, their steps done."""
        company = company or self.company
        self.env.invalidate_all()  # each run of the scheduled action is a new transaction
        Pass = self.env["expiry.daily.pass"]
        today = self.env["expiry.deadline"]._company_today(company)
        for _name, step in Pass._get_collection_steps(company, today, 500):
            step()
        self.env.invalidate_all()
        if deliver:
            self._deliver_queued_mails()

    def _deliver_queued_mails(self):
        """The core's helper (Odoo's mail queue), then Odoo's SMS queue for
        the SMS of queued steps, the provider accepting them (no IAP call)."""
        mails = super()._deliver_queued_mails()
        sms = (
            self.env["expiry.collection.log"]
            .sudo()
            .search([("state", "=", "queued"), ("sms_id", "!=", False)])
            .sms_id.filtered(lambda sms: sms.state == "outgoing")
        )
        if sms:

            def accept(_api, _endpoint, params, *args, **kwargs):
                return [
                    {"uuid": number["uuid"], "state": "success", "credit": 1}
                    for message in params["messages"]
                    for number in message["numbers"]
                ]

            with patch.object(SmsApi, "_contact_iap", accept):
                sms.send()
            self.env.invalidate_all()
        return mails

    def _logs(self, moves):
        return self.env["expiry.collection.log"].search([("move_id", "in", moves.ids)], order="id")
