# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date

from odoo.tests import tagged

from .common import ExpiryCommon

# language -> (menu "Deadlines", start of the 30-day reminder's subject)
EXPECTED = {
    "de_DE": ("Fristen", "Erinnerung: "),
    "es_ES": ("Vencimientos", None),
    "sv_SE": ("Frister", None),
    "mk_MK": ("Рокови", None),
}


@tagged("post_install", "-at_install")
class TestTranslations(ExpiryCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for code in EXPECTED:
            cls.env["res.lang"]._activate_lang(code)
        cls.env["ir.module.module"].search(
            [("name", "in", ("expiry_management", "expiry_management_portal"))]
        )._load_module_terms(["expiry_management", "expiry_management_portal"], list(EXPECTED))

    def test_menus_and_fields_are_translated_in_the_seed_languages(self):
        menu = self.env.ref("expiry_management.menu_expiry_root")
        field = self.env["ir.model.fields"]._get("expiry.deadline", "date_expiry")
        for code, (menu_name, _subject) in EXPECTED.items():
            self.assertEqual(menu.with_context(lang=code).name, menu_name)
            self.assertNotEqual(field.with_context(lang=code).field_description, "Expiry Date", code)

    def test_reminder_is_rendered_in_the_customers_language(self):
        self.customer.write({"lang": "de_DE", "email": "kunde@example.com"})
        deadline = self._create_deadline(date(2027, 3, 31))
        template = self.env.ref("expiry_management.mail_template_reminder_30")
        subject = template._render_lang(deadline.ids)[deadline.id]
        self.assertEqual(subject, "de_DE")
        rendered = template.with_context(lang="de_DE")._render_field("subject", deadline.ids)[deadline.id]
        self.assertTrue(rendered.startswith("Erinnerung: "), rendered)

    def test_new_messages_are_translated(self):
        """The hardening's messages speak the customer's and the user's language too."""
        self.env["ir.module.module"].search(
            [("name", "in", ("expiry_management", "expiry_management_portal"))]
        )._load_module_terms(
            ["expiry_management", "expiry_management_portal"], list(EXPECTED), overwrite=True
        )
        field = self.env["ir.model.fields"]._get("expiry.deadline", "cron_error")
        self.assertEqual(field.with_context(lang="de_DE").field_description, "Fehler der geplanten Aktion")
        self.assertEqual(field.with_context(lang="mk_MK").field_description, "Грешка на закажаното дејство")
