# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The settings of the module, per company (one ``expiry_<key>`` field per key
of EXPIRY_PARAMS, read through expiry.deadline._get_expiry_param), and the
health of the daily pass of each company (written by expiry_daily_pass.py)."""

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools import MAX_WINDOW_DAYS
from .expiry_deadline import EXPIRY_PARAM_MAX, EXPIRY_PARAMS
from .expiry_reminder_review import REVIEW_MODES

#: the settings counted in days (their error message says so)
EXPIRY_DAY_PARAMS = (
    "upcoming_days",
    "renewal_window_days",
    "renewal_grace_days",
    "reminder_catchup_days",
    "close_after_days",
)
#: the settings that are yes/no (Boolean fields, 0 or 1 in EXPIRY_PARAMS)
EXPIRY_BOOLEAN_PARAMS = ("renewal_pricelist_discount",)
#: who reads the health of the daily pass (its errors are internal): the
#: managers (dashboard) and the administrators (Settings)
HEALTH_GROUPS = "expiry_management.group_expiry_manager,base.group_system"


class ResCompany(models.Model):
    _inherit = "res.company"

    # ------------------------------------------------------------------
    # Settings (Settings > Deadlines, for the current company)
    # ------------------------------------------------------------------
    expiry_upcoming_days = fields.Integer(
        string="Upcoming Window (days)",
        default=EXPIRY_PARAMS["upcoming_days"],
        groups="base.group_user",
        help="Deadlines expiring within this many days are shown as upcoming renewals.",
    )
    expiry_renewal_window_days = fields.Integer(
        string="Renewal Window (days)",
        default=EXPIRY_PARAMS["renewal_window_days"],
        groups="base.group_user",
        help="Customers can renew online from this many days before expiry.",
    )
    expiry_renewal_grace_days = fields.Integer(
        string="Renewal Grace Period (days)",
        default=EXPIRY_PARAMS["renewal_grace_days"],
        groups="base.group_user",
        help="A renewal made up to this many days after expiry continues from the "
        "expiry date; a later one starts from the renewal date. Customers can "
        "also still renew online during this period.",
    )
    expiry_reminder_catchup_days = fields.Integer(
        string="Catch-up Tolerance (days)",
        default=EXPIRY_PARAMS["reminder_catchup_days"],
        groups="base.group_user",
        help="When the scheduler did not run for some days, timed e-mails due up to "
        "this many days ago are still sent; older ones are cancelled as stale.",
    )
    expiry_close_after_days = fields.Integer(
        string="Close Expired Deadlines After (days)",
        default=EXPIRY_PARAMS["close_after_days"],
        groups="base.group_user",
        help="Expired deadlines are closed this many days after their expiry date. 0 keeps them expired.",
    )
    expiry_winback_mailing_list_id = fields.Integer(
        string="Win-back Mailing List (id)",
        default=EXPIRY_PARAMS["winback_mailing_list_id"],
        groups="base.group_user",
        help="Id of the mailing list customers join when their deadline expires without "
        "renewal (0: none). Chosen in Settings when Expiry Management - Mass Mailing is installed.",
    )
    expiry_reminder_batch_size = fields.Integer(
        string="Daily Pass Batch Size",
        default=EXPIRY_PARAMS["reminder_batch_size"],
        groups="base.group_user",
        help="Rows (e-mails, collection steps, state changes) one run of the daily pass "
        "processes per step before it commits and runs again.",
    )
    expiry_renewal_pricelist_discount = fields.Boolean(
        string="Pricelist Discounts on Renewals",
        default=bool(EXPIRY_PARAMS["renewal_pricelist_discount"]),  # one of EXPIRY_BOOLEAN_PARAMS
        groups="base.group_user",
        help="A renewal is charged at the deadline's agreed unit price. Tick to let a "
        "pricelist's percentage discount apply on top of it.",
    )
    expiry_delivery_retries = fields.Integer(
        string="Delivery Retries",
        default=EXPIRY_PARAMS["delivery_retries"],
        groups="base.group_user",
        help="Times an e-mail of a ladder is sent again after a transient failure "
        "(mail server unreachable, temporary refusal) before its step fails.",
    )
    # a choice, not a number: outside EXPIRY_PARAMS (read it on the company)
    expiry_review_mode = fields.Selection(
        REVIEW_MODES,
        string="Review of Timed E-mails",
        default="digest",
        required=True,
        groups="base.group_user",
        help="How salespeople see the timed e-mails before they go out: one activity per "
        "salesperson and day that opens the list of that day's e-mails, one activity per "
        "e-mail on its deadline, or none (the Timed E-mails list and the deadline form "
        "show them anyway).",
    )

    # a yes/no outside EXPIRY_PARAMS (read it on the company); both ladders read it
    expiry_group_by_customer = fields.Boolean(
        string="One E-mail per Customer and Day",
        default=True,
        groups="base.group_user",
        help="When several deadlines of a contact (with the same salesperson) reach a step of the "
        "same kind on the same day, in the same language, one e-mail lists them all (each with its "
        "own link, and one link to renew them all for contacts with a portal account) instead of "
        "one e-mail each; the collection ladder does the same per step for overdue invoices. Each "
        "deadline still keeps its own row in the sent log and the message in its chatter. An e-mail "
        "edited by hand goes alone; a deadline renewed or closed before its grouped e-mail was "
        "delivered withdraws it, and the others go out in the next batch.",
    )

    expiry_charge_retry_days = fields.Char(
        string="Renewal Charge Retries",
        default="1,3,7",
        groups="base.group_user",
        help="When the automatic charge of a renewal is refused, it is tried again this many days "
        "after the first try (comma-separated, e.g. 1,3,7; empty: no retry). After the last try the "
        "invoice is left to the collection or to the salesperson.",
    )

    # ------------------------------------------------------------------
    # Health of the daily pass (written by expiry.daily.pass)
    # ------------------------------------------------------------------
    expiry_pass_date = fields.Date(
        string="Daily Pass Day",
        readonly=True,
        copy=False,
        groups=HEALTH_GROUPS,
        help="The day (in the company's time zone) of the last daily pass, finished or not.",
    )
    expiry_pass_started = fields.Datetime(
        string="Daily Pass Started",
        readonly=True,
        copy=False,
        groups=HEALTH_GROUPS,
    )
    expiry_pass_finished = fields.Datetime(
        string="Daily Pass Last Finished",
        readonly=True,
        copy=False,
        groups=HEALTH_GROUPS,
        help="When the daily pass last went through every step for this company with nothing left.",
    )
    expiry_pass_processed = fields.Integer(
        string="Rows Processed",
        readonly=True,
        copy=False,
        groups=HEALTH_GROUPS,
        help="Rows (state changes, e-mails, collection steps) the last daily pass processed.",
    )
    expiry_pass_failed = fields.Integer(
        string="Rows Failed",
        readonly=True,
        copy=False,
        groups=HEALTH_GROUPS,
        help="Steps of a ladder (e-mails, collection steps) that failed during the last daily pass.",
    )
    expiry_pass_errors = fields.Text(
        string="Steps in Error",
        readonly=True,
        copy=False,
        groups=HEALTH_GROUPS,
        help="Steps of the last daily pass that stopped on an error for this company (the others went on).",
    )

    @api.constrains(*(f"expiry_{key}" for key in EXPIRY_PARAMS))
    def _check_expiry_settings(self):
        for company in self:
            for key, maximum in EXPIRY_PARAM_MAX.items():
                value = int(company[f"expiry_{key}"])
                setting = company._fields[f"expiry_{key}"].get_description(self.env)["string"]
                if value < 0:
                    raise ValidationError(self.env._("%(setting)s cannot be negative.", setting=setting))
                if value > maximum:
                    if key in EXPIRY_DAY_PARAMS:
                        message = self.env._(
                            "%(setting)s can be at most %(max)s days.", setting=setting, max=maximum
                        )
                    else:
                        message = self.env._(
                            "%(setting)s can be at most %(max)s.", setting=setting, max=maximum
                        )
                    raise ValidationError(message)

    @api.constrains("expiry_charge_retry_days")
    def _check_expiry_charge_retry_days(self):
        for company in self:
            company._expiry_charge_retry_schedule()

    def _expiry_charge_retry_schedule(self):
        """The days after the first try of a renewal charge when it is tried
        again (Settings ``expiry_charge_retry_days``), ascending: the one
        parser and validation of the setting.

        :raises ValidationError: not comma-separated whole days between 1 and
            MAX_WINDOW_DAYS, or not ascending
        """
        self.ensure_one()
        # sudo: a setting of the company, read for its renewal charges
        text = (self.sudo().expiry_charge_retry_days or "").strip()
        if not text:
            return []
        days = []
        for part in text.split(","):
            part = part.strip()
            if not part.isdigit() or not 1 <= int(part) <= MAX_WINDOW_DAYS:
                raise ValidationError(
                    self.env._(
                        "Renewal charge retries: “%(value)s” is not a number of days between 1 and "
                        "%(max)s. Write the days after the first try, separated by commas, e.g. 1,3,7.",
                        value=part,
                        max=MAX_WINDOW_DAYS,
                    )
                )
            days.append(int(part))
        if days != sorted(set(days)):
            raise ValidationError(
                self.env._(
                    "Renewal charge retries: write the days in increasing order, each once, e.g. 1,3,7."
                )
            )
        return days
