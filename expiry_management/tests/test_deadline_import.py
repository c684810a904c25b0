# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import datetime
import io

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import freeze_time, new_test_user, tagged
from odoo.tools import mute_logger
from odoo.tools.misc import file_open

from .common import ReminderCase

try:
    import openpyxl
except ImportError:  # pragma: no cover - a dependency of Odoo 18 (base_import)
    openpyxl = None

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TEMPLATE = "expiry_management/static/xls/expiry_deadline_import_template.xlsx"
#: each column of the template and the field Odoo's import maps it to
TEMPLATE_FIELDS = {
    "Customer": "partner_id",
    "Product or Service": "product_id",
    "Description": "description",
    "Origin": "origin_id",
    "Bank Institute": "bank_institute_id",
    "Quantity": "quantity",
    "Unit Price": "price_unit",
    "Start Date": "date_start",
    "Expiry Date": "date_expiry",
    "Salesperson": "user_id",
    "Notes": "notes",
}
IMPORT_OPTIONS = {
    "import_skip_records": [],
    "import_set_empty_fields": [],
    "fallback_values": {},
    "name_create_enabled_fields": {},
    "encoding": "",
    "separator": "",
    "quoting": '"',
    "date_format": "",
    "datetime_format": "",
    "float_thousand_separator": ",",
    "float_decimal_separator": ".",
    "advanced": True,
    "has_headers": True,
    "keep_matches": False,
    "limit": 2000,
    "skip": 0,
    "tracking_disable": True,
}


@tagged("post_install", "-at_install")
class TestDeadlineImport(ReminderCase):
    """The shipped XLSX template through Odoo's own import (base_import), in
    the company of the ladder's tests, then the next daily pass."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if openpyxl is None:  # pragma: no cover
            raise ImportError("openpyxl (a requirement of Odoo 18) is needed")
        env = cls.env
        companies = [Command.set(cls.company.ids)]
        cls.importer = new_test_user(
            env,
            login="expiry_importer",
            groups="base.group_user,base.group_partner_manager,expiry_management.group_expiry_manager",
            company_id=cls.company.id,
            company_ids=companies,
            tz="UTC",
        )
        cls.fleet = cls._make_product("Fleet policy", 1, "year", 1000.0)
        cls.fleet.default_code = "FLEET-POL"
        cls.licence = cls._make_product("Standard licence", 1, "year", 40.0)
        cls.licence.default_code = "LIC-STD"
        Partner = env["res.partner"]
        cls.by_vat = Partner.create({"name": "Svea Logistik AB", "vat": "SE556677889901", "is_company": True})
        cls.by_ref = Partner.create({"name": "Carl Carrier", "ref": "C-1042", "is_company": True})
        cls.by_name = Partner.create(
            {"name": "Baltic Haulage OU", "email": "office@baltic.example", "is_company": True}
        )
        cls.bank = env["expiry.bank.institute"].create({"name": "Nordbank", "company_id": cls.company.id})
        # a shared origin of the demo data (created when installed without it)
        cls.website = env["expiry.origin"].search(
            [("name", "=", "Website"), ("company_id", "=", False)], limit=1
        )
        cls.website = cls.website or env["expiry.origin"].create({"name": "Website"})

    # ------------------------------------------------------------------
    # helpers
    # ------------------------------------------------------------------
    def _template_book(self):
        with file_open(TEMPLATE, "rb") as file:
            return openpyxl.load_workbook(io.BytesIO(file.read()))

    def _file(self, extra_rows=(), keep_examples=True):
        """The shipped template (its examples unless ``keep_examples`` is
        False) with ``extra_rows`` (lists in the template's column order)."""
        book = self._template_book()
        sheet = book.worksheets[0]
        if not keep_examples:
            sheet.delete_rows(2, sheet.max_row)
        for row in extra_rows:
            sheet.append(list(row))
        content = io.BytesIO()
        book.save(content)
        return content.getvalue()

    def _import(self, content, user=None, dryrun=False):
        wizard = (
            self.env["base_import.import"]
            .with_user(user or self.importer)
            .with_context(allowed_company_ids=self.company.ids)
            .create({"res_model": "expiry.deadline", "file": content, "file_type": XLSX})
        )
        preview = wizard.parse_preview({"has_headers": True})
        self.assertFalse(preview.get("error"), preview.get("error"))
        headers = preview["headers"]
        fields = ["/".join(preview["matches"].get(index) or []) or False for index in range(len(headers))]
        return wizard.execute_import(fields, headers, dict(IMPORT_OPTIONS), dryrun=dryrun)

    def _row(self, customer, product, description, start, expiry, **values):
        today = self.Deadline._company_today(self.company)
        return [
            customer,
            product,
            description,
            values.get("origin", ""),
            values.get("bank", ""),
            values.get("quantity", 1),
            values.get("price", 100.0),
            today + datetime.timedelta(days=start) if isinstance(start, int) else start,
            today + datetime.timedelta(days=expiry) if isinstance(expiry, int) else expiry,
            values.get("user", ""),
            values.get("notes", ""),
        ]

    def _imported(self):
        return self.Deadline.search([("company_id", "=", self.company.id)])

    # ------------------------------------------------------------------
    # tests
    # ------------------------------------------------------------------
    def test_the_deadlines_list_offers_the_template(self):
        templates = self.Deadline.with_user(self.salesperson).get_import_templates()
        self.assertEqual([t["template"] for t in templates], ["/" + TEMPLATE])
        with file_open(TEMPLATE, "rb") as file:
            self.assertTrue(file.read().startswith(b"PK"), "an XLSX file")

    def test_employees_without_deadline_rights_get_no_template(self):
        employee = new_test_user(self.env, login="import_employee", groups="base.group_user")
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            self.Deadline.with_user(employee).get_import_templates()

    def test_every_column_of_the_template_maps_to_its_field(self):
        wizard = (
            self.env["base_import.import"]
            .with_user(self.importer)
            .create({"res_model": "expiry.deadline", "file": self._file(), "file_type": XLSX})
        )
        preview = wizard.parse_preview({"has_headers": True})
        mapping = {preview["headers"][index]: "/".join(path) for index, path in preview["matches"].items()}
        self.assertEqual(mapping, TEMPLATE_FIELDS)

    def test_the_shipped_template_imports_as_it_is(self):
        result = self._import(self._file())
        self.assertFalse(result["messages"])
        deadlines = self.Deadline.browse(result["ids"])
        self.assertEqual(len(deadlines), 3)
        first, by_vat, by_ref = deadlines
        # customer by name (created: none exists), by VAT and by reference
        self.assertEqual(first.partner_id.name, "Nordic Freight AB")
        self.assertEqual(by_vat.partner_id, self.by_vat)
        self.assertEqual(by_ref.partner_id, self.by_ref)
        # product by internal reference
        self.assertEqual(deadlines.product_id, self.fleet | self.licence)
        self.assertEqual(by_vat.product_id, self.licence)
        # origin created once for two rows; the bank institute found by name
        self.assertEqual(first.origin_id, by_ref.origin_id)
        self.assertEqual(first.origin_id.name, "Agency North")
        self.assertEqual((first | by_ref).bank_institute_id, self.bank)
        self.assertEqual(by_vat.origin_id, self.website)
        self.assertEqual(
            (first.quantity, first.price_unit, first.amount, first.description),
            (1.0, 1200.0, 1200.0, "Policy 2025-0001"),
        )
        self.assertEqual(by_vat.amount, 400.0)
        self.assertEqual(
            (first.date_start, first.date_expiry), (datetime.date(2025, 7, 1), datetime.date(2026, 6, 30))
        )
        self.assertEqual(set(deadlines.mapped("state")), {"draft"})
        self.assertEqual(set(deadlines.company_id), {self.company})
        self.assertIn("Fleet of 12 trucks", first.notes)

    def test_bad_rows_are_each_reported_and_nothing_is_imported(self):
        before = self._imported()
        content = self._file(
            [
                self._row(self.by_name.name, "FLEET-POL", "good", -10, 300),
                self._row(self.by_name.name, "NO-SUCH-PRODUCT", "unknown product", -10, 300),
                self._row(self.by_name.name, "FLEET-POL", "bad date", -10, "2026-02-31"),
                self._row(self.by_name.name, "FLEET-POL", "not a date", "next spring", 300),
            ]
        )
        # Odoo's import tries the rows in SQL and logs the rows PostgreSQL refuses
        with mute_logger("odoo.sql_db"):
            result = self._import(content)
        self.assertFalse(result.get("ids"))
        self.assertEqual(self._imported(), before, "nothing imported while the file has errors")
        errors = {}
        for message in result["messages"]:
            errors.setdefault((message["record"], message.get("field")), []).append(message["message"])
        # rows counted from 0 after the header: the 3 examples, then ours
        self.assertEqual(set(errors), {(4, "product_id"), (5, "date_expiry"), (6, "date_start")})
        self.assertEqual(
            errors[4, "product_id"],
            ["No matching record found for name 'NO-SUCH-PRODUCT' in field 'Product or Service'"],
        )
        self.assertIn(
            "'2026-02-31' does not seem to be a valid date for field 'Expiry Date'", errors[5, "date_expiry"]
        )
        self.assertEqual(
            errors[6, "date_start"], ["'next spring' does not seem to be a valid date for field 'Start Date'"]
        )

    def test_customers_and_origins_need_the_rights_to_create_them(self):
        # the salesperson (Deadlines user) may create neither a customer nor an origin
        content = self._file(
            [self._row("Unknown Customer Ltd", "FLEET-POL", "x", -10, 300, origin="Unknown fair")],
            keep_examples=False,
        )
        with mute_logger("odoo.sql_db"):
            result = self._import(content, user=self.salesperson)
        self.assertFalse(result.get("ids"))
        fields = {message.get("field") for message in result["messages"]}
        self.assertEqual(fields, {"partner_id", "origin_id"})
        self.assertFalse(self.env["res.partner"].search([("name", "=", "Unknown Customer Ltd")]))

    def test_the_next_pass_prepares_the_ladder_without_stale_mails(self):
        rows = [
            # started, the 30-day e-mail due today: it goes out
            self._row(self.by_name.name, "FLEET-POL", "due today", -335, 30),
            # started, the 30-day e-mail was due 10 days ago, the 7-day one is 13 days away: nothing yet
            self._row(self.by_name.name, "FLEET-POL", "between stages", -345, 20),
            # the 7-day e-mail was due 4 days ago (beyond the catch-up tolerance): not sent late
            self._row(self.by_name.name, "FLEET-POL", "just missed", -362, 3),
            # expired two months ago: expired, no expiry notice two months late
            self._row(self.by_name.name, "FLEET-POL", "long expired", -425, -60),
            # starts in ten days: stays a draft
            self._row(self.by_name.name, "FLEET-POL", "future", 10, 375),
        ]
        result = self._import(self._file(rows, keep_examples=False))
        self.assertFalse(result["messages"])
        due_today, between, missed, expired, future = self.Deadline.browse(result["ids"])
        self.assertEqual(set(self.Deadline.browse(result["ids"]).mapped("state")), {"draft"})
        self._run()
        self.assertEqual(
            [d.state for d in (due_today, between, missed, expired, future)],
            ["active", "active", "active", "expired", "draft"],
        )
        self.assertEqual(self._sent(due_today), self.stage_30)
        for deadline in (between, missed, expired, future):
            self.assertFalse(self._sent(deadline), deadline.description)
        # nothing stale was even prepared: the rows of the ladder are today's and the coming week's
        reminders = (due_today | between | missed | expired | future).reminder_ids
        self.assertEqual(reminders.deadline_id, due_today)
        # a second pass sends nothing more
        self._run()
        self.assertEqual(len(due_today.reminder_ids.filtered(lambda r: r.state == "sent")), 1)
        self.assertFalse((between | missed | expired | future).reminder_ids)

    def test_a_new_customer_on_several_rows_is_created_once(self):
        rows = [
            self._row("Gotland Ferries AB", "FLEET-POL", f"policy {number}", -10, 300, origin="Harbour desk")
            for number in range(3)
        ] + [
            self._row("Gotland Ferries AB", "NO-SUCH-PRODUCT", f"bad {number}", -10, 300)
            for number in range(2)
        ]
        result = self._import(self._file(rows, keep_examples=False))
        # an unknown value fails on each of its rows
        self.assertEqual(
            sorted((message["record"], message["field"]) for message in result["messages"]),
            [(3, "product_id"), (4, "product_id")],
        )
        result = self._import(self._file(rows[:3], keep_examples=False))
        self.assertFalse(result["messages"])
        deadlines = self.Deadline.browse(result["ids"])
        self.assertEqual(len(deadlines), 3)
        self.assertEqual(len(deadlines.partner_id), 1)
        self.assertEqual(self.env["res.partner"].search_count([("name", "=", "Gotland Ferries AB")]), 1)
        self.assertEqual(len(deadlines.origin_id), 1)

    def test_imported_deadlines_send_nothing_due_before_the_import(self):
        """Inside the catch-up tolerance too: a row due yesterday is not sent
        late for a deadline imported today; the coming stages are scheduled."""
        today = self.Deadline._company_today(self.company)
        rows = [
            # the 7-day e-mail was due yesterday (inside the 3 days of catch-up)
            self._row(self.by_name.name, "FLEET-POL", "7 days due yesterday", -359, 6),
            # the 30-day e-mail was due two days ago, the 7-day one is 21 days away
            self._row(self.by_name.name, "FLEET-POL", "30 days due 2 days ago", -337, 28),
            # the 30-day e-mail is due in two days: scheduled (upcoming window of 7 days)
            self._row(self.by_name.name, "FLEET-POL", "30 days due in 2 days", -333, 32),
        ]
        result = self._import(self._file(rows, keep_examples=False))
        self.assertFalse(result["messages"])
        yesterday, two_days_ago, coming = deadlines = self.Deadline.browse(result["ids"])
        self.assertEqual(set(deadlines.mapped("date_ladder_start")), {today})
        self._run()
        self.assertFalse(self._mails(deadlines), "nothing whose day passed before the import is sent")
        self.assertFalse((yesterday | two_days_ago).reminder_ids, "nor even prepared")
        self.assertEqual(coming.reminder_ids.stage_id, self.stage_30)
        self.assertEqual(coming.reminder_ids.state, "scheduled")
        self.assertEqual(coming.reminder_ids.date_due, today + datetime.timedelta(days=2))
        # the next days: the coming stages go out on their day, the passed ones never
        with freeze_time(f"{today + datetime.timedelta(days=2)} 03:00:00"):
            self._run()
        self.assertEqual(self._sent(coming), self.stage_30)
        self.assertFalse(self._mails(yesterday | two_days_ago))
        with freeze_time(f"{today + datetime.timedelta(days=21)} 03:00:00"):
            self._run()
        self.assertEqual(self._sent(two_days_ago), self.stage_7, "its next stage, on its day")

    def test_a_reimport_moves_the_ladder_start_to_the_import_day(self):
        deadline = self._create_deadline(40, date_ladder_start=datetime.date(2020, 1, 1))
        today = self.Deadline._company_today(self.company)
        # an update through Odoo's import (a column of database ids)
        result = (
            self.Deadline.with_user(self.importer)
            .with_context(allowed_company_ids=self.company.ids)
            .load([".id", "date_expiry"], [[str(deadline.id), str(today + datetime.timedelta(days=6))]])
        )
        self.assertFalse(result["messages"], result["messages"])
        self.assertEqual(deadline.date_ladder_start, today)
        self._run()
        self.assertFalse(deadline.reminder_ids, "the 7-day e-mail due yesterday is not sent late")

    def test_an_update_that_keeps_the_expiry_keeps_the_ladder(self):
        """Issue 19 review (L3): a price fixed by an import does not restart
        the ladder: the 7-day e-mail due yesterday (inside the catch-up
        tolerance) still goes out."""
        deadline = self._create_deadline(6, date_ladder_start=datetime.date(2020, 1, 1))
        result = (
            self.Deadline.with_user(self.importer)
            .with_context(allowed_company_ids=self.company.ids)
            .load(
                [".id", "price_unit", "date_expiry"], [[str(deadline.id), "123.0", str(deadline.date_expiry)]]
            )
        )
        self.assertFalse(result["messages"], result["messages"])
        self.assertEqual(deadline.price_unit, 123.0)
        self.assertEqual(deadline.date_ladder_start, datetime.date(2020, 1, 1))
        self._run()
        self.assertEqual(self._sent(deadline), self.stage_7, "the e-mail still due is sent")

    def test_the_ladder_start_is_the_modules(self):
        """Users do not move a ladder's start by hand (RPC): only the module
        does (a new deadline, an import that moves the expiry)."""
        deadline = self._create_deadline(40)
        with self.assertRaisesRegex(UserError, "Ladder"):
            deadline.with_user(self.importer).write({"date_ladder_start": datetime.date(2020, 1, 1)})
        with mute_logger("odoo.models"):
            result = (
                self.Deadline.with_user(self.importer)
                .with_context(allowed_company_ids=self.company.ids)
                .load([".id", "date_ladder_start"], [[str(deadline.id), "2020-01-01"]])
            )
        self.assertIn("Ladder", str(result["messages"]))
        self.assertNotEqual(deadline.date_ladder_start, datetime.date(2020, 1, 1))
        deadline.sudo().write({"date_ladder_start": datetime.date(2020, 1, 1)})
        self.assertEqual(deadline.date_ladder_start, datetime.date(2020, 1, 1))

    def test_a_deadline_created_by_hand_sends_nothing_due_before_its_creation(self):
        # a catch-up tolerance of a month: the rule is the creation day, not the tolerance
        self.company.expiry_reminder_catchup_days = 30
        today = self.Deadline._company_today(self.company)
        deadline = self.Deadline.with_user(self.salesperson).create(
            {
                "partner_id": self.customer.id,
                "product_id": self.product.id,
                "company_id": self.company.id,
                "date_start": today - datetime.timedelta(days=355),
                "date_expiry": today + datetime.timedelta(days=10),
                "state": "active",
            }
        )
        self.assertEqual(deadline.date_ladder_start, today)
        # a deadline entered long ago (same dates) gets its 30-day e-mail late, inside the tolerance
        older = self._create_deadline(10, date_ladder_start=today - datetime.timedelta(days=60))
        self._run()
        self.assertFalse(self._mails(deadline), "no '30 days before' e-mail 10 days before expiry")
        self.assertEqual(deadline.reminder_ids.stage_id, self.stage_7, "the 7-day e-mail is scheduled")
        self.assertEqual(deadline.reminder_ids.state, "scheduled")
        self.assertEqual(self._sent(older), self.stage_30)
