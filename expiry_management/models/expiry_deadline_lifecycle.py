# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The deadline's lifecycle: which state may follow which, the buttons that
move it, and the daily moves of the scheduled action."""

import logging

from markupsafe import Markup

from odoo import Command, api, models
from odoo.exceptions import UserError

from ..tools import close_before, run_batch

_logger = logging.getLogger(__name__)

#: the fields that decide which stages of the ladder a term gets, and when
#: (expiry stages or notice stages, the notice date): written, the term's
#: e-mails not sent yet are re-prepared (_expiry_reprepare_reminders)
RENEWAL_TERM_FIELDS = {"renewal_mode", "notice_days", "auto_renew", "product_id"}

# The one table of allowed state changes: every action_* and the daily pass
# go through _check_transition. (Renewal and its rollback set the state
# themselves: a renewal always makes the deadline active again.)
STATE_TRANSITIONS = {
    "draft": ("active", "cancelled"),
    "active": ("expired", "closed", "cancelled"),
    "expired": ("active", "closed", "cancelled"),
    "closed": ("active", "cancelled"),
    "cancelled": ("draft",),
}


class ExpiryDeadline(models.Model):
    _inherit = "expiry.deadline"

    # ------------------------------------------------------------------
    # State machine
    # ------------------------------------------------------------------
    def _check_transition(self, new_state):
        """Raise a UserError unless every deadline of ``self`` may go to ``new_state``."""
        labels = dict(self._fields["state"]._description_selection(self.env))
        for deadline in self:
            if deadline.state != new_state and new_state not in STATE_TRANSITIONS[deadline.state]:
                raise UserError(
                    self.env._(
                        "%(deadline)s is %(state)s: it cannot become %(new_state)s.",
                        deadline=deadline.display_name,
                        state=labels[deadline.state],
                        new_state=labels[new_state],
                    )
                )

    def _set_state(self, new_state):
        self._check_transition(new_state)
        self.filtered(lambda d: d.state != new_state).write({"state": new_state})
        return True

    def action_activate(self):
        self._expiry_check_access("write")
        if self.filtered(lambda d: d.state not in ("draft", "expired", "closed")):
            raise UserError(self.env._("Only draft, expired or closed deadlines can be activated."))
        reopened = self.filtered(lambda d: d.state == "closed" and d.lost_reason_id)
        self._set_state("active")
        # a closed deadline activated again is no longer lost (win-back, churn)
        reopened.write({"lost_reason_id": False, "date_declined": False})
        return True

    def action_close(self):
        """Close these deadlines at once (no reason asked: the API, automation
        rules; the form's Close button asks one, see action_close_ask_reason)."""
        self._expiry_check_access("write")
        self._check_can_close()
        return self._set_state("closed")

    def _check_can_close(self):
        if self.filtered(lambda d: d.state == "cancelled"):
            raise UserError(self.env._("A cancelled deadline cannot be closed; reset it to draft first."))
        self._check_transition("closed")

    def action_close_ask_reason(self):
        """The back office's Close: a wizard asks why the customer does not
        renew (expiry.lost.reason), then closes (expiry.deadline.close)."""
        self._expiry_check_access("write")
        if not self:
            raise UserError(self.env._("Select the deadlines to close."))
        self._check_can_close()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Close without Renewal"),
            "res_model": "expiry.deadline.close",
            "view_mode": "form",
            "target": "new",
            "context": {"default_deadline_ids": [Command.set(self.ids)]},
        }

    def _expiry_close_lost(self, lost_reason, note=None):
        """Close these deadlines without renewal for ``lost_reason``: the
        reason on each deadline and its last term, a line in the chatter.
        Callers check the rights (the wizard: write access)."""
        self._check_can_close()
        # sudo: the reason on these deadlines and their last term (the caller may write them)
        for deadline in self.sudo():
            deadline.lost_reason_id = lost_reason
            last_term = deadline.term_ids.filtered(lambda t: t.state == "done")[:1]
            if last_term:
                last_term.lost_reason_id = lost_reason
        self._set_state("closed")
        for deadline in self:
            body = Markup("<p>%s</p>") % self.env._("Closed without renewal. Reason: %s", lost_reason.name)
            if note:
                body += Markup("<p>%s</p>") % note
            deadline.message_post(body=body, subtype_xmlid="mail.mt_note")
        self._expiry_on_lost()
        return True

    def _expiry_on_lost(self):
        """Hook: these deadlines were closed without renewal, with a lost
        reason (the win-back glue addon subscribes the customers whose reason
        allows a win-back to its mailing list)."""
        return True

    def action_cancel(self):
        self._expiry_check_access("write")
        return self._set_state("cancelled")

    def action_draft(self):
        self._expiry_check_access("write")
        return self._set_state("draft")

    def write(self, vals):
        result = super().write(vals)
        if "date_expiry" in vals or vals.get("state") in ("closed", "cancelled"):
            # A renewal starts a new reminder ladder; an ended deadline gets none.
            self.env["expiry.reminder"]._cancel_obsolete(self)
        elif RENEWAL_TERM_FIELDS.intersection(vals):
            # Another renewal mode or notice period: the term's ladder follows
            self._expiry_reprepare_reminders()
        return result

    # ------------------------------------------------------------------
    # Daily moves
    # ------------------------------------------------------------------
    @api.model
    def _get_cron_state_steps(self, today, company=None):
        """``[(domain, new state)]`` of the daily moves, ``today`` being the
        company's day: draft -> active from the start date, active -> expired
        once the expiry date has passed, expired -> closed
        ``close_after_days`` later (0: never)."""
        steps = [
            ([("state", "=", "draft"), ("date_start", "!=", False), ("date_start", "<=", today)], "active"),
            ([("state", "=", "active"), ("date_expiry", "<", today)], "expired"),
        ]
        close_limit = close_before(today, self._get_expiry_param("close_after_days", company))
        if close_limit:
            steps.append(([("state", "=", "expired"), ("date_expiry", "<", close_limit)], "closed"))
        return steps

    @api.model
    def _cron_update_states(self, company, today, limit):
        """Move ``company``'s deadlines along (see _get_cron_state_steps). ORM
        writes, so automation rules on the state fire. A deadline whose move
        fails (an automation rule raising, a constraint) is marked with the
        error (``cron_error``) and left for tomorrow; the others go on.

        :return: ``(processed, still to process)``, at most ``limit`` processed
        """
        # sudo: the daily pass (scheduled action, per company); never a public method
        deadlines = self.sudo()
        # deadlines that failed today are not tried again before tomorrow
        base = [("company_id", "=", company.id), ("cron_error_date", "!=", today)]
        done = remaining = 0
        for domain, state in self._get_cron_state_steps(today, company):
            if done < limit:
                todo = deadlines.search(base + domain, limit=limit - done)
                if todo:
                    moved = todo._cron_move_to(state, today)
                    if state == "expired" and moved:
                        moved._expiry_on_expired()
                    done += len(todo)
            if done >= limit:
                remaining += deadlines.search_count(base + domain)
        return done, remaining

    def _cron_move_to(self, state, today):
        """Write ``state`` on these deadlines in one batch; when the batch
        fails, one by one, so that a bad deadline fails alone (the one error
        policy, tools.run_batch).

        :return: the deadlines moved
        """
        return run_batch(
            self,
            lambda deadlines: deadlines.write(deadlines._prepare_cron_state_values(state)),
            lambda deadline, error: deadline._cron_record_error(today, error),
        )

    def _prepare_cron_state_values(self, state):
        values = {"state": state}
        if any(self.mapped("cron_error_date")):
            values.update(cron_error=False, cron_error_date=False)
        return values

    def _cron_record_error(self, today, error):
        """Mark this deadline as failed today, visibly (form banner, chatter)."""
        self.ensure_one()
        message = str(error.args[0] if getattr(error, "args", None) else error)
        _logger.info("Daily pass: deadline %s could not be moved along: %s", self.id, message)
        with self.env.cr.savepoint():
            self.write({"cron_error": message, "cron_error_date": today})
            self.message_post(
                body=Markup("<p>%s</p>")
                % self.env._("The daily pass could not update this deadline: %(error)s", error=message),
                subtype_xmlid="mail.mt_note",
            )

    def _expiry_on_expired(self):
        """Hook: these deadlines just expired without renewal (the win-back
        glue addon subscribes their customers to its mailing list)."""
        return True

    @api.model
    def _refresh_urgency(self, companies=None):
        """Recompute the stored urgency of open deadlines whose bucket changed
        since yesterday, each company on its own day. One search per bucket
        and company, whatever the volume."""
        # sudo: the daily pass handles every company, each on its own day
        companies = companies or self.env["res.company"].sudo().search([])  # pylint: disable=no-search-all
        stale = self.browse()
        for company in companies:
            today = self._company_today(company)
            for bucket in self._get_urgency_windows(today, company):
                stale |= self.search(
                    self._get_urgency_domain([bucket], today, company)
                    + [("company_id", "=", company.id), ("urgency", "!=", bucket)]
                )
        if stale:
            self.env.add_to_compute(self._fields["urgency"], stale)
            stale.flush_recordset(["urgency"])
        return stale
