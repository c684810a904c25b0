# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Parsing of what comes from outside (request parameters, settings).

One function per kind of value, strict: a record id is a plain ASCII number
("12"), never "12.0", " 12", "+12" or "²" (``str.isdigit`` accepts the last
one, ``int`` refuses it). Callers get ``None`` for anything else and answer
with a readable error.
"""

import re

_ID_RE = re.compile(r"[0-9]{1,10}")
MAX_ID = 2**31 - 1  # PostgreSQL integer


def parse_id(value):
    """The positive record id ``value`` stands for, or ``None``.

    Accepts an int (not a bool) or a string of ASCII digits only.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and _ID_RE.fullmatch(value):
        number = int(value)
    else:
        return None
    return number if 0 < number <= MAX_ID else None


def parse_page(value, default=1):
    """A pager's page number from a request: a positive id-like number, else
    ``default`` (a bad page shows the first page rather than an error)."""
    return parse_id(value) or default
