# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""18.0.1.1.0: the win-back mailing list and the example automation rule
moved to glue addons (expiry_management_mass_mailing,
expiry_management_automation), so that the core no longer depends on
mass_mailing and base_automation.

The setting "portal_renewal_days" is renamed "renewal_window_days".

Before the core is updated, hand the example automation's records over to
the new addon (so that the core's update does not own or drop them); the
post-migration installs the glue addons where their dependency is there.
"""

AUTOMATION_XMLIDS = ("base_automation_deadline_expired", "base_automation_deadline_expired_action")


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        """
        UPDATE ir_model_data
           SET module = 'expiry_management_automation'
         WHERE module = 'expiry_management' AND name IN %s
        """,
        (AUTOMATION_XMLIDS,),
    )
    _rename_renewal_window_setting(cr)


def _rename_renewal_window_setting(cr):
    # "portal_renewal_days" was the general renewal window (urgency, reports,
    # online renewal): it is called what it is now.
    cr.execute(
        """
        UPDATE ir_config_parameter SET key = 'expiry_management.renewal_window_days'
         WHERE key = 'expiry_management.portal_renewal_days'
           AND NOT EXISTS (SELECT 1 FROM ir_config_parameter WHERE key = 'expiry_management.renewal_window_days')
        """
    )
