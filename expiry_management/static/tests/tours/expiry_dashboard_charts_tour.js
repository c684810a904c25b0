/** @odoo-module **/
// Copyright 2026 Expiry Management contributors
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

import { registry } from "@web/core/registry";

// Data created by tests/test_dashboard_tour.py: "Tour chart policy" expires
// in 9 days, alone in its week.
registry.category("web_tour.tours").add("expiry_dashboard_charts_tour", {
    steps: () => [
        {
            content: "The weekly chart is drawn",
            trigger: ".o_expiry_chart_weeks canvas",
        },
        {
            content: "The renewal rate chart is drawn",
            trigger: ".o_expiry_chart_months canvas",
        },
        {
            content: "Click the bar of the week of the tour's deadline",
            trigger: ".o_expiry_chart_weeks canvas",
            run() {
                const canvas = document.querySelector(".o_expiry_chart_weeks canvas");
                const chart = window.Chart.getChart(canvas);
                const bars = chart.getDatasetMeta(0).data;
                const index = chart.data.datasets[0].data.findIndex((count, position) => position > 0 && count > 0);
                const bar = bars[index];
                const rect = canvas.getBoundingClientRect();
                const init = {
                    bubbles: true,
                    clientX: rect.left + bar.x,
                    clientY: rect.top + (bar.y + bar.base) / 2,
                };
                canvas.dispatchEvent(new MouseEvent("mousemove", init));
                canvas.dispatchEvent(new MouseEvent("click", init));
            },
        },
        {
            content: "The deadlines of that week open",
            trigger: ".o_list_view .o_data_row:contains('Tour chart policy')",
        },
    ],
});
