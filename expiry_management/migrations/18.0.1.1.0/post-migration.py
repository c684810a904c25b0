# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""18.0.1.1.0: install the glue addons that took over what the core did
with mass_mailing and base_automation, where those are installed (they
were dependencies of the core until now, so they are)."""

from odoo import SUPERUSER_ID, api

GLUE_ADDONS = {
    "expiry_management_mass_mailing": "mass_mailing",
    "expiry_management_automation": "base_automation",
}


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    Module = env["ir.module.module"]
    Module.update_list()
    installed = set(Module.search([("state", "=", "installed")]).mapped("name"))
    glue = Module.search(
        [
            ("name", "in", [name for name, dependency in GLUE_ADDONS.items() if dependency in installed]),
            ("state", "=", "uninstalled"),
        ]
    )
    # marked "to install": the module loader installs them in this same run
    glue.button_install()
