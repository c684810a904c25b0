# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Every channel in the renewal ladder (issue 19): a reminder stage sends an
e-mail, an SMS (Odoo's SMS queue, through a mocked provider here; never to a
blacklisted number nor to a customer who opted out), plans a call and puts a
letter in the day's print batch; the stages' channels are checked by the one
rule they share with the collection steps (expiry.ladder.channel.mixin)."""

from unittest.mock import patch

from odoo.exceptions import UserError, ValidationError
from odoo.tools import mute_logger

from odoo.addons.sms.tests.common import SMSCase

from .common import ReminderCase

NUMBER = "+32470123456"


class TestReminderChannels(SMSCase, ReminderCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # only the stages of each test
        cls.ladder.active = False
        cls.sms_template = cls.env.ref("expiry_management.sms_template_reminder")
        cls.mobile_customer = cls.env["res.partner"].create(
            {"name": "Mona Mobile", "mobile": NUMBER, "email": "mona@customer.example", "lang": "en_US"}
        )
        cls.Stage = cls.env["expiry.reminder.stage"]

    def _stage(self, **values):
        return self.Stage.create(
            dict(
                {
                    "name": "Three days before",
                    "offset_days": -3,
                    "channel_email": False,
                    "company_id": self.company.id,
                },
                **values,
            )
        )

    def _sms_stage(self, **values):
        return self._stage(channel_sms=True, sms_template_id=self.sms_template.id, **values)

    def _sms_of(self, deadlines):
        return (
            self.env["sms.sms"]
            .sudo()
            .search(
                [
                    ("mail_message_id.model", "=", "expiry.deadline"),
                    ("mail_message_id.res_id", "in", deadlines.ids),
                ]
            )
        )

    # ------------------------------------------------------------------
    # SMS
    # ------------------------------------------------------------------
    def test_sms_stage_sends_through_the_provider(self):
        stage = self._sms_stage()
        deadline = self._create_deadline(3, partner_id=self.mobile_customer, description="Fleet policy FP-7")
        with self.mockSMSGateway():
            self._run()
            reminder = deadline.reminder_ids
            self.assertEqual(reminder.stage_id, stage)
            self.assertEqual(reminder.state, "sent", "an SMS-only reminder is sent once its SMS is queued")
            self.assertFalse(reminder.mail_id, "no e-mail at this stage")
            self.assertFalse(self._mails(deadline), "no e-mail at this stage")
            sms = self._sms_of(deadline)
            self.assertEqual(len(sms), 1)
            self.assertEqual(sms.state, "outgoing")
            self.assertEqual(sms.number, NUMBER)
            self.assertEqual(sms.partner_id, self.mobile_customer)
            self.assertIn("Fleet policy FP-7", sms.body)
            self.assertIn(deadline.name, sms.body)
            self.assertIn("SMS to", reminder.channel_note)
            # the chatter line of the SMS, with its delivery
            message = sms.mail_message_id
            self.assertEqual(
                (message.model, message.res_id, message.message_type), ("expiry.deadline", deadline.id, "sms")
            )
            self.assertIn("Fleet policy FP-7", message.body)
            notification = message.notification_ids
            self.assertEqual(notification.notification_type, "sms")
            self.assertEqual(notification.sms_id_int, sms.id)
            # Odoo's SMS queue sends it through the (mocked) provider
            sms.send()
        self.assertSMSIapSent([NUMBER], "Fleet policy FP-7")
        self.assertEqual(notification.notification_status, "pending")
        # a rerun sends nothing more
        with self.mockSMSGateway():
            self._run()
            self.assertEqual(len(self._sms_of(deadline)), 1)
        self.assertEqual(len(deadline.reminder_ids), 1)

    def test_sms_stage_has_no_text_to_edit(self):
        self._sms_stage()
        deadline = self._create_deadline(3, partner_id=self.mobile_customer)
        self._run(deliver=False)
        reminder = deadline.reminder_ids
        reminder.invalidate_recordset()
        # prepared but not yet due: a reminder of 3 days before, due today, is sent; one due later is not
        self.assertEqual(reminder.state, "sent")
        later = self._create_deadline(5, partner_id=self.mobile_customer)
        self._run(deliver=False)
        scheduled = later.reminder_ids
        self.assertEqual(scheduled.state, "scheduled")
        with self.assertRaisesRegex(UserError, "no e-mail"):
            scheduled.with_user(self.salesperson).action_customize()

    def test_sms_blacklisted_number_not_sent(self):
        self._sms_stage()
        self.env["phone.blacklist"].sudo()._add([NUMBER])
        deadline = self._create_deadline(3, partner_id=self.mobile_customer)
        with self.mockSMSGateway():
            self._run()
        reminder = deadline.reminder_ids
        self.assertEqual(reminder.state, "cancelled")
        self.assertEqual(reminder.cancel_code, "optout")
        self.assertIn("blacklist", reminder.error)
        self.assertIn(NUMBER, reminder.error)
        self.assertFalse(self._sms_of(deadline), "no SMS to a blacklisted number")
        self.assertFalse(self._sms)

    def test_sms_opted_out_customer_not_sent(self):
        """A customer who put one of their numbers on the blacklist gets no
        SMS, not even on their other number."""
        self._sms_stage()
        self.mobile_customer.phone = "+32811223344"
        self.env["phone.blacklist"].sudo()._add(["+32811223344"])
        deadline = self._create_deadline(3, partner_id=self.mobile_customer)
        self._run()
        reminder = deadline.reminder_ids
        self.assertEqual((reminder.state, reminder.cancel_code), ("cancelled", "optout"))
        self.assertIn("opted out", reminder.error)
        self.assertFalse(self._sms_of(deadline))

    def test_sms_without_number_fails_with_reason(self):
        self._sms_stage()
        deadline = self._create_deadline(3)  # Carla has no number
        self._run()
        reminder = deadline.reminder_ids
        self.assertEqual(reminder.state, "failed")
        self.assertIn("no valid mobile or phone number", reminder.error)
        self.assertIn(self.customer.name, reminder.error)
        # fixed, then retried: it goes out
        self.customer.mobile = NUMBER
        reminder.with_user(self.salesperson).action_retry()
        self._run()
        self.assertEqual(reminder.state, "sent")
        self.assertEqual(len(self._sms_of(deadline)), 1)

    def test_email_and_sms_stage_sends_both_once(self):
        template = self.stage_7.mail_template_id
        self._sms_stage(channel_email=True, mail_template_id=template.id)
        deadline = self._create_deadline(3, partner_id=self.mobile_customer)
        self._run()
        reminder = deadline.reminder_ids
        self.assertEqual(reminder.state, "sent", "the e-mail's state machine: sent once delivered")
        self.assertTrue(reminder.mail_id)
        self.assertEqual(len(self._mails(deadline)), 1)
        self.assertEqual(len(self._sms_of(deadline)), 1)
        self.assertTrue(reminder.date_channels)
        self._run()
        self.assertEqual(len(self._mails(deadline)), 1, "a rerun sends nothing more")
        self.assertEqual(len(self._sms_of(deadline)), 1, "a rerun sends nothing more")

    def test_email_and_sms_stage_blacklisted_sends_the_email_only(self):
        template = self.stage_7.mail_template_id
        self._sms_stage(channel_email=True, mail_template_id=template.id)
        self.env["phone.blacklist"].sudo()._add([NUMBER])
        deadline = self._create_deadline(3, partner_id=self.mobile_customer)
        self._run()
        reminder = deadline.reminder_ids
        self.assertEqual(reminder.state, "sent")
        self.assertEqual(len(self._mails(deadline)), 1)
        self.assertFalse(self._sms_of(deadline))
        self.assertIn("blacklist", reminder.channel_note, "the reminder says why no SMS went out")

    def test_sms_bad_record_fails_alone(self):
        self._sms_stage()
        good = self._create_deadline(3, partner_id=self.mobile_customer)
        other = self.env["res.partner"].create({"name": "Otto Other", "mobile": "+32470999888"})
        bad = self._create_deadline(3, partner_id=other)
        template_class = type(self.env["sms.template"])
        render = template_class._render_field

        def broken_render(template, field, res_ids, *args, **kwargs):
            if bad.id in res_ids:
                raise ValueError("broken placeholder")
            return render(template, field, res_ids, *args, **kwargs)

        with (
            patch.object(template_class, "_render_field", broken_render),
            mute_logger("odoo.addons.expiry_management.tools.batch"),
        ):
            self._run()
        self.assertEqual(good.reminder_ids.state, "sent")
        self.assertEqual(bad.reminder_ids.state, "failed")
        self.assertIn("broken placeholder", bad.reminder_ids.error)
        self.assertEqual(len(self._sms_of(good)), 1)
        self.assertFalse(self._sms_of(bad))

    # ------------------------------------------------------------------
    # Call and letter
    # ------------------------------------------------------------------
    def _activities(self, deadlines, xmlid):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "expiry.deadline"),
                ("res_id", "in", deadlines.ids),
                ("activity_type_id", "=", self.env.ref(xmlid).id),
            ]
        )

    def test_call_stage_plans_one_call(self):
        self._stage(channel_call=True)
        deadline = self._create_deadline(3)
        self._run()
        reminder = deadline.reminder_ids
        self.assertEqual(reminder.state, "sent")
        calls = self._activities(deadline, "expiry_management.mail_activity_type_renewal_call")
        self.assertEqual(len(calls), 1)
        self.assertEqual(calls.user_id, self.salesperson)
        self.assertEqual(calls.date_deadline, self.Deadline._company_today(self.company))
        self._run()
        self.assertEqual(
            len(self._activities(deadline, "expiry_management.mail_activity_type_renewal_call")), 1, "once"
        )

    def test_sms_stage_schedules_its_callback(self):
        self._sms_stage(schedule_callback=True)
        deadline = self._create_deadline(3, partner_id=self.mobile_customer)
        self._run()
        self.assertEqual(deadline.reminder_ids.state, "sent")
        self.assertEqual(len(self._activities(deadline, "expiry_management.mail_activity_type_callback")), 1)

    def test_call_stage_without_salesperson_fails(self):
        self._stage(channel_call=True)
        deadline = self._create_deadline(3, user_id=False)
        self._run()
        self.assertEqual(deadline.reminder_ids.state, "failed")
        self.assertIn("no salesperson", deadline.reminder_ids.error)

    def test_letter_stage_day_batch(self):
        self._stage(channel_letter=True)
        first = self._create_deadline(3, description="Fleet policy FP-1")
        second = self._create_deadline(3, description="Home policy HP-2")
        self._run()
        today = self.Deadline._company_today(self.company)
        reminders = (first | second).reminder_ids
        self.assertEqual(set(reminders.mapped("state")), {"sent"})
        self.assertEqual(set(reminders.mapped("date_letter")), {today})
        self.assertEqual(
            len(self._activities(first | second, "expiry_management.mail_activity_type_renewal_letter")), 2
        )
        # the day's batch, as Letters to Print lists it, printed as one document (the HTML
        # of the PDF: this machine's unpatched wkhtmltopdf prints no external layout, the
        # collection's letter neither)
        batch = self.Reminder.with_user(self.salesperson).search([("date_letter", "=", today)])
        self.assertEqual(batch, reminders)
        html = (
            self.env["ir.actions.report"]
            .with_user(self.salesperson)
            ._render_qweb_html("expiry_management.report_expiry_reminder_letter", batch.ids)[0]
            .decode()
        )
        self.assertIn("Fleet policy FP-1", html)
        self.assertIn("Home policy HP-2", html)
        self.assertEqual(html.count("o_expiry_reminder_letter"), 2, "one letter per reminder")
        self._run()
        self.assertEqual(
            len(self._activities(first | second, "expiry_management.mail_activity_type_renewal_letter")), 2
        )

    def test_the_letters_report_prints_letters_only(self):
        """Issue 19 review (L5): the letters' report prints the reminders that
        have a letter only, records them as printed, and is not in every
        reminder's Print menu."""
        report = self.env.ref("expiry_management.action_report_expiry_reminder_letter")
        self.assertFalse(report.binding_model_id, "the letters only: from Letters to Print")
        self._stage(channel_letter=True)
        letter = self._create_deadline(3, description="Fleet policy FP-1")
        self._run()
        e_mail = self._create_deadline(7, description="Home policy HP-2")
        self._run()
        reminders = (letter | e_mail).reminder_ids
        self.assertEqual(len(reminders), 2)
        Report = self.env["ir.actions.report"].with_user(self.salesperson)
        html = Report._render_qweb_html(report.report_name, reminders.ids)[0].decode()
        self.assertIn("Fleet policy FP-1", html)
        self.assertNotIn("Home policy HP-2", html, "an e-mail reminder is no letter")
        self.assertEqual(html.count("o_expiry_reminder_letter"), 1)
        self.assertTrue(letter.reminder_ids.date_letter_printed)
        self.assertFalse(e_mail.reminder_ids.date_letter_printed)
        with self.assertRaisesRegex(UserError, "no letter|None of these"):
            Report._render_qweb_html(report.report_name, e_mail.reminder_ids.ids)

    def test_sms_stage_costs_no_query_per_reminder(self):
        """Issue 19 review (M6): an SMS stage records what each reminder's
        channels did in one write per outcome, not one per reminder: 10 and
        50 reminders (sent, opted out, without a number) take about the same
        queries."""
        self._sms_stage()
        today = self.Deadline._company_today(self.company)
        counts = {}
        for count in (3, 10, 50):
            partners = self.env["res.partner"].create(
                [
                    {
                        "name": f"SMS customer {count}-{index}",
                        "mobile": f"+3247{count:02d}{index:05d}" if index % 3 else False,
                        "lang": "en_US",
                    }
                    for index in range(count)
                ]
            )
            self.env["phone.blacklist"].sudo()._add(
                [partner._phone_format(fname="mobile") for partner in partners[2::3]]
            )
            deadlines = self.Deadline.browse()
            for partner in partners:
                deadlines |= self._create_deadline(3, partner_id=partner)
            self.Reminder._prepare_reminders(self.company, today)
            self.env.flush_all()
            self.env.invalidate_all()
            queries = self.env.cr.sql_log_count
            with self.mockSMSGateway():
                self.Reminder._send_due_reminders(self.company, today, 10000)
                self.env.flush_all()
            counts[count] = self.env.cr.sql_log_count - queries
            reminders = deadlines.reminder_ids
            self.assertEqual(len(reminders), count)
            states = {(r.state, r.cancel_code or False) for r in reminders}
            self.assertEqual(states, {("sent", False), ("cancelled", "optout"), ("failed", False)})
            # each reminder says its own reason
            for reminder in reminders:
                partner = reminder.deadline_id.partner_id
                if reminder.state == "failed":
                    self.assertIn(partner.name, reminder.error)
                elif reminder.state == "cancelled":
                    self.assertIn(partner._phone_format(fname="mobile"), reminder.error)
                self.assertTrue(reminder.channel_note)
        self.assertLessEqual(counts[50] - counts[10], 5, counts)

    # ------------------------------------------------------------------
    # The rule of the channels
    # ------------------------------------------------------------------
    def test_stage_channels_rule_speaks_the_users_language(self):
        """Issue 19 review (L6): the rule names the rung by its model's
        translated name, not the untranslated description."""
        self.env["res.lang"]._activate_lang("fr_FR")
        model = self.env["ir.model"]._get("expiry.reminder.stage")
        model.with_context(lang="fr_FR").name = "Étape de relance"
        with self.assertRaisesRegex(ValidationError, "Étape de relance"):
            self.Stage.with_context(lang="fr_FR").create(
                {
                    "name": "Trois jours avant",
                    "offset_days": -3,
                    "channel_email": False,
                    "company_id": self.company.id,
                }
            )

    def test_stage_channels_rule(self):
        with self.assertRaisesRegex(ValidationError, "at least one channel"):
            self._stage()
        with self.assertRaisesRegex(ValidationError, "sends an SMS"):
            self._stage(channel_sms=True)
        with self.assertRaisesRegex(ValidationError, "sends an e-mail"):
            self._stage(channel_email=True)
        invoice_template = self.env["sms.template"].create(
            {"name": "Other", "model_id": self.env["ir.model"]._get_id("res.partner"), "body": "Hi"}
        )
        with self.assertRaisesRegex(ValidationError, "template of deadlines"):
            self._stage(channel_sms=True, sms_template_id=invoice_template.id)
        stage = self._sms_stage()
        self.assertEqual(stage._get_channels(), ["sms"])
        with self.assertRaisesRegex(ValidationError, "at least one channel"):
            stage.channel_sms = False
        # the shipped stages keep e-mail only
        for shipped in self.ladder:
            self.assertEqual(shipped._get_channels(), ["email"])
