# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Issue 17: one error policy for every batch of the daily pass
(tools.run_batch): a crash (CRASH_ERRORS) rolls the run back, anything else
is the fault of one row, which fails alone; the state step of the deadlines
follows it like the ladders."""

from datetime import date
from unittest.mock import patch

from odoo.tests import freeze_time, tagged

from .common import ReminderCase


@tagged("post_install", "-at_install")
class TestErrorPolicy(ReminderCase):
    def _patch_write(self, bad, error):
        Deadline = type(self.env["expiry.deadline"])
        original = Deadline.write

        def write(records, vals):
            if vals.get("state") == "expired" and bad in records:
                raise error
            return original(records, vals)

        return patch.object(Deadline, "write", write)

    def test_an_unexpected_error_fails_one_deadline_not_the_run(self):
        bad = self._create_deadline(date(2026, 6, 30), description="bad")
        goods = self._create_deadline(date(2026, 6, 30)) | self._create_deadline(date(2026, 6, 30))
        # not a UserError nor a ValueError: an error of another module's code
        with freeze_time("2026-07-01 03:00:00"), self._patch_write(bad, LookupError("a broken rule")):
            self.Reminder._cron_daily_pass()
        self.assertEqual(set(goods.mapped("state")), {"expired"})
        self.assertEqual(bad.state, "active")
        self.assertIn("a broken rule", bad.cron_error)

    def test_a_crash_rolls_the_state_step_back(self):
        bad = self._create_deadline(date(2026, 6, 30), description="bad")
        self._create_deadline(date(2026, 6, 30))
        with (
            freeze_time("2026-07-01 03:00:00"),
            self._patch_write(bad, MemoryError()),
            self.assertRaises(MemoryError),
            self.env.cr.savepoint(),
        ):
            self.env["expiry.deadline"].sudo()._cron_update_states(self.company, date(2026, 7, 1), 100)
        self.assertFalse(bad.cron_error)
