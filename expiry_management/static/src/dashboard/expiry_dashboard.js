/** @odoo-module **/
// Copyright 2026 Expiry Management contributors
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

import { Component, onWillStart, useState } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { formatDate, deserializeDate } from "@web/core/l10n/dates";
import { Dropdown } from "@web/core/dropdown/dropdown";
import { DropdownItem } from "@web/core/dropdown/dropdown_item";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { useSetupAction } from "@web/search/action_hook";
import { formatMonetary } from "@web/views/fields/formatters";
import { Layout } from "@web/search/layout";
import { standardActionServiceProps } from "@web/webclient/actions/action_service";
import { ExpiryDashboardCharts } from "./expiry_dashboard_charts";

/**
 * Landing page of the Deadlines app: upcoming renewals, my to-do of the day,
 * counters and (for managers) the team's revenue at risk and renewal rate.
 * All figures come from one call to expiry.dashboard.get_dashboard_data.
 */
export class ExpiryDashboard extends Component {
    static template = "expiry_management.ExpiryDashboard";
    static components = { Layout, Dropdown, DropdownItem, ExpiryDashboardCharts };
    static props = { ...standardActionServiceProps };

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        this.notification = useService("notification");
        const savedScope = this.props.state && this.props.state.scope;
        this.state = useState({ data: null, scope: savedScope || "mine", busy: new Set() });
        // Keep the scope when coming back through the breadcrumbs.
        useSetupAction({ getLocalState: () => ({ scope: this.state.scope }) });
        onWillStart(() => this.load());
    }

    async load() {
        this.state.data = await this.orm.call("expiry.dashboard", "get_dashboard_data", [], {
            scope: this.state.scope,
        });
        this.state.scope = this.state.data.scope;
    }

    get counters() {
        const c = this.state.data.counters;
        const d = this.state.data;
        return [
            {
                key: "active",
                label: _t("Active"),
                help: _t("Deadlines in state Active."),
                value: c.active,
                amount: c.active_amount,
            },
            {
                key: "expiring",
                label: _t("Expiring in %s days", d.expiring_days),
                help: _t("Draft or active deadlines expiring from today on."),
                value: c.expiring,
                amount: c.expiring_amount,
            },
            {
                key: "expired_month",
                label: _t("Expired this month"),
                help: _t("Deadlines whose expiry date fell this month, before today, without renewal."),
                value: c.expired_month,
                amount: c.expired_month_amount,
            },
            {
                key: "renewed_month",
                label: _t("Renewed this month"),
                help: _t("Deadlines with a renewal applied this month."),
                value: c.renewed_month,
                amount: c.renewed_month_amount,
            },
            {
                key: "at_risk",
                label: _t("Revenue at risk (%s days)", d.risk_days),
                help: _t("Draft or active deadlines expiring within the renewal window, not renewed yet."),
                value: c.at_risk,
                amount: c.at_risk_amount,
            },
        ];
    }

    get snoozeOptions() {
        return [
            { days: 1, label: _t("Tomorrow") },
            { days: 3, label: _t("In 3 days") },
            { days: 7, label: _t("Next week") },
        ];
    }

    get renewalRate() {
        const rate = this.state.data.counters.renewal_rate;
        return rate === false ? "–" : `${rate} %`;
    }

    formatAmount(amount, currencyId) {
        return formatMonetary(amount, { currencyId: currencyId || this.state.data.currency_id });
    }

    formatDate(value) {
        return formatDate(deserializeDate(value));
    }

    formatRate(rate) {
        return rate === false ? "–" : `${rate} %`;
    }

    daysLabel(days) {
        if (days === 0) {
            return _t("today");
        }
        return days === 1 ? _t("tomorrow") : _t("in %s days", days);
    }

    async setScope(scope) {
        if (scope !== this.state.scope) {
            this.state.scope = scope;
            await this.load();
        }
    }

    openDeadline(deadlineId) {
        return this.action.doAction({
            type: "ir.actions.act_window",
            res_model: "expiry.deadline",
            res_id: deadlineId,
            views: [[false, "form"]],
            target: "current",
        });
    }

    openRecord(activity) {
        return this.action.doAction({
            type: "ir.actions.act_window",
            res_model: activity.res_model,
            res_id: activity.res_id,
            views: [[false, "form"]],
            target: "current",
        });
    }

    async openChart(kind, dateFrom, dateTo) {
        const action = await this.orm.call("expiry.dashboard", "action_open_chart", [kind, dateFrom, dateTo], {
            scope: this.state.scope,
        });
        return this.action.doAction(action);
    }

    async openCounter(counter) {
        const action = await this.orm.call("expiry.dashboard", "action_open_counter", [counter], {
            scope: this.state.scope,
        });
        return this.action.doAction(action);
    }

    async updateActivity(activity, method, kwargs = {}) {
        if (this.state.busy.has(activity.id)) {
            return;
        }
        this.state.busy.add(activity.id);
        try {
            await this.orm.call("expiry.dashboard", method, [[activity.id]], kwargs);
        } finally {
            this.state.busy.delete(activity.id);
        }
        await this.load();
    }

    async markDone(activity) {
        await this.updateActivity(activity, "action_done_activities");
        this.notification.add(_t("“%s” marked as done.", activity.summary || activity.type), {
            type: "success",
        });
    }

    async snooze(activity, days = 1) {
        await this.updateActivity(activity, "action_snooze_activities", { days });
        this.notification.add(
            _t("“%(activity)s” postponed by %(days)s day(s).", {
                activity: activity.summary || activity.type,
                days,
            }),
            { type: "info" }
        );
    }
}

registry.category("actions").add("expiry_management.dashboard", ExpiryDashboard);
