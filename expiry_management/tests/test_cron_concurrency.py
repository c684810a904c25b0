# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Two workers on two real database transactions.

The other tests run inside one rolled-back transaction, where row locks and
snapshots cannot be observed. Here each "worker" gets its own connection;
the rows the test creates are committed on those connections and deleted
again at the end (the code under test never commits).
"""

import datetime

from psycopg2 import errors

from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import ConcurrencyCase

D = datetime.date
# A due date no real data has, so that claims only see the test's row.
DUE = D(2000, 1, 3)


@tagged("post_install", "-at_install")
class TestCronConcurrency(ConcurrencyCase):
    def setUp(self):
        super().setUp()
        setup_cr = self._cursor()
        env = self._env(setup_cr)
        company = env.ref("base.main_company")
        partner = env["res.partner"].create(
            {"name": "Concurrent Customer", "email": "concurrent@example.com"}
        )
        deadline = env["expiry.deadline"].create(
            {
                "partner_id": partner.id,
                "company_id": company.id,
                "currency_id": company.currency_id.id,
                "user_id": False,
                "date_expiry": DUE + datetime.timedelta(days=60),
                "state": "active",
            }
        )
        reminder = env["expiry.reminder"].create(
            {
                "deadline_id": deadline.id,
                "stage_id": env.ref("expiry_management.reminder_stage_60").id,
                "company_id": company.id,
                "date_expiry": deadline.date_expiry,
                "date_due": DUE,
            }
        )
        env.flush_all()
        setup_cr.execute("SELECT COALESCE(MAX(id), 0) FROM ir_cron_trigger")
        self.last_trigger_id = setup_cr.fetchone()[0]
        setup_cr.commit()  # pylint: disable=invalid-commit
        self.company_id, self.reminder_id = company.id, reminder.id
        self.addCleanup(self._delete, partner.id, deadline.id, reminder.id)

    def _delete(self, partner_id, deadline_id, reminder_id):
        cr = self._cursor()
        cr.execute(
            "DELETE FROM mail_mail WHERE mail_message_id IN (SELECT id FROM mail_message WHERE model = 'expiry.deadline' AND res_id = %s)",
            [deadline_id],
        )
        cr.execute("DELETE FROM mail_message WHERE model = 'expiry.deadline' AND res_id = %s", [deadline_id])
        cr.execute(
            "DELETE FROM mail_followers WHERE res_model = 'expiry.deadline' AND res_id = %s", [deadline_id]
        )
        cr.execute("DELETE FROM expiry_reminder WHERE id = %s", [reminder_id])
        cr.execute("DELETE FROM expiry_deadline WHERE id = %s", [deadline_id])
        cr.execute("DELETE FROM res_partner WHERE id = %s", [partner_id])
        # the mail queue was triggered by the committed send
        cr.execute(
            "DELETE FROM ir_cron_trigger WHERE id > %s AND cron_id = %s",
            [self.last_trigger_id, self.env.ref("mail.ir_cron_mail_scheduler_action").id],
        )
        cr.commit()  # pylint: disable=invalid-commit

    def _claim_and_send(self, env):
        company = env["res.company"].browse(self.company_id)
        claimed = env["expiry.reminder"]._claim_due(company, DUE, 10)
        claimed._send()
        env.flush_all()
        return claimed

    def _mail_count(self, cr):
        cr.execute(
            "SELECT count(*) FROM mail_mail m JOIN mail_message msg ON msg.id = m.mail_message_id "
            "JOIN expiry_reminder r ON r.deadline_id = msg.res_id AND msg.model = 'expiry.deadline' "
            "WHERE r.id = %s",
            [self.reminder_id],
        )
        return cr.fetchone()[0]

    def test_two_workers_never_send_the_same_reminder(self):
        cr_a, cr_b = self._cursor(), self._cursor()
        env_a, env_b = self._env(cr_a), self._env(cr_b)
        # B takes its snapshot first, like a second worker started at the same time
        cr_b.execute("SELECT 1")
        claimed_a = self._claim_and_send(env_a)
        self.assertEqual(claimed_a.ids, [self.reminder_id])
        self.assertEqual(claimed_a.state, "queued")
        # while A holds the row, B skips it
        self.assertFalse(self._claim_and_send(env_b))
        cr_a.commit()  # pylint: disable=invalid-commit
        # once A committed, B's older snapshot still says "scheduled": locking
        # the row fails instead of sending it a second time
        with self.assertRaises(errors.SerializationFailure), mute_logger("odoo.sql_db"):
            self._claim_and_send(env_b)
        cr_b.rollback()
        # a later run sees it sent and claims nothing
        self.assertFalse(self._claim_and_send(self._env(self._cursor())))
        self.assertEqual(self._mail_count(cr_b), 1)
