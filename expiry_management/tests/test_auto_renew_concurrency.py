# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Two workers renewing the same automatic deadline, and then charging its
saved payment method, each on a real database transaction of its own (see
test_cron_concurrency.py): it renews once and is charged once."""

import datetime
from unittest.mock import patch

from psycopg2 import errors

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import ConcurrencyCase


@tagged("post_install", "-at_install")
class TestAutoRenewConcurrency(ConcurrencyCase):
    def setUp(self):
        super().setUp()
        setup_cr = self._cursor()
        env = self._env(setup_cr)
        company = env.ref("base.main_company")
        self.today = env["expiry.deadline"]._company_today(company)
        partner = env["res.partner"].create({"name": "Concurrent Renewal Customer"})
        product = env["product.product"].create(
            {
                "name": "Concurrent Renewal Plan",
                "type": "service",
                "list_price": 90.0,
                "expiry_duration": 1,
                "expiry_duration_unit": "year",
            }
        )
        method = env.ref("payment.payment_method_unknown")
        provider = env["payment.provider"].create(
            {
                "name": "Concurrent Renewal Provider",
                "code": "none",
                "state": "test",
                "allow_tokenization": True,
                "company_id": company.id,
                "payment_method_ids": [Command.set(method.ids)],
            }
        )
        self.method_was_active = method.active, method.support_tokenization
        method.write({"active": True, "support_tokenization": True})
        token = env["payment.token"].create(
            {
                "provider_id": provider.id,
                "payment_method_id": method.id,
                "partner_id": partner.id,
                "payment_details": "4242",
                "provider_ref": "concurrent",
            }
        )
        deadline = env["expiry.deadline"].create(
            {
                "partner_id": partner.id,
                "product_id": product.id,
                "company_id": company.id,
                "currency_id": company.currency_id.id,
                "user_id": False,
                "renewal_mode": "automatic",
                "notice_days": 5,
                "date_start": self.today - datetime.timedelta(days=365),
                "date_expiry": self.today,
                "state": "active",
                "payment_token_id": token.id,
            }
        )
        env.flush_all()
        setup_cr.execute("SELECT COALESCE(MAX(id), 0) FROM ir_cron_trigger")
        self.last_trigger_id = setup_cr.fetchone()[0]
        setup_cr.commit()  # pylint: disable=invalid-commit
        self.company_id, self.deadline_id = company.id, deadline.id
        self.addCleanup(self._delete, partner.id, product.id, deadline.id, provider.id, method.id)

    def _delete(self, partner_id, product_id, deadline_id, provider_id, method_id):
        cr = self._cursor()
        cr.execute("DELETE FROM payment_transaction WHERE provider_id = %s", [provider_id])
        cr.execute("UPDATE expiry_deadline SET payment_token_id = NULL WHERE id = %s", [deadline_id])
        cr.execute("DELETE FROM payment_token WHERE provider_id = %s", [provider_id])
        cr.execute("SELECT DISTINCT order_id FROM sale_order_line WHERE deadline_id = %s", [deadline_id])
        order_ids = tuple(row[0] for row in cr.fetchall()) or (0,)
        cr.execute(
            "SELECT DISTINCT move_id FROM account_move_line WHERE id IN ("
            " SELECT invoice_line_id FROM sale_order_line_invoice_rel r"
            " JOIN sale_order_line l ON l.id = r.order_line_id WHERE l.order_id IN %s)",
            [order_ids],
        )
        move_ids = tuple(row[0] for row in cr.fetchall()) or (0,)
        for model, ids in (
            ("expiry.deadline", (deadline_id,)),
            ("sale.order", order_ids),
            ("account.move", move_ids),
        ):
            cr.execute("DELETE FROM mail_activity WHERE res_model = %s AND res_id IN %s", [model, ids])
            cr.execute("DELETE FROM mail_followers WHERE res_model = %s AND res_id IN %s", [model, ids])
            cr.execute("DELETE FROM mail_message WHERE model = %s AND res_id IN %s", [model, ids])
        cr.execute("DELETE FROM expiry_renewal_charge WHERE deadline_id = %s", [deadline_id])
        cr.execute("DELETE FROM account_move WHERE id IN %s", [move_ids])
        cr.execute("DELETE FROM expiry_deadline_term WHERE deadline_id = %s", [deadline_id])
        cr.execute("DELETE FROM sale_order_line WHERE order_id IN %s", [order_ids])
        cr.execute("DELETE FROM sale_order WHERE id IN %s", [order_ids])
        cr.execute("DELETE FROM expiry_reminder WHERE deadline_id = %s", [deadline_id])
        cr.execute("DELETE FROM expiry_deadline WHERE id = %s", [deadline_id])
        cr.execute(
            "DELETE FROM product_template WHERE id IN (SELECT product_tmpl_id FROM product_product WHERE id = %s)",
            [product_id],
        )
        cr.execute("DELETE FROM res_partner WHERE id = %s", [partner_id])
        cr.execute("DELETE FROM payment_provider WHERE id = %s", [provider_id])
        # the post-processing of the done payment was triggered by the committed charge
        cr.execute(
            "DELETE FROM ir_cron_trigger WHERE id > %s AND cron_id = %s",
            [self.last_trigger_id, self.env.ref("payment.cron_post_process_payment_tx").id],
        )
        active, tokenization = self.method_was_active
        cr.execute(
            "UPDATE payment_method SET active = %s, support_tokenization = %s WHERE id = %s",
            [active, tokenization, method_id],
        )
        cr.commit()  # pylint: disable=invalid-commit

    def _renew(self, env):
        company = env["res.company"].browse(self.company_id)
        result = env["expiry.deadline"]._cron_auto_renew(company, self.today, 10)
        env.flush_all()
        return result

    def _terms(self, cr):
        cr.execute("SELECT count(*) FROM expiry_deadline_term WHERE deadline_id = %s", [self.deadline_id])
        return cr.fetchone()[0]

    def test_two_workers_renew_once(self):
        cr_a, cr_b = self._cursor(), self._cursor()
        env_a, env_b = self._env(cr_a), self._env(cr_b)
        # B takes its snapshot first, like a second worker started at the same time
        cr_b.execute("SELECT 1")
        self.assertEqual(self._renew(env_a), (1, 0))
        # while A holds the deadline, B skips it
        self.assertEqual(self._renew(env_b), (0, 0))
        cr_a.commit()  # pylint: disable=invalid-commit
        # once A committed, B's older snapshot still sees it due: locking the
        # row fails (its run is rolled back) instead of renewing it again
        with self.assertRaises(errors.SerializationFailure), mute_logger("odoo.sql_db"):
            self._renew(env_b)
        cr_b.rollback()
        # a later run sees it renewed and renews nothing
        self.assertEqual(self._renew(self._env(self._cursor())), (0, 0))
        self.assertEqual(self._terms(cr_b), 1)

    def _charge(self, env):
        company = env["res.company"].browse(self.company_id)
        with patch.object(
            type(env["payment.transaction"]), "_send_payment_request", lambda tx: tx._set_done()
        ):
            result = env["expiry.renewal.charge"]._cron_charge_due(company, self.today, 10)
        env.flush_all()
        return result

    def _transactions(self, cr):
        cr.execute(
            "SELECT count(*) FROM payment_transaction t JOIN expiry_renewal_charge c "
            "ON c.id = t.expiry_renewal_charge_id WHERE c.deadline_id = %s",
            [self.deadline_id],
        )
        return cr.fetchone()[0]

    def test_two_workers_charge_once(self):
        cr_setup = self._cursor()
        self.assertEqual(self._renew(self._env(cr_setup)), (1, 0))
        cr_setup.commit()  # pylint: disable=invalid-commit
        cr_a, cr_b = self._cursor(), self._cursor()
        env_a, env_b = self._env(cr_a), self._env(cr_b)
        cr_b.execute("SELECT 1")
        self.assertEqual(self._charge(env_a), (1, 0))
        # while A holds the charge, B skips it
        self.assertEqual(self._charge(env_b), (0, 0))
        cr_a.commit()  # pylint: disable=invalid-commit
        with self.assertRaises(errors.SerializationFailure), mute_logger("odoo.sql_db"):
            self._charge(env_b)
        cr_b.rollback()
        self.assertEqual(self._charge(self._env(self._cursor())), (0, 0))
        self.assertEqual(self._transactions(cr_b), 1)

    def _open_quotation(self):
        """A renewal quotation of the deadline, committed: (order, provider, method) ids."""
        cr = self._cursor()
        env = self._env(cr)
        deadline = env["expiry.deadline"].browse(self.deadline_id)
        deadline.action_renew()
        quotation = deadline._get_open_renewal_lines().order_id
        token = deadline.payment_token_id
        ids = quotation.id, token.provider_id.id, token.payment_method_id.id
        env.flush_all()
        cr.commit()  # pylint: disable=invalid-commit
        return ids

    def _customer_pays(self, env, order_id, provider_id, method_id):
        order = env["sale.order"].browse(order_id)
        tx = env["payment.transaction"].create(
            {
                "provider_id": provider_id,
                "payment_method_id": method_id,
                "reference": f"CONC-PAY-{order_id}",
                "amount": order.amount_total,
                "currency_id": order.currency_id.id,
                "partner_id": order.partner_id.id,
                "operation": "online_redirect",
                "sale_order_ids": [Command.set(order.ids)],
            }
        )
        env.flush_all()
        return tx

    def _order_payments(self, cr, order_id):
        cr.execute("SELECT state FROM sale_order WHERE id = %s", [order_id])
        state = cr.fetchone()[0]
        cr.execute("SELECT count(*) FROM sale_order_transaction_rel WHERE sale_order_id = %s", [order_id])
        return state, cr.fetchone()[0]

    def test_customer_payment_waits_for_the_automatic_renewal(self):
        # review finding 3: the pass cancels the cart the customer starts paying
        order_id, provider_id, method_id = self._open_quotation()
        cr_a, cr_b = self._cursor(), self._cursor()
        env_a, env_b = self._env(cr_a), self._env(cr_b)
        cr_b.execute("SELECT 1")
        self.assertEqual(self._renew(env_a), (1, 0))
        # the payment waits for the renewal (here: gives up after a short wait)
        cr_b.execute("SET LOCAL lock_timeout = '200ms'")
        with self.assertRaises(errors.LockNotAvailable), mute_logger("odoo.sql_db"):
            self._customer_pays(env_b, order_id, provider_id, method_id)
        cr_b.rollback()
        cr_a.commit()  # pylint: disable=invalid-commit
        self.assertEqual(self._order_payments(cr_b, order_id), ("cancel", 0))
        self.assertEqual(self._terms(cr_b), 1)
        # tried again, the payment sees the cart cancelled: refused, not taken
        with self.assertRaises(ValidationError):
            self._customer_pays(self._env(self._cursor()), order_id, provider_id, method_id)

    def test_automatic_renewal_skips_the_renewal_being_paid(self):
        # review finding 3, the other way: the customer pays first
        order_id, provider_id, method_id = self._open_quotation()
        cr_a, cr_b = self._cursor(), self._cursor()
        env_a, env_b = self._env(cr_a), self._env(cr_b)
        cr_a.execute("SELECT 1")
        self._customer_pays(env_b, order_id, provider_id, method_id)
        self.assertEqual(self._renew(env_a), (0, 0))
        cr_a.rollback()
        cr_b.commit()  # pylint: disable=invalid-commit
        self.assertEqual(self._renew(self._env(self._cursor())), (0, 0))
        self.assertEqual(self._order_payments(cr_b, order_id), ("draft", 1))
        self.assertEqual(self._terms(cr_b), 0)
