# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What a customer owes, defined once in the core: an open item (a posted
customer invoice linked to a deadline, not fully paid), its days overdue
(from the due date, else the invoice date) and the stored link between an
invoice and its deadline (``account.move.expiry_deadline_id``)."""

import ast
import importlib.util
from datetime import date
from pathlib import Path

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import freeze_time, tagged

from odoo.addons.expiry_management.models import account_move

from .common import ExpiryCommon

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def _script(version, name):
    spec = importlib.util.spec_from_file_location(f"expiry_core_{name}", MIGRATIONS / version / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@tagged("post_install", "-at_install")
@freeze_time("2027-03-10 12:00:00")
class TestOpenItems(ExpiryCommon):
    def _renewal_invoice(self, deadline, due=date(2027, 3, 1)):
        order = self.env["sale.order"].browse(deadline.action_renew()["res_id"])
        order.action_confirm()
        invoice = order._create_invoices()
        invoice.invoice_date = date(2027, 2, 20)
        invoice.invoice_date_due = due
        invoice.action_post()
        return invoice

    def _linked_invoice(self, deadline, invoice_date, due):
        """A customer invoice linked to ``deadline`` by hand (no renewal order)."""
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": deadline.partner_id.id,
                "expiry_deadline_id": deadline.id,
                "invoice_date": invoice_date,
                "invoice_date_due": due,
                "invoice_line_ids": [
                    Command.create({"name": "Instalment", "quantity": 1, "price_unit": 120.0})
                ],
            }
        )
        invoice.action_post()
        return invoice

    def _without_due_date(self, invoice):
        # an invoice without a due date (imported, or its due date cleared)
        self.env.flush_all()
        self.env.cr.execute("UPDATE account_move SET invoice_date_due = NULL WHERE id = %s", (invoice.id,))
        self.env.invalidate_all()

    def test_the_link_to_the_deadline_is_the_cores_stored_field(self):
        field = self.env["ir.model.fields"]._get("account.move", "expiry_deadline_id")
        self.assertTrue(field.store)
        self.assertIn("expiry_management", field.modules.split(", "))
        deadline = self._create_deadline(date(2027, 3, 31), price_unit=500)
        invoice = self._renewal_invoice(deadline)
        self.assertEqual(invoice.expiry_deadline_id, deadline)

    def test_one_domain_for_the_open_items(self):
        self.assertEqual(
            account_move.OPEN_ITEM_DOMAIN,
            account_move.OPEN_INVOICE_DOMAIN + [("expiry_deadline_id", "!=", False)],
        )
        action = self.env.ref("expiry_management.action_expiry_unpaid_renewals")
        self.assertEqual(ast.literal_eval(action.domain), account_move.OPEN_ITEM_DOMAIN)

    def test_days_overdue_fall_back_to_the_invoice_date(self):
        deadline = self._create_deadline(date(2027, 3, 31), price_unit=500)
        invoice = self._renewal_invoice(deadline)
        self.assertEqual(invoice.expiry_days_overdue, 9)
        self._without_due_date(invoice)
        self.assertFalse(invoice.invoice_date_due)
        # owed since its invoice date (20 February)
        self.assertEqual(invoice.expiry_days_overdue, 18)
        self.assertEqual(invoice._expiry_days_overdue(date(2027, 3, 10)), 18)

    def test_deadline_figures_are_its_open_items(self):
        deadline = self._create_deadline(date(2027, 3, 31), price_unit=500)
        other = self._create_deadline(date(2027, 3, 31))
        renewal = self._renewal_invoice(deadline)
        # linked by hand (a premium instalment): owed on the deadline too
        instalment = self._linked_invoice(deadline, date(2027, 1, 10), date(2027, 2, 10))
        self.assertEqual(instalment.expiry_deadline_id, deadline)
        self.assertEqual(deadline.renewal_invoice_ids, renewal | instalment)
        self.assertTrue(deadline.renewal_unpaid)
        self.assertEqual(deadline.renewal_amount_due, renewal.amount_residual + instalment.amount_residual)
        Deadline = self.env["expiry.deadline"]
        ids = (deadline | other).ids
        self.assertEqual(Deadline.search([("id", "in", ids), ("renewal_unpaid", "=", True)]), deadline)
        self.assertEqual(Deadline.search([("id", "in", ids), ("renewal_unpaid", "=", False)]), other)
        action = self.env.ref("expiry_management.action_expiry_unpaid_renewals")
        listed = self.env["account.move"].search(ast.literal_eval(action.domain))
        self.assertEqual(listed & (renewal | instalment), renewal | instalment)
        items = (renewal | instalment)._expiry_open_items(date(2027, 3, 10))
        self.assertEqual(
            sorted((move.id, due) for move, due, _amount, _source in items),
            sorted([(renewal.id, date(2027, 3, 1)), (instalment.id, date(2027, 2, 10))]),
        )

    def test_upgrade_fills_the_link_of_renewal_invoices(self):
        """A database of the previous core version (without the collection)
        has no column: the pre-migration adds it and links the renewal
        invoices by SQL, without touching links set by hand."""
        deadline = self._create_deadline(date(2027, 3, 31), price_unit=500)
        other = self._create_deadline(date(2027, 3, 31))
        renewal = self._renewal_invoice(deadline)
        by_hand = self._linked_invoice(other, date(2027, 1, 10), date(2027, 2, 10))
        self.env.flush_all()
        cr = self.env.cr
        cr.execute(
            "UPDATE account_move SET expiry_deadline_id = NULL WHERE id = %s",
            (renewal.id,),
        )
        _script("18.0.1.3.0", "pre-invoice-deadline-link").migrate(cr, "18.0.1.2.0")
        self.env.invalidate_all()
        self.assertEqual(renewal.expiry_deadline_id, deadline)
        self.assertEqual(by_hand.expiry_deadline_id, other)

    def test_an_invoice_of_another_company_is_never_linked_to_a_deadline(self):
        """Review: the list of open items and the deadline's figures must not
        disagree: an invoice of another company cannot be linked to a
        deadline (the figures ignore it, the list would show it)."""
        deadline = self._create_deadline(date(2027, 3, 31))
        other = self._company("Review Other Brokers")
        self.env["account.chart.template"].try_loading("generic_coa", company=other, install_demo=False)
        invoice = (
            self.env["account.move"]
            .with_company(other)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": deadline.partner_id.id,
                    "invoice_line_ids": [
                        Command.create({"name": "Instalment", "quantity": 1, "price_unit": 120.0})
                    ],
                }
            )
        )
        self.assertEqual(invoice.company_id, other)
        with self.assertRaises(UserError):
            invoice.expiry_deadline_id = deadline
            invoice.flush_recordset()
