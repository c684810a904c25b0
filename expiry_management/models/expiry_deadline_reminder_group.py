# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What a grouped timed e-mail (one message per customer and day) reads of
its deadlines: the deadlines it lists and the link that renews them all."""

from odoo import api, fields, models

#: context key: ``((first deadline id, (listed deadline ids, ...)), ...)``,
#: the groups of the e-mails being rendered (a tuple: part of the cache key)
GROUP_CONTEXT_KEY = "expiry_reminder_groups"

#: the most deadlines one grouped e-mail lists (its "renew all" link names
#: them all: expiry_management_portal's RENEW_ALL_MAX_IDS)
GROUP_MAX_DEADLINES = 200


class ExpiryDeadline(models.Model):
    _inherit = "expiry.deadline"

    reminder_group_ids = fields.Many2many(
        "expiry.deadline",
        string="Deadlines of the Grouped E-mail",
        compute="_compute_reminder_group",
        groups="base.group_user",
        help="The deadlines a grouped timed e-mail rendered for this deadline lists (this deadline "
        "alone outside such an e-mail).",
    )
    reminder_group_renew_url = fields.Char(
        string="Renew All Link",
        compute="_compute_reminder_group",
        groups="base.group_user",
        help="The link that puts every deadline of the grouped e-mail that can be renewed into one "
        "cart. Empty unless the customer portal module is installed.",
    )

    @api.depends_context(GROUP_CONTEXT_KEY)
    def _compute_reminder_group(self):
        groups = dict(self.env.context.get(GROUP_CONTEXT_KEY) or ())
        # one prefetch for every deadline listed: their links, products and
        # amounts are read in one go for all the e-mails of the batch
        prefetch = list({deadline_id for ids in groups.values() for deadline_id in ids} | set(self.ids))
        for deadline in self:
            listed = self.browse(groups.get(deadline.id) or deadline.ids).with_prefetch(prefetch)
            # the context is trusted no further than the e-mail's own recipient:
            # only deadlines of this deadline's contact and company are listed
            listed = listed.filtered(
                lambda d, first=deadline: d.partner_id == first.partner_id
                and d.company_id == first.company_id
            )
            if not self.env.su:
                listed = listed._filtered_access("read")
            deadline.reminder_group_ids = listed
            deadline.reminder_group_renew_url = listed._get_renew_all_url()

    def _get_renew_all_url(self):
        """The absolute link that renews these deadlines in one checkout, or
        False. Extended by expiry_management_portal."""
        return False
