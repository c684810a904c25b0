# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The one base fixture of the core's tests (and of the glue addons'):
``ExpiryTestCase`` and its single deadline helper, ``_create_deadline``.
The data sets below build on it: ``ExpiryCommon`` (customers and products
in the main company), ``ReminderCase`` (a company of its own for the
ladder) and ``ExpiryDashboardTestMixin`` (a sales team in a fresh company,
dated on TODAY)."""

import datetime
from unittest.mock import patch

import odoo
from odoo import SUPERUSER_ID, Command, api, models, sql_db
from odoo.tests import TransactionCase, new_test_user


class ExpiryTestCase(TransactionCase):
    """Helpers shared by every data set: companies, products, deadlines."""

    #: date that ``_create_deadline(<days>)`` counts from (None: the company's today)
    TODAY = None
    #: context of the test environment
    expiry_context = {"tracking_disable": True}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, **cls.expiry_context))
        cls.Deadline = cls.env["expiry.deadline"]
        cls.Reminder = cls.env["expiry.reminder"]

    @classmethod
    def _company(cls, name, tz="UTC"):
        company = cls.env["res.company"].create(
            {"name": name, "email": f"{name.lower().replace(' ', '')}@example.com"}
        )
        company.partner_id.tz = tz
        return company

    @classmethod
    def _make_product(cls, name, duration, unit, price):
        return cls.env["product.product"].create(
            {
                "name": name,
                "type": "service",
                "list_price": price,
                "expiry_duration": duration,
                "expiry_duration_unit": unit,
            }
        )

    @classmethod
    def _deadline_defaults(cls, date_expiry, company):
        """Field values of a new deadline of this data set (override)."""
        return {
            "company_id": company.id,
            "currency_id": company.currency_id.id,
            "date_start": date_expiry - datetime.timedelta(days=365),
            "date_expiry": date_expiry,
            "state": "active",
        }

    def _deliver_queued_mails(self):
        """Run Odoo's mail queue for the e-mails of the ladders' queued steps
        (timed e-mails, collection steps), as the "Mail: Email Queue Manager"
        action does after the daily pass: the test mail server accepts them,
        so their steps become sent (done)."""
        mails = self.env["mail.mail"]
        for model in self.env["mail.mail"]._expiry_ladder_models():
            mails |= self.env[model].sudo().search([("state", "=", "queued")]).mail_id
        mails = mails.filtered(lambda mail: mail.state == "outgoing")
        if mails:
            # never a real connection (pytest-odoo does not set Odoo's test mode)
            with patch.object(odoo.modules.module, "current_test", odoo.modules.module.current_test or True):
                mails.sudo().send(raise_exception=False)
        self.env.invalidate_all()
        return mails

    def _settle_with_entry(self, invoice, account=None):
        """Settle what ``invoice`` still owes with a journal entry against
        ``account`` (default: an expense account, i.e. a write-off), as an
        accountant does by hand; return the entry."""
        receivable = invoice.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )
        account = account or self.env["account.account"].search(
            [("account_type", "=", "expense"), ("company_ids", "in", invoice.company_id.ids)], limit=1
        )
        journal = self.env["account.journal"].search(
            [("type", "=", "general"), ("company_id", "=", invoice.company_id.id)], limit=1
        )
        amount, partner = invoice.amount_residual, invoice.commercial_partner_id
        entry = self.env["account.move"].create(
            {
                "move_type": "entry",
                "journal_id": journal.id,
                "line_ids": [
                    Command.create(
                        {"account_id": receivable.account_id.id, "partner_id": partner.id, "credit": amount}
                    ),
                    Command.create({"account_id": account.id, "partner_id": partner.id, "debit": amount}),
                ],
            }
        )
        entry.action_post()
        (
            receivable | entry.line_ids.filtered(lambda line: line.account_id == receivable.account_id)
        ).reconcile()
        return entry

    @classmethod
    def _create_deadline(cls, expiry, **values):
        """The one deadline helper: ``expiry`` is a date, or a number of days
        from ``TODAY``; ``values`` are field values (records are accepted for
        relational fields) over the data set's defaults."""
        if isinstance(expiry, int):
            today = cls.TODAY or cls.env["expiry.deadline"]._company_today()
            expiry = today + datetime.timedelta(days=expiry)
        values = {
            key: value.id if isinstance(value, models.BaseModel) else value for key, value in values.items()
        }
        company = (
            cls.env["res.company"].browse(values.get("company_id")) if values.get("company_id") else None
        )
        vals = cls._deadline_defaults(expiry, company or cls.company)
        vals.update(values)
        return cls.env["expiry.deadline"].create(vals)


class ExpiryCommon(ExpiryTestCase):
    """Customers and renewable products in the main company."""

    expiry_context = {"tracking_disable": True, "tz": "UTC"}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.manager = new_test_user(
            cls.env,
            login="expiry_manager",
            groups="expiry_management.group_expiry_manager,sales_team.group_sale_salesman",
            tz="UTC",
        )
        cls.user = new_test_user(
            cls.env,
            login="expiry_user",
            groups="expiry_management.group_expiry_user,sales_team.group_sale_salesman",
            tz="UTC",
        )
        cls.customer = cls.env["res.partner"].create({"name": "Nordic Freight AB", "is_company": True})
        cls.contact = cls.env["res.partner"].create({"name": "Greta Lind", "parent_id": cls.customer.id})
        cls.other_customer = cls.env["res.partner"].create({"name": "Sur Seguros SA", "is_company": True})
        cls.product_year = cls._make_product("Fleet Policy", 1, "year", 500.0)
        cls.product_month = cls._make_product("Licence", 1, "month", 40.0)
        cls.product_plain = cls._make_product("One-off Audit", 0, "year", 100.0)

    @classmethod
    def _deadline_defaults(cls, date_expiry, company):
        vals = super()._deadline_defaults(date_expiry, company)
        vals.update(partner_id=cls.customer.id, product_id=cls.product_year.id, price_unit=500.0)
        return vals


class ReminderCase(ExpiryTestCase):
    """A company of our own (UTC), a salesperson, customers and a renewable
    product, so that the demo data never interferes."""

    expiry_context = {"tracking_disable": True, "mail_notrack": True}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env["res.company"].create(
            {"name": "Reminder Co", "email": "office@reminder.example"}
        )
        cls.company.partner_id.tz = "UTC"
        cls.salesperson = cls.env["res.users"].create(
            {
                "name": "Sally Sales",
                "login": "sally_reminder",
                "email": "sally@reminder.example",
                "company_id": cls.company.id,
                "company_ids": [(6, 0, cls.company.ids)],
                "groups_id": [(6, 0, [cls.env.ref("expiry_management.group_expiry_user").id])],
            }
        )
        cls.customer = cls.env["res.partner"].create(
            {"name": "Carla Customer", "email": "carla@customer.example", "lang": "en_US"}
        )
        cls.product = cls._make_product("Maintenance plan", 1, "year", 100.0)
        cls.stage_60 = cls.env.ref("expiry_management.reminder_stage_60")
        cls.stage_30 = cls.env.ref("expiry_management.reminder_stage_30")
        cls.stage_7 = cls.env.ref("expiry_management.reminder_stage_7")
        cls.stage_notice = cls.env.ref("expiry_management.reminder_stage_expiry_notice")
        cls.stage_after_7 = cls.env.ref("expiry_management.reminder_stage_after_7")
        cls.ladder = cls.stage_60 | cls.stage_30 | cls.stage_7 | cls.stage_notice | cls.stage_after_7
        # only the shipped ladder: other stages (another engineer's demo) stay out
        cls.env["expiry.reminder.stage"].search([("id", "not in", cls.ladder.ids)]).active = False
        cls.company.write(
            {"expiry_upcoming_days": 7, "expiry_reminder_catchup_days": 3, "expiry_close_after_days": 90}
        )

    @classmethod
    def _deadline_defaults(cls, date_expiry, company):
        vals = super()._deadline_defaults(date_expiry, company)
        vals.update(
            partner_id=cls.customer.id,
            product_id=cls.product.id,
            user_id=cls.salesperson.id if company == cls.company else False,
            price_unit=100.0,
        )
        return vals

    def _run(self, company=None, deliver=True):
        """One reminder pass for one company, as the daily action does (its
        steps of the timed e-mails, the salesperson's review included), then
        (``deliver``) Odoo's mail queue that it wakes up: the e-mails it
        queued are accepted by the (test) mail server, their reminders are
        sent."""
        company = company or self.company
        today = self.Deadline._company_today(company)
        self.Deadline.sudo()._cron_update_states(company, today, 10000)
        self.Reminder._cancel_stale(company, today)
        self.Reminder._prepare_reminders(company, today)
        result = self.Reminder._send_due_reminders(company, today, 10000)
        self.env["expiry.reminder.review"].sudo()._sync_company(company, today)
        if deliver:
            self._deliver_queued_mails()
        return result

    def _mails(self, deadlines):
        return (
            self.env["mail.mail"]
            .sudo()
            .search([("model", "=", "expiry.deadline"), ("res_id", "in", deadlines.ids)])
        )

    def _sent(self, deadline):
        """The stages of ``deadline``'s e-mails that went out, once Odoo's
        mail queue ran (the daily pass wakes it up)."""
        self._deliver_queued_mails()
        return deadline.reminder_ids.filtered(lambda r: r.state == "sent").stage_id


class ExpiryDashboardTestMixin(ExpiryTestCase):
    """Isolated data for the dashboard, callback and report tests: a sales
    team with a manager and a user, in a fresh company so that demo data does
    not leak into the figures. Call ``_setup_dashboard_data`` (after setting
    TODAY when it differs)."""

    TODAY = datetime.date(2026, 3, 16)
    expiry_context = {}

    @classmethod
    def _setup_dashboard_data(cls):
        env = cls.env
        cls.company = env["res.company"].create({"name": "Dashboard Brokers"})
        cls.other_company = env["res.company"].create({"name": "Other Brokers"})
        companies = [Command.set((cls.company | cls.other_company).ids)]
        cls.manager = new_test_user(
            env,
            login="dash_manager",
            name="Dash Manager",
            groups="base.group_user,expiry_management.group_expiry_manager,sales_team.group_sale_salesman",
            company_id=cls.company.id,
            company_ids=companies,
            tz="UTC",
        )
        cls.user = new_test_user(
            env,
            login="dash_user",
            name="Dash User",
            # Contact Creation: what internal users get by default, needed to
            # schedule activities on customers.
            groups="base.group_user,base.group_partner_manager,expiry_management.group_expiry_user",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
            tz="UTC",
        )
        cls.team = env["crm.team"].create(
            {"name": "North Office", "company_id": cls.company.id, "member_ids": [Command.set(cls.user.ids)]}
        )
        cls.partner = env["res.partner"].create({"name": "Ada Customer", "company_id": False})
        cls.product = cls._make_product("Motor policy", 1, "year", 100.0)

    @classmethod
    def _deadline_defaults(cls, date_expiry, company):
        vals = super()._deadline_defaults(date_expiry, company)
        vals.update(
            partner_id=cls.partner.id,
            product_id=cls.product.id,
            price_unit=100.0,
            date_start=cls.TODAY - datetime.timedelta(days=300),
            user_id=cls.user.id,
        )
        return vals


class ConcurrencyCase(TransactionCase):
    """Tests of workers on real transactions of their own: each gets its own
    connection (closed at the end); what they commit, the test deletes."""

    def _cursor(self):
        cr = sql_db.db_connect(self.env.cr.dbname).cursor()
        self.addCleanup(cr.close)
        return cr

    def _env(self, cr):
        return api.Environment(cr, SUPERUSER_ID, {"lang": "en_US", "tracking_disable": True})
