# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Installing on a database with a large portfolio: the new stored columns
are filled with one SQL statement each, instead of the ORM computing them
record by record for every deadline. (The invoice's link to its deadline,
``account.move.expiry_deadline_id``, is the core's.)"""


def pre_init_hook(env):
    cr = env.cr
    cr.execute(
        """
        ALTER TABLE expiry_deadline
            ADD COLUMN IF NOT EXISTS collector_id int4,
            ADD COLUMN IF NOT EXISTS collection_team_id int4
        """
    )
    cr.execute("UPDATE expiry_deadline SET collection_team_id = team_id WHERE team_id IS NOT NULL")


def uninstall_hook(env):
    """The core's "Unpaid Renewals" menu, hidden while the collection's
    "Unpaid Invoices" menu opens the same list, shows again."""
    menu = env.ref("expiry_management.menu_expiry_collections", raise_if_not_found=False)
    if menu:
        menu.active = True
