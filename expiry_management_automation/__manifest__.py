# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Expiry Management - Automation Rules",
    "summary": "Example automation rule reacting to deadlines that expire without renewal.",
    "version": "18.0.1.0.0",
    "category": "Sales/Sales",
    "website": "https://github.com/expiry-management/expiry-management",
    "author": "Expiry Management contributors",
    "license": "LGPL-3",
    "installable": True,
    "auto_install": True,
    "depends": ["expiry_management", "base_automation"],
    "data": [
        "data/base_automation_data.xml",
    ],
    "pre_init_hook": "pre_init_hook",
    "post_init_hook": "post_init_hook",
}
