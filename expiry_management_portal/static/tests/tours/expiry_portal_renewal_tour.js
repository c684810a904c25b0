/** @odoo-module **/
// Copyright 2026 Expiry Management contributors
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import { registry } from "@web/core/registry";
import * as shopTourUtils from "@website_sale/js/tours/tour_utils";

const DEADLINE = "Tour policy TP-0001";
const STORAGE_KEY = "expiry_portal_tour_new_expiry";

registry.category("web_tour.tours").add("expiry_portal_renewal", {
    url: "/my",
    steps: () => [
        {
            content: "Open My Deadlines from the portal home",
            trigger: "a[href='/my/deadlines']:visible",
            run: "click",
        },
        {
            content: "The deadline to renew is listed with a Renew button: open it",
            trigger: `tr.o_expiry_portal_deadline_row:contains('${DEADLINE}'):has(button.o_expiry_portal_renew_link) a:first`,
            run: "click",
        },
        {
            content: "Remember the new expiry date the customer is promised",
            trigger: ".o_expiry_portal_new_date_expiry",
            run() {
                window.localStorage.setItem(STORAGE_KEY, this.anchor.textContent.trim());
            },
        },
        {
            content: "Renew",
            trigger: "button.o_expiry_portal_renew",
            run: "click",
        },
        {
            content: "The renewal is in the cart: go on to payment",
            trigger: "a[href='/shop/checkout?try_skip_step=true'], button[name='o_payment_submit_button'], a[name='website_sale_main_button']",
            run() {
                if (!document.querySelector("button[name='o_payment_submit_button']")) {
                    this.anchor.click();
                }
            },
        },
        // Odoo's test payment provider (PaymentCommon), the only one offered
        shopTourUtils.pay(),
        {
            content: "Back to the deadline in the portal",
            trigger: ".oe_website_sale_tx_status",
            run() {
                window.location.href = "/my/deadlines?filterby=all";
            },
        },
        {
            content: "Open the renewed deadline",
            trigger: `tr.o_expiry_portal_deadline_row:contains('${DEADLINE}') a:first`,
            run: "click",
        },
        {
            content: "The renewal is in the history",
            trigger: ".o_expiry_portal_terms tbody tr",
        },
        {
            content: "The customer sees the new expiry date",
            trigger: ".o_expiry_portal_deadline dd .o_expiry_portal_date_expiry",
            run() {
                const expected = window.localStorage.getItem(STORAGE_KEY);
                const shown = this.anchor.textContent.trim();
                if (!expected || shown !== expected) {
                    throw new Error(`Expiry date shown: ${shown}, expected: ${expected}`);
                }
                window.localStorage.removeItem(STORAGE_KEY);
            },
        },
    ],
});
