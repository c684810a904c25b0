# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Expiry Management Portal",
    "summary": "Customers see their deadlines in the portal and renew them online.",
    "version": "18.0.1.3.0",
    "category": "Website/eCommerce",
    "website": "https://github.com/expiry-management/expiry-management",
    "author": "Expiry Management contributors",
    "license": "LGPL-3",
    "installable": True,
    "auto_install": False,
    "depends": ["expiry_management", "portal", "website_sale"],
    "data": [
        "security/ir.model.access.csv",
        "security/expiry_management_portal_rules.xml",
        "data/mail_template_data.xml",
        "data/product_data.xml",
        "views/expiry_deadline_views.xml",
        "views/sale_order_views.xml",
        "views/portal_templates.xml",
        "views/portal_renew_all_templates.xml",
    ],
    "demo": [
        "demo/product_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "expiry_management_portal/static/tests/tours/**/*",
        ],
    },
}
