/** @odoo-module **/
// Copyright 2026 Expiry Management contributors
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

import { registry } from "@web/core/registry";

const TEMPLATE = "/expiry_management/static/xls/expiry_deadline_import_template.xlsx";

// Data created by tests/test_retention_import_tour.py: "Tour retention
// customer" lost a deadline yesterday ("Tour lost policy", reason Price).
registry.category("web_tour.tours").add("expiry_retention_tour", {
    steps: () => [
        {
            content: "The pivot shows the retention of each cohort",
            trigger: ".o_pivot .o_pivot_measure_row:contains('Retained after 1 Year (%)')",
        },
        {
            content: "and the number of customers per cohort",
            trigger: ".o_pivot .o_pivot_measure_row:contains('# Customers')",
        },
        {
            content: "Switch to the graph",
            trigger: ".o_switch_view.o_graph",
            run: "click",
        },
        {
            content: "The graph is drawn",
            trigger: ".o_graph_renderer canvas",
        },
        {
            content: "Switch to the list",
            trigger: ".o_switch_view.o_list",
            run: "click",
        },
        {
            content: "The lost deadline is listed with its reason",
            trigger: ".o_list_view .o_data_row:contains('Tour retention customer'):contains('Price')",
        },
    ],
});

// Data created by tests/test_retention_import_tour.py: the products of the
// template's examples (FLEET-POL, LIC-STD).
registry.category("web_tour.tours").add("expiry_import_tour", {
    steps: () => [
        {
            content: "Open the list of the Deadlines",
            trigger: ".o_switch_view.o_list",
            run: "click",
        },
        {
            content: "Open the gear menu",
            trigger: ".o_list_view .o_cp_action_menus button:has(.fa-cog)",
            run: "click",
        },
        {
            content: "Import records",
            trigger: ".o_import_menu",
            run: "click",
        },
        {
            content: "The import screen of the Deadlines offers the template",
            trigger: `.o_import_action a[href='${TEMPLATE}']:contains('Import Template for Deadlines')`,
        },
        {
            content: "Upload the template as it is shipped",
            trigger: ".o_control_panel button.o_import_file",
            async run() {
                const blob = await (await fetch(TEMPLATE)).blob();
                const file = new File([blob], "expiry_deadline_import_template.xlsx", {
                    type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                });
                const transfer = new DataTransfer();
                transfer.items.add(file);
                const input = document.querySelector(".o_control_panel input[type=file]");
                input.files = transfer.files;
                input.dispatchEvent(new Event("change", { bubbles: true }));
            },
        },
        {
            content: "Every column is mapped to its field",
            trigger: ".o_import_data_content:contains('Product or Service'):contains('Expiry Date')",
        },
        {
            content: "Test the file",
            trigger: ".o_control_panel button:contains('Test')",
            run: "click",
        },
        {
            content: "Everything is valid",
            trigger: ".o_import_data_content p:contains('Everything seems valid')",
        },
        {
            content: "Import",
            trigger: ".o_control_panel button:contains('Import')",
            run: "click",
        },
        {
            content: "The three rows are imported",
            trigger: ".o_notification:contains('3 records successfully imported')",
        },
        {
            content: "Back on the list of the Deadlines",
            trigger: ".o_list_view .o_data_row",
        },
    ],
});
