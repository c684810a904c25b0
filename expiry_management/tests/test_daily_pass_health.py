# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The daily pass reports its own health per company (res.company
``expiry_pass_*``), with one error policy, and warns on the dashboard and in
Settings when it is late, when steps failed or stopped on an error."""

import datetime
from unittest.mock import patch

import psycopg2

from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import freeze_time, new_test_user, tagged
from odoo.tools import mute_logger

from .common import ReminderCase

D = datetime.date
EXPIRY = D(2026, 6, 30)
PASS_LOGGER = "odoo.addons.expiry_management.models.expiry_daily_pass"


@tagged("post_install", "-at_install")
class TestDailyPassHealth(ReminderCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Pass = cls.env["expiry.daily.pass"]
        cls.manager = new_test_user(
            cls.env,
            login="health_manager",
            groups="base.group_user,base.group_system,expiry_management.group_expiry_manager",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )

    def _warnings(self, company=None):
        return self.Pass._expiry_health_warnings(company or self.company)

    def test_the_pass_records_its_health_per_company(self):
        other = self._company("Quiet Co")
        self._create_deadline(EXPIRY)
        self._create_deadline(EXPIRY)
        with freeze_time("2026-05-01 03:00:00"):
            self.Pass._run_company(self.company)
        self.assertEqual(self.company.expiry_pass_date, D(2026, 5, 1), "the company's today")
        self.assertEqual(self.company.expiry_pass_processed, 2, "two e-mails of the ladder")
        self.assertEqual(self.company.expiry_pass_failed, 0)
        self.assertFalse(self.company.expiry_pass_errors)
        finished = self.company.expiry_pass_finished
        self.assertTrue(finished)
        self.assertFalse(other.expiry_pass_date, "each company has its own pass")
        # the next day starts a new pass
        with freeze_time("2026-05-02 03:00:00"):
            self.Pass._run_company(self.company)
        self.assertEqual(self.company.expiry_pass_date, D(2026, 5, 2))
        self.assertEqual(self.company.expiry_pass_processed, 0)
        self.assertFalse([w for w in self._warnings() if w["key"] != "late"])

    def test_a_pass_in_batches_adds_up_and_finishes_with_its_last_batch(self):
        # one e-mail per deadline (a customer's grouped e-mails share a batch)
        self.company.write({"expiry_reminder_batch_size": 2, "expiry_group_by_customer": False})
        for _index in range(5):
            self._create_deadline(EXPIRY)
        with freeze_time("2026-05-01 03:00:00"):
            done, left = self.Pass._run_company(self.company)
            self.assertEqual((done, left), (2, 3))
            self.assertFalse(self.company.expiry_pass_finished, "work is left: not finished")
            while left:
                done, left = self.Pass._run_company(self.company)
        self.assertEqual(self.company.expiry_pass_processed, 5)
        self.assertTrue(self.company.expiry_pass_finished)

    def test_a_failing_step_is_counted_and_the_others_go_on(self):
        expiring = self._create_deadline(D(2026, 4, 30))
        self._create_deadline(EXPIRY)
        Reminder = self.registry["expiry.reminder"]
        with (
            freeze_time("2026-05-01 03:00:00"),
            patch.object(Reminder, "_prepare_reminders", side_effect=ValueError("template broken")),
            mute_logger(PASS_LOGGER),
        ):
            self.Pass._run_company(self.company)
        self.assertEqual(expiring.state, "expired", "the step before went on")
        self.assertEqual(self.company.expiry_pass_errors, "prepare reminders: template broken")
        self.assertTrue(self.company.expiry_pass_finished, "the other steps finished")
        warning = next(w for w in self._warnings() if w["key"] == "errors")
        self.assertIn("template broken", warning["message"])
        # the same error on the next run of the day is not repeated
        with (
            freeze_time("2026-05-01 04:00:00"),
            patch.object(Reminder, "_prepare_reminders", side_effect=ValueError("template broken")),
            mute_logger(PASS_LOGGER),
        ):
            self.Pass._run_company(self.company)
        self.assertEqual(self.company.expiry_pass_errors, "prepare reminders: template broken")

    def test_a_crash_is_not_a_step_error_it_rolls_the_run_back(self):
        Reminder = self.registry["expiry.reminder"]
        with (
            freeze_time("2026-05-01 03:00:00"),
            patch.object(Reminder, "_prepare_reminders", side_effect=MemoryError()),
            self.assertRaises(MemoryError),
        ):
            self.Pass._run_company(self.company)

    def test_failed_rows_are_counted_and_the_warning_opens_them(self):
        deadline = self._create_deadline(EXPIRY)
        Reminder = self.registry["expiry.reminder"]

        def refuse(company, today, batch):
            due = self.env["expiry.reminder"].search(
                [("company_id", "=", company.id), ("state", "=", "scheduled")]
            )
            due._set_failed("550 mailbox unavailable")
            return len(due), 0

        with (
            freeze_time("2026-05-01 03:00:00"),
            patch.object(Reminder, "_send_due_reminders", side_effect=refuse),
        ):
            self.Pass._run_company(self.company)
        self.assertEqual(self.company.expiry_pass_failed, 1)
        warning = next(w for w in self._warnings() if w["key"] == "failed")
        self.assertIn("1", warning["message"])
        action = warning["action"]
        self.assertEqual(action["res_model"], "expiry.reminder")
        self.assertEqual(self.env[action["res_model"]].search(action["domain"]), deadline.reminder_ids)
        # Settings link the failed steps too
        settings = self.env["res.config.settings"].with_user(self.manager).create({})
        self.assertIn("failed in the last daily pass", settings.expiry_health_warnings)
        self.assertEqual(settings.action_expiry_open_failed_steps()["res_model"], "expiry.reminder")

    def test_a_late_pass_warns_on_the_dashboard_and_in_settings(self):
        cron = self.env.ref("expiry_management.ir_cron_expiry_daily_pass")
        now = fields.Datetime.now()
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE ir_cron SET create_date = %s WHERE id = %s", (now - datetime.timedelta(days=30), cron.id)
        )
        self.env.invalidate_all()
        # due 4 hours ago and not run since (the next call is still in the past)
        cron.write({"active": True, "nextcall": now - datetime.timedelta(hours=4)})
        self.assertIn("late", [w["key"] for w in self._warnings()])
        dashboard = self.env["expiry.dashboard"].with_user(self.manager).get_dashboard_data(scope="team")
        self.assertIn("late", [w["key"] for w in dashboard["health_warnings"]])
        settings = self.env["res.config.settings"].with_user(self.manager).create({})
        self.assertIn("has not finished", settings.expiry_health_warnings)
        # a salesperson's dashboard shows no warning (nothing to act on)
        salesperson_dashboard = self.env["expiry.dashboard"].with_user(self.salesperson).get_dashboard_data()
        self.assertEqual(salesperson_dashboard["health_warnings"], [])
        # due 4 hours ago, ran (next call tomorrow) and finished for the company: no warning
        cron.nextcall = now + datetime.timedelta(hours=20)
        self.company.sudo().write({"expiry_pass_finished": now - datetime.timedelta(hours=3)})
        self.assertNotIn("late", [w["key"] for w in self._warnings()])
        # ran but never finished for this company (still at it, or failing): late
        self.company.sudo().write({"expiry_pass_finished": now - datetime.timedelta(hours=30)})
        self.assertIn("late", [w["key"] for w in self._warnings()])
        # not late yet within the margin, nor when the action is archived
        cron.nextcall = now - datetime.timedelta(hours=1)
        self.assertNotIn("late", [w["key"] for w in self._warnings()])
        cron.write({"nextcall": now - datetime.timedelta(hours=5), "active": False})
        self.assertNotIn("late", [w["key"] for w in self._warnings()])

    def test_the_health_of_the_pass_is_for_managers_only(self):
        """Review: the steps in error (exception texts of the pass) and its
        counters are the managers' (dashboard) and the administrators'
        (Settings), not every employee's through res.company."""
        self.company.sudo().write({"expiry_pass_errors": "send reminders: boom"})
        employee = new_test_user(
            self.env,
            login="health_employee",
            groups="base.group_user",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        with self.assertRaises(AccessError):
            self.company.with_user(employee).read(["expiry_pass_errors"])
        self.assertEqual(
            self.company.with_user(self.manager).read(["expiry_pass_errors"])[0]["expiry_pass_errors"],
            "send reminders: boom",
        )

    def test_a_company_row_held_by_another_worker_skips_the_health_not_the_run(self):
        """Two workers finishing at once: the second does not wait for, nor
        fail on, the company row the first holds or has just changed; its
        run (and its e-mails) stand, and a later run records the health."""
        main = self.env.ref("base.main_company")
        before = main.expiry_pass_processed
        for error in (psycopg2.errors.LockNotAvailable, psycopg2.errors.SerializationFailure):
            with patch.object(type(self.env.cr), "execute", side_effect=error("held")) as execute:
                self.Pass._write_health(main, {"expiry_pass_processed": before + 7})
            self.assertTrue(execute.called)
            self.assertEqual(main.expiry_pass_processed, before, "not recorded while the row is held")
        self.Pass._write_health(main, {"expiry_pass_processed": before + 7})
        self.assertEqual(main.expiry_pass_processed, before + 7)
