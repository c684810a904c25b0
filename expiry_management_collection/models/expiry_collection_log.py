# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The collection log: one row per step, invoice (or missed instalment) and
channel. Preparing the rows: expiry_collection_log_prepare.py; processing
them (e-mail, SMS, activities): expiry_collection_log_send.py."""

from odoo import api, fields, models
from odoo.tools import SQL

from .collection_access import MONEY
from .expiry_collection_step import CHANNELS

# Why a collection step was cancelled (besides "stale" and "user", see the mixin).
CANCEL_CODES = [
    ("paid", "Paid"),
    ("superseded", "Later step due"),
    ("plan", "Payment plan"),
    ("handed_over", "Handed over"),
    ("written_off", "Written off"),
    ("step", "Step archived"),
    ("optout", "Customer refuses SMS"),
]


class ExpiryCollectionLog(models.Model):
    """A collection step for one invoice (or one missed instalment of a
    payment plan) on one channel: scheduled on its due day, then done,
    cancelled or failed with the reason.

    Exactly once: ``(move_id, step_id, channel, instalment_id)`` is unique
    in the database (nulls not distinct), and the daily pass claims the rows
    it processes with ``FOR UPDATE SKIP LOCKED`` (expiry.ladder.step.mixin).
    """

    _name = "expiry.collection.log"
    _inherit = ["expiry.ladder.step.mixin"]
    _description = "Collection Step Log"
    _order = "date_due desc, id desc"
    _step_done_state = "done"
    _check_company_auto = True

    move_id = fields.Many2one(
        "account.move", string="Invoice", required=True, readonly=True, ondelete="cascade", index=True
    )
    deadline_id = fields.Many2one(
        "expiry.deadline", required=True, readonly=True, ondelete="cascade", index=True, check_company=True
    )
    step_id = fields.Many2one(
        "expiry.collection.step",
        readonly=True,
        ondelete="restrict",
        index=True,
        context={"active_test": False},
        help="Empty for the reminder of an instalment before it is due.",
    )
    instalment_id = fields.Many2one(
        "expiry.collection.plan.line",
        readonly=True,
        ondelete="cascade",
        index="btree_not_null",
        help="Set when the step is about an instalment of a payment plan.",
    )
    channel = fields.Selection(CHANNELS, required=True, readonly=True)
    partner_id = fields.Many2one(related="deadline_id.commercial_partner_id", string="Customer")
    collector_id = fields.Many2one(related="deadline_id.collector_id", string="Collector")
    state = fields.Selection(selection_add=[("queued",), ("done", "Done")], ondelete={"done": "cascade"})
    date_due = fields.Date(string="Due On", required=True, readonly=True)
    date_done = fields.Datetime(string="Done On", readonly=True)
    amount = fields.Monetary(
        groups=MONEY,
        string="Amount Owed",
        readonly=True,
        currency_field="currency_id",
        help="What the invoice still owed when the step was taken.",
    )
    currency_id = fields.Many2one(related="move_id.currency_id")
    cancel_code = fields.Selection(selection_add=CANCEL_CODES)
    sms_id = fields.Many2one(
        "sms.sms", string="SMS", readonly=True, ondelete="set null", index="btree_not_null"
    )

    _sql_constraints = [
        (
            "subject_step_channel_uniq",
            "unique nulls not distinct (move_id, step_id, channel, instalment_id)",
            "Each collection step is taken once per invoice, instalment and channel.",
        ),
    ]

    def _compute_display_name(self):
        channels = dict(self._fields["channel"]._description_selection(self.env))
        for log in self:
            step = log.step_id.name or self.env._("Instalment reminder")
            log.display_name = f"{log.move_id.name or ''} - {step} ({channels.get(log.channel, '')})"

    @api.model
    def _claim_due(self, company, today, limit):
        """The mixin's claim, and, when the batch is full, the other due
        e-mail and SMS rows of its customers' messages (same channel, step and
        recipient): a customer's invoices at one step go out in one message
        even when the batch's limit falls between them (_message_groups). Rows
        another worker holds are skipped (SKIP LOCKED): they go out with it."""
        rows = super()._claim_due(company, today, limit)
        # sudo: a setting of the company of the daily pass
        if len(rows) < limit or not company.sudo().expiry_group_by_customer:
            return rows
        keys = {
            (row.channel, row.step_id.id, row.move_id.partner_id.id)
            for row in rows
            if row.channel in ("email", "sms") and row.step_id and not row.instalment_id
        }
        if not keys:
            return rows
        self.env["account.move"].flush_model(["partner_id"])
        self.env.cr.execute(
            SQL(
                """
                SELECT l.id FROM expiry_collection_log l
                  JOIN account_move m ON m.id = l.move_id
                 WHERE l.state = 'scheduled' AND l.company_id = %s AND l.date_due <= %s
                   AND l.instalment_id IS NULL
                   AND (l.channel, l.step_id, m.partner_id) IN %s AND l.id NOT IN %s
                 ORDER BY l.date_due, l.id
                   FOR UPDATE OF l SKIP LOCKED
                """,
                company.id,
                today,
                tuple(keys),
                tuple(rows.ids),
            )
        )
        return rows | self.browse([row[0] for row in self.env.cr.fetchall()])

    # ------------------------------------------------------------------
    # User actions
    # ------------------------------------------------------------------
    def _step_check_user_access(self, operation):
        self._expiry_check_collection_access("read")
