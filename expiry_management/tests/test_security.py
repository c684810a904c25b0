# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import ExpiryCommon


@tagged("post_install", "-at_install")
class TestSecurity(ExpiryCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.colleague = new_test_user(
            cls.env, login="expiry_colleague", groups="expiry_management.group_expiry_user"
        )
        cls.stranger = new_test_user(
            cls.env, login="expiry_stranger", groups="expiry_management.group_expiry_user"
        )
        cls.team = cls.env["crm.team"].create(
            {"name": "Office Skopje", "member_ids": [(6, 0, (cls.user | cls.colleague).ids)]}
        )
        cls.own = cls._create_deadline(date(2027, 1, 1), user_id=cls.user.id, team_id=cls.team.id)
        cls.team_mate = cls._create_deadline(date(2027, 1, 1), user_id=cls.colleague.id, team_id=cls.team.id)
        cls.unassigned = cls._create_deadline(date(2027, 1, 1), user_id=False, team_id=False)
        cls.foreign = cls._create_deadline(date(2027, 1, 1), user_id=cls.stranger.id, team_id=False)
        cls.all = cls.own | cls.team_mate | cls.unassigned | cls.foreign

    def _visible(self, user):
        return self.env["expiry.deadline"].with_user(user).search([("id", "in", self.all.ids)])

    def test_user_sees_own_team_and_unassigned_deadlines(self):
        self.assertEqual(self._visible(self.user), self.own | self.team_mate | self.unassigned)
        self.assertEqual(self._visible(self.stranger), self.foreign | self.unassigned)

    def test_user_cannot_read_or_write_a_deadline_of_someone_else(self):
        with self.assertRaises(AccessError):
            self.foreign.with_user(self.user).read(["date_expiry"])
        with self.assertRaises(AccessError):
            self.foreign.with_user(self.user).write({"date_expiry": date(2030, 1, 1)})
        self.assertEqual(self.foreign.date_expiry, date(2027, 1, 1))

    def test_manager_sees_all_deadlines(self):
        self.assertEqual(self._visible(self.manager), self.all)

    def test_users_read_but_do_not_edit_configuration(self):
        origin = self.env["expiry.origin"].create({"name": "Agency West"})
        self.assertTrue(origin.with_user(self.user).read(["name"]))
        with self.assertRaises(AccessError):
            origin.with_user(self.user).write({"name": "Renamed"})
        with self.assertRaises(AccessError):
            self.env["expiry.bank.institute"].with_user(self.user).create({"name": "Bank"})
        self.env["expiry.bank.institute"].with_user(self.manager).create({"name": "Bank"})

    def test_renewal_history_is_read_only_for_users(self):
        term = self.own._apply_renewal()
        self.assertTrue(term.with_user(self.user).read(["date_expiry"]))
        with self.assertRaises(AccessError):
            term.with_user(self.user).write({"date_expiry": date(2040, 1, 1)})

    def test_internal_user_without_group_has_no_access(self):
        employee = new_test_user(self.env, login="expiry_employee", groups="base.group_user")
        with self.assertRaises(AccessError):
            self.env["expiry.deadline"].with_user(employee).search([])

    def test_deadlines_of_another_company_are_invisible(self):
        other_company = self.env["res.company"].create({"name": "Expiry Sister Company"})
        self.manager.write({"company_ids": [(4, other_company.id)]})
        sister = self._create_deadline(date(2027, 1, 1), company_id=other_company.id)
        Deadline = self.env["expiry.deadline"].with_user(self.manager)
        in_main = Deadline.with_context(allowed_company_ids=[self.company.id]).search(
            [("id", "in", (self.all | sister).ids)]
        )
        self.assertEqual(in_main, self.all)
        both = Deadline.with_context(allowed_company_ids=[self.company.id, other_company.id]).search(
            [("id", "in", (self.all | sister).ids)]
        )
        self.assertEqual(both, self.all | sister)
        with self.assertRaises(AccessError):
            sister.with_user(self.user).read(["name"])
