# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import TransactionCase, tagged

EXPECTED = {
    "de_DE": "Mailingliste zur Kundenrückgewinnung",
}


@tagged("post_install", "-at_install")
class TestWinbackTranslations(TransactionCase):
    def test_the_winback_setting_is_translated(self):
        langs = ["de_DE", "es_ES", "sv_SE", "mk_MK"]
        for code in langs:
            self.env["res.lang"]._activate_lang(code)
        self.env["ir.module.module"]._load_module_terms(
            ["expiry_management_mass_mailing"], langs, overwrite=True
        )
        field = self.env["ir.model.fields"]._get("res.config.settings", "expiry_winback_mailing_list_id")
        self.assertEqual(field.with_context(lang="de_DE").field_description, EXPECTED["de_DE"])
        for code in langs:
            self.assertNotEqual(
                field.with_context(lang=code).field_description, "Win-back Mailing List", code
            )
