# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The daily pass renders a batch of e-mails with the template's body
compiled once: the e-mails are the same as Odoo's own rendering."""

import datetime
from unittest.mock import patch

from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.base.models.ir_qweb import IrQWeb

from .common import ReminderCase

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
