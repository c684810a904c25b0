# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The salesperson's review of the timed e-mails of one day: one record per
salesperson, company and send day, carrying one activity ("12 timed e-mails
go out on 08/12/2026: review them") that opens the Timed E-mails list of that
day. Kept by the daily pass (_sync_company), per the company's
``expiry_review_mode``; "per_email" is the activity of each e-mail
(expiry_reminder_prepare.py)."""

import datetime
import logging

import psycopg2

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, format_date, mute_logger

_logger = logging.getLogger(__name__)

#: res.company ``expiry_review_mode``: how the salesperson reviews the coming e-mails
REVIEW_MODES = [
    ("digest", "One activity per salesperson and day"),
    ("per_email", "One activity per e-mail"),
    ("none", "No review activity"),
]


class ExpiryReminderReview(models.Model):
    _name = "expiry.reminder.review"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _description = "Timed E-mails to Review"
    _order = "date, id"
    # the salesperson marks the day's activity done on a record they only read
    _mail_post_access = "read"

    user_id = fields.Many2one(
        "res.users", string="Salesperson", required=True, readonly=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True, ondelete="cascade")
    date = fields.Date(string="Send On", required=True, readonly=True)
    reminder_count = fields.Integer(
        string="E-mails",
        readonly=True,
        help="Scheduled e-mails of the day when the daily pass last counted them (its activity says so).",
    )
    reminder_ids = fields.Many2many(
        "expiry.reminder",
        string="Timed E-mails",
        compute="_compute_reminder_ids",
        help="The e-mails of the salesperson that are still scheduled for that day.",
    )

    _sql_constraints = [
        (
            "user_company_date_uniq",
            "unique(user_id, company_id, date)",
            "One review per salesperson, company and day.",
        ),
    ]

    def _compute_display_name(self):
        for review in self:
            review.display_name = self.env._(
                "Timed e-mails of %(user)s on %(date)s",
                user=review.user_id.name or "",
                date=format_date(self.env, review.date),
            )

    def _reminder_domain(self):
        self.ensure_one()
        return [
            ("company_id", "=", self.company_id.id),
            ("user_id", "=", self.user_id.id),
            ("date_due", "=", self.date),
        ]

    @api.depends_context("uid")
    def _compute_reminder_ids(self):
        # the user's own access: a review lists what its reader may see
        Reminder = self.env["expiry.reminder"]
        readable = Reminder.has_access("read")
        for review in self:
            review.reminder_ids = (
                Reminder.search(review._reminder_domain() + [("state", "=", "scheduled")])
                if readable and review.id
                else Reminder
            )

    # ------------------------------------------------------------------
    # User actions
    # ------------------------------------------------------------------
    def action_open_reminders(self):
        """The Timed E-mails list of this salesperson and day (the scheduled
        ones first: the filter can be removed to see what went out)."""
        self._expiry_check_access("read")
        self.ensure_one()
        self.env["expiry.reminder"]._expiry_check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id("expiry_management.action_expiry_reminder")
        action.update(
            name=self.display_name,
            domain=self._reminder_domain(),
            context={"search_default_filter_scheduled": 1},
        )
        return action

    # ------------------------------------------------------------------
    # The daily pass (no access check: callers decide)
    # ------------------------------------------------------------------
    @api.model
    def _count_scheduled(self, company, today):
        """``{(user id, day): scheduled e-mails}`` of ``company`` after
        ``today`` (one query, on the index of the scheduled rows): today's go
        out in this pass, there is nothing left to review."""
        self.env["expiry.reminder"].flush_model(["company_id", "state", "date_due", "deadline_id"])
        self.env["expiry.deadline"].flush_model(["user_id"])
        rows = self.env.execute_query(
            SQL(
                """
                SELECT d.user_id, r.date_due, COUNT(*)
                  FROM expiry_reminder r
                  JOIN expiry_deadline d ON d.id = r.deadline_id
                 WHERE r.company_id = %(company)s AND r.state = 'scheduled'
                   AND r.date_due > %(today)s AND d.user_id IS NOT NULL
                 GROUP BY d.user_id, r.date_due
                """,
                company=company.id,
                today=today,
            )
        )
        return {(user_id, day): count for user_id, day, count in rows}

    @api.model
    def _sync_company(self, company, today):
        """Bring the reviews of ``company`` in line with its scheduled e-mails
        (mode "digest"): one per salesperson and day from ``today`` on, its
        activity's summary counting them; the others (their e-mails went out or
        were cancelled, or another mode was chosen) are removed. An activity
        the salesperson marked done comes back only when e-mails were added.
        Idempotent: a few queries when nothing changed."""
        # sudo: the daily pass of one company (domain on company_id below)
        Review = self.sudo().with_context(
            tracking_disable=True, mail_create_nolog=True, mail_create_nosubscribe=True, mail_notrack=True
        )
        reviews = Review.search_fetch(
            [("company_id", "=", company.id)], ["user_id", "date", "reminder_count"]
        )
        # sudo: the setting of the company of the pass
        mode = company.sudo().expiry_review_mode
        counts = self._count_scheduled(company, today) if mode == "digest" else {}
        if mode != "per_email":
            # per e-mail before: their activities go (the digest counts them)
            # sudo: the daily pass of one company (domain on company_id)
            Reminder = self.env["expiry.reminder"].sudo()
            domain = [
                ("company_id", "=", company.id),
                ("state", "=", "scheduled"),
                ("activity_id", "!=", False),
            ]
            Reminder.search_fetch(domain, ["activity_id"]).activity_id.unlink()
        existing = {(review.user_id.id, review.date): review for review in reviews}
        stale = reviews.filtered(lambda review: (review.user_id.id, review.date) not in counts)
        if stale and mode == "per_email":
            # the digest before: its e-mails still to go get their own activity
            stale._schedule_email_activities(today)
        if stale:
            stale.unlink()
        activity_type = self.env.ref(
            "expiry_management.mail_activity_type_timed_email_review", raise_if_not_found=False
        )
        if not counts or not activity_type:
            return
        changed = (reviews - stale).filtered(
            lambda review: counts[review.user_id.id, review.date] != review.reminder_count
        )
        activities = {}
        if changed:
            # sudo: the activities of the company's reviews (the pass keeps their summary)
            Activity = self.env["mail.activity"].sudo()
            domain = [("res_model", "=", self._name), ("res_id", "in", changed.ids)]
            for activity in Activity.search_fetch(domain, ["res_id"]):
                activities[activity.res_id] = activity
        new_vals = [
            {"user_id": user_id, "company_id": company.id, "date": day, "reminder_count": count}
            for (user_id, day), count in counts.items()
            if (user_id, day) not in existing
        ]
        created = Review
        if new_vals:
            try:
                with self.env.cr.savepoint(), mute_logger("odoo.sql_db"):
                    created = Review.create(new_vals)
                    created.flush_recordset()
            except psycopg2.errors.UniqueViolation:
                # another worker of the pass (queue jobs) created them at the same time
                _logger.info("Daily pass, company %s: reviews created by another worker", company.id)
                return
            # create() leaves an empty list in cache for the computed x2many
            created.invalidate_recordset(["reminder_ids"])
        todo = list(created)
        for review in changed:
            count = counts[review.user_id.id, review.date]
            activity = activities.get(review.id)
            if activity:
                activity.summary = review._review_summary(count)
            elif count > review.reminder_count:
                todo.append(review)  # marked done, and e-mails were added since
            review.reminder_count = count
        if todo:
            model_id = self.env["ir.model"]._get_id(self._name)
            # sudo: the daily pass schedules the salesperson's activity (scheduled action)
            Activity = self.env["mail.activity"].sudo()
            Activity.with_context(mail_activity_quick_update=True, expiry_review_no_follow=True).create(
                [review._prepare_activity_values(activity_type, model_id) for review in todo]
            )

    def _schedule_email_activities(self, today):
        """The activity of each e-mail still scheduled of these reviews (from
        ``today`` on), when their company switched to "per_email"."""
        # sudo: the daily pass of these reviews' company (domain on company_id)
        reminders = (
            self.env["expiry.reminder"]
            .sudo()
            .search(
                [
                    ("company_id", "in", self.company_id.ids),
                    ("state", "=", "scheduled"),
                    ("activity_id", "=", False),
                    ("date_due", ">=", today),
                    ("date_due", "in", list(set(self.mapped("date")))),
                ]
            )
        )
        keys = {(review.company_id.id, review.user_id.id, review.date) for review in self}
        reminders.filtered(
            lambda r: (r.company_id.id, r.deadline_id.user_id.id, r.date_due) in keys
        )._schedule_review_activities()

    def _message_subscribe(self, partner_ids=None, subtype_ids=None, customer_ids=None):
        # The activity the pass creates makes its salesperson follow the
        # review (mail.activity.create, per user: 5 queries each). A day's
        # review is read, not discussed: its activity reaches them anyway.
        if self.env.context.get("expiry_review_no_follow"):
            return True
        return super()._message_subscribe(partner_ids, subtype_ids, customer_ids=customer_ids)

    def _review_summary(self, count):
        """The activity's summary, in the salesperson's language."""
        self.ensure_one()
        env = self.with_context(lang=self.user_id.lang or self.env.lang).env
        day = format_date(env, self.date)
        if count == 1:
            return env._("1 timed e-mail goes out on %(date)s: review it", date=day)
        return env._("%(count)s timed e-mails go out on %(date)s: review them", count=count, date=day)

    def _prepare_activity_values(self, activity_type, model_id):
        """The salesperson's activity of this review: due the day before the
        e-mails go out (the pass sends them early in the morning)."""
        self.ensure_one()
        env = self.with_context(lang=self.user_id.lang or self.env.lang).env
        return {
            "res_model_id": model_id,
            "res_id": self.id,
            "activity_type_id": activity_type.id,
            "user_id": self.user_id.id,
            "date_deadline": self.date - datetime.timedelta(days=1),
            "summary": self._review_summary(self.reminder_count),
            "note": env._(
                "These e-mails go out automatically on their date. Open the list to edit one, "
                "send it now or cancel it."
            ),
        }

    @api.model
    def _open_from_activity(self, res_id):
        """What an activity of a review opens (mail.activity.action_open_document)."""
        review = self.browse(res_id).exists()
        if not review:
            raise UserError(self.env._("These e-mails went out or were cancelled: nothing left to review."))
        return review.action_open_reminders()
