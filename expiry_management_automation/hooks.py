# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Keep the example automation rule as the user left it when this addon is
installed on a database where the core shipped it (before 18.0.1.1.0): the
core's migration handed its records over to this addon; installing would
otherwise reset them (e.g. deactivate a rule the user switched on)."""

XMLIDS = ("base_automation_deadline_expired", "base_automation_deadline_expired_action")
PARKED = "__expiry_parked_"


def pre_init_hook(env):
    env.cr.execute(
        """
        UPDATE ir_model_data SET name = %s || name
         WHERE module = 'expiry_management_automation' AND name IN %s
        """,
        (PARKED, XMLIDS),
    )


def post_init_hook(env):
    like = PARKED.replace("_", r"\_") + "%"
    env.cr.execute(
        "SELECT name FROM ir_model_data WHERE module = 'expiry_management_automation' AND name LIKE %s",
        (like,),
    )
    names = tuple(name[len(PARKED) :] for (name,) in env.cr.fetchall())
    if not names:
        return
    # drop the fresh copies the install just created (the rule first: its
    # action goes with it), then give the user's records their ids back
    fresh = [env.ref(f"expiry_management_automation.{name}", raise_if_not_found=False) for name in names]
    env.cr.execute(
        "DELETE FROM ir_model_data WHERE module = 'expiry_management_automation' AND name IN %s",
        (names,),
    )
    for record in sorted(filter(None, fresh), key=lambda r: r._name != "base.automation"):
        if record.exists():
            # sudo: install hook: removes the addon's own records (no user)
            record.sudo().unlink()
    env.cr.execute(
        """
        UPDATE ir_model_data SET name = substr(name, %s), noupdate = TRUE
         WHERE module = 'expiry_management_automation' AND name LIKE %s
        """,
        (len(PARKED) + 1, like),
    )
