# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Win-back: customers whose deadline expired without renewal join the
mailing list of the settings."""

from odoo import fields, models


class ExpiryDeadline(models.Model):
    _inherit = "expiry.deadline"

    def _expiry_on_expired(self):
        result = super()._expiry_on_expired()
        self._expiry_join_winback_list()
        return result

    def _expiry_on_lost(self):
        result = super()._expiry_on_lost()
        self._expiry_join_winback_list()
        return result

    def _expiry_join_winback_list(self):
        """Subscribe the customers of these expired (or closed without
        renewal) deadlines to the win-back mailing list of the settings,
        unless they opted out or are blacklisted, or left for a reason that
        allows no win-back (expiry.lost.reason.allow_winback: "no longer
        needed"). One contact per e-mail address. Each company has its list."""
        # sudo: the reasons of these deadlines (daily pass, or the caller closing them)
        welcome = self.filtered(
            lambda d: not d.sudo().lost_reason_id or d.sudo().lost_reason_id.allow_winback
        )
        if welcome != self:
            return welcome._expiry_join_winback_list() if welcome else None
        if len(self.company_id) > 1:
            for deadlines in self.grouped("company_id").values():
                deadlines._expiry_join_winback_list()
            return
        list_id = self._get_expiry_param("winback_mailing_list_id", self.company_id)
        # sudo: the win-back list chosen in Settings (daily pass, scheduled action)
        mailing_list = self.env["mailing.list"].sudo().browse(list_id).exists() if list_id else False
        if not mailing_list:
            return
        partners = {}
        for partner in self.partner_id:
            if partner.email_normalized:
                partners.setdefault(partner.email_normalized, partner)
        if not partners:
            return
        blacklisted = set(
            # sudo: only which of these customers' addresses are blacklisted (daily pass)
            self.env["mail.blacklist"].sudo().search([("email", "in", list(partners))]).mapped("email")
        )
        # sudo: the contacts of these customers' addresses only (daily pass)
        contacts = self.env["mailing.contact"].sudo().search([("email_normalized", "in", list(partners))])
        by_email = {}
        for contact in contacts:
            by_email.setdefault(contact.email_normalized, contact)
        subscriptions = (
            self.env["mailing.subscription"]
            # sudo: the subscriptions of these contacts to the win-back list only (daily pass)
            .sudo()
            .search([("contact_id", "in", contacts.ids), ("list_id", "=", mailing_list.id)])
        )
        subscribed = set(subscriptions.contact_id.ids)
        new_subscriptions, new_contacts = [], []
        for email, partner in partners.items():
            if email in blacklisted:
                continue
            contact = by_email.get(email)
            if contact:
                if contact.id not in subscribed:
                    new_subscriptions.append({"contact_id": contact.id, "list_id": mailing_list.id})
            else:
                new_contacts.append(self._prepare_winback_contact_values(partner, mailing_list))
        # sudo: subscribes these customers to the win-back list (daily pass)
        self.env["mailing.subscription"].sudo().create(new_subscriptions)
        # sudo: adds these customers to the win-back list (daily pass)
        self.env["mailing.contact"].sudo().create(new_contacts)

    def _prepare_winback_contact_values(self, partner, mailing_list):
        """Values of the mailing contact created for ``partner`` (hook)."""
        return {
            "name": partner.name,
            "email": partner.email,
            "company_name": partner.commercial_company_name or False,
            "subscription_ids": [fields.Command.create({"list_id": mailing_list.id})],
        }
