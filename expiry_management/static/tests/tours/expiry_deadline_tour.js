/** @odoo-module **/
// A salesperson records a policy of a customer, activates it and asks for
// its renewal quotation, the way a user does it: through the screens.
import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("expiry_deadline_create_and_renew", {
    url: "/odoo/deadlines",
    steps: () => [
        {
            content: "Create a deadline",
            trigger: ".o_control_panel_main_buttons button.o-kanban-button-new",
            run: "click",
        },
        {
            content: "Pick the customer",
            trigger: ".o_field_widget[name=partner_id] input",
            run: "edit Tour Customer",
        },
        {
            trigger: ".o-autocomplete--dropdown-item:contains(Tour Customer Ltd)",
            run: "click",
        },
        {
            content: "Pick the renewable product",
            trigger: ".o_field_widget[name=product_id] input",
            run: "edit Tour Policy",
        },
        {
            trigger: ".o-autocomplete--dropdown-item:contains(Tour Policy)",
            run: "click",
        },
        {
            content: "The unit price comes from the product",
            trigger: ".o_field_widget[name=price_unit] input:value(250.00)",
        },
        {
            content: "Set the expiry date",
            trigger: ".o_field_widget[name=date_expiry] input",
            run: "edit 12/31/2030",
        },
        {
            trigger: ".o_field_widget[name=description] input",
            run: "edit Policy TOUR-1",
        },
        {
            content: "Save",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "The reference comes from the sequence",
            trigger: ".o_field_widget[name=name]:contains(DL/)",
        },
        {
            content: "Activate it",
            trigger: "button[name=action_activate]",
            run: "click",
        },
        {
            trigger: ".o_statusbar_status .o_arrow_button_current:contains(Active)",
        },
        {
            content: "Ask for the renewal quotation",
            trigger: "button[name=action_renew]",
            run: "click",
        },
        {
            content: "The quotation holds the renewal line",
            trigger: ".o_field_widget[name=order_line] td:contains(Tour Policy)",
        },
    ],
});
