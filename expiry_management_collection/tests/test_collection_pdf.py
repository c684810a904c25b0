# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The invoice copy really carries the invoice PDF, rendered by wkhtmltopdf
(tests render reports as HTML unless ``force_report_rendering`` is set)."""

import shutil
import subprocess

from odoo.tests import freeze_time, tagged

from .common import CollectionCase


def pdf_text(data):
    result = subprocess.run(
        [shutil.which("pdftotext") or "pdftotext", "-layout", "-", "-"],
        input=data,
        capture_output=True,
        check=True,
        timeout=60,
    )
    return result.stdout.decode()


@tagged("post_install", "-at_install")
@freeze_time("2027-03-10 10:00:00")
class TestCollectionPdf(CollectionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # see expiry_management's test_report_deadlines: no server to wait for
        cls.env["ir.config_parameter"].sudo().set_param("report.url", "http://127.0.0.1:9")

    def test_invoice_copy_carries_the_pdf_of_each_invoice(self):
        deadline = self._create_deadline(200)
        first = self._invoice(deadline, -5, 450.0)
        second = self._invoice(deadline, -40, 125.0)
        deadline.with_context(force_report_rendering=True).action_collection_resend_invoice()
        for move in (first, second):
            mail = self.env["mail.mail"].search([("model", "=", "account.move"), ("res_id", "=", move.id)])
            attachment = mail.attachment_ids
            self.assertEqual(attachment.mimetype, "application/pdf")
            self.assertTrue(attachment.raw.startswith(b"%PDF"))
            text = pdf_text(attachment.raw)
            self.assertIn(move.name, text)
            self.assertNotIn(((first | second) - move).name, text, "one PDF per invoice")
