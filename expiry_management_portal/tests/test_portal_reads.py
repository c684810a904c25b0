# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import HttpCase, tagged

from .common import ExpiryPortalCommon


@tagged("post_install", "-at_install")
class TestPortalReadsWriteNothing(ExpiryPortalCommon, HttpCase):
    """Reading "My deadlines" writes nothing: the owner is logged in, the
    links need no access token. (Odoo's get_portal_url() writes a token on
    each deadline that has none: a first visit of a list page wrote 20 rows,
    and every such write of a GET could collide with another worker's.)"""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setUpExpiryPortal()

    def setUp(self):
        super().setUp()
        (self.deadline_a | self.deadline_a_later | self.deadline_b).sudo().write({"access_token": False})
        self.env.flush_all()

    def _tokens(self, deadlines):
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT id, access_token FROM expiry_deadline WHERE id IN %s ORDER BY id", [tuple(deadlines.ids)]
        )
        return dict(self.env.cr.fetchall())

    def test_the_list_links_plain_addresses_and_writes_no_token(self):
        self.authenticate(self.portal_user_a.login, self.portal_user_a.login)
        response = self.url_open("/my/deadlines")
        self.assertEqual(response.status_code, 200)
        self.assertIn(f'href="/my/deadlines/{self.deadline_a.id}"', response.text)
        self.assertNotIn("access_token=", response.text)
        deadlines = self.deadline_a | self.deadline_a_later
        self.assertEqual(self._tokens(deadlines), dict.fromkeys(deadlines.ids))

    def test_the_deadline_page_and_its_pager_write_no_token(self):
        self.authenticate(self.portal_user_a.login, self.portal_user_a.login)
        self.url_open("/my/deadlines")  # the list the pager follows (by expiry date)
        response = self.url_open(f"/my/deadlines/{self.deadline_a.id}")
        self.assertEqual(response.status_code, 200)
        self.assertIn("o_expiry_portal_renew", response.text)
        # the next deadline of the list, without a token
        self.assertIn(f'href="/my/deadlines/{self.deadline_a_later.id}"', response.text)
        self.assertNotIn("access_token=", response.text)
        deadlines = self.deadline_a | self.deadline_a_later
        self.assertEqual(self._tokens(deadlines), dict.fromkeys(deadlines.ids))

    def test_the_pager_never_links_another_customers_deadline(self):
        self.authenticate(self.portal_user_a.login, self.portal_user_a.login)
        self.url_open("/my/deadlines")
        response = self.url_open(f"/my/deadlines/{self.deadline_a_later.id}")
        self.assertIn(f'href="/my/deadlines/{self.deadline_a.id}"', response.text)
        self.assertNotIn(f"/my/deadlines/{self.deadline_b.id}", response.text)

    def test_a_visitor_with_the_token_still_signs_in_back_to_the_page(self):
        token = self.deadline_a.sudo()._portal_ensure_token()
        response = self.url_open(f"/my/deadlines/{self.deadline_a.id}?access_token={token}")
        self.assertEqual(response.status_code, 200)
        self.assertIn("Sign in to renew", response.text)
        self.assertIn("access_token%3D" + token, response.text)
