/** @odoo-module **/
// Copyright 2026 Expiry Management contributors
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
//
// A collector opens their cases, records why the payment is late, resends
// the invoice and plans instalments, through the screens
// (tests/test_collection_tour.py prepares the overdue invoice).
import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("expiry_collection_desk", {
    steps: () => [
        {
            content: "The overdue case is in my collection cases",
            trigger: ".o_list_view .o_data_row:contains('Tour Collection Ltd') td[name=name]",
            run: "click",
        },
        {
            content: "Open the Collection tab of the deadline",
            trigger: ".o_notebook_headers a:contains('Collection')",
            run: "click",
        },
        {
            content: "It is in follow-up",
            trigger: ".o_field_widget[name=collection_state]:contains('In Follow-up')",
        },
        {
            content: "Record why the payment is late",
            trigger: ".o_field_widget[name=collection_reason_id] input",
            run: "edit Wrong payment",
        },
        {
            trigger: ".o-autocomplete--dropdown-item:contains('Wrong payment details')",
            run: "click",
        },
        {
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "Saved",
            trigger: ".o_form_saved",
        },
        {
            content: "Resend the invoice",
            trigger: "button[name=action_collection_resend_invoice]",
            run: "click",
        },
        {
            content: "The copy went out",
            trigger: ".o_notification:contains('was sent to the customer')",
        },
        {
            content: "Plan instalments",
            trigger: "button[name=action_collection_payment_plan_wizard]",
            run: "click",
        },
        {
            content: "Two instalments",
            trigger: ".modal .o_field_widget[name=count] input",
            run: "edit 2",
        },
        {
            trigger: ".modal button[name=action_plan]",
            run: "click",
        },
        {
            content: "The draft plan shows the instalments",
            trigger: ".o_form_view .o_field_widget[name=line_ids] .o_data_row:nth-child(2)",
        },
        {
            content: "Agree the plan",
            trigger: "button[name=action_confirm]",
            run: "click",
        },
        {
            content: "The plan runs",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Running')",
        },
    ],
});
