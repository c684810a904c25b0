# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The daily pass renders a batch of e-mails with the template's body
compiled once (models/mail_render_mixin.py): the e-mails are the same as
Odoo's own rendering, for every template our addons ship; and the Odoo
internals that the override copies or calls are pinned, so that an Odoo
update that changes them fails here first."""

import datetime
from unittest.mock import patch

from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged
from odoo.tools import safe_eval

from odoo.addons.base.models.ir_qweb import IrQWeb
from odoo.addons.mail.models.mail_render_mixin import MailRenderMixin as OdooMailRenderMixin

from .common import ReminderCase
from .render_check import OdooInternalsMixin, TemplateRenderMixin

D = datetime.date


@tagged("post_install", "-at_install")
class TestMailRenderCompiled(ReminderCase):
    FIELDS = ("subject", "body_html", "email_to", "partner_to", "email_from", "reply_to")

    def _render(self, template, deadlines, compiled):
        return template.with_context(expiry_render_compiled=compiled)._generate_template(
            deadlines.ids, self.FIELDS
        )

    def test_same_e_mails_as_odoo_with_one_compile_per_batch(self):
        other = self.env["res.partner"].create({"name": "Óscar <Ö> & Co", "email": "oscar@example.com"})
        deadlines = self.Deadline
        for index, expiry in enumerate([D(2026, 6, 30), D(2026, 7, 15), D(2026, 8, 1), D(2026, 9, 9)]):
            deadlines |= self._create_deadline(expiry, **({"partner_id": other.id} if index % 2 else {}))
        compiles = []
        original = IrQWeb._compile

        def counting(qweb, template):
            compiles.append(template)
            return original(qweb, template)

        for stage in self.ladder:
            template = stage.mail_template_id
            expected = self._render(template, deadlines, False)
            with patch.object(IrQWeb, "_compile", counting):
                compiles.clear()
                got = self._render(template, deadlines, True)
            self.assertEqual(got, expected, stage.name)
            self.assertEqual(len(compiles), 1, f"{stage.name}: one compile for {len(deadlines)} e-mails")
        self.assertIn(
            "Óscar &lt;Ö&gt; &amp; Co", str(expected[deadlines[1].id]["body_html"]), "escaped as Odoo does"
        )

    def test_a_record_that_fails_raises_odoos_readable_error(self):
        template = self.env["mail.template"].create(
            {
                "name": "Broken for some",
                "model_id": self.env["ir.model"]._get_id("expiry.deadline"),
                "body_html": "<p><t t-out='1 / (object.price_unit - 100)'/></p>",
            }
        )
        good = self._create_deadline(D(2026, 6, 30), price_unit=150.0)
        also_good = self._create_deadline(D(2026, 6, 30), price_unit=200.0)
        bad = self._create_deadline(D(2026, 6, 30), price_unit=100.0)
        rendered = self._render(template, good | also_good, True)
        self.assertEqual(
            [rendered[d.id]["body_html"] for d in good | also_good], ["<p>0.02</p>", "<p>0.01</p>"]
        )
        for compiled in (False, True):
            with self.assertRaisesRegex(UserError, "Failed to render QWeb template"):
                self._render(template, good | bad, compiled)


@tagged("post_install", "-at_install")
class TestShippedTemplatesRenderAsOdoo(TemplateRenderMixin, ReminderCase):
    """Every template shipped on deadlines, whatever addon ships it, on a
    batch of varied deadlines (two languages, names to escape, with and
    without description, salesperson, e-mail address)."""

    #: models of shipped templates that another addon's tests render
    #: (expiry_management_collection: test_collection_pdf)
    RENDERED_ELSEWHERE = {"account.move", "expiry.collection.plan.line"}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("fr_FR")
        Partner = cls.env["res.partner"]
        escaped = Partner.create({"name": "Óscar <Ö> & Co", "email": "oscar@example.com", "lang": "en_US"})
        french = Partner.create({"name": "Élodie d'Arc", "email": "elodie@example.fr", "lang": "fr_FR"})
        company = Partner.create({"name": "Parent SA", "is_company": True, "email": "office@parent.example"})
        contact = Partner.create({"name": "Child Contact", "parent_id": company.id, "lang": "en_US"})
        other_product = cls._make_product('Fleet "Gold" <cover>', 6, "month", 80.0)
        cls.varied = (
            cls._create_deadline(
                D(2026, 6, 30), partner_id=escaped, product_id=cls.product, user_id=cls.salesperson
            )
            | cls._create_deadline(
                D(2026, 7, 15),
                partner_id=cls.customer,
                product_id=other_product,
                description="Van <b>&</b> trailer",
            )
            | cls._create_deadline(
                D(2026, 8, 1), partner_id=contact, product_id=cls.product, price_unit=12345.67
            )
            | cls._create_deadline(
                D(2026, 2, 1), partner_id=escaped, product_id=other_product, state="expired"
            )
            | cls._create_deadline(
                D(2026, 9, 9), partner_id=french, product_id=cls.product, user_id=cls.salesperson
            )
            | cls._create_deadline(
                D(2026, 3, 3), partner_id=french, product_id=other_product, description="Bâtiment"
            )
        )

    def test_every_shipped_template_renders_as_odoo(self):
        templates = self._shipped_templates()
        self.assertTrue(self.ladder.mail_template_id <= templates, "the ladder's templates are shipped ones")
        rendered = self.env["mail.template"]
        for template in templates:
            if template.model == "expiry.deadline":
                values = self.assertRendersAsOdoo(template, self.varied)
                self.assertIn(
                    "Óscar &lt;Ö&gt; &amp; Co", str(values[self.varied[0].id]["body_html"]), "escaped"
                )
                rendered |= template
            else:
                self.assertIn(
                    template.model,
                    self.RENDERED_ELSEWHERE,
                    f"{template.name}: no test compares its rendering with Odoo's (add it to one)",
                )
        self.assertTrue(self.ladder.mail_template_id <= rendered)


@tagged("post_install", "-at_install")
class TestOdooInternalsOfTheRenderOverride(OdooInternalsMixin, TransactionCase):
    """models/mail_render_mixin.py copies Odoo's mail.render.mixin
    _render_template_qweb (its loop over records) and ir.qweb._render (the
    rendering of one record), and calls ir.qweb._prepare_environment and
    _compile: if Odoo changes any of them, this fails before an e-mail does."""

    OVERRIDE = "expiry_management/models/mail_render_mixin.py"

    def test_the_odoo_methods_the_override_relies_on_are_unchanged(self):
        self.assertSignature(
            OdooMailRenderMixin._render_template_qweb,
            "(self, template_src, model, res_ids, add_context=None, options=None)",
        )
        self.assertSignature(OdooMailRenderMixin._render_eval_context, "(self)")
        self.assertSignature(
            OdooMailRenderMixin._has_unsafe_expression_template_qweb, "(self, template_src, model)"
        )
        self.assertSignature(IrQWeb._render, "(self, template, values=None, **options)")
        self.assertSignature(IrQWeb._compile, "(self, template)")
        self.assertSignature(IrQWeb._prepare_environment, "(self, values)")
        self.assertSignature(safe_eval.check_values, "(d)")
        self.assertTrue(hasattr(OdooMailRenderMixin, "_unrestricted_rendering"))
        self.assertSourceUnchanged(
            OdooMailRenderMixin._render_template_qweb, "6e836d2fed262583", self.OVERRIDE
        )
        self.assertSourceUnchanged(IrQWeb._render, "9f4c24674672edc4", self.OVERRIDE)

    def test_no_other_module_overrides_what_the_compiled_path_bypasses(self):
        for model in self.env.registry.descendants(["mail.render.mixin"], "_inherit"):
            self.assertOnlyOverriddenBy(model, "_render_template_qweb", ("mail", "expiry_management"))
        self.assertOnlyOverriddenBy("ir.qweb", "_render", ("base",))

    def test_the_compiled_function_renders_one_record_as_ir_qweb_render(self):
        """What the override does for each record, on a template of its own,
        against ir.qweb._render itself."""
        from lxml import html

        source = "<p>Hi <t t-out='object.name'/>, <t t-out='format_date(object.create_date)'/></p>"
        partner = self.env["res.partner"].create({"name": "A <b> & C"})
        variables = dict(self.env["mail.render.mixin"]._render_eval_context(), object=partner)
        qweb = self.env["ir.qweb"]
        expected = qweb._render(html.fragment_fromstring(source, create_parent="div"), dict(variables))
        functions, name = qweb._prepare_environment(dict(variables))._compile(
            html.fragment_fromstring(source, create_parent="div")
        )
        values = dict(variables)
        record_qweb = qweb._prepare_environment(values).with_context(is_t_cache_disabled=True)
        self.assertEqual("".join(functions[name](record_qweb, values)), str(expected))
