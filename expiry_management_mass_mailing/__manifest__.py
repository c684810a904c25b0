# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Expiry Management - Win-back Mailing List",
    "summary": "Customers whose deadline expires without renewal join a mailing list for win-back campaigns.",
    "version": "18.0.1.1.0",
    "category": "Marketing/Email Marketing",
    "website": "https://github.com/expiry-management/expiry-management",
    "author": "Expiry Management contributors",
    "license": "LGPL-3",
    "installable": True,
    "auto_install": True,
    "depends": ["expiry_management", "mass_mailing"],
    "data": [
        "views/res_config_settings_views.xml",
    ],
}
