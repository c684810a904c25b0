# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Odoo's import screen (base_import) for the Deadlines' template: see
models/expiry_deadline_import.py."""

from odoo import models

from odoo.addons.base_import.models.base_import import ImportValidationError


class BaseImport(models.TransientModel):
    _inherit = "base_import.import"

    def _parse_date_from_data(self, data, index, name, field_type, options):
        """Deadlines: parse the dates of the file row by row; a value that is
        no date is left as it is, so that ``load()`` reports it on its row
        ("... does not seem to be a valid date for field 'Expiry Date'") with
        the file's other errors."""
        if self.res_model != "expiry.deadline":
            return super()._parse_date_from_data(data, index, name, field_type, options)
        for line in data:
            try:
                super()._parse_date_from_data([line], index, name, field_type, options)
            except ImportValidationError:
                continue  # left for load(), which names the row
