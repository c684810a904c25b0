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
    env.cr.execute(
        "SELECT name, model, res_id FROM ir_model_data WHERE module = 'expiry_management_automation' AND name LIKE %s",
        (PARKED.replace("_", r"\_") + "%",),
    )
    parked = env.cr.fetchall()
    if not parked:
        return
    # drop the fresh copies, give the user's records their ids back
    for name, _model, _res_id in parked:
        fresh = env.ref(f"expiry_management_automation.{name[len(PARKED):]}", raise_if_not_found=False)
        if fresh:
            env["ir.model.data"].search(
                [("module", "=", "expiry_management_automation"), ("name", "=", name[len(PARKED) :])]
            ).unlink()
            fresh.sudo().unlink()
    env.cr.execute(
        """
        UPDATE ir_model_data SET name = substr(name, %s), noupdate = TRUE
         WHERE module = 'expiry_management_automation' AND name LIKE %s
        """,
        (len(PARKED) + 1, PARKED.replace("_", r"\_") + "%"),
    )
