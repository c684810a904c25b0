# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Two cron workers on two real database transactions take a collection
step once (see expiry_management's test_cron_concurrency for the pattern).
The rows are committed on those connections and deleted at the end."""

import datetime

from psycopg2 import errors

from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.expiry_management.tests.common import ConcurrencyCase

# A due date no real data has, so that claims only see the test's row.
DUE = datetime.date(2000, 1, 3)


@tagged("post_install", "-at_install")
class TestCollectionConcurrency(ConcurrencyCase):
    def setUp(self):
        super().setUp()
        cr = self._cursor()
        env = self._env(cr)
        # an open invoice of the demo data (expiry_collection_demo.xml)
        deadline = env.ref("expiry_management.deadline_wood_motor")
        move = env["account.move"].search(
            [("expiry_deadline_id", "=", deadline.id), ("payment_state", "in", ("not_paid", "partial"))],
            limit=1,
        )
        self.assertTrue(move, "the demo data has open invoices")
        step = env.ref("expiry_management_collection.step_sms_and_call")
        cr.execute("SELECT COALESCE(MAX(id), 0) FROM mail_message")
        last_message = cr.fetchone()[0]
        cr.execute("SELECT COALESCE(MAX(id), 0) FROM mail_activity")
        last_activity = cr.fetchone()[0]
        log = env["expiry.collection.log"]._insert_rows(
            [
                {
                    "move_id": move.id,
                    "deadline_id": deadline.id,
                    "step_id": step.id,
                    "instalment_id": None,
                    "channel": "visit",
                    "company_id": move.company_id.id,
                    "date_due": DUE,
                }
            ]
        )
        cr.commit()  # pylint: disable=invalid-commit
        self.company_id, self.log_id, self.deadline_id = move.company_id.id, log.id, deadline.id
        self.addCleanup(self._delete, log.id, last_message, last_activity)

    def _delete(self, log_id, last_message, last_activity):
        cr = self._cursor()
        cr.execute("DELETE FROM expiry_collection_log WHERE id = %s", [log_id])
        cr.execute("DELETE FROM mail_activity WHERE id > %s", [last_activity])
        cr.execute("DELETE FROM mail_message WHERE id > %s", [last_message])
        cr.commit()  # pylint: disable=invalid-commit

    def _claim_and_process(self, env):
        company = env["res.company"].browse(self.company_id)
        claimed = env["expiry.collection.log"]._claim_due(company, DUE, 10)
        claimed._step_process()
        env.flush_all()
        return claimed

    def _activity_count(self, cr):
        cr.execute(
            "SELECT count(*) FROM mail_activity a JOIN expiry_collection_log l ON l.activity_id = a.id WHERE l.id = %s",
            [self.log_id],
        )
        return cr.fetchone()[0]

    def test_two_workers_never_take_the_same_step(self):
        cr_a, cr_b = self._cursor(), self._cursor()
        env_a, env_b = self._env(cr_a), self._env(cr_b)
        cr_b.execute("SELECT 1")  # B takes its snapshot first
        claimed_a = self._claim_and_process(env_a)
        self.assertEqual(claimed_a.ids, [self.log_id])
        self.assertEqual(claimed_a.state, "done")
        self.assertFalse(self._claim_and_process(env_b), "B skips the row A holds")
        cr_a.commit()  # pylint: disable=invalid-commit
        with self.assertRaises(errors.SerializationFailure), mute_logger("odoo.sql_db"):
            self._claim_and_process(env_b)
        cr_b.rollback()
        self.assertFalse(self._claim_and_process(self._env(self._cursor())))
        self.assertEqual(self._activity_count(self._cursor()), 1)

    def test_two_workers_prepare_the_same_rows_once(self):
        cr_a = self._cursor()
        env_a = self._env(cr_a)
        values = [
            {
                "move_id": env_a["expiry.collection.log"].browse(self.log_id).move_id.id,
                "deadline_id": self.deadline_id,
                "step_id": env_a.ref("expiry_management_collection.step_sms_and_call").id,
                "instalment_id": None,
                "channel": "visit",
                "company_id": self.company_id,
                "date_due": DUE,
            }
        ]
        # the row exists (committed by setUp): a second insert adds nothing
        self.assertFalse(env_a["expiry.collection.log"]._insert_rows(values))
        cr_a.rollback()

    def test_process_now_while_the_pass_holds_the_step_is_refused_clearly(self):
        """Issue 17: the user actions of every ladder lock with NOWAIT (the
        mixin's _step_lock_for_user): "Process now" and "Cancel" on a step
        the daily pass is taking say so instead of waiting for it."""
        cr_a, cr_b = self._cursor(), self._cursor()
        env_a, env_b = self._env(cr_a), self._env(cr_b)
        company = env_a["res.company"].browse(self.company_id)
        claimed = env_a["expiry.collection.log"]._claim_due(company, DUE, 10)
        self.assertEqual(claimed.ids, [self.log_id])
        log_b = env_b["expiry.collection.log"].browse(self.log_id)
        for action in ("action_process_now", "action_cancel"):
            with self.assertRaisesRegex(UserError, "daily pass"):
                getattr(log_b, action)()
        cr_a.rollback()
        cr_b.rollback()
        self.assertEqual(self._activity_count(self._cursor()), 0)
