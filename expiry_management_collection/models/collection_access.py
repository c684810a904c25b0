# Copyright 2026 Expiry Management contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The collection desk's one gate: every public method of the collection
addons calls ``_expiry_check_collection_access`` before it reads or writes
anything as superuser, and parses what it receives from outside with the
``_expiry_collection_parse_*`` helpers (a record id is read as the calling
user and must belong to the deadline's company; a text is a bounded string).
A view's ``groups=`` only hides a button."""

import datetime
import math

from odoo import fields, models
from odoo.exceptions import UserError
from odoo.osv import expression

from odoo.addons.expiry_management.models.expiry_access import INVOICING
from odoo.addons.expiry_management.tools import parse_id
from odoo.addons.expiry_management.tools.parsing import MAX_ID

#: the group of the collection desk: amounts, invoices and the desk's actions
MONEY = INVOICING
#: the longest note or reason the desk's actions accept
MAX_TEXT = 5000
#: the most terms, and values of an "in" term, a domain received from outside may have
MAX_DOMAIN_TERMS = 50
MAX_DOMAIN_VALUES = 1000
#: the operators of a domain received from outside ("any" / "not any" are not)
DOMAIN_OPERATORS = tuple(op for op in expression.TERM_OPERATORS if op not in ("any", "not any"))
LIKE_OPERATORS = ("=like", "=ilike", "like", "not like", "ilike", "not ilike")
RELATIONAL = ("many2one", "one2many", "many2many")


class Base(models.AbstractModel):
    _inherit = "base"

    def _expiry_check_collection_access(self, operation="read", group=MONEY):
        """The core's gate (``_expiry_check_access``) with the collection
        desk's group: invoicing rights by default, then the access rights and
        record rules of these records. The superuser (the daily pass, the
        demo data) passes."""
        return self._expiry_check_access(operation, groups=group)

    def _expiry_collection_parse_record(self, model, value, companies, message, error=UserError):
        """The one record of ``model`` that ``value`` stands for (its id, its
        id as a string of digits, or the record itself), as the calling user:
        it must exist, be readable by them and belong to every one of
        ``companies`` (or be shared). Anything else raises ``error`` with
        ``message``, which names nothing of the record asked for."""
        if isinstance(value, models.BaseModel):
            value = value.id if value._name == model and len(value) == 1 else None
        record_id = parse_id(value)
        record = self.env[model].browse(record_id) if record_id else self.env[model]
        # read as the calling user (not from what the superuser has in cache)
        if not record or not record.exists() or not record.has_access("read"):
            raise error(message)
        for company in companies:
            if not record.filtered_domain(record._check_company_domain(company)):
                raise error(message)
        return record

    def _expiry_collection_parse_text(self, value, message, required=False, size=MAX_TEXT, error=UserError):
        """``value`` stripped, a string of at most ``size`` characters (empty:
        ``""``, refused when ``required``), else ``error`` with ``message``."""
        if value is None or value is False:
            value = ""
        if not isinstance(value, str) or len(value) > size:
            raise error(message)
        value = value.strip()
        if required and not value:
            raise error(message)
        return value

    def _expiry_collection_parse_domain(self, domain, message):
        """``domain`` (a domain received from outside, e.g. by JSON-RPC) as a
        list, checked term by term on this model: Polish notation that adds up,
        terms ``(field path, operator, value)`` on existing fields, an operator
        of ``DOMAIN_OPERATORS``, and a value of the field's type (an id for a
        relation, a date for a date, a number for a number...). Anything else
        raises a UserError with ``message``. ``None`` / ``False``: ``[]``."""
        if domain is None or domain is False:
            return []
        if not isinstance(domain, list | tuple) or len(domain) > MAX_DOMAIN_TERMS:
            raise UserError(message)
        domain = list(domain)
        for term in domain:
            if isinstance(term, str) and term in (expression.AND_OPERATOR, expression.OR_OPERATOR, "!"):
                continue
            if not (isinstance(term, list | tuple) and len(term) == 3):
                raise UserError(message)
            path, operator, value = term
            if not (isinstance(path, str) and isinstance(operator, str) and operator in DOMAIN_OPERATORS):
                raise UserError(message)
            field = self._expiry_collection_domain_field(path)
            if not field or not self._expiry_collection_domain_value_ok(field, operator, value):
                raise UserError(message)
        try:
            expression.normalize_domain(domain)  # the operators add up
            expression.expression(domain, self)  # fields, operators, access to the fields
        except (ValueError, TypeError, KeyError, IndexError, AssertionError) as error:
            raise UserError(message) from error
        return domain

    def _expiry_collection_domain_field(self, path):
        """The field ``path`` ("partner_id" or "deadline_id.name") ends on,
        or ``None``."""
        model = self
        field = None
        names = path.split(".")
        if len(names) > 3:
            return None
        for position, name in enumerate(names):
            field = model._fields.get(name)
            if field is None:
                return None
            if position < len(names) - 1:
                if field.type not in RELATIONAL:
                    return None
                model = self.env[field.comodel_name]
        return field

    def _expiry_collection_domain_value_ok(self, field, operator, value):
        """Whether ``value`` is a value of ``field``'s type for ``operator``."""
        if operator in ("in", "not in"):
            if not isinstance(value, list | tuple) or len(value) > MAX_DOMAIN_VALUES:
                return False
            return all(self._expiry_collection_domain_scalar_ok(field, operator, item) for item in value)
        if operator in ("child_of", "parent_of"):
            if field.type not in RELATIONAL:
                return False
            values = value if isinstance(value, list | tuple) else [value]
            return len(values) <= MAX_DOMAIN_VALUES and all(parse_id(item) for item in values)
        return self._expiry_collection_domain_scalar_ok(field, operator, value)

    def _expiry_collection_domain_scalar_ok(self, field, operator, value):
        if value is False or value is None:
            return operator not in LIKE_OPERATORS
        if operator in LIKE_OPERATORS:
            return isinstance(value, str) and len(value) <= MAX_TEXT
        kind = field.type
        if kind in RELATIONAL or field.name == "id":
            return bool(parse_id(value))
        if kind == "boolean":
            return isinstance(value, bool)
        if kind == "integer":
            return isinstance(value, int) and not isinstance(value, bool) and abs(value) <= MAX_ID
        if kind in ("float", "monetary"):
            return (
                isinstance(value, int | float)
                and not isinstance(value, bool)
                and math.isfinite(value)
                and abs(value) < 1e15
            )
        if kind in ("date", "datetime"):
            if isinstance(value, datetime.date):
                return True
            # a date ("2027-03-10") or a datetime ("2027-03-10 08:00:00"), exactly
            try:
                if isinstance(value, str) and len(value) == 10:
                    return fields.Date.to_string(fields.Date.to_date(value)) == value
                if isinstance(value, str) and kind == "datetime":
                    return fields.Datetime.to_string(fields.Datetime.to_datetime(value)) == value
            except ValueError:
                return False
            return False
        if kind in ("char", "text", "selection", "html"):
            return isinstance(value, str) and len(value) <= MAX_TEXT
        return False
