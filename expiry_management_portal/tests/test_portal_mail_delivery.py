# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import TransactionCase, tagged

from odoo.addons.expiry_management.tests.smtp_server import smtp_server

from .common import ExpiryPortalCommon


@tagged("post_install", "-at_install")
class TestPortalMailDelivery(ExpiryPortalCommon, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setUpExpiryPortal()

    def test_the_renew_online_mail_arrives_with_its_link(self):
        action = self.deadline_a.action_send_portal_renewal_link()
        composer = self.env[action["res_model"]].with_context(**action["context"]).create({})
        with smtp_server(self.env) as received:
            # the notification e-mail goes out at once, as in production
            composer._action_send_mail()
            self.env["mail.mail"].sudo().search([("state", "=", "outgoing")]).send(raise_exception=False)
        to_customer = [item for item in received if "alpha@example.com" in item["rcpt_tos"]]
        self.assertEqual(len(to_customer), 1, [item["rcpt_tos"] for item in received])
        body = to_customer[0]["message"].get_body(("html",)).get_content()
        self.assertIn(f"/my/deadlines/{self.deadline_a.id}?access_token={self.deadline_a.access_token}", body)
