# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Expiry Management - Queue Job",
    "summary": "Spread the daily pass of deadlines over the job runners of several Odoo servers (OCA queue_job).",
    "version": "18.0.1.2.0",
    "category": "Sales/Sales",
    "website": "https://github.com/expiry-management/expiry-management",
    "author": "Expiry Management contributors",
    "license": "LGPL-3",
    "installable": True,
    "auto_install": False,
    "depends": ["expiry_management", "queue_job"],
    "data": [
        "data/queue_job_channel_data.xml",
        "data/queue_job_function_data.xml",
    ],
}
