/** @odoo-module **/
// Copyright 2026 Expiry Management contributors
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

import { registry } from "@web/core/registry";

// Data created by tests/test_dashboard_tour.py: a deadline "Tour fleet policy"
// expiring in 3 days and a callback "Tour callback" due today.
registry.category("web_tour.tours").add("expiry_dashboard_tour", {
    steps: () => [
        {
            content: "The upcoming renewal is listed with its days left",
            trigger: ".o_expiry_upcoming_row:contains('Tour fleet policy'):contains('in 3 days')",
        },
        {
            content: "The callback is in the to-do of today",
            trigger: ".o_expiry_todo_item:contains('Tour callback')",
        },
        {
            content: "Mark the callback done",
            trigger: ".o_expiry_todo_item:contains('Tour callback') .o_expiry_todo_done",
            run: "click",
        },
        {
            content: "The callback left the to-do without a page reload",
            trigger: ".o_expiry_todo:not(:has(.o_expiry_todo_item:contains('Tour callback')))",
        },
        {
            content: "Open the upcoming renewal",
            trigger: ".o_expiry_upcoming_row:contains('Tour fleet policy')",
            run: "click",
        },
        {
            content: "Its deadline opens, with the dashboard in the breadcrumbs",
            trigger: ".o_form_view .o_breadcrumb:contains('Dashboard')",
        },
    ],
});
