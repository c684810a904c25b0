# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A calmer deadline form (issue 19): the header keeps the primary actions of
the deadline's state; the customer preview is a smart button, as on Odoo's
quotations."""

from lxml import etree

from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestPortalFormButtons(TransactionCase):
    def test_the_customer_preview_is_a_smart_button_not_a_header_action(self):
        arch = self.env["expiry.deadline"].get_views([(False, "form")])["views"]["form"]["arch"]
        form = etree.fromstring(arch)
        header = {button.get("name") for button in form.xpath("//header//button")}
        self.assertNotIn("action_preview_portal", header)
        self.assertIn("action_send_portal_renewal_link", header)
        box = {button.get("name") for button in form.xpath("//div[@name='button_box']//button")}
        self.assertIn("action_preview_portal", box)
