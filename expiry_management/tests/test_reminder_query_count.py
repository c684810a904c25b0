# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Issue 20: the daily pass costs no query per e-mail. Preparing and sending
a day of timed e-mails (the chatter message of each e-mail, its delivery
line, the salesperson's review and callbacks) takes about the same queries
for 10 and for 200 deadlines: what grows is Odoo's ORM writing rows by
chunks of 100 (``INSERT_BATCH_SIZE``), one query more per hundred rows of a
table."""

import datetime

from odoo.tests import freeze_time, tagged

from .common import ReminderCase

D = datetime.date


@tagged("post_install", "-at_install")
@freeze_time("2026-05-01 03:00:00")
class TestReminderQueryCount(ReminderCase):
    def _portfolio(self, count, expiry):
        partners = self.env["res.partner"].create(
            [{"name": f"Customer {index}", "email": f"c{index}@example.com"} for index in range(count)]
        )
        return self.env["expiry.deadline"].create(
            [
                dict(
                    self._deadline_defaults(expiry, self.company),
                    partner_id=partner.id,
                    date_ladder_start=D(2026, 1, 1),
                )
                for partner in partners
            ]
        )

    def test_a_day_of_e_mails_costs_no_query_per_e_mail(self):
        today = D(2026, 5, 1)
        Reminder = self.Reminder.sudo()
        counts = {}
        # each round: a fresh day of its own ladder stages (60 and 30 days
        # before), the caches warmed by the first round
        for count, expiry in ((2, D(2026, 6, 28)), (10, D(2026, 6, 29)), (200, D(2026, 6, 30))):
            deadlines = self._portfolio(count, expiry)
            deadlines.flush_recordset()
            self.env.invalidate_all()
            queries = self.env.cr.sql_log_count
            Reminder._prepare_reminders(self.company, today)
            Reminder._send_due_reminders(self.company, today, 10000)
            self.env.flush_all()
            counts[count] = self.env.cr.sql_log_count - queries
            self.assertEqual(len(self._mails(deadlines)), count)
        # 190 e-mails more: no query per e-mail (that would be 190 more), only
        # the ORM's chunks of 100 rows (messages, mails, delivery lines, the
        # reminders' write) and a review activity of a new day
        self.assertLess(counts[200] - counts[10], 40, counts)
