/** @odoo-module **/
// Copyright 2026 Expiry Management contributors
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import { registry } from "@web/core/registry";

const DEADLINE = "Tour contract AR-0001";

// The customer stops the automatic renewal of a contract with a reason, then
// changes their mind and turns it back on (issue 18).
registry.category("web_tour.tours").add("expiry_portal_auto_renew", {
    url: "/my/deadlines",
    steps: () => [
        {
            content: "The list says the contract renews automatically: open it",
            trigger: `tr.o_expiry_portal_deadline_row:contains('${DEADLINE}'):has(.o_expiry_portal_auto_renew) a:first`,
            run: "click",
        },
        {
            content: "The page shows the notice date",
            trigger: ".o_expiry_portal_decision .o_expiry_portal_date_notice",
        },
        {
            content: "Pick a reason",
            trigger: ".o_expiry_portal_auto_renew_form select[name='lost_reason_id']",
            run: "selectByLabel Price",
        },
        {
            content: "Stop the automatic renewal",
            trigger: "button.o_expiry_portal_stop_auto_renew",
            run: "click",
        },
        {
            content: "It is stopped, and the customer is told so",
            trigger: ".o_expiry_portal_success:contains('stopped')",
        },
        {
            content: "Turn it back on",
            trigger: "button.o_expiry_portal_resume_auto_renew",
            run: "click",
        },
        {
            content: "It renews automatically again: back to the list",
            trigger: ".o_expiry_portal_auto_renew_on",
            run() {
                window.location.href = "/my/deadlines";
            },
        },
        {
            // (the tour ends on the list, which has no chatter still loading)
            content: "The list says so too",
            trigger: `tr.o_expiry_portal_deadline_row:contains('${DEADLINE}') .o_expiry_portal_auto_renew`,
        },
    ],
});
