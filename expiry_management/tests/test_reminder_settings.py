# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import ValidationError
from odoo.tests import freeze_time, tagged

from .common import ReminderCase
from .test_reminder_ladder import EXPIRY


@tagged("post_install", "-at_install")
class TestReminderSettings(ReminderCase):
    def test_negative_thresholds_are_refused(self):
        with self.assertRaises(ValidationError):
            self.env["res.config.settings"].create({"expiry_reminder_catchup_days": -1})

    def test_expiry_notice_stage_must_come_after_expiry(self):
        with self.assertRaises(ValidationError):
            self.stage_notice.offset_days = 0

    def test_a_template_edited_in_the_ui_is_what_goes_out(self):
        template = self.stage_60.mail_template_id
        template.body_html = '<p>Hello <t t-out="object.partner_id.name"/>, time to renew.</p>'
        deadline = self._create_deadline(EXPIRY)
        with freeze_time("2026-05-01 03:00:00"):
            self._run()
        self.assertIn("Hello Carla Customer, time to renew.", deadline.reminder_ids.mail_id.body_html)

    def test_back_to_the_template_after_editing(self):
        deadline = self._create_deadline(EXPIRY)
        with freeze_time("2026-04-26 03:00:00"):
            self._run()
        reminder = deadline.reminder_ids
        reminder.action_customize()
        self.assertTrue(reminder.is_customized)
        reminder.action_reset_template()
        self.assertFalse(reminder.is_customized)
        self.assertFalse(reminder.body_html)

    def test_screens_open_for_a_salesperson(self):
        as_sally = self.env(user=self.salesperson)
        for model in ("expiry.reminder", "expiry.reminder.stage"):
            views = as_sally[model].get_views([(False, "list"), (False, "form"), (False, "search")])
            self.assertEqual(set(views["views"]), {"list", "form", "search"})
        deadline_form = as_sally["expiry.deadline"].get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn('name="reminder_ids"', deadline_form)
        deadline = self._create_deadline(EXPIRY)
        with freeze_time("2026-04-26 03:00:00"):
            self._run()
        self.assertEqual(deadline.with_user(self.salesperson).reminder_ids.stage_id, self.stage_60)
        # a salesperson of the Sales app only (no Deadlines right) does not get the tab
        seller = self.env["res.users"].create(
            {
                "name": "Sam Seller",
                "login": "sam_seller_reminder",
                "company_id": self.company.id,
                "company_ids": [(6, 0, self.company.ids)],
                "groups_id": [(6, 0, [self.env.ref("sales_team.group_sale_salesman").id])],
            }
        )
        arch = self.env(user=seller)["expiry.deadline"].get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertNotIn('name="reminder_ids"', arch)
