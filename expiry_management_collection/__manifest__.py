# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Expiry Management - Premium Collection",
    "summary": "Collect what customers owe on their policies and contracts: aging, "
    "a collection ladder by e-mail, SMS, call, visit and letter, payment plans, "
    "hand-over to a collection agency and portfolio analysis.",
    "version": "18.0.1.5.0",
    "category": "Accounting/Accounting",
    "website": "https://github.com/expiry-management/expiry-management",
    "author": "Expiry Management contributors",
    "license": "LGPL-3",
    "installable": True,
    "depends": ["expiry_management", "account", "sms"],
    "pre_init_hook": "pre_init_hook",
    "uninstall_hook": "uninstall_hook",
    "data": [
        "security/ir.model.access.csv",
        "security/expiry_collection_rules.xml",
        "data/ir_sequence_data.xml",
        "data/mail_activity_type_data.xml",
        "data/res_partner_category_data.xml",
        "data/expiry_collection_reason_data.xml",
        "data/mail_template_data.xml",
        "data/mail_template_grouped_data.xml",
        "data/sms_template_data.xml",
        "data/sms_template_grouped_data.xml",
        "data/expiry_collection_step_data.xml",
        "report/expiry_collection_letter_report.xml",
        "report/expiry_collection_report_views.xml",
        "views/expiry_collection_step_views.xml",
        "views/expiry_collection_reason_views.xml",
        "views/expiry_collection_log_views.xml",
        "views/expiry_collection_plan_views.xml",
        "views/expiry_deadline_views.xml",
        "views/account_move_views.xml",
        "views/res_partner_views.xml",
        "views/crm_team_views.xml",
        "views/res_config_settings_views.xml",
        "wizards/expiry_collection_hand_over_views.xml",
        "wizards/expiry_collection_plan_wizard_views.xml",
        "wizards/expiry_collection_write_off_views.xml",
        "views/expiry_collection_menus.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "expiry_management_collection/static/src/**/*",
        ],
        "web.assets_tests": [
            "expiry_management_collection/static/tests/tours/**/*",
        ],
    },
    "demo": [
        "demo/expiry_collection_demo.xml",
    ],
}
