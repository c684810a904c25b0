# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

from lxml import html
from markupsafe import Markup

from odoo import api, models
from odoo.tools import safe_eval

_logger = logging.getLogger(__name__)


class MailRenderMixin(models.AbstractModel):
    """Render a QWeb template for many records with one compile.

    Odoo parses and compiles a template's body again for every record it
    renders (``_render_template_qweb``: the body is an element, which the
    QWeb cache does not hold). When the daily pass renders a batch of
    e-mails (context key ``expiry_render_compiled``), the body is compiled
    once per batch and language and the compiled function renders each
    record, with the same values and options. Restricted rendering (a user
    who may not edit templates) and anything unusual go Odoo's own way.
    """

    _inherit = "mail.render.mixin"

    @api.model
    def _render_template_qweb(self, template_src, model, res_ids, add_context=None, options=None):
        if (
            not self.env.context.get("expiry_render_compiled")
            or not template_src
            or len(res_ids) < 2
            or not self._has_unsafe_expression_template_qweb(template_src, model)
            or (
                not self._unrestricted_rendering
                and not self.env.is_admin()
                and not self.env.user.has_group("mail.group_mail_template_editor")
            )
        ):
            return super()._render_template_qweb(
                template_src, model, res_ids, add_context=add_context, options=options
            )
        variables = self._render_eval_context()
        if add_context:
            variables.update(**add_context)
        records = self.env[model].browse(res_ids)
        try:
            # the render options become the QWeb environment's context, as in ir.qweb._render
            qweb = self.env["ir.qweb"].with_context(**(options or {}))
            first = dict(variables, object=records[0])
            compiled_qweb = qweb._prepare_environment(first)
            functions, def_name = compiled_qweb._compile(
                html.fragment_fromstring(template_src, create_parent="div")
            )
            render = functions[def_name]
        except Exception:  # noqa: BLE001 - Odoo's way reports it
            return super()._render_template_qweb(
                template_src, model, res_ids, add_context=add_context, options=options
            )
        results = {}
        for record in records:
            values = dict(variables, object=record)
            record_qweb = qweb._prepare_environment(values).with_context(is_t_cache_disabled=True)
            safe_eval.check_values(values)
            try:
                rendered = Markup("".join(render(record_qweb, values)))
            except Exception:  # noqa: BLE001 - Odoo's way raises the readable error
                _logger.info("Rendering of %s,%s failed with the compiled template", model, record.id)
                results.update(
                    super()._render_template_qweb(
                        template_src, model, record.ids, add_context=add_context, options=options
                    )
                )
                continue
            # the <div> wrapping the template's nodes into one
            results[record.id] = rendered[5:-6]
        return results
