# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
import shutil
import subprocess
from urllib.parse import urlencode

from odoo.exceptions import UserError, ValidationError
from odoo.tests import HttpCase, TransactionCase, freeze_time, tagged
from odoo.tools import mute_logger

from .common import ExpiryDashboardTestMixin


def pdf_to_text(pdf):
    """Text of a PDF, through poppler's pdftotext (installed by setup/test)."""
    result = subprocess.run(
        [shutil.which("pdftotext") or "pdftotext", "-layout", "-", "-"],
        input=pdf,
        capture_output=True,
        check=True,
        timeout=60,
    )
    return result.stdout.decode()


@tagged("post_install", "-at_install")
@freeze_time(ExpiryDashboardTestMixin.TODAY)
class TestDeadlineReports(ExpiryDashboardTestMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_dashboard_data()
        cls.policy = cls._create_deadline(5, description="Policy Pdf0001", price_unit=480.0)
        cls.licence = cls._create_deadline(20, description="Licence Pdf0002", price_unit=90.0)
        cls.later = cls._create_deadline(60, description="Plan Pdf0003", price_unit=10.0)
        cls.other = cls._create_deadline(
            6,
            description="Other customer Pdf0004",
            partner_id=cls.env["res.partner"].create({"name": "Other Customer"}).id,
        )
        # wkhtmltopdf fetches the report's styles from this address: under
        # odoo-bin --test-enable the server answering it would wait for this
        # test's transaction. A closed port: refused at once, the PDF renders.
        cls.env["ir.config_parameter"].sudo().set_param("report.url", "http://127.0.0.1:9")

    def _render(self, report_ref, res_ids=None, data=None, user=None):
        """Render a real PDF: in test mode Odoo renders HTML unless
        ``force_report_rendering`` is in the context."""
        report = (
            self.env["ir.actions.report"]
            .with_user(user or self.user)
            .with_context(force_report_rendering=True, allowed_company_ids=self.company.ids, tz="UTC")
        )
        content, content_type = report._render_qweb_pdf(report_ref, res_ids=res_ids, data=data)
        self.assertEqual(content_type, "pdf")
        self.assertTrue(content.startswith(b"%PDF"))
        return pdf_to_text(content)

    def test_customer_deadlines_pdf_lists_the_customer_deadlines(self):
        text = self._render("expiry_management.action_report_partner_deadlines", self.partner.ids)
        self.assertIn("Deadlines of Ada Customer", text)
        self.assertIn("$ 480.00", text)
        for deadline in self.policy | self.licence | self.later:
            self.assertIn(deadline.name, text)
        self.assertIn("Pdf0001", text)
        self.assertNotIn("Pdf0004", text)

    def test_period_pdf_lists_deadlines_expiring_in_the_period(self):
        wizard = (
            self.env["expiry.deadline.period.report"]
            .with_user(self.user)
            .create({"date_from": "2026-03-16", "date_to": "2026-04-10"})
        )
        action = wizard.action_print()
        self.assertEqual(action["report_name"], "expiry_management.report_deadline_period")
        text = self._render("expiry_management.action_report_deadline_period", data=action["data"])
        self.assertIn("Pdf0001", text)
        self.assertIn("Pdf0002", text)
        self.assertIn("Pdf0004", text)
        self.assertNotIn("Pdf0003", text)
        self.assertIn("Total (3)", text)
        self.assertIn("$ 670.00", text)

    def test_period_pdf_of_selected_deadlines(self):
        text = self._render("expiry_management.action_report_deadline_period", res_ids=self.later.ids)
        self.assertIn("Pdf0003", text)
        self.assertNotIn("Pdf0001", text)

    def test_period_report_respects_record_rules(self):
        self._create_deadline(7, description="ManagerOnly Pdf0005", user_id=self.manager)
        data = {"date_from": "2026-03-16", "date_to": "2026-04-10"}
        values = (
            self.env["report.expiry_management.report_deadline_period"]
            .with_user(self.user)
            .with_context(allowed_company_ids=self.company.ids)
            ._get_report_values([], data=data)
        )
        self.assertNotIn("ManagerOnly Pdf0005", values["docs"].mapped("description"))
        self.assertIn("Policy Pdf0001", values["docs"].mapped("description"))

    def test_period_report_refuses_an_inverted_period(self):
        with self.assertRaises(ValidationError):
            self.env["expiry.deadline.period.report"].create(
                {"date_from": "2026-04-01", "date_to": "2026-03-01"}
            )
        report = self.env["report.expiry_management.report_deadline_period"]
        with self.assertRaises(UserError):
            report._get_report_values([], data={"date_from": "2026-04-01", "date_to": "2026-03-01"})
        with self.assertRaises(UserError):
            report._get_report_values([], data={"date_from": "not a date", "date_to": "2026-03-01"})
        with self.assertRaises(UserError):
            report._get_report_values([], data={"date_from": "2026-04-01"})

    def test_period_report_refuses_a_bad_salesperson_or_team(self):
        """Finding 9a (issue 16): user_id=x answered with a ValueError (500)."""
        report = self.env["report.expiry_management.report_deadline_period"]
        period = {"date_from": "2026-03-16", "date_to": "2026-04-10"}
        for bad in (
            {"user_id": "x"},
            {"team_id": "1; drop"},
            {"user_id": [1]},
            {"team_id": -3},
            {"user_id": 1.5},
        ):
            with self.subTest(bad=bad), self.assertRaises(UserError):
                report._get_report_values([], data=dict(period, **bad))
        values = report._get_report_values([], data=dict(period, user_id=str(self.user.id)))
        self.assertTrue(values["docs"])
        self.assertEqual(values["docs"].user_id, self.user)


@tagged("post_install", "-at_install")
class TestDeadlinePeriodReportRoute(HttpCase):
    """The report's HTTP route answers bad input with a 400, not a 500."""

    def test_period_report_route_refuses_a_bad_salesperson(self):
        self.authenticate("admin", "admin")
        options = json.dumps({"date_from": "2026-03-16", "date_to": "2026-04-10", "user_id": "x"})
        with mute_logger("odoo.http"):
            response = self.url_open(
                "/report/html/expiry_management.report_deadline_period?" + urlencode({"options": options})
            )
        self.assertEqual(response.status_code, 400, response.text[:500])
        self.assertIn("salesperson", response.text)
