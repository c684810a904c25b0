# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What the collector does on a deadline: resend the invoice, plan
instalments, hand the case over and take it back, write it off."""

from odoo import models
from odoo.exceptions import UserError, ValidationError

from odoo.addons.expiry_management.models.account_move import OPEN_ITEM_DOMAIN

from .collection_access import MAX_TEXT


class ExpiryDeadline(models.Model):
    _inherit = "expiry.deadline"

    def _collection_open_moves(self):
        """The open items of these deadlines (the core's rule) the user may read."""
        return (
            self.env["account.move"]
            .search(OPEN_ITEM_DOMAIN + [("expiry_deadline_id", "in", self.ids)])
            ._expiry_open_moves()
        )

    def action_collection_resend_invoice(self):
        """One click: e-mail a copy of every open invoice of these deadlines,
        with the PDF, logged in the chatter."""
        self._expiry_check_collection_access("read")
        moves = self._collection_open_moves()
        if not moves:
            raise UserError(self.env._("There is no open invoice to send."))
        moves.action_expiry_resend_copy()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._(
                    "A copy of %s was sent to the customer.", ", ".join(moves.mapped("name"))
                ),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def action_collection_view_invoices(self):
        self.ensure_one()
        self._expiry_check_collection_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id("account.action_move_out_invoice_type")
        action["domain"] = [("expiry_deadline_id", "=", self.id)]
        action["context"] = {
            "default_move_type": "out_invoice",
            "default_expiry_deadline_id": self.id,
            "default_partner_id": self.partner_id.id,
        }
        return action

    # ------------------------------------------------------------------
    # Hand-over
    # ------------------------------------------------------------------
    def action_collection_hand_over_wizard(self):
        self.ensure_one()
        self._expiry_check_collection_access("write")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Hand Over to Collection Agency"),
            "res_model": "expiry.collection.hand.over",
            "view_mode": "form",
            "target": "new",
            "context": {"default_deadline_id": self.id},
        }

    def action_collection_hand_over(self, agency_partner, note=False):
        """Hand the case over to ``agency_partner`` (a partner tagged as a
        collection agency): our own collection steps stop."""
        self._expiry_check_collection_access("write")
        tag = self.env.ref("expiry_management_collection.res_partner_category_collection_agency")
        refusal = self.env._("Choose a partner tagged “%s” of the deadline's company.", tag.name)
        # the agency as the caller sees it: readable, of the deadlines' companies
        agency = self._expiry_collection_parse_record(
            "res.partner", agency_partner, self.company_id, refusal, error=ValidationError
        )
        if tag not in agency.category_id:
            raise ValidationError(refusal)
        note = self._expiry_collection_parse_text(
            note,
            self.env._("The note of a hand-over is a text of at most %s characters.", MAX_TEXT),
            error=ValidationError,
        )
        for deadline in self:
            if deadline.collection_agency_id:
                raise UserError(self.env._("%s is already handed over.", deadline.display_name))
            figures = deadline._get_collection_figures()[deadline.id]
            if deadline.company_currency_id.compare_amounts(figures["amount_due"], 0) <= 0:
                raise UserError(
                    self.env._("%s owes nothing: there is nothing to hand over.", deadline.display_name)
                )
            today = self._company_today(deadline.company_id)
            # sudo: the hand-over fields are written by this action only (rights checked above)
            deadline.sudo().write(
                {
                    "collection_agency_id": agency.id,
                    "collection_handed_over_date": today,
                    "collection_handed_over_amount": figures["amount_due"],
                }
            )
            # sudo: the steps of this deadline, which the caller may write
            self.env["expiry.collection.log"].sudo().search(
                [("deadline_id", "=", deadline.id), ("state", "in", ("scheduled", "queued"))]
            )._set_cancelled(self.env._("The case was handed over to %s.", agency.name), "handed_over")
            text = self.env._(
                "Handed over to %(agency)s: %(amount)s.",
                agency=agency.name,
                amount=deadline.company_currency_id.format(figures["amount_due"]),
            )
            if note:
                text += " " + note
            figures["moves"]._expiry_log_collection({move.id: text for move in figures["moves"]})
            if not figures["moves"]:
                deadline.message_post(body=text)
        return True

    def action_collection_take_back(self):
        """Take a handed-over case back: our collection steps resume."""
        self._expiry_check_collection_access("write")
        for deadline in self:
            if not deadline.collection_agency_id:
                raise UserError(self.env._("%s is not handed over.", deadline.display_name))
            agency = deadline.collection_agency_id
            # sudo: the hand-over fields are written by the desk's actions only (rights checked above)
            deadline.sudo().write(
                {
                    "collection_agency_id": False,
                    "collection_handed_over_date": False,
                    "collection_handed_over_amount": 0.0,
                }
            )
            deadline.message_post(body=self.env._("Taken back from %s: our collection resumes.", agency.name))
        return True

    # ------------------------------------------------------------------
    # Payment plan and write-off
    # ------------------------------------------------------------------
    def action_collection_payment_plan_wizard(self):
        self.ensure_one()
        self._expiry_check_collection_access("write")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Plan Instalments"),
            "res_model": "expiry.collection.plan.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_deadline_id": self.id},
        }

    def action_collection_write_off_wizard(self):
        self.ensure_one()
        self._expiry_check_collection_access("write")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Write Off"),
            "res_model": "expiry.collection.write.off",
            "view_mode": "form",
            "target": "new",
            "context": {"default_deadline_id": self.id},
        }

    def action_collection_write_off(self, reason, account=None):
        """Credit what the open invoices still owe, with ``reason``: one
        credit note per invoice, posted and reconciled with it."""
        self._expiry_check_collection_access("write")
        reason = self._expiry_collection_parse_text(
            reason,
            self.env._("Give the reason of the write-off (a text of at most %s characters).", MAX_TEXT),
            required=True,
            error=ValidationError,
        )
        if isinstance(account, models.BaseModel) and not account:
            account = None  # the wizard's account left empty
        if account is not None and account is not False:
            # the account as the caller sees it: readable, of the deadlines' companies
            account = self._expiry_collection_parse_record(
                "account.account",
                account,
                self.company_id,
                self.env._("Choose a write-off account of the deadline's company."),
                error=ValidationError,
            )
        refunds = self.env["account.move"]
        for deadline in self:
            moves = deadline._collection_open_moves()
            if not moves:
                raise UserError(
                    self.env._("%s owes nothing: there is nothing to write off.", deadline.display_name)
                )
            for move in moves:
                refunds |= move._expiry_write_off(reason, account)
            # sudo: the write-off fields are written by this action only (rights checked above)
            deadline.sudo().write(
                {
                    "collection_written_off_date": self._company_today(deadline.company_id),
                    "collection_write_off_reason": reason,
                }
            )
            plans = deadline.collection_plan_ids.filtered(lambda p: p.state == "active")
            if plans:
                plans.action_cancel()
            moves._expiry_log_collection({move.id: self.env._("Written off: %s", reason) for move in moves})
        return refunds

    def action_collection_print_letter(self):
        self._expiry_check_collection_access("read")
        moves = self._collection_open_moves()
        if not moves:
            raise UserError(self.env._("There is no open invoice to write about."))
        return self.env.ref("expiry_management_collection.action_report_collection_letter").report_action(
            moves
        )

    def action_collection_view_plans(self):
        self.ensure_one()
        self._expiry_check_collection_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "expiry_management_collection.action_expiry_collection_plan"
        )
        action["domain"] = [("deadline_id", "=", self.id)]
        action["context"] = {"default_deadline_id": self.id}
        return action
