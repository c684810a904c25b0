# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Expiry Management",
    "summary": "Track policies, contracts, licences and maintenance plans "
    "of your customers, remind them on time and renew them in one click.",
    "version": "18.0.1.0.0",
    "category": "Sales/Sales",
    "website": "https://github.com/expiry-management/expiry-management",
    "author": "Expiry Management contributors",
    "license": "LGPL-3",
    "application": True,
    "installable": True,
    "depends": [
        "mail",
        "sale_management",
        "base_automation",
        "mass_mailing",
    ],
    "data": [
        "security/expiry_management_security.xml",
        "security/ir.model.access.csv",
        "security/expiry_management_rules.xml",
        "data/ir_sequence_data.xml",
        "data/mail_activity_type_data.xml",
        "security/expiry_reminder_rules.xml",
        "data/mail_template_data.xml",
        "data/expiry_reminder_stage_data.xml",
        "data/ir_cron_data.xml",
        "data/base_automation_data.xml",
        "views/expiry_deadline_views.xml",
        "views/expiry_deadline_term_views.xml",
        "views/expiry_origin_views.xml",
        "views/expiry_bank_institute_views.xml",
        "views/product_template_views.xml",
        "views/res_partner_views.xml",
        "views/sale_order_views.xml",
        "views/account_move_views.xml",
        "views/expiry_reminder_views.xml",
        "views/expiry_reminder_stage_views.xml",
        "views/res_config_settings_views.xml",
        "views/expiry_management_menus.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "expiry_management/static/tests/tours/**/*",
        ],
    },
    "demo": [
        "demo/expiry_master_data_demo.xml",
        "demo/expiry_deadline_demo.xml",
    ],
}
