/** @odoo-module **/
// Copyright 2026 Expiry Management contributors
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

import { Component, onWillStart, onWillUnmount, useEffect, useRef } from "@odoo/owl";
import { loadBundle } from "@web/core/assets";
import { _t } from "@web/core/l10n/translation";
import { formatMonetary } from "@web/views/fields/formatters";

/**
 * The dashboard's two charts, drawn with Odoo's own Chart.js bundle:
 * expiries and revenue at risk per week (next 13 weeks) and the renewal
 * chart: renewed and lost deadlines, revenue retained and lost and the
 * renewal rate per month (last 12 months, the retention analysis's figures).
 * A click on a bar or a point opens the deadlines behind it
 * (props.onBar(kind, dateFrom, dateTo)).
 */
export class ExpiryDashboardCharts extends Component {
    static template = "expiry_management.ExpiryDashboardCharts";
    static props = { charts: Object, currencyId: Number, onBar: Function };

    setup() {
        this.weeksCanvas = useRef("weeks");
        this.monthsCanvas = useRef("months");
        this.charts = [];
        onWillStart(() => loadBundle("web.chartjs_lib"));
        useEffect(
            () => {
                this.draw();
                return () => this.destroy();
            },
            () => [this.props.charts]
        );
        onWillUnmount(() => this.destroy());
    }

    destroy() {
        for (const chart of this.charts) {
            chart.destroy();
        }
        this.charts = [];
    }

    money(amount) {
        return formatMonetary(amount, { currencyId: this.props.currencyId });
    }

    draw() {
        const { weeks, months } = this.props.charts;
        const Chart = window.Chart;
        this.charts.push(
            new Chart(this.weeksCanvas.el, {
                type: "bar",
                data: {
                    labels: weeks.map((week) => _t("W%s", week.label)),
                    datasets: [
                        {
                            type: "bar",
                            label: _t("Expiring"),
                            data: weeks.map((week) => week.count),
                            backgroundColor: "#017e84",
                            yAxisID: "y",
                        },
                        {
                            type: "line",
                            label: _t("Revenue at risk"),
                            data: weeks.map((week) => week.amount),
                            borderColor: "#e46e78",
                            backgroundColor: "#e46e78",
                            yAxisID: "amount",
                        },
                    ],
                },
                options: {
                    maintainAspectRatio: false,
                    onClick: (event, elements) => this.click(elements, weeks, () => "expiring"),
                    plugins: {
                        tooltip: {
                            callbacks: {
                                label: (item) =>
                                    item.dataset.yAxisID === "amount"
                                        ? `${item.dataset.label}: ${this.money(item.raw)}`
                                        : `${item.dataset.label}: ${item.raw}`,
                            },
                        },
                    },
                    scales: {
                        y: { beginAtZero: true, ticks: { precision: 0 }, position: "left" },
                        amount: { beginAtZero: true, position: "right", grid: { drawOnChartArea: false } },
                    },
                },
            })
        );
        // the renewal chart: the retention analysis's figures per month
        // (deadlines renewed and lost, revenue retained and lost, renewal rate)
        const kinds = ["renewed", "lost", "renewed", "lost"];
        this.charts.push(
            new Chart(this.monthsCanvas.el, {
                type: "bar",
                data: {
                    labels: months.map((month) => month.label),
                    datasets: [
                        {
                            label: _t("Renewed"),
                            data: months.map((month) => month.renewed),
                            backgroundColor: "#28a745",
                            stack: "ended",
                            yAxisID: "y",
                        },
                        {
                            label: _t("Lost"),
                            data: months.map((month) => month.lost),
                            backgroundColor: "#dc3545",
                            stack: "ended",
                            yAxisID: "y",
                        },
                        {
                            type: "line",
                            label: _t("Revenue retained"),
                            data: months.map((month) => month.amount_retained),
                            borderColor: "#1e7e34",
                            backgroundColor: "#1e7e34",
                            yAxisID: "amount",
                        },
                        {
                            type: "line",
                            label: _t("Revenue lost"),
                            data: months.map((month) => month.amount_lost),
                            borderColor: "#a71d2a",
                            backgroundColor: "#a71d2a",
                            borderDash: [4, 4],
                            yAxisID: "amount",
                        },
                    ],
                },
                options: {
                    maintainAspectRatio: false,
                    onClick: (event, elements) =>
                        this.click(elements, months, (element) => kinds[element.datasetIndex]),
                    plugins: {
                        tooltip: {
                            callbacks: {
                                label: (item) =>
                                    item.dataset.yAxisID === "amount"
                                        ? `${item.dataset.label}: ${this.money(item.raw)}`
                                        : `${item.dataset.label}: ${item.raw}`,
                                footer: (items) => {
                                    const rate = months[items[0].dataIndex].rate;
                                    return rate === false ? "" : `${_t("Renewal rate")}: ${rate} %`;
                                },
                            },
                        },
                    },
                    scales: {
                        y: { beginAtZero: true, stacked: true, ticks: { precision: 0 }, position: "left" },
                        x: { stacked: true },
                        amount: { beginAtZero: true, position: "right", grid: { drawOnChartArea: false } },
                    },
                },
            })
        );
    }

    click(elements, periods, kindOf) {
        if (!elements.length) {
            return;
        }
        const element = elements[0];
        const period = periods[element.index];
        return this.props.onBar(kindOf(element), period.date_from, period.date_to);
    }
}
