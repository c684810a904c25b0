# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The channels of a ladder's rung, one meaning for both ladders: a reminder
stage (expiry.reminder.stage) and a collection step (the collection addon's
expiry.collection.step) send an e-mail, an SMS, plan a call and put a
letter in the print batch; a ladder may add its own channels (the
collection's visit)."""

from odoo import api, fields, models
from odoo.exceptions import ValidationError

#: the channels every ladder has, in the order they are taken
LADDER_CHANNELS = [
    ("email", "E-mail"),
    ("sms", "SMS"),
    ("call", "Phone Call"),
    ("letter", "Letter"),
]


class ExpiryLadderChannelMixin(models.AbstractModel):
    """What a rung of a ladder does: ``channel_<code>`` for each channel of
    ``_ladder_channels``, the e-mail and SMS templates they need, and the one
    rule that checks them (at least one channel; an e-mail needs its
    template, an SMS its SMS template)."""

    _name = "expiry.ladder.channel.mixin"
    _description = "Ladder Channels"
    #: this ladder's channel codes, in the order they are taken (a ladder
    #: adds its own, each with its ``channel_<code>`` field)
    _ladder_channels = tuple(code for code, _label in LADDER_CHANNELS)

    channel_email = fields.Boolean(string="E-mail", help="An e-mail to the customer.")
    mail_template_id = fields.Many2one("mail.template", string="E-mail Template", ondelete="restrict")
    channel_sms = fields.Boolean(
        string="SMS",
        help="A text message to the customer's mobile (else phone), through Odoo's SMS queue; "
        "never to a blacklisted number nor to a customer who opted out of SMS.",
    )
    sms_template_id = fields.Many2one("sms.template", string="SMS Template", ondelete="restrict")
    channel_call = fields.Boolean(string="Phone Call", help="A call activity for the salesperson.")
    channel_letter = fields.Boolean(
        string="Letter",
        help="A printed letter: it joins the day's print batch, with an activity to post it.",
    )

    @api.constrains(
        "channel_email",
        "channel_sms",
        "channel_call",
        "channel_letter",
        "mail_template_id",
        "sms_template_id",
    )
    def _check_channels(self):
        for rung in self:
            rung._check_channel_rules()

    def _check_channel_rules(self):
        """Raise unless this rung has a channel and the templates its
        channels need."""
        self.ensure_one()
        # the model's name in the user's language (ir.model's name is translated)
        label = self.env["ir.model"]._get(self._name).name or self._description
        if not self._get_channels():
            raise ValidationError(
                self.env._("%(rung)s %(name)s needs at least one channel.", rung=label, name=self.name)
            )
        if self.channel_email and not self.mail_template_id:
            raise ValidationError(
                self.env._(
                    "%(rung)s %(name)s sends an e-mail: choose its template.", rung=label, name=self.name
                )
            )
        if self.channel_sms and not self.sms_template_id:
            raise ValidationError(
                self.env._("%(rung)s %(name)s sends an SMS: choose its template.", rung=label, name=self.name)
            )

    @api.model
    def _sms_refusals(self, recipients):
        """Which of these SMS may not go out, and why: the one check of the
        phone blacklist of both ladders (Odoo's SMS queue does not check it).
        An SMS is refused when its number is on the blacklist, or when the
        customer opted out of SMS (one of their numbers, mobile or phone, is
        on the blacklist). One query for the batch.

        :param recipients: ``{key: (partner, sanitized number)}``
        :return: ``{key: reason}`` for the refused ones only
        """
        own = {
            key: {partner._phone_format(fname=fname) for fname in ("mobile", "phone") if partner[fname]}
            - {False}
            for key, (partner, _number) in recipients.items()
        }
        wanted = {number for numbers in own.values() for number in numbers}
        wanted |= {number for _partner, number in recipients.values() if number}
        if not wanted:
            return {}
        # sudo: only which of these customers' numbers are on the blacklist (no other number is read)
        blacklisted = set(
            self.env["phone.blacklist"]
            .sudo()
            .search_fetch([("number", "in", list(wanted))], ["number"])
            .mapped("number")
        )
        refusals = {}
        for key, (partner, number) in recipients.items():
            refused = sorted(own[key] & blacklisted)
            if number and number in blacklisted:
                refusals[key] = self.env._(
                    "SMS not sent: the number %s is on the blacklist (the customer opted out of SMS).", number
                )
            elif refused:
                refusals[key] = self.env._(
                    "SMS not sent: the customer %(customer)s opted out of SMS (their number %(number)s is "
                    "on the blacklist).",
                    customer=partner.display_name,
                    number=refused[0],
                )
        return refusals

    def _get_channels(self):
        """The channels of this rung, in the order of ``_ladder_channels``."""
        self.ensure_one()
        return [code for code in self._ladder_channels if self[f"channel_{code}"]]
