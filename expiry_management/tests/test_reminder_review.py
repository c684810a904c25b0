# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The salesperson's review of the coming timed e-mails (res.company
``expiry_review_mode``): one activity per salesperson and day (digest, the
default) on an expiry.reminder.review that opens that day's Timed E-mails,
one activity per e-mail (per_email), or none."""

import datetime
from unittest.mock import patch

from odoo.exceptions import AccessError
from odoo.tests import freeze_time, new_test_user, tagged
from odoo.tools import mute_logger

from .common import ReminderCase

D = datetime.date
EXPIRY = D(2026, 6, 30)  # the 60-day e-mail is due on 1 May 2026


@tagged("post_install", "-at_install")
class TestReminderReview(ReminderCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Review = cls.env["expiry.reminder.review"]
        cls.Pass = cls.env["expiry.daily.pass"]
        # the demo data's own (its daily pass ran at install): not this test's
        cls.demo_reviews = cls.Review.search([])
        cls.review_type = cls.env.ref("expiry_management.mail_activity_type_timed_email_review")
        cls.email_type = cls.env.ref("expiry_management.mail_activity_type_timed_email")
        cls.bob = new_test_user(
            cls.env,
            login="bob_review",
            name="Bob Broker",
            company_id=cls.company.id,
            company_ids=cls.company.ids,
            groups="expiry_management.group_expiry_user",
        )
        cls.sally_deadlines = (
            cls._create_deadline(EXPIRY) | cls._create_deadline(EXPIRY) | cls._create_deadline(EXPIRY)
        )
        cls.bob_deadlines = cls._create_deadline(EXPIRY, user_id=cls.bob) | cls._create_deadline(
            EXPIRY, user_id=cls.bob
        )
        # due on 2 May
        cls.sally_later = cls._create_deadline(D(2026, 7, 1))

    def _pass(self, day, company=None):
        """The whole daily pass of the company on ``day``, as the scheduled action runs it."""
        with freeze_time(f"{day} 03:00:00"):
            self.Pass._run_company(company or self.company)

    def _reviews(self, company=None):
        return self.Review.search([("company_id", "=", (company or self.company).id)])

    def _review_activities(self):
        return self.env["mail.activity"].search(
            [("res_model", "=", "expiry.reminder.review"), ("res_id", "not in", self.demo_reviews.ids)]
        )

    def _email_activities(self):
        deadlines = self.Deadline.search([("company_id", "=", self.company.id)])
        return self.env["mail.activity"].search(
            [
                ("activity_type_id", "=", self.email_type.id),
                ("res_model", "=", "expiry.deadline"),
                ("res_id", "in", deadlines.ids),
            ]
        )

    def _review(self, user, day):
        return self._reviews().filtered(lambda review: review.user_id == user and review.date == day)

    def test_default_is_one_activity_per_salesperson_and_day(self):
        self.assertEqual(self.company.expiry_review_mode, "digest")
        self._pass(D(2026, 4, 25))
        reviews = self._reviews()
        self.assertEqual(
            sorted((r.user_id.name, r.date, r.reminder_count) for r in reviews),
            [
                ("Bob Broker", D(2026, 5, 1), 2),
                ("Sally Sales", D(2026, 5, 1), 3),
                ("Sally Sales", D(2026, 5, 2), 1),
            ],
        )
        sally = self._review(self.salesperson, D(2026, 5, 1))
        activity = sally.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(
            (activity.user_id, activity.date_deadline, activity.activity_type_id),
            (self.salesperson, D(2026, 4, 30), self.review_type),
            "due the day before they go out",
        )
        self.assertEqual(activity.summary, "3 timed e-mails go out on 05/01/2026: review them")
        self.assertEqual(
            self._review(self.salesperson, D(2026, 5, 2)).activity_ids.summary,
            "1 timed e-mail goes out on 05/02/2026: review it",
        )
        self.assertEqual(len(self._review_activities()), 3, "one per salesperson and day, not per e-mail")
        self.assertFalse(self._email_activities())
        self.assertFalse(self.Reminder.search([("company_id", "=", self.company.id)]).activity_id)
        # the form lists the day's e-mails
        self.assertEqual(sally.with_user(self.salesperson).reminder_ids.deadline_id, self.sally_deadlines)

        # the pass again (a later run, the next day): nothing more
        activities = self._review_activities()
        self._pass(D(2026, 4, 25))
        self._pass(D(2026, 4, 26))
        self.assertEqual(self._reviews(), reviews)
        self.assertEqual(self._review_activities(), activities)
        self.assertFalse(reviews.message_follower_ids, "no follower row per salesperson and day")
        # nothing to change: a few queries, whatever the number of e-mails
        self.env.flush_all()
        before = self.env.cr.sql_log_count
        self.Review._sync_company(self.company, D(2026, 4, 26))
        self.assertLessEqual(self.env.cr.sql_log_count - before, 5)

    def test_the_count_stays_true(self):
        self._pass(D(2026, 4, 25))
        activity = self._review(self.salesperson, D(2026, 5, 1)).activity_ids
        self._create_deadline(EXPIRY)
        self._pass(D(2026, 4, 26))
        self.assertEqual(activity.summary, "4 timed e-mails go out on 05/01/2026: review them")
        self.assertEqual(self._review(self.salesperson, D(2026, 5, 1)).activity_ids, activity, "the same one")
        self.sally_deadlines[:2].reminder_ids.with_user(self.salesperson).action_cancel()
        self._pass(D(2026, 4, 27))
        self.assertEqual(activity.summary, "2 timed e-mails go out on 05/01/2026: review them")
        self.bob_deadlines.reminder_ids.with_user(self.bob).action_cancel()
        self._pass(D(2026, 4, 28))
        self.assertFalse(self._review(self.bob, D(2026, 5, 1)), "nothing left to review that day")
        self.assertEqual(len(self._review_activities()), 2)

    def test_the_activity_opens_the_days_timed_emails(self):
        self._pass(D(2026, 4, 25))
        activity = self._review(self.salesperson, D(2026, 5, 1)).activity_ids
        action = activity.with_user(self.salesperson).action_open_document()
        self.assertEqual(action["res_model"], "expiry.reminder")
        self.assertEqual(
            action["id"],
            self.env.ref("expiry_management.action_expiry_reminder").id,
            "the Timed E-mails list",
        )
        self.assertEqual(action["context"], {"search_default_filter_scheduled": 1})
        shown = self.Reminder.with_user(self.salesperson).search(
            action["domain"] + [("state", "=", "scheduled")]
        )
        self.assertEqual(shown.deadline_id, self.sally_deadlines, "hers, of that day")
        # Bob's day is not Sally's to open
        bob_activity = self._review(self.bob, D(2026, 5, 1)).activity_ids
        with self.assertRaises(AccessError):
            bob_activity.with_user(self.salesperson).action_open_document()
        # other activities open their document as before
        deadline = self.sally_deadlines[0]
        todo = deadline.activity_schedule("mail.mail_activity_data_todo", user_id=self.salesperson.id)
        self.assertEqual(
            (todo.action_open_document()["res_model"], todo.action_open_document()["res_id"]),
            ("expiry.deadline", deadline.id),
        )

    def test_the_activity_goes_once_the_emails_went_out(self):
        self._pass(D(2026, 4, 25))
        self._pass(D(2026, 5, 1))
        self.assertEqual(set(self.sally_deadlines.reminder_ids.mapped("state")), {"queued"})
        self.assertFalse(self._review(self.salesperson, D(2026, 5, 1)), "its e-mails are no longer scheduled")
        self.assertFalse(self._review(self.bob, D(2026, 5, 1)))
        self.assertEqual(self._review_activities().res_id, self._review(self.salesperson, D(2026, 5, 2)).id)
        self._deliver_queued_mails()
        self._pass(D(2026, 5, 2))
        self.assertFalse(self._reviews())
        self.assertFalse(self._review_activities())

    def test_an_activity_marked_done_comes_back_only_for_new_emails(self):
        self._pass(D(2026, 4, 25))
        review = self._review(self.salesperson, D(2026, 5, 1))
        review.activity_ids.with_user(self.salesperson).action_feedback(feedback="Checked")
        self.assertFalse(review.activity_ids)
        self._pass(D(2026, 4, 26))
        self.assertFalse(review.activity_ids, "reviewed: not asked again")
        self._create_deadline(EXPIRY)
        self._pass(D(2026, 4, 27))
        self.assertEqual(review.activity_ids.summary, "4 timed e-mails go out on 05/01/2026: review them")

    def test_per_email_keeps_one_activity_per_email(self):
        self.company.expiry_review_mode = "per_email"
        self._pass(D(2026, 4, 25))
        self.assertFalse(self._reviews())
        self.assertFalse(self._review_activities())
        reminders = (self.sally_deadlines | self.bob_deadlines | self.sally_later).reminder_ids
        self.assertEqual(len(reminders), 6)
        self.assertEqual(len(reminders.activity_id), 6)
        self.assertEqual(self._email_activities(), reminders.activity_id)
        first = reminders[0]
        self.assertEqual(
            (first.activity_id.res_id, first.activity_id.user_id, first.activity_id.date_deadline),
            (first.deadline_id.id, first.deadline_id.user_id, first.date_due),
        )
        self._pass(D(2026, 5, 1))
        self.assertEqual(len(self._email_activities()), 1, "gone with the e-mails that went out")

    def test_none_schedules_no_review_activity(self):
        self.company.expiry_review_mode = "none"
        self._pass(D(2026, 4, 25))
        self.assertEqual(len((self.sally_deadlines | self.bob_deadlines).reminder_ids), 5)
        self.assertFalse(self._reviews())
        self.assertFalse(self._review_activities())
        self.assertFalse(self._email_activities())

    def test_switching_from_per_email_to_the_digest(self):
        self.company.expiry_review_mode = "per_email"
        self._pass(D(2026, 4, 25))
        self.assertEqual(len(self._email_activities()), 6)
        self.company.expiry_review_mode = "digest"
        self._pass(D(2026, 4, 26))
        self.assertFalse(self._email_activities(), "not twice: the day's activity counts them")
        self.assertEqual(len(self._review_activities()), 3)

    def test_switching_off_the_digest_removes_its_activities(self):
        self._pass(D(2026, 4, 25))
        self.assertTrue(self._review_activities())
        self.company.expiry_review_mode = "none"
        self._pass(D(2026, 4, 26))
        self.assertFalse(self._reviews())
        self.assertFalse(self._review_activities())

    def test_a_failing_review_keeps_the_emails_prepared_and_is_reported(self):
        Review = type(self.Review)
        with (
            patch.object(Review, "_prepare_activity_values", side_effect=ValueError("review broken")),
            mute_logger(
                "odoo.addons.expiry_management.models.expiry_reminder_prepare",
                "odoo.addons.expiry_management.models.expiry_daily_pass",
            ),
        ):
            self._pass(D(2026, 4, 25))
        self.assertEqual(len((self.sally_deadlines | self.bob_deadlines | self.sally_later).reminder_ids), 6)
        self.assertFalse(self._reviews(), "rolled back alone")
        self.assertEqual(self.company.expiry_pass_errors, "review reminders: review broken")
        self._pass(D(2026, 4, 26))
        self.assertEqual(len(self._review_activities()), 3, "the next pass catches up")

    def test_the_setting_is_in_settings_per_company(self):
        settings = self.env["res.config.settings"].with_company(self.company).create({})
        self.assertEqual(settings.expiry_review_mode, "digest")
        settings.expiry_review_mode = "per_email"
        settings.execute()
        self.assertEqual(self.company.expiry_review_mode, "per_email")

    def test_reviews_are_per_company_and_salesperson(self):
        other = self._company("Review Other Co")
        olga = new_test_user(
            self.env,
            login="olga_review",
            name="Olga Other",
            company_id=other.id,
            company_ids=other.ids,
            groups="expiry_management.group_expiry_user",
        )
        self._create_deadline(EXPIRY, company_id=other, user_id=olga)
        manager = new_test_user(
            self.env,
            login="manager_review",
            company_id=self.company.id,
            company_ids=self.company.ids,
            groups="expiry_management.group_expiry_manager",
        )
        self._pass(D(2026, 4, 25))
        self._pass(D(2026, 4, 25), other)
        olga_review = self._reviews(other)
        self.assertEqual((olga_review.user_id, olga_review.reminder_count), (olga, 1))
        sally_review = self._review(self.salesperson, D(2026, 5, 1))
        self.assertEqual(self.Review.with_user(olga).search([]), olga_review)
        with self.assertRaises(AccessError):
            sally_review.with_user(olga).check_access("read")
        with self.assertRaises(AccessError):
            olga_review.with_user(self.salesperson).action_open_reminders()
        self.assertEqual(
            self.Review.with_user(self.salesperson).search([]).user_id, self.salesperson, "her own only"
        )
        self.assertEqual(self.Review.with_user(manager).search([]), self._reviews(), "all of her company")
