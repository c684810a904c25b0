# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What the tests of our overrides of Odoo internals share (not a test
module: imported by expiry_management's and expiry_management_collection's
tests):

- ``OdooInternalsMixin``: the Odoo methods an override copies or calls,
  pinned by signature and, for the copied ones, by a fingerprint of their
  source, so that an Odoo update that changes them fails a test first (and
  not the customer's e-mail); and a check that no other installed module
  overrides what our fast path bypasses.
- ``TemplateRenderMixin``: every template our addons ship
  (``ir.model.data`` of ``expiry_management*``), rendered on a batch of
  records with the body compiled once (context ``expiry_render_compiled``,
  mail.render.mixin) and Odoo's own way: the same values, field by field.
"""

import hashlib
import inspect
from unittest.mock import patch

from odoo.addons.base.models.ir_qweb import IrQWeb

#: the fields of an e-mail rendered from a template
MAIL_FIELDS = ("subject", "body_html", "email_to", "partner_to", "email_from", "reply_to", "email_cc")


#: what an outgoing mail holds: what the customer receives, and where Odoo files it
OUTGOING_MAIL_FIELDS = (
    "subject",
    "body_html",
    "email_from",
    "email_to",
    "email_cc",
    "reply_to",
    "auto_delete",
    "scheduled_date",
    "mail_server_id",
    "model",
    "res_id",
    "message_type",
    "author_id",
    "subtype_id",
)


def outgoing_mail_values(mail):
    """The values of a queued ``mail`` that two ways of queueing it must
    share (_expiry_send_batch and Odoo's send_mail_batch)."""
    values = {name: mail[name] for name in OUTGOING_MAIL_FIELDS}
    values["recipients"] = mail.recipient_ids
    values["attachments"] = sorted(mail.attachment_ids.mapped("name"))
    values["body"] = mail.mail_message_id.body
    return values


def source_fingerprint(function):
    """A short hash of ``function``'s source (decorators unwrapped)."""
    source = inspect.getsource(inspect.unwrap(function))
    return hashlib.sha256(source.encode()).hexdigest()[:16]


class OdooInternalsMixin:
    """Pin the Odoo internals an override depends on."""

    def assertSignature(self, function, expected):
        self.assertEqual(
            str(inspect.signature(inspect.unwrap(function))),
            expected,
            f"Odoo's {function.__qualname__} changed its signature: adapt the override that calls it",
        )

    def assertSourceUnchanged(self, function, fingerprint, override):
        """``function`` (Odoo's) is what ``override`` copies: when Odoo
        changes it, re-read both, adapt the override, then update the
        fingerprint here."""
        self.assertEqual(
            source_fingerprint(function),
            fingerprint,
            f"Odoo's {inspect.unwrap(function).__module__}.{function.__qualname__} changed: {override} "
            f"copies what it does. Compare the two, adapt the override, then update this fingerprint.",
        )

    def assertOnlyOverriddenBy(self, model, method, modules):
        """No class of ``model`` in the registry defines ``method`` but those
        of ``modules`` (name prefixes: odoo.addons.<module>): an override by
        another installed module would be bypassed by our fast path."""
        found = {
            cls.__module__
            for cls in type(self.env[model]).__mro__
            if method in vars(cls) and getattr(cls, "_name", None)
        }
        unexpected = {
            name for name in found if not any(name.startswith(f"odoo.addons.{m}.") for m in modules)
        }
        self.assertFalse(
            unexpected,
            f"{model}.{method} is overridden by {sorted(unexpected)}, which our fast path bypasses",
        )


class TemplateRenderMixin:
    """Compare the compiled rendering of shipped templates with Odoo's."""

    @classmethod
    def _shipped_templates(cls, model="mail.template"):
        """Every ``model`` record our addons ship (their XML ids)."""
        data = cls.env["ir.model.data"].search(
            [("module", "=like", "expiry_management%"), ("model", "=", model)]
        )
        return cls.env[model].browse(data.mapped("res_id")).exists()

    def _render_both_ways(self, template, records):
        """(compiled, Odoo's, compiles of the compiled way, of Odoo's way):
        the template's e-mail values for each of ``records``."""
        fields = [name for name in MAIL_FIELDS if template[name]]
        results, counts = {}, {}
        original = IrQWeb._compile
        compiles = []

        def counting(qweb, element):
            compiles.append(element)
            return original(qweb, element)

        for compiled in (True, False):
            compiles.clear()
            records.invalidate_model()
            with patch.object(IrQWeb, "_compile", counting):
                results[compiled] = template.with_context(expiry_render_compiled=compiled)._generate_template(
                    records.ids, fields
                )
            counts[compiled] = len(compiles)
        return results[True], results[False], counts[True], counts[False]

    def assertRendersAsOdoo(self, template, records):
        """``template`` on ``records`` (at least two of a language): the
        compiled way gives Odoo's own values, with one compile per language
        (so the compiled way really ran)."""
        self.assertGreaterEqual(len(records), 2, f"{template.name}: a batch of records to render")
        compiled, odoo, compiles, odoo_compiles = self._render_both_ways(template, records)
        self.assertEqual(set(compiled), set(records.ids), template.name)
        for record in records:
            self.assertEqual(set(compiled[record.id]), set(odoo[record.id]), template.name)
            for name, value in odoo[record.id].items():
                self.assertEqual(
                    compiled[record.id].get(name),
                    value,
                    f"{template.name} ({template.get_external_id()[template.id]}), {name}, record {record.id}",
                )
        groups = template._classify_per_lang(records.ids)
        # (a body without expressions is rendered without QWeb, either way)
        if odoo_compiles and any(len(ids) > 1 for _template, ids in groups.values()):
            expected = sum(1 if len(ids) > 1 else len(ids) for _template, ids in groups.values())
            self.assertEqual(
                compiles, expected, f"{template.name}: the body compiled once per language, not per record"
            )
            self.assertEqual(odoo_compiles, len(records), f"{template.name}: Odoo's way compiles per record")
        return compiled

    def assertSmsRendersAsOdoo(self, template, records):
        """An SMS template (inline, never compiled by us): the same body either way."""
        bodies = {
            compiled: template.with_context(expiry_render_compiled=compiled)._render_field(
                "body", records.ids, compute_lang=True
            )
            for compiled in (True, False)
        }
        self.assertEqual(bodies[True], bodies[False], template.name)
        self.assertTrue(all(bodies[False].values()), f"{template.name}: a body for each record")
