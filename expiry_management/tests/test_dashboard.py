# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import datetime

from odoo.exceptions import AccessError, UserError
from odoo.tests import TransactionCase, freeze_time, new_test_user, tagged, warmup

from .common import ExpiryDashboardTestMixin

# Measured on 18.0: 29 queries with 5 deadlines and with 50 (and as many
# activities; 3 of them the charts, 2 the health of the daily pass shown to
# managers); the lists are limited and the figures are grouped reads.
DASHBOARD_QUERIES = 29


@tagged("post_install", "-at_install")
@freeze_time(ExpiryDashboardTestMixin.TODAY)
class TestDashboard(ExpiryDashboardTestMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_dashboard_data()
        cls.company.write({"expiry_upcoming_days": 7, "expiry_renewal_window_days": 30})

    def _data(self, user, scope="mine", companies=None):
        companies = companies or self.company
        env = self.env(
            user=user,
            context={"allowed_company_ids": companies.ids, "tz": "UTC"},
        )
        return env["expiry.dashboard"].get_dashboard_data(scope=scope)

    def test_upcoming_lists_deadlines_expiring_within_the_setting_window(self):
        soon = self._create_deadline(3)
        self._create_deadline(8)  # beyond the 7 days
        self._create_deadline(-1, state="expired")
        self._create_deadline(2, state="closed")
        data = self._data(self.user)
        self.assertEqual([d["id"] for d in data["upcoming"]], soon.ids)
        self.assertEqual(data["upcoming"][0]["days_remaining"], 3)
        self.assertEqual(data["upcoming"][0]["amount"], 100.0)
        self.assertEqual(data["upcoming_days"], 7)

    def test_upcoming_window_follows_the_setting(self):
        later = self._create_deadline(10)
        self.company.expiry_upcoming_days = 14
        self.assertEqual([d["id"] for d in self._data(self.user)["upcoming"]], later.ids)

    def test_user_sees_own_scope_even_when_asking_for_team(self):
        mine = self._create_deadline(1)
        self._create_deadline(2, user_id=self.manager)
        data = self._data(self.user, scope="team")
        self.assertEqual(data["scope"], "mine")
        self.assertFalse(data["can_see_team"])
        self.assertEqual([d["id"] for d in data["upcoming"]], mine.ids)

    def test_manager_team_scope_sums_everyone_with_performance_rows(self):
        self._create_deadline(1, price_unit=100.0)
        self._create_deadline(2, user_id=self.manager, price_unit=50.0)
        data = self._data(self.manager, scope="team")
        self.assertEqual(data["scope"], "team")
        self.assertEqual(len(data["upcoming"]), 2)
        self.assertEqual(data["counters"]["at_risk"], 2)
        self.assertEqual(data["counters"]["at_risk_amount"], 150.0)
        user_rows = {r["id"]: r for r in data["performance"] if r["kind"] == "user_id"}
        self.assertEqual(user_rows[self.user.id]["at_risk_amount"], 100.0)
        self.assertEqual(user_rows[self.manager.id]["at_risk_amount"], 50.0)
        team_rows = {r["id"]: r for r in data["performance"] if r["kind"] == "team_id"}
        self.assertEqual(team_rows[self.team.id]["at_risk"], 1)
        mine = self._data(self.manager, scope="mine")
        self.assertEqual(mine["counters"]["at_risk"], 1)
        self.assertEqual(mine["performance"], [])

    def test_dashboard_only_counts_allowed_companies(self):
        self._create_deadline(1)
        self._create_deadline(1, user_id=self.manager, company_id=self.other_company)
        self._create_deadline(2, user_id=self.manager)
        both = self._data(self.manager, "team", companies=self.company | self.other_company)
        self.assertEqual(len(both["upcoming"]), 3)
        only_company = self._data(self.manager, "team", companies=self.company)
        self.assertEqual(len(only_company["upcoming"]), 2)

    def test_counters_and_renewal_rate_of_the_month(self):
        self._create_deadline(40)  # active, later
        self._create_deadline(20)  # active, expiring in 30 days
        self._create_deadline(-5, state="expired")  # expired this month (16 March - 5)
        self._create_deadline(-20, state="expired")  # expired last month: not counted
        self._create_deadline(-3, state="closed")  # closed this month: lost
        renewed = self._create_deadline(-2, state="expired")
        renewed.with_context(tz="UTC")._apply_renewal(renewal_date=self.TODAY)
        counters = self._data(self.user)["counters"]
        self.assertEqual(counters["active"], 3)  # the renewed one is active again
        self.assertEqual(counters["expiring"], 1)
        self.assertEqual(counters["expired_month"], 2)
        self.assertEqual(counters["renewed_month"], 1)
        self.assertEqual(counters["renewal_rate"], round(100 / 3, 1))
        self.assertEqual(counters["at_risk_amount"], 100.0)

    def test_renewal_rate_is_false_when_nothing_ended(self):
        self.assertIs(self._data(self.user)["counters"]["renewal_rate"], False)

    def test_todo_lists_my_activities_due_today_or_late(self):
        deadline = self._create_deadline(3)
        callback = self.env.ref("expiry_management.mail_activity_type_callback")
        today = deadline.activity_schedule(
            activity_type_id=callback.id, date_deadline=self.TODAY, user_id=self.user.id, summary="Today"
        )
        late = self.partner.activity_schedule(
            activity_type_id=callback.id,
            date_deadline=self.TODAY - datetime.timedelta(days=2),
            user_id=self.user.id,
            summary="Late",
        )
        deadline.activity_schedule(
            activity_type_id=callback.id,
            date_deadline=self.TODAY + datetime.timedelta(days=1),
            user_id=self.user.id,
        )
        deadline.activity_schedule(
            activity_type_id=callback.id, date_deadline=self.TODAY, user_id=self.manager.id
        )
        todo = self._data(self.user)["todo"]
        self.assertEqual([a["id"] for a in todo], (late | today).ids)
        self.assertTrue(todo[0]["overdue"])
        self.assertEqual(todo[1]["res_model"], "expiry.deadline")

    def test_done_from_dashboard_removes_todo_and_records_callback(self):
        deadline = self._create_deadline(3)
        activity = deadline.activity_schedule(
            "expiry_management.mail_activity_type_callback", date_deadline=self.TODAY, user_id=self.user.id
        )
        dashboard = self.env["expiry.dashboard"].with_user(self.user).with_context(tz="UTC")
        dashboard.action_done_activities(activity.ids)
        self.assertFalse(activity.exists())
        self.assertEqual(self.partner.last_callback_date, self.TODAY)
        self.assertEqual(self._data(self.user)["todo"], [])

    def test_snooze_postpones_to_tomorrow(self):
        activity = self._create_deadline(3).activity_schedule(
            "expiry_management.mail_activity_type_callback",
            date_deadline=self.TODAY - datetime.timedelta(days=3),
            user_id=self.user.id,
        )
        dashboard = self.env["expiry.dashboard"].with_user(self.user).with_context(tz="UTC")
        dashboard.action_snooze_activities(activity.ids, days=1)
        self.assertEqual(activity.date_deadline, self.TODAY + datetime.timedelta(days=1))
        self.assertEqual(self._data(self.user)["todo"], [])

    def test_dashboard_refuses_bad_input_with_user_errors(self):
        activity = self._create_deadline(3).activity_schedule(
            "expiry_management.mail_activity_type_callback", date_deadline=self.TODAY, user_id=self.manager.id
        )
        dashboard = self.env["expiry.dashboard"].with_user(self.user)
        with self.assertRaises(UserError):
            dashboard.action_done_activities(activity.ids)  # not mine
        with self.assertRaises(UserError):
            dashboard.with_user(self.manager).action_snooze_activities(activity.ids, days="x")
        with self.assertRaises(UserError):
            dashboard.with_user(self.manager).action_snooze_activities(activity.ids, days=0)
        with self.assertRaises(UserError):
            dashboard.action_done_activities([999999999])
        with self.assertRaises(UserError):
            dashboard.action_done_activities("1")
        with self.assertRaises(UserError):
            dashboard.get_dashboard_data(scope="everyone")
        with self.assertRaises(UserError):
            dashboard.action_open_counter("nonsense")

    def test_activity_ids_are_parsed_strictly(self):
        activity = self._create_deadline(3).activity_schedule(
            "expiry_management.mail_activity_type_callback", date_deadline=self.TODAY, user_id=self.user.id
        )
        dashboard = self.env["expiry.dashboard"].with_user(self.user).with_context(tz="UTC")
        bad_ids = (
            [True],
            [False],
            [1.0],
            [-1],
            [0],
            [2**40],
            ["abc"],
            [None],
            [[activity.id]],
            {activity.id: 1},
            activity.id,
            None,
            [],
            [activity.id] * 2000,
        )
        for method in ("action_done_activities", "action_snooze_activities"):
            for ids in bad_ids:
                with self.subTest(method=method, ids=str(ids)[:40]), self.assertRaises(UserError):
                    getattr(dashboard, method)(ids)
        for days in (True, 1.5, [1], None):
            with self.subTest(days=days), self.assertRaises(UserError):
                dashboard.action_snooze_activities(activity.ids, days=days)
        self.assertTrue(activity.exists())
        self.assertEqual(activity.date_deadline, self.TODAY)
        # a digit string is an id (as parse_id reads it)
        dashboard.action_snooze_activities([str(activity.id)], days="2")
        self.assertEqual(activity.date_deadline, self.TODAY + datetime.timedelta(days=2))

    def test_users_without_deadline_rights_get_no_data(self):
        portal = new_test_user(self.env, login="dash_portal", groups="base.group_portal")
        with self.assertRaises(AccessError):
            self.env["expiry.dashboard"].with_user(portal).get_dashboard_data()

    def test_counter_action_opens_the_counted_deadlines(self):
        soon = self._create_deadline(3)
        self._create_deadline(60)
        action = self.env["expiry.dashboard"].with_user(self.user).action_open_counter("upcoming")
        found = self.env["expiry.deadline"].with_user(self.user).search(action["domain"])
        self.assertEqual(found, soon)
        self.assertEqual(action["res_model"], "expiry.deadline")


@tagged("post_install", "-at_install")
@freeze_time(ExpiryDashboardTestMixin.TODAY)
class TestDashboardQueries(ExpiryDashboardTestMixin, TransactionCase):
    """The dashboard's data call costs the same number of queries with 5 or
    50 deadlines (and as many activities)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_dashboard_data()

    def _populate(self, count):
        callback = self.env.ref("expiry_management.mail_activity_type_callback")
        for index in range(count):
            deadline = self._create_deadline(index % 7, user_id=self.manager if index % 2 else self.user)
            deadline.activity_schedule(
                activity_type_id=callback.id, date_deadline=self.TODAY, user_id=self.manager.id
            )
            self._create_deadline(-1 - index % 10, state="expired", user_id=self.manager)
        self.env.flush_all()

    @warmup
    def test_dashboard_query_count_with_5_deadlines(self):
        self._populate(5)
        self._assert_bounded(5)

    @warmup
    def test_dashboard_query_count_with_50_deadlines(self):
        self._populate(50)
        self._assert_bounded(50)

    def _assert_bounded(self, count):
        dashboard = self.env(
            user=self.manager, context={"allowed_company_ids": self.company.ids, "tz": "UTC"}
        )["expiry.dashboard"]
        self.env.invalidate_all()
        with self.assertQueryCount(DASHBOARD_QUERIES):
            data = dashboard.get_dashboard_data(scope="team")
        self.assertEqual(len(data["upcoming"]), count)
        self.assertEqual(len(data["todo"]), count)
