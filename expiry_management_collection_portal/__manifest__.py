# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Expiry Management - Collection in the Portal",
    "summary": "Customers see on their portal deadline what they owe, their payment plan "
    "and whether the case was handed over.",
    "version": "18.0.1.0.1",
    "category": "Accounting/Accounting",
    "website": "https://github.com/expiry-management/expiry-management",
    "author": "Expiry Management contributors",
    "license": "LGPL-3",
    "installable": True,
    "auto_install": True,
    "depends": ["expiry_management_collection", "expiry_management_portal"],
    "data": [
        "views/portal_templates.xml",
    ],
}
