# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import datetime

from odoo.tests import TransactionCase


class ReminderCase(TransactionCase):
    """A company of our own (UTC), a salesperson, customers and a renewable
    product, so that the demo data never interferes."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True, mail_notrack=True))
        cls.company = cls.env["res.company"].create(
            {"name": "Reminder Co", "email": "office@reminder.example"}
        )
        cls.company.partner_id.tz = "UTC"
        cls.salesperson = cls.env["res.users"].create(
            {
                "name": "Sally Sales",
                "login": "sally_reminder",
                "email": "sally@reminder.example",
                "company_id": cls.company.id,
                "company_ids": [(6, 0, cls.company.ids)],
                "groups_id": [(6, 0, [cls.env.ref("expiry_management.group_expiry_user").id])],
            }
        )
        cls.customer = cls.env["res.partner"].create(
            {"name": "Carla Customer", "email": "carla@customer.example", "lang": "en_US"}
        )
        cls.product = cls.env["product.product"].create(
            {
                "name": "Maintenance plan",
                "type": "service",
                "list_price": 100.0,
                "expiry_duration": 1,
                "expiry_duration_unit": "year",
            }
        )
        cls.Reminder = cls.env["expiry.reminder"]
        cls.Deadline = cls.env["expiry.deadline"]
        cls.stage_60 = cls.env.ref("expiry_management.reminder_stage_60")
        cls.stage_30 = cls.env.ref("expiry_management.reminder_stage_30")
        cls.stage_7 = cls.env.ref("expiry_management.reminder_stage_7")
        cls.stage_notice = cls.env.ref("expiry_management.reminder_stage_expiry_notice")
        cls.stage_after_7 = cls.env.ref("expiry_management.reminder_stage_after_7")
        cls.ladder = cls.stage_60 | cls.stage_30 | cls.stage_7 | cls.stage_notice | cls.stage_after_7
        # only the shipped ladder: other stages (another engineer's demo) stay out
        cls.env["expiry.reminder.stage"].search([("id", "not in", cls.ladder.ids)]).active = False
        params = cls.env["ir.config_parameter"].sudo()
        params.set_param("expiry_management.upcoming_days", "7")
        params.set_param("expiry_management.reminder_catchup_days", "3")
        params.set_param("expiry_management.close_after_days", "90")

    @classmethod
    def _company(cls, name, tz="UTC"):
        company = cls.env["res.company"].create(
            {"name": name, "email": f"{name.lower().replace(' ', '')}@example.com"}
        )
        company.partner_id.tz = tz
        return company

    @classmethod
    def _deadline(cls, date_expiry, company=None, partner=None, **values):
        company = company or cls.company
        vals = {
            "partner_id": (partner or cls.customer).id,
            "product_id": cls.product.id,
            "company_id": company.id,
            "currency_id": company.currency_id.id,
            "user_id": cls.salesperson.id if company == cls.company else False,
            "date_start": date_expiry - datetime.timedelta(days=365),
            "date_expiry": date_expiry,
            "state": "active",
            "price_unit": 100.0,
        }
        vals.update(values)
        return cls.Deadline.create(vals)

    def _run(self, company=None):
        """One reminder pass for one company, as the daily action does."""
        company = company or self.company
        today = self.Deadline._company_today(company)
        self.Deadline.sudo()._cron_update_states(company, today, 10000)
        self.Reminder._cancel_stale(company, today)
        self.Reminder._prepare_reminders(company, today)
        return self.Reminder._send_due_reminders(company, today, 10000)

    def _mails(self, deadlines):
        return (
            self.env["mail.mail"]
            .sudo()
            .search([("model", "=", "expiry.deadline"), ("res_id", "in", deadlines.ids)])
        )

    def _sent(self, deadline):
        return deadline.reminder_ids.filtered(lambda r: r.state == "sent").stage_id
