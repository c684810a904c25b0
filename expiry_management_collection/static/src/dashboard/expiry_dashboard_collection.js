/** @odoo-module **/
// Copyright 2026 Expiry Management contributors
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

import { patch } from "@web/core/utils/patch";
import { ExpiryDashboard } from "@expiry_management/dashboard/expiry_dashboard";

patch(ExpiryDashboard.prototype, {
    async openCollection() {
        const action = await this.orm.call("expiry.dashboard", "action_open_collection", [], {
            scope: this.state.scope,
        });
        return this.action.doAction(action);
    },
});
