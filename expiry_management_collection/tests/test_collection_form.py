# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A calmer deadline form (issue 19): the header keeps the primary actions of
the deadline's state; the collection actions are on the Collection tab."""

from lxml import etree

from odoo.tests import TransactionCase, tagged

COLLECTION_ACTIONS = {
    "action_collection_resend_invoice",
    "action_collection_payment_plan_wizard",
    "action_collection_hand_over_wizard",
    "action_collection_take_back",
    "action_collection_write_off_wizard",
}


@tagged("post_install", "-at_install")
class TestCollectionForm(TransactionCase):
    def test_the_collection_actions_are_on_the_collection_tab_not_in_the_header(self):
        arch = self.env["expiry.deadline"].get_views([(False, "form")])["views"]["form"]["arch"]
        form = etree.fromstring(arch)
        header = {button.get("name") for button in form.xpath("//header//button")}
        self.assertFalse(header & COLLECTION_ACTIONS, "no collection action in the header")
        page = {button.get("name") for button in form.xpath("//page[@name='collection']//button")}
        self.assertEqual(page & COLLECTION_ACTIONS, COLLECTION_ACTIONS)
