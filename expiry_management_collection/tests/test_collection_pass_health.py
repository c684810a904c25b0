# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The collection steps run with the error policy of the daily pass
(expiry.daily.pass._run_company): a step failing for a company is logged and
counted on it, the others go on."""

from unittest.mock import patch

from odoo.tests import freeze_time, tagged
from odoo.tools import mute_logger

from .common import CollectionCase


@tagged("post_install", "-at_install")
class TestCollectionPassHealth(CollectionCase):
    def test_a_failing_collection_step_is_counted_and_the_others_go_on(self):
        Log = self.registry["expiry.collection.log"]
        Pass = self.env["expiry.daily.pass"]
        with (
            freeze_time("2026-05-01 03:00:00"),
            patch.object(Log, "_collection_prepare", side_effect=ValueError("ladder broken")),
            patch.object(Log, "_collection_send_due", return_value=(0, 0)) as send,
            mute_logger("odoo.addons.expiry_management.models.expiry_daily_pass"),
        ):
            Pass._run_collection()
        self.assertTrue(send.called, "the step after the failing one ran")
        self.assertIn("prepare collection: ladder broken", self.company.expiry_pass_errors)
        self.assertIn("errors", [w["key"] for w in Pass._expiry_health_warnings(self.company)])
