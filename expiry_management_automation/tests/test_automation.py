# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import datetime
import logging
from datetime import date

from odoo.exceptions import UserError  # noqa: F401 - the rules below raise it
from odoo.tests import freeze_time, tagged

from odoo.addons.expiry_management.tests.common import ReminderCase

_logger = logging.getLogger(__name__)
D = datetime.date
EXPIRY = D(2026, 6, 30)


@tagged("post_install", "-at_install")
class TestAutomation(ReminderCase):
    def test_expiry_triggers_automation_rules_on_the_state(self):
        rule = self.env.ref("expiry_management_automation.base_automation_deadline_expired")
        self.assertFalse(rule.active, "shipped as an inactive example")
        rule.active = True
        deadline = self._create_deadline(EXPIRY)
        with freeze_time("2026-07-01 03:00:00"):
            self._run()
        activities = self.env["mail.activity"].search(
            [("res_model", "=", "expiry.deadline"), ("res_id", "=", deadline.id)]
        )
        self.assertIn("Expired without renewal: win-back call", activities.mapped("summary"))

    def test_a_raising_automation_rule_on_one_deadline_blocks_no_other(self):
        bad = self._create_deadline(date(2026, 6, 30), description="bad")
        goods = self._create_deadline(date(2026, 6, 30)) | self._create_deadline(date(2026, 6, 30))
        other_company = self.env["res.company"].create({"name": "Other Co"})
        other = self._create_deadline(date(2026, 6, 30), company_id=other_company)
        automation = self.env["base.automation"].create(
            {
                "name": "A user's rule that raises for one deadline",
                "model_id": self.env["ir.model"]._get_id("expiry.deadline"),
                "trigger": "on_write",
                "filter_domain": f"[('id', '=', {bad.id}), ('state', '=', 'expired')]",
            }
        )
        self.env["ir.actions.server"].create(
            {
                "name": "raise",
                "model_id": self.env["ir.model"]._get_id("expiry.deadline"),
                "base_automation_id": automation.id,
                "usage": "base_automation",
                "state": "code",
                "code": "raise UserError('the rule of a user is broken')",
            }
        )
        with freeze_time("2026-07-01 03:00:00"):
            self.Reminder._cron_daily_pass()
        self.assertEqual(set(goods.mapped("state")), {"expired"})
        self.assertEqual(other.state, "expired", "another company is not blocked either")
        self.assertEqual(bad.state, "active", "its change was rolled back")
        self.assertIn("the rule of a user is broken", bad.cron_error)
        self.assertEqual(bad.cron_error_date, date(2026, 7, 1))
        self.assertIn("could not update this deadline", " ".join(bad.message_ids.mapped("body")))
        self._deliver_queued_mails()
        notices = (goods | other).reminder_ids.filtered(lambda r: r.stage_id == self.stage_notice)
        self.assertEqual(set(notices.mapped("state")), {"sent"}, "the others get their expiry notice")
        self.assertEqual(len(notices), 3)
        # the next day, with the rule fixed, it expires and the error goes
        automation.active = False
        with freeze_time("2026-07-02 03:00:00"):
            self.Reminder._cron_daily_pass()
        self.assertEqual(bad.state, "expired")
        self.assertFalse(bad.cron_error)

    def _due_company(self, count):
        company = self._company(f"Bulk {count}")
        partners = self.env["res.partner"].create(
            [{"name": f"Customer {i}", "email": f"c{i}@bulk{count}.example"} for i in range(count)]
        )
        self.Deadline.create(
            [
                {
                    "partner_id": partner.id,
                    "product_id": self.product.id,
                    "company_id": company.id,
                    "currency_id": company.currency_id.id,
                    "user_id": self.salesperson.id,
                    "date_start": D(2025, 6, 30),
                    "date_expiry": EXPIRY,
                    "state": "active",
                }
                for partner in partners
            ]
        )
        self.Reminder._prepare_reminders(company, D(2026, 5, 1))
        self.env.flush_all()
        self.env.invalidate_all()
        return company

    def _count_queries(self, company):
        start = self.env.cr.sql_log_count
        done, _left = self.Reminder._send_due_reminders(company, D(2026, 5, 1), 1000)
        self.env.flush_all()
        return done, self.env.cr.sql_log_count - start

    def test_reminder_pass_queries_do_not_grow_with_the_number_of_deadlines(self):
        # bounded overhead for 200 instead of 10: mail.mail is created in chunks
        # of mail.batch_size (50), a handful of queries per chunk
        bound = 15
        # An active automation rule on deadlines (as users create) must not
        # turn the pass into one query per record.
        self.env.ref("expiry_management_automation.base_automation_deadline_expired").active = True
        with freeze_time("2026-05-01 03:00:00"):
            warmup = self._due_company(1)
            self._count_queries(warmup)
            small, large = self._due_company(10), self._due_company(200)
            done_small, queries_small = self._count_queries(small)
            self.env.invalidate_all()
            with self.assertQueryCount(queries_small + bound):
                done_large, queries_large = self._count_queries(large)
        self.assertEqual((done_small, done_large), (10, 200))
        _logger.info("reminder pass queries: 10 due -> %s, 200 due -> %s", queries_small, queries_large)
