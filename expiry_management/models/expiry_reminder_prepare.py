# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Preparing the reminder ladder: the rows of the e-mails due soon, and the
salesperson's review of them before they go out (one activity per day:
expiry_reminder_review.py, or one per e-mail, per company setting)."""

from odoo import api, fields, models
from odoo.tools import SQL
from odoo.tools.misc import format_date

from ..tools import expiry_range_for_due, reminder_window

#: cancelled rows the prepare step brings back when their stage applies again
#: to the same term: the term came back (renewal rolled back), or the
#: deadline's renewal terms changed back (renewal mode, notice period)
REOPENED_CANCEL_CODES = ("renewed", "changed")

#: The one rule of a deadline that enters the system after some of its stages'
#: days (created by hand, by RPC or imported, see expiry.deadline's
#: ``date_ladder_start``): a timed e-mail due before the ladder's start is
#: never prepared, so never sent late, even inside the catch-up tolerance (a
#: deadline created today expiring in 10 days gets no "30 days before"
#: e-mail). No start (deadlines older than the field) holds back nothing; nor
#: does a start after the pass's day, which only a clock set back gives (a
#: pass run for an earlier day than the deadline's creation, as the tests of
#: the ladder do). SQL over the prepare step's ``d`` (anchor date, start).
LADDER_START_RULE = """(
    d.date_ladder_start IS NULL
    OR d.date_ladder_start > %(today)s
    OR d.date_anchor + %(offset)s >= d.date_ladder_start
)"""


class ExpiryReminder(models.Model):
    _inherit = "expiry.reminder"

    cancel_code = fields.Selection(
        selection_add=[("changed", "Renewal terms changed"), ("blocked", "Renewal push blocked")]
    )

    @api.model
    def _prepare_reminders(self, company, today, deadlines=None):
        """Create the reminders due from ``today - catch-up`` to
        ``today + upcoming`` for ``company``: one INSERT per stage, whatever the
        number of deadlines; the unique constraint skips existing ones. A
        stage counts its days from the expiry date, or (``anchor`` notice)
        from the notice date of the deadlines that renew automatically.

        :param deadlines: only these deadlines (their renewal terms changed)
        :return: the new reminders
        """
        # sudo: the daily pass of one company (scheduled action), every deadline of it
        deadline_model = self.env["expiry.deadline"].sudo().with_context(active_test=False)
        first, last = reminder_window(
            today,
            deadline_model._get_expiry_param("upcoming_days", company),
            deadline_model._get_expiry_param("reminder_catchup_days", company),
        )
        # sudo: scoped to the company of the pass (and shared stages)
        stages = self.env["expiry.reminder.stage"].sudo().search([("company_id", "in", (False, company.id))])
        self.env["expiry.reminder"].flush_model()
        new_ids = []
        inserted_ids = []
        for stage in stages:
            anchor = stage._anchor_field()
            anchor_from, anchor_to = expiry_range_for_due(first, last, stage.offset_days)
            domain = stage._deadline_domain(company) + [
                (anchor, ">=", anchor_from),
                (anchor, "<=", anchor_to),
            ]
            if deadlines is not None:
                domain.append(("id", "in", deadlines.ids))
            query = deadline_model._search(domain)
            # execute_query flushes what the deadline domain reads
            rows = self.env.execute_query(
                SQL(
                    """
                    INSERT INTO expiry_reminder
                        (deadline_id, stage_id, company_id, date_expiry, date_due, state,
                         is_customized, create_uid, write_uid, create_date, write_date)
                    -- date_due: offset_days after the stage's anchor date, the
                    -- expiry or the notice date (see expiry_range_for_due)
                    SELECT d.id, %(stage)s, d.company_id, d.date_expiry, d.date_anchor + %(offset)s,
                           'scheduled', FALSE, %(uid)s, %(uid)s,
                           NOW() AT TIME ZONE 'UTC', NOW() AT TIME ZONE 'UTC'
                      -- the stage's deadlines, read once (no join back on the table)
                      FROM (%(deadlines)s) AS d(id, company_id, date_expiry, date_anchor, date_ladder_start)
                     -- nothing due before the deadline entered the system
                     -- (created, imported): see LADDER_START_RULE
                     WHERE %(ladder_start_rule)s
                    -- a row cancelled because its term was replaced comes back
                    -- when the term does (the renewal was rolled back), one
                    -- cancelled because the renewal terms changed when its
                    -- stage applies again
                    ON CONFLICT (deadline_id, stage_id, date_expiry) DO UPDATE
                       SET state = 'scheduled', error = NULL, cancel_code = NULL,
                           date_due = EXCLUDED.date_due, write_uid = EXCLUDED.write_uid,
                           write_date = EXCLUDED.write_date
                     WHERE expiry_reminder.state = 'cancelled'
                       AND expiry_reminder.cancel_code IN %(reopened)s
                    -- xmax = 0: a new row (not one brought back)
                    RETURNING id, xmax = 0
                    """,
                    stage=stage.id,
                    offset=stage.offset_days,
                    uid=self.env.uid,
                    reopened=REOPENED_CANCEL_CODES,
                    deadlines=query.select(
                        SQL.identifier(query.table, "id"),
                        SQL.identifier(query.table, "company_id"),
                        SQL.identifier(query.table, "date_expiry"),
                        SQL.identifier(query.table, anchor),
                        SQL.identifier(query.table, "date_ladder_start"),
                    ),
                    ladder_start_rule=SQL(LADDER_START_RULE, offset=stage.offset_days, today=today),
                )
            )
            new_ids.extend(row[0] for row in rows)
            if stage.requote_activity:
                inserted_ids.extend(row[0] for row in rows if row[1])
        if new_ids:
            # rows inserted (or reopened) in SQL: the ORM cache is stale
            self.env["expiry.deadline"].invalidate_model(["reminder_ids"])
            self.invalidate_model(["state", "error", "cancel_code", "date_due"])
        reminders = self.browse(new_ids)
        reminders._schedule_review_activities()
        self.browse(inserted_ids)._schedule_requote_activities()
        # digest: the pass's step "review reminders" keeps the day's review of
        # each salesperson (expiry.reminder.review), in its own savepoint
        return reminders

    def _schedule_review_activities(self):
        """Show the salesperson each e-mail about to go out, in their
        activities, in the companies that review them one by one
        (``expiry_review_mode`` "per_email"; "digest": expiry.reminder.review)."""
        activity_type = self.env.ref(
            "expiry_management.mail_activity_type_timed_email", raise_if_not_found=False
        )
        if not activity_type or not self:
            return
        # sudo: the review setting of the e-mails' companies
        per_email = self.company_id.sudo().filtered(lambda c: c.expiry_review_mode == "per_email")
        if not per_email:
            return
        model_id = self.env["ir.model"]._get_id("expiry.deadline")
        todo = self.filtered(
            lambda r: r.company_id in per_email and r.deadline_id.user_id and r.state == "scheduled"
        )
        vals_list = [reminder._prepare_review_activity_values(activity_type, model_id) for reminder in todo]
        # mail.activity.create() subscribes the users per batch and fails on a
        # document listed twice: one round per reminder of the same deadline.
        # sudo: the daily pass schedules the salesperson's activities (scheduled action)
        Activity = self.env["mail.activity"].sudo().with_context(mail_activity_quick_update=True)
        rounds = []
        for reminder, vals in zip(todo, vals_list, strict=False):
            for batch in rounds:
                if reminder.deadline_id.id not in batch:
                    batch[reminder.deadline_id.id] = (reminder, vals)
                    break
            else:
                rounds.append({reminder.deadline_id.id: (reminder, vals)})
        for batch in rounds:
            pairs = list(batch.values())
            activities = Activity.create([vals for _reminder, vals in pairs])
            for (reminder, _vals), activity in zip(pairs, activities, strict=False):
                reminder.activity_id = activity

    def _schedule_requote_activities(self):
        """The salesperson's re-quote activity of these new rows (their stage
        asks for it, see ``requote_activity``): due on the e-mail's day, before
        the customer's notice date; once per term, as the rows are (the
        prepare step passes only the rows it inserted), and not while one is
        open on the deadline."""
        activity_type = self.env.ref("expiry_management.mail_activity_type_requote", raise_if_not_found=False)
        todo = self.filtered(lambda r: r.deadline_id.user_id and r.state == "scheduled")
        if not activity_type or not todo:
            return
        # sudo: the daily pass schedules the salesperson's activities (scheduled action)
        Activity = self.env["mail.activity"].sudo().with_context(mail_activity_quick_update=True)
        open_ids = set(
            Activity.search(
                [
                    ("res_model", "=", "expiry.deadline"),
                    ("res_id", "in", todo.deadline_id.ids),
                    ("activity_type_id", "=", activity_type.id),
                ]
            ).mapped("res_id")
        )
        model_id = self.env["ir.model"]._get_id("expiry.deadline")
        vals_list = []
        for reminder in todo:
            if reminder.deadline_id.id in open_ids:
                continue
            open_ids.add(reminder.deadline_id.id)
            vals_list.append(reminder._prepare_requote_activity_values(activity_type, model_id))
        if vals_list:
            Activity.create(vals_list)

    def _prepare_requote_activity_values(self, activity_type, model_id):
        """The salesperson's re-quote activity of this row's deadline."""
        self.ensure_one()
        deadline = self.deadline_id
        return {
            "res_model_id": model_id,
            "res_id": deadline.id,
            "activity_type_id": activity_type.id,
            "user_id": deadline.user_id.id,
            "date_deadline": min(self.date_due, deadline.date_notice or self.date_due),
            "summary": self.env._(
                "Re-quote before the notice date (%s)", format_date(self.env, deadline.date_notice)
            )
            if deadline.date_notice
            else self.env._("Re-quote the renewal"),
            "note": self.env._(
                "%(deadline)s renews automatically on %(expiry)s. Review its price and terms now: the "
                "customer can stop the renewal until %(notice)s.",
                deadline=deadline.display_name,
                expiry=format_date(self.env, deadline.date_expiry),
                notice=format_date(self.env, deadline.date_notice) if deadline.date_notice else "",
            ),
        }

    def _prepare_review_activity_values(self, activity_type, model_id):
        """The salesperson's activity showing this e-mail before it goes out."""
        self.ensure_one()
        return {
            "res_model_id": model_id,
            "res_id": self.deadline_id.id,
            "activity_type_id": activity_type.id,
            "user_id": self.deadline_id.user_id.id,
            "date_deadline": self.date_due,
            "summary": self.env._("Timed e-mail: %s", self.stage_id.name),
            "note": self.env._(
                "This e-mail goes out automatically on its date. Open the Timed E-mails "
                "of the deadline to edit it, send it now or cancel it."
            ),
        }

    @api.model
    def _cancel_stale(self, company, today):
        """Reminders due longer ago than the catch-up tolerance (the server was
        down) are not sent late: a "60 days before" mail two weeks before
        expiry would be wrong. They are cancelled with the reason."""
        catchup = self.env["expiry.deadline"]._get_expiry_param("reminder_catchup_days", company)
        first, _last = reminder_window(today, 0, catchup)
        # sudo: the daily pass of one company (domain on company_id below)
        stale = self.sudo().search(
            [("company_id", "=", company.id), ("state", "=", "scheduled"), ("date_due", "<", first)]
        )
        stale._set_cancelled(
            self.env._("Not sent: it was due more than %s days ago when the scheduler ran.", catchup), "stale"
        )
        return stale
