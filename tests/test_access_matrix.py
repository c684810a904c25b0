# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Access and field matrices of every public method and every field our
addons define (issue 16): they enumerate, they do not list.

The method matrix walks the registry: for every model, every public callable
that a class of one of our addons defines or overrides (on our models and on
Odoo's models we extend) is called as each role on a fixture record of that
model. It must raise (AccessError, UserError, MissingError) and change
nothing, unless ``ALLOW`` below says that the role may. Each call runs in a
savepoint that is rolled back (as an RPC that raises is); a call that does
not raise is a failure, with what it changed (mails, messages, activities,
attachments, SMS, rows). A method written tomorrow is called the day it is
written; a new model without a fixture (``_factories``) or a new method that
takes arguments without ``_args`` fails the test, so nobody forgets it. A
control user (every group, company A) calls each method first: it must get
through (``_method_fixtures`` puts the record in the state the method needs),
so that the roles' refusals are about rights, not about a wrong fixture.

The field matrix reads (``read()``) and searches every field our addons add,
as each role, on records of company A: nothing of another company, no money
(``is_money``) without invoicing rights, no internal field on the portal.

Why here and not in an addon: the matrices cover all our addons at once, and
this folder is run by pytest (setup/test) on the database where all of them
are installed together; an addon holding it would have to depend on every
other one. (The optional expiry_management_queue_job defines no public
method and no field: it overrides private methods of the daily pass only.)
"""

import ast
import contextlib
import datetime
import inspect
from pathlib import Path

from odoo import Command, models
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from odoo.addons.expiry_management_collection.tests.common import CollectionCase

OUR_PREFIX = "odoo.addons.expiry_management"
ROOT = Path(__file__).resolve().parent.parent

# ---------------------------------------------------------------------------
# Roles
# ---------------------------------------------------------------------------
PORTAL = "portal"  # portal user of the record's own customer
PUBLIC = "public"  # the website's public user
INTERNAL = "internal"  # employee without any of our groups (base.group_user)
SALESMAN = "salesman"  # salesperson (own documents) on another salesperson's record
DEADLINE_USER = "deadline_user"  # Deadlines user, the record's own salesperson, no invoicing
COMPANY_B = "company_b"  # user of company B only, with every group
ROLES = (PORTAL, PUBLIC, INTERNAL, SALESMAN, DEADLINE_USER, COMPANY_B)
#: roles that may read money (receivables); company B may, but not company A's
INVOICING_ROLES = (COMPANY_B,)

# ---------------------------------------------------------------------------
# The one allow-list of the method matrix: (model, method) -> (roles, reason).
# A role listed here may call the method, and its call must go through (the
# users rely on it: a refusal is a failure too); every other role must be
# refused and change nothing.
# ---------------------------------------------------------------------------
_OWN = "the Deadlines user works on their own deadline"
_MODEL_LEVEL = "model-level: shows the caller's own companies and records only"
ALLOW = {
    # lifecycle, renewal and views of the deadline, for its own salesperson
    ("expiry.deadline", "action_activate"): ((DEADLINE_USER,), _OWN),
    ("expiry.deadline", "action_close"): ((DEADLINE_USER,), _OWN),
    ("expiry.deadline", "action_close_ask_reason"): ((DEADLINE_USER,), _OWN + " (the close wizard)"),
    ("expiry.deadline.close", "action_confirm"): ((DEADLINE_USER,), _OWN + " (closes it with its reason)"),
    ("expiry.deadline", "action_cancel"): ((DEADLINE_USER,), _OWN),
    ("expiry.deadline", "action_draft"): ((DEADLINE_USER,), _OWN),
    ("expiry.deadline", "action_renew"): ((DEADLINE_USER,), _OWN + " (a quotation of the renewal)"),
    ("expiry.deadline", "action_view_sale_orders"): ((DEADLINE_USER,), _OWN),
    ("expiry.deadline", "action_view_terms"): ((DEADLINE_USER,), _OWN),
    ("expiry.deadline", "action_preview_portal"): ((DEADLINE_USER,), _OWN),
    ("expiry.deadline", "action_send_portal_renewal_link"): (
        (DEADLINE_USER,),
        _OWN + " (mails its customer)",
    ),
    # the customer's decisions in the portal (issue 18): its own portal user,
    # or the salesperson acting on the customer's word
    ("expiry.deadline", "portal_set_auto_renew"): ((PORTAL, DEADLINE_USER), "the customer's own deadline"),
    ("expiry.deadline", "portal_decline_renewal"): ((PORTAL, DEADLINE_USER), "the customer's own deadline"),
    ("expiry.deadline", "portal_set_payment_token"): ((PORTAL, DEADLINE_USER), "the customer's own deadline"),
    # timed e-mails of the user's own deadline
    ("expiry.reminder", "action_customize"): ((DEADLINE_USER,), _OWN),
    ("expiry.reminder", "action_reset_template"): ((DEADLINE_USER,), _OWN),
    ("expiry.reminder", "action_send_now"): ((DEADLINE_USER,), _OWN),
    ("expiry.reminder", "action_process_now"): ((DEADLINE_USER,), _OWN),
    ("expiry.reminder", "action_cancel"): ((DEADLINE_USER,), _OWN),
    ("expiry.reminder", "action_retry"): ((DEADLINE_USER,), _OWN),
    ("expiry.reminder.stage", "action_view_reminders"): ((DEADLINE_USER,), "Deadlines users see the ladder"),
    ("expiry.reminder.review", "action_open_reminders"): (
        (DEADLINE_USER,),
        "the salesperson's own day of e-mails",
    ),
    ("mail.activity", "action_open_document"): ((DEADLINE_USER,), "their own activity on their own deadline"),
    ("res.partner", "action_view_deadlines"): (
        (DEADLINE_USER, COMPANY_B),
        "a shared customer: the list shows the deadlines the caller may read (their companies)",
    ),
    ("sale.order", "action_view_deadlines"): ((DEADLINE_USER,), "the salesperson's own order"),
    ("expiry.deadline.period.report", "action_print"): ((DEADLINE_USER, COMPANY_B), "their own wizard"),
    # the import template of the Deadlines list (a link to a static file): who may create deadlines
    ("expiry.deadline", "get_import_templates"): ((DEADLINE_USER, COMPANY_B), "model-level: a static file"),
    # the dashboard (model-level, scoped to the caller's records and companies)
    ("expiry.dashboard", "get_dashboard_data"): ((DEADLINE_USER, COMPANY_B), _MODEL_LEVEL),
    ("expiry.dashboard", "action_open_counter"): ((DEADLINE_USER, COMPANY_B), _MODEL_LEVEL),
    ("expiry.dashboard", "action_open_chart"): ((DEADLINE_USER, COMPANY_B), _MODEL_LEVEL),
    ("expiry.dashboard", "action_done_activities"): ((DEADLINE_USER,), "the fixture is their own activity"),
    ("expiry.dashboard", "action_snooze_activities"): ((DEADLINE_USER,), "the fixture is their own activity"),
    ("expiry.dashboard", "action_open_collection"): ((COMPANY_B,), _MODEL_LEVEL + " (invoicing rights)"),
    ("expiry.collection.report", "get_portfolio_indicators"): ((COMPANY_B,), _MODEL_LEVEL + " (invoicing)"),
}
#: ORM methods our addons override (create, write, read, fields_get,
#: check_field_access_rights, init, ...): the ORM's own access checks (ACL,
#: record rules, field groups) guard them; not called. (res.config.settings'
#: get_values/set_values are no ORM methods: the ORM checks nothing for
#: get_values, so they are called like the others.)
ORM_REASON = "ORM override: the ORM's own access checks guard it"
ORM_METHODS = frozenset(name for name in dir(models.BaseModel) if not name.startswith("_"))


def _our_public_methods(env):
    """{(model, method): module} of every public callable our addons define
    or override, on every model of the registry."""
    found = {}
    for model_name in sorted(env.registry):
        if env[model_name]._abstract and set(env.registry.descendants([model_name], "_inherit")) - {
            model_name
        }:
            continue  # a mixin's methods are called on the models using it (expiry.ladder.step.mixin)
        cls = type(env[model_name])
        for klass in cls.__mro__:
            if not klass.__module__.startswith(OUR_PREFIX):
                continue
            for name, value in vars(klass).items():
                if name.startswith("_") or not callable(value) or isinstance(value, type):
                    continue
                found.setdefault((model_name, name), klass.__module__.split(".")[2])
    return found


def _public_methods_in_source(addon_dir):
    """{(class name, method)} of the public methods defined in the Python
    files of an addon (its models, wizards, reports), read from the source:
    for the addons that are not installed in the test database."""
    found = set()
    for path in sorted(addon_dir.glob("**/*.py")):
        if "tests" in path.relative_to(addon_dir).parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ClassDef):
                for item in node.body:
                    if isinstance(item, ast.FunctionDef) and not item.name.startswith("_"):
                        found.add((node.name, item.name))
    return found


def _required_params(func):
    params = list(inspect.signature(func).parameters.values())[1:]
    return [p.name for p in params if p.default is p.empty and p.kind is p.POSITIONAL_OR_KEYWORD]


@tagged("post_install", "-at_install")
class AccessMatrixCase(CollectionCase):
    """Company A (the collection data set's company, with a chart of
    accounts), customer X with a portal user, deadline D of X whose
    salesperson is S1 (Deadlines user, no invoicing), an overdue posted
    renewal invoice of D, its collection log, a payment plan, a timed e-mail,
    a sale order; company B with a user having every group."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.company_a = cls.company
        cls.company_b = cls._company("Matrix Company B")
        cls.s1 = cls.salesperson  # Deadlines user + own documents, no invoicing
        cls.users = {
            PORTAL: env["res.users"].create(
                {
                    "name": "Xavier Portal",
                    "login": "matrix_portal",
                    "email": "xavier@nordicfreight.example.com",
                    "partner_id": env["res.partner"]
                    .create({"name": "Xavier Portal", "parent_id": cls.customer.id})
                    .id,
                    "company_id": cls.company_a.id,
                    "company_ids": [Command.set(cls.company_a.ids)],
                    "groups_id": [Command.set(env.ref("base.group_portal").ids)],
                }
            ),
            PUBLIC: env.ref("base.public_user"),
            INTERNAL: new_test_user(
                env,
                login="matrix_internal",
                groups="base.group_user",
                company_id=cls.company_a.id,
                company_ids=[Command.set(cls.company_a.ids)],
            ),
            SALESMAN: new_test_user(
                env,
                login="matrix_salesman",
                groups="sales_team.group_sale_salesman",
                company_id=cls.company_a.id,
                company_ids=[Command.set(cls.company_a.ids)],
            ),
            DEADLINE_USER: cls.s1,
            COMPANY_B: new_test_user(
                env,
                login="matrix_company_b",
                groups="expiry_management.group_expiry_manager,account.group_account_manager,"
                "sales_team.group_sale_manager,base.group_partner_manager",
                company_id=cls.company_b.id,
                company_ids=[Command.set(cls.company_b.ids)],
            ),
        }
        # control: may do everything in company A (proves the fixtures reach
        # the methods' bodies, so that the roles' refusals are about rights)
        cls.control = new_test_user(
            env,
            login="matrix_control",
            groups="expiry_management.group_expiry_manager,account.group_account_manager,"
            "sales_team.group_sale_manager,base.group_partner_manager,base.group_system",
            company_id=cls.company_a.id,
            company_ids=[Command.set(cls.company_a.ids)],
        )
        cls._build_fixtures()

    @classmethod
    def _build_fixtures(cls):
        env = cls.env
        cls.deadline = cls._create_deadline(-20, description="Matrix deadline")
        cls.invoice = cls._invoice(cls.deadline, -40, amount=575.0)
        # configuration of company A (shared configuration, without company,
        # is every company's by design)
        cls.stage = env.ref("expiry_management.reminder_stage_30").copy(
            {"name": "Matrix stage A", "company_id": cls.company_a.id}
        )
        cls.step_a = cls.step_first.copy({"name": "Matrix step A", "company_id": cls.company_a.id})
        cls.origin_a = env["expiry.origin"].create(
            {"name": "Matrix origin A", "company_id": cls.company_a.id}
        )
        cls.bank_a = env["expiry.bank.institute"].create(
            {"name": "Matrix bank A", "company_id": cls.company_a.id}
        )
        cls.reminder = env["expiry.reminder"].create(
            {
                "company_id": cls.company_a.id,
                "deadline_id": cls.deadline.id,
                "stage_id": cls.stage.id,
                "date_expiry": cls.deadline.date_expiry,
                "date_due": cls.TODAY,
            }
        )
        cls.review = env["expiry.reminder.review"].create(
            {"user_id": cls.s1.id, "company_id": cls.company_a.id, "date": cls.TODAY, "reminder_count": 1}
        )
        cls.log = env["expiry.collection.log"].create(
            {
                "company_id": cls.company_a.id,
                "date_due": cls.TODAY,
                "move_id": cls.invoice.id,
                "deadline_id": cls.deadline.id,
                "step_id": cls.step_a.id,
                "channel": "email",
            }
        )
        cls.plan = env["expiry.collection.plan"].create(
            {
                "name": "Matrix plan",
                "deadline_id": cls.deadline.id,
                "currency_id": cls.company_a.currency_id.id,
                "move_ids": [Command.set(cls.invoice.ids)],
            }
        )
        env["expiry.collection.plan.line"].create(
            {"plan_id": cls.plan.id, "date_due": cls.TODAY + datetime.timedelta(days=10), "amount": 575.0}
        )
        # an automatic renewal's charge of the saved payment method, with its try
        method = env.ref("payment.payment_method_unknown")
        provider = env["payment.provider"].create(
            {
                "name": "Matrix provider A",
                "code": "none",
                "state": "test",
                "allow_tokenization": True,
                "company_id": cls.company_a.id,
                "payment_method_ids": [Command.set(method.ids)],
            }
        )
        method.write({"active": True, "support_tokenization": True})
        token = env["payment.token"].create(
            {
                "provider_id": provider.id,
                "payment_method_id": method.id,
                "partner_id": cls.customer.id,
                "payment_details": "4242",
                "provider_ref": "matrix",
            }
        )
        cls.charge = env["expiry.renewal.charge"].create(
            {"deadline_id": cls.deadline.id, "invoice_id": cls.invoice.id, "token_id": token.id}
        )
        cls.charge.with_company(cls.company_a)._create_transaction()
        cls.order = (
            env["sale.order"]
            .with_company(cls.company_a)
            .create(
                {
                    "partner_id": cls.customer.id,
                    "user_id": cls.s1.id,
                    "company_id": cls.company_a.id,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": cls.product.id,
                                "deadline_id": cls.deadline.id,
                                "product_uom_qty": 1,
                            }
                        )
                    ],
                }
            )
        )
        cls.term = env["expiry.deadline.term"].create(
            {
                "deadline_id": cls.deadline.id,
                "company_id": cls.company_a.id,
                "date_renewal": cls.TODAY - datetime.timedelta(days=400),
                "date_start": cls.deadline.date_start,
                "previous_date_expiry": cls.deadline.date_start,
                "date_expiry": cls.deadline.date_expiry,
            }
        )
        cls.blank_partner = env["res.partner"].create({"name": "Blank Customer"})

    # ------------------------------------------------------------------
    # Fixtures per model: (case, user) -> record (an empty recordset for
    # model-level methods). Wizards are created as the user calling them.
    # ------------------------------------------------------------------
    def _wizard(self, model, user, values):
        return self.env[model].with_user(user).sudo().create(values).sudo(False)

    def _factories(self):
        deadline = self.deadline
        return {
            "expiry.deadline": lambda user: deadline,
            "account.move": lambda user: self.invoice,
            "expiry.collection.log": lambda user: self.log,
            "expiry.collection.plan": lambda user: self.plan,
            "expiry.collection.step": lambda user: self.step_a,
            "expiry.collection.report": lambda user: self.env["expiry.collection.report"],
            "expiry.dashboard": lambda user: self.env["expiry.dashboard"],
            "expiry.reminder": lambda user: self.reminder,
            "expiry.reminder.review": lambda user: self.review,
            "mail.activity": lambda user: self._activity(self.s1),
            "expiry.reminder.stage": lambda user: self.stage,
            "res.partner": lambda user: self.customer,
            "sale.order": lambda user: self.order,
            "expiry.deadline.term": lambda user: self.term,
            "res.config.settings": lambda user: self._wizard("res.config.settings", user, {}),
            "expiry.deadline.close": lambda user: self._wizard(
                "expiry.deadline.close",
                user,
                {
                    "deadline_ids": [Command.set(deadline.ids)],
                    "lost_reason_id": self.env.ref("expiry_management.lost_reason_price").id,
                },
            ),
            "expiry.deadline.period.report": lambda user: self._wizard(
                "expiry.deadline.period.report",
                user,
                {"date_from": self.TODAY - datetime.timedelta(days=60), "date_to": self.TODAY},
            ),
            "expiry.collection.plan.wizard": lambda user: self._wizard(
                "expiry.collection.plan.wizard",
                user,
                {
                    "deadline_id": deadline.id,
                    "move_ids": [Command.set(self.invoice.ids)],
                    "count": 2,
                    "interval_months": 1,
                    "date_first": self.TODAY + datetime.timedelta(days=10),
                },
            ),
            "expiry.collection.hand.over": lambda user: self._wizard(
                "expiry.collection.hand.over", user, {"deadline_id": deadline.id, "agency_id": self.agency.id}
            ),
            "expiry.collection.write.off": lambda user: self._wizard(
                "expiry.collection.write.off", user, {"deadline_id": deadline.id, "reason": "Bankrupt"}
            ),
        }

    def _method_fixtures(self):
        """Fixtures of a method that needs its record in another state, so
        that the control user reaches its body."""

        def cancelled_deadline(user):
            return self._create_deadline(-20, state="cancelled", description="Matrix cancelled")

        def state(record, value, **extra):
            def factory(user):
                values = dict(extra, state=value)
                assignments = ", ".join(f'"{name}" = %s' for name in values)
                self.env.flush_all()
                self.env.cr.execute(
                    f'UPDATE "{record._table}" SET {assignments} WHERE id = %s',  # noqa: S608
                    [*values.values(), record.id],
                )
                self.env.invalidate_all()
                return record

            return factory

        def handed_over(user):
            self.env.flush_all()
            self.env.cr.execute(
                "UPDATE expiry_deadline SET collection_agency_id = %s, collection_handed_over_date = %s"
                " WHERE id = %s",
                [self.agency.id, self.TODAY, self.deadline.id],
            )
            self.env.invalidate_all()
            return self.deadline

        expired_deadline = state(self.deadline, "expired")
        # the portal's decisions (issue 18): a running term, before its notice date
        portal_today = self.env["expiry.deadline"]._company_today(self.company_a)
        automatic_deadline = state(
            self.deadline,
            "active",
            renewal_mode="automatic",
            auto_renew=True,
            notice_days=30,
            date_expiry=portal_today + datetime.timedelta(days=60),
            date_notice=portal_today + datetime.timedelta(days=30),
        )
        manual_deadline = state(
            self.deadline, "active", date_expiry=portal_today + datetime.timedelta(days=10)
        )
        failed_reminder = state(self.reminder, "failed", error="bounced")
        failed_log = state(self.log, "failed", error="bounced")
        active_plan = state(self.plan, "active")
        cancelled_plan = state(self.plan, "cancelled")

        return {
            ("expiry.deadline", "action_activate"): expired_deadline,
            ("expiry.deadline", "action_draft"): cancelled_deadline,
            ("expiry.deadline", "portal_set_auto_renew"): automatic_deadline,
            ("expiry.deadline", "portal_decline_renewal"): manual_deadline,
            ("expiry.deadline", "portal_set_payment_token"): automatic_deadline,
            ("expiry.deadline", "action_collection_take_back"): handed_over,
            ("expiry.reminder", "action_retry"): failed_reminder,
            ("expiry.collection.log", "action_retry"): failed_log,
            ("expiry.collection.plan", "action_cancel"): active_plan,
            ("expiry.collection.plan", "action_draft"): cancelled_plan,
        }

    def _activity(self, user):
        """A to-do of ``user`` on deadline D (their own activity: the
        dashboard must still refuse it when they may not write D)."""
        return self.env["mail.activity"].create(
            {
                "res_model_id": self.env["ir.model"]._get_id("expiry.deadline"),
                "res_id": self.deadline.id,
                "user_id": user.id,
                "summary": "Matrix call",
                "date_deadline": self.TODAY,
            }
        )

    def _args(self):
        """Arguments of the methods that take some: (model, method) -> (args, kwargs)."""
        today = self.TODAY
        chart_today = self.env["expiry.deadline"]._company_today()
        return {
            ("expiry.deadline", "action_collection_hand_over"): ((self.agency,), {}),
            ("expiry.deadline", "action_collection_write_off"): (("Bankrupt",), {}),
            ("expiry.dashboard", "action_open_chart"): (
                # a period of the chart as it shows today (the chart refuses any other)
                ("expiring", str(chart_today), str(chart_today + datetime.timedelta(30))),
                {},
            ),
            ("expiry.dashboard", "action_open_counter"): (("upcoming",), {}),
            ("expiry.deadline", "portal_set_auto_renew"): (
                (False, self.env.ref("expiry_management.lost_reason_price").id),
                {},
            ),
            ("expiry.deadline", "portal_decline_renewal"): (
                (self.env.ref("expiry_management.lost_reason_price").id,),
                {},
            ),
            # 0: no saved method (the customer's cards are tested in the portal's tests)
            ("expiry.deadline", "portal_set_payment_token"): ((0,), {}),
            ("expiry.dashboard", "action_done_activities"): lambda user: (([self._activity(user).id],), {}),
            ("expiry.dashboard", "action_snooze_activities"): lambda user: (([self._activity(user).id],), {}),
            ("expiry.collection.report", "get_portfolio_indicators"): (
                (str(today - datetime.timedelta(365)), str(today)),
                {},
            ),
        }

    # ------------------------------------------------------------------
    # One call, in a savepoint that is always rolled back
    # ------------------------------------------------------------------
    _COUNTED = ("mail_mail", "mail_message", "mail_activity", "ir_attachment", "sms_sms")

    def _snapshot(self, record):
        cr = self.env.cr
        self.env.flush_all()
        counts = []
        for table in self._COUNTED:
            cr.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - constant table names
            counts.append(cr.fetchone()[0])
        # the system parameters (settings) as one checksum
        cr.execute("SELECT md5(string_agg(key || '=' || value, ',' ORDER BY key)) FROM ir_config_parameter")
        rows = [("ir.config_parameter", cr.fetchone())]
        # the settings per company (res.company fields) as one checksum too
        cr.execute("SELECT md5(string_agg(c::text, ',' ORDER BY c.id)) FROM res_company AS c")
        rows.append(("res.company", cr.fetchone()))
        for rec in (record, self.deadline, self.invoice, self.customer):
            if rec and rec._auto and not rec._transient and len(rec) == 1:
                cr.execute(f'SELECT * FROM "{rec._table}" WHERE id = %s', [rec.id])  # noqa: S608
                rows.append((rec._name, cr.fetchone()))
        if record and record._auto and not record._transient and len(record) == 1:
            cr.execute(f'SELECT count(*) FROM "{record._table}"')  # noqa: S608
            counts.append(cr.fetchone()[0])
        return tuple(counts), rows

    def _call(self, model, method, user, factory, args):
        """'refused: <error>', 'done' (+ what changed) or 'crashed: <error>'."""
        with contextlib.closing(self.env.cr.savepoint()):
            record = factory(user)
            if callable(args):
                args = args(user)
            before = self._snapshot(record)
            target = record.with_user(user).with_context(
                allowed_company_ids=user.company_ids.ids or user.company_id.ids
            )
            try:
                with mute_logger("odoo.addons", "odoo.models", "odoo.sql_db", "odoo.http"):
                    getattr(target, method)(*args[0], **args[1])
                after = self._snapshot(record)
            except UserError as error:
                outcome = f"refused: {type(error).__name__}"
            except Exception as error:  # noqa: BLE001 - a crash is what we report
                outcome = f"crashed: {type(error).__name__}: {str(error)[:120]}"
            else:
                changed = []
                if after[0] != before[0]:
                    changed.append(
                        ", ".join(
                            f"{name} {b}->{a}"
                            for name, b, a in zip((*self._COUNTED, "rows"), before[0], after[0], strict=False)
                            if a != b
                        )
                    )
                changed += [name for (name, b), (_n, a) in zip(before[1], after[1], strict=False) if a != b]
                outcome = "done" + (f" (changed: {'; '.join(changed)})" if changed else " (changed nothing)")
            self.env.invalidate_all()
        self.env.invalidate_all()
        return outcome

    # ------------------------------------------------------------------
    # The method matrix
    # ------------------------------------------------------------------
    def test_method_matrix(self):
        methods = _our_public_methods(self.env)
        factories = self._factories()
        method_fixtures = self._method_fixtures()
        all_args = self._args()
        problems, failures, control_refused, rows = [], [], [], []
        for key in ALLOW:
            if key not in methods:
                problems.append(f"ALLOW names {key}, which is no public method of ours")
        orm_skipped = sorted(key for key in methods if key[1] in ORM_METHODS)
        called = sorted(key for key in methods if key[1] not in ORM_METHODS)
        cells = 0
        for model, method in called:
            if model not in factories:
                problems.append(f"no fixture (FACTORIES) for model {model} (method {method})")
                continue
            func = getattr(type(self.env[model]), method)
            args = all_args.get((model, method), ((), {}))
            if _required_params(func) and (model, method) not in all_args:
                problems.append(f"no ARGS for {model}.{method}{inspect.signature(func)}")
                continue
            factory = method_fixtures.get((model, method), factories[model])
            allowed_roles, _reason = ALLOW.get((model, method), ((), ""))
            control = self._call(model, method, self.control, factory, args)
            if not control.startswith("done"):
                control_refused.append(f"{model}.{method} as control: {control}")
            for role in ROLES:
                cells += 1
                outcome = self._call(model, method, self.users[role], factory, args)
                rows.append((model, method, role, outcome))
                if outcome.startswith("crashed"):
                    failures.append(f"{model}.{method} × {role}: {outcome}")
                elif role not in allowed_roles and not outcome.startswith("refused"):
                    failures.append(f"{model}.{method} × {role}: {outcome}")
                elif role in allowed_roles and not outcome.startswith("done"):
                    failures.append(f"{model}.{method} × {role} (allowed, relied on): {outcome}")
        allowed_cells = sum(1 for m, meth, role, _o in rows if role in ALLOW.get((m, meth), ((),))[0])
        summary = (
            f"method matrix: {len(called)} methods × {len(ROLES)} roles = {cells} calls "
            f"({allowed_cells} allowed by ALLOW, {len(failures)} failing); "
            f"{len(orm_skipped)} ORM overrides not called ({ORM_REASON}): "
            f"{', '.join(f'{m}.{n}' for m, n in orm_skipped)}"
        )
        print(summary)  # noqa: T201 - the closing note quotes it
        for line in control_refused:
            print("control:", line)  # noqa: T201
        for line in failures:
            print("FAIL", line)  # noqa: T201
        self.assertFalse(problems + control_refused, "\n".join(problems + control_refused))
        self.assertEqual(cells, len(called) * len(ROLES))
        self.assertFalse(failures, summary + "\n" + "\n".join(failures))

    def test_every_addon_is_covered(self):
        """Our addons not installed here (the optional ones, tested on a
        database of their own) define no public method: the matrix would
        not call it."""
        installed = set(
            self.env["ir.module.module"]
            .search([("name", "=like", "expiry_management%"), ("state", "=", "installed")])
            .mapped("name")
        )
        for manifest in sorted(ROOT.glob("expiry_management*/__manifest__.py")):
            addon = manifest.parent
            if addon.name in installed:
                continue
            methods = {
                (klass, name) for klass, name in _public_methods_in_source(addon) if name not in ORM_METHODS
            }
            self.assertFalse(
                methods,
                f"{addon.name} is not installed with the others but defines public methods the access "
                f"matrix cannot call: install it in the test database or give it a matrix: {sorted(methods)}",
            )

    # ------------------------------------------------------------------
    # The field matrix
    # ------------------------------------------------------------------
    def _field_records(self):
        """A record of company A (or shared) per model that has our fields."""
        env = self.env
        return {
            "expiry.deadline": self.deadline,
            "account.move": self.invoice,
            "res.partner": self.customer,
            "sale.order": self.order,
            "sale.order.line": self.order.order_line[:1],
            "expiry.deadline.term": self.term,
            "expiry.reminder": self.reminder,
            "expiry.reminder.review": self.review,
            "expiry.reminder.stage": self.stage,
            "expiry.collection.log": self.log,
            "expiry.collection.plan": self.plan,
            "expiry.collection.plan.line": self.plan.line_ids[:1],
            "expiry.collection.step": self.step_a,
            "expiry.collection.reason": env["expiry.collection.reason"].search([], limit=1),
            "expiry.collection.report": env["expiry.collection.report"].search(
                [("move_id", "=", self.invoice.id)], limit=1
            ),
            "expiry.renewal.report": env["expiry.renewal.report"].search(
                [("deadline_id", "=", self.deadline.id)], limit=1
            ),
            "expiry.retention.report": env["expiry.retention.report"].search(
                [("deadline_id", "=", self.deadline.id)], limit=1
            ),
            "expiry.origin": self.origin_a,
            "expiry.bank.institute": self.bank_a,
            "expiry.lost.reason": env.ref("expiry_management.lost_reason_price"),
            "expiry.renewal.charge": self.charge,
            "payment.transaction": self.charge.transaction_ids,
            "crm.team": env["crm.team"].search([("company_id", "in", (False, self.company_a.id))], limit=1),
            "res.company": self.company_a,
            "product.template": self.product.product_tmpl_id,
            "mail.activity.type": env["mail.activity.type"].search(
                [("expiry_is_callback", "=", True)], limit=1
            ),
            # wizards: the values each role creates its own with (RPC)
            "expiry.deadline.close": lambda: {
                "deadline_ids": [Command.set(self.deadline.ids)],
                "lost_reason_id": env.ref("expiry_management.lost_reason_price").id,
            },
            "expiry.deadline.period.report": lambda: {
                "date_from": self.TODAY - datetime.timedelta(days=60),
                "date_to": self.TODAY,
                "user_id": self.s1.id,
            },
            "expiry.collection.plan.wizard": lambda: {
                "deadline_id": self.deadline.id,
                "move_ids": [Command.set(self.invoice.ids)],
                "count": 2,
                "interval_months": 1,
                "date_first": self.TODAY + datetime.timedelta(days=10),
            },
            "expiry.collection.hand.over": lambda: {
                "deadline_id": self.deadline.id,
                "agency_id": self.agency.id,
            },
            "expiry.collection.write.off": lambda: {"deadline_id": self.deadline.id, "reason": "Bankrupt"},
            "res.config.settings": None,
        }

    def _blank_records(self):
        """Shared records (no company) holding nothing: what company B must
        read on company A's shared records."""
        return {"res.partner": self.blank_partner}

    def test_field_matrix(self):
        env = self.env
        records = self._field_records()
        blanks = self._blank_records()
        fields_by_model = {}
        for model_name in sorted(env.registry):
            model = env[model_name]
            if model._abstract:
                continue
            ours = [
                f for f in model._fields.values() if f._module and f._module.startswith("expiry_management")
            ]
            if ours:
                fields_by_model[model_name] = ours
        missing = sorted(set(fields_by_model) - set(records))
        self.assertFalse(missing, f"no record for the field matrix (_field_records) of {missing}")
        failures, cells, skipped = [], 0, []
        for model_name, model_fields in fields_by_model.items():
            record = records[model_name]
            if record is None:
                # settings: Administration only (res.config.settings' ACL)
                skipped.append(model_name)
                continue
            portal_fields = PORTAL_READABLE.get(model_name)
            if portal_fields is None and hasattr(env[model_name], "_get_portal_readable_fields"):
                portal_fields = env[model_name]._get_portal_readable_fields()
            for role in ROLES:
                user = self.users[role]
                cells += len(model_fields)
                with contextlib.closing(env.cr.savepoint()):
                    if callable(record):
                        # a wizard: the user's own, created by them (RPC) on
                        # company A's records; its computed fields are A's data
                        try:
                            with mute_logger("odoo.models"):
                                role_record = (
                                    env[model_name]
                                    .with_user(user)
                                    .with_context(allowed_company_ids=user.company_ids.ids)
                                    .create(record())
                                )
                        except (AccessError, UserError):
                            continue
                        company_fields = {
                            f.name for f in model_fields if f.compute and f.name != "display_name"
                        }
                    else:
                        self.assertTrue(record, f"the field matrix found no record of {model_name}")
                        role_record = record
                        # company A's data: a record of company A, company A
                        # itself, or a shared record (customer) whose figures
                        # are computed per company
                        company_bound = (
                            model_name in blanks
                            or model_name == "res.company"
                            or ("company_id" in record._fields and record.sudo().company_id == self.company_a)
                        )
                        company_fields = {f.name for f in model_fields} if company_bound else set()
                    failures += self._field_cells(
                        role, role_record, model_fields, company_fields, portal_fields, blanks.get(model_name)
                    )
                env.invalidate_all()
        total_fields = sum(len(f) for f in fields_by_model.values())
        summary = (
            f"field matrix: {total_fields} fields on {len(fields_by_model)} models × {len(ROLES)} roles; "
            f"{cells} cells read and searched ({len(failures)} failing); not read (settings: "
            f"Administration only): {skipped}"
        )
        print(summary)  # noqa: T201
        for line in failures:
            print("FAIL", line)  # noqa: T201
        self.assertFalse(failures, summary + "\n" + "\n".join(failures))

    def _field_cells(self, role, record, model_fields, company_fields, portal_fields, blank_record):
        """Failures of ``role`` reading and searching ``model_fields`` of ``record``."""
        model_name = record._name
        user = self.users[role]
        self.env.invalidate_all()
        real = {f.name: self._value(record.sudo(), f) for f in model_fields}
        blank = {f.name: self._value(blank_record.sudo(), f) for f in model_fields} if blank_record else {}
        self.env.invalidate_all()
        target = record.with_user(user).with_context(allowed_company_ids=user.company_ids.ids)
        failures = []
        for field in model_fields:
            reasons = []
            if role == COMPANY_B and field.name in company_fields:
                reasons.append("another company's data")
            # the portal addon's allow-list may show a customer their own figures
            own_figure = role == PORTAL and field.name in (portal_fields or ())
            if role not in INVOICING_ROLES and is_money(model_name, field) and not own_figure:
                reasons.append("money without invoicing rights")
            if role in (PORTAL, PUBLIC) and field.name not in (portal_fields or ()):
                reasons.append("internal field on the portal")
            if not reasons or self._is_blank(real[field.name], field):
                continue
            outcome = self._read_cell(target, field)
            if (
                outcome is not AccessError
                and not self._is_blank(outcome, field)
                and outcome != blank.get(field.name)
            ):
                failures.append(
                    f"read {model_name}.{field.name} × {role} ({', '.join(reasons)}): {outcome!r}"[:220]
                )
            if self._search_cell(target, field, real[field.name]):
                failures.append(
                    f"search {model_name}.{field.name} × {role} ({', '.join(reasons)}): finds the record"
                )
        return failures

    @staticmethod
    def _value(record, field):
        value = record[field.name]
        if isinstance(value, models.BaseModel):
            return value.ids
        return value

    @staticmethod
    def _is_blank(value, field):
        return value in (False, None, 0, 0.0, "", []) or (isinstance(value, tuple | list) and not value)

    def _read_cell(self, target, field):
        """The value the user reads, or AccessError."""
        try:
            with mute_logger("odoo.models", "odoo.addons.base.models.ir_rule"):
                value = target.read([field.name])[0][field.name]
        except (AccessError, UserError):
            return AccessError
        finally:
            target.env.invalidate_all()
        if isinstance(value, tuple):  # many2one: (id, name)
            return [value[0]]
        return value

    def _search_cell(self, target, field, real_value):
        """Does a search on the field's real value find the record?"""
        # x2many: the ORM translates them into a subquery on the comodel (its
        # own access rules); what they link to is read in the read cell
        if not field._description_searchable or field.type in (
            "html",
            "text",
            "binary",
            "properties",
            "one2many",
            "many2many",
        ):
            return False
        if isinstance(real_value, list):
            domain = [(field.name, "in", real_value)]
        else:
            domain = [(field.name, "=", real_value)]
        try:
            with mute_logger("odoo.models", "odoo.addons.base.models.ir_rule", "odoo.osv.expression"):
                found = target.env[target._name].search(domain + [("id", "=", target.id)])
        except (AccessError, UserError, ValueError):
            return False
        finally:
            target.env.invalidate_all()
        return bool(found)


#: "Money" (one definition): what customers owe or paid, i.e. receivables:
#: every monetary field, except the sales figures below (the value of
#: deadlines and renewals, which every Deadlines user sees), plus the
#: collection figures that are not monetary (invoices behind a deadline,
#: days overdue, aging, collection state, unpaid flags).
SALES_FIGURES = {
    ("expiry.deadline", "amount"),
    ("expiry.renewal.report", "amount"),
    ("expiry.renewal.report", "at_risk_amount"),
    ("res.partner", "deadline_active_amount"),
    ("res.partner", "deadline_closed_amount"),
}
#: (The deadline's collection_state and aging_bucket are not money: they
#: tell the salesperson that their customer is in collection, without any
#: amount or invoice, so that nobody pushes a renewal on a customer in
#: follow-up; the portal shows the state too. Company B never reads them.)
COLLECTION_FIGURES = {
    ("expiry.deadline", "renewal_invoice_ids"),
    ("expiry.deadline", "renewal_unpaid"),
    ("expiry.deadline", "collection_move_ids"),
    ("expiry.deadline", "collection_invoice_ids"),
    ("expiry.deadline", "days_overdue"),
    ("expiry.deadline", "collection_written_off_date"),
    ("expiry.deadline", "collection_write_off_reason"),
    ("res.partner", "expiry_days_overdue"),
    ("res.partner", "expiry_collection_state"),
    ("account.move", "expiry_days_overdue"),
    ("expiry.collection.report", "days_overdue"),
    ("expiry.collection.report", "aging_bucket"),
    ("expiry.collection.report", "is_overdue"),
    ("expiry.collection.report", "overdue_count"),
}


def is_money(model_name, field):
    key = (model_name, field.name)
    return key in COLLECTION_FIGURES or (field.type == "monetary" and key not in SALES_FIGURES)


#: fields a portal user may read on the records of their own customer, for
#: models without their own allow-list (``_get_portal_readable_fields``)
PORTAL_READABLE = {
    "res.partner": frozenset(),
    "sale.order": frozenset(),
    "sale.order.line": frozenset(),
    "account.move": frozenset(),
    # public facts of the product sold in the shop (the renewal period)
    "product.template": frozenset({"expiry_duration", "expiry_duration_unit", "expiry_renewable"}),
}
