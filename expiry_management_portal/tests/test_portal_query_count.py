# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

from odoo.tests import HttpCase, tagged

from .common import ExpiryPortalCommon

_logger = logging.getLogger(__name__)


@tagged("post_install", "-at_install")
class TestPortalQueryCount(ExpiryPortalCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setUpExpiryPortal()

    def _hot_query_count(self, url):
        self.url_open(url)  # warm the caches (QWeb, ACLs, rules)
        before = self.cr.sql_log_count
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200)
        return self.cr.sql_log_count - before

    def _add_deadlines(self, count):
        self.env["expiry.deadline"].create(
            [
                {
                    "partner_id": self.customer_a.id,
                    "product_id": self.product.id,
                    "description": f"Bulk {i}",
                    "price_unit": 10.0 + i,
                    "date_expiry": self.today.replace(year=self.today.year + 1),
                    "state": "active",
                }
                for i in range(count)
            ]
        )

    def test_my_deadlines_query_count_does_not_grow_with_the_deadlines_shown(self):
        self.authenticate(self.portal_user_a.login, self.portal_user_a.login)
        self._add_deadlines(3)  # 5 deadlines with the two of the setup
        few = self._hot_query_count("/my/deadlines")
        self._add_deadlines(35)  # 40: two pages, a full page is shown
        many = self._hot_query_count("/my/deadlines")
        _logger.info("/my/deadlines: %s queries with 5 deadlines, %s with 40", few, many)
        # The page holds at most _deadlines_per_page deadlines, read in batch.
        self.url_open("/my/deadlines")
        with self.assertQueryCount(few):
            self.url_open("/my/deadlines")
        self.assertLessEqual(many, few, f"5 deadlines: {few} queries, 40 deadlines: {many} queries")
