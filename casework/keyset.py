"""Keyset pagination: a page starts after (or ends before) the row a cursor names, never at an OFFSET.

With a million cases, `OFFSET 999975` reads and throws away every row before the page; a keyset page reads
only its own rows from an index that matches the order. A cursor holds the sort values of the last (or first)
row of the previous page; the last page is the first page of the reversed order, read backwards.

Every order ends with the primary key, so a cursor names exactly one row. All keys of one order run in the
same direction, so "after" is one row comparison, `(a, b, id) > (x, y, z)`, which PostgreSQL answers from a
matching index (SQLite 3.15+ understands it too). Only the first key may be nullable (the deadline): its NULLs
come last in ascending order and first in descending order, and a page that crosses from the dated rows to
the undated ones is read in two queries, each from its index.
"""

import base64
import binascii
import json
from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import connections
from django.db.models import BooleanField, F, Func, Q, QuerySet, Value


def _exact(value) -> str:
    """Dates and times to text with every microsecond (DjangoJSONEncoder rounds to milliseconds)."""
    if isinstance(value, date | datetime):
        return value.isoformat()
    raise TypeError(f"not a cursor value: {value!r}")


class RowCompare(Func):
    """`(a, b, c) > (x, y, z)`: a row comparison, as a boolean expression for `filter()`."""

    output_field = BooleanField()

    def __init__(self, columns: list[str], values: list, op: str, value_fields: list):
        self.op = op
        self.width = len(columns)
        expressions = [F(c) for c in columns]
        expressions += [Value(v, output_field=f) for v, f in zip(values, value_fields, strict=True)]
        super().__init__(*expressions)

    def as_sql(self, compiler, connection, **extra_context):
        parts, params = [], []
        for expression in self.get_source_expressions():
            sql, expression_params = compiler.compile(expression)
            parts.append(sql)
            params.extend(expression_params)
        if self.width == 1:
            return f"{parts[0]} {self.op} {parts[1]}", params
        left, right = ", ".join(parts[: self.width]), ", ".join(parts[self.width :])
        return f"({left}) {self.op} ({right})", params


@dataclass
class KeysetPage:
    rows: list
    has_next: bool
    has_previous: bool
    next_cursor: str = ""
    previous_cursor: str = ""
    is_last: bool = False
    object_list: list = field(init=False)

    def __post_init__(self):
        self.object_list = self.rows

    def __iter__(self):
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    @property
    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous


def reads_branches(branches) -> bool:
    """True when `branches` are read as one UNION of ordered, limited parts (PostgreSQL; not SQLite)."""
    return len(branches) > 1 and connections[branches[0].db].features.supports_slicing_ordering_in_compound


class Keyset:
    """One sort order: `keys` are field names (the last one "pk"), all ascending or all descending.

    A page is read in two queries: the ids of its rows (from an index in the order), then those rows, from
    `rows` when given (the same rows unfiltered, with what the page shows joined or annotated).

    `branches`, when given, are querysets whose union is `queryset` (casework.filters.CaseFilter: a team's
    proposed cases and its handed-off ones). Then a page reads the page's rows of each branch, each from its
    own index, and keeps the first ones of their union: one query, bounded like a page of one queryset.

    `few` says the queryset holds few rows (a thousand or so, by id): a page then sorts them all. With a LIMIT
    the planner may prefer walking an index in the page's order, which, when these rows are all near its end
    (the open cases, say, in order of reference), passes nearly every other case before it finds a page.
    """

    def __init__(
        self,
        queryset: QuerySet,
        keys: tuple[str, ...],
        *,
        descending: bool,
        nullable_first=False,
        branches: tuple[QuerySet, ...] = (),
        few: bool = False,
        rows: QuerySet | None = None,
    ):
        self.queryset = queryset
        self.rows = queryset if rows is None else rows
        self.keys = keys
        self.descending = descending
        self.nullable_first = nullable_first
        self.few = few
        self.branches = branches if reads_branches(branches) and not few else ()
        model = queryset.model
        self.fields = [model._meta.pk if k == "pk" else model._meta.get_field(k) for k in keys]

    # -- cursors ------------------------------------------------------------------------------------------

    def encode(self, row) -> str:
        values = [
            getattr(row, "pk" if k == "pk" else self.fields[i].attname) for i, k in enumerate(self.keys)
        ]
        raw = json.dumps(values, default=_exact, separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    def decode(self, cursor: str) -> list | None:
        """The cursor's values, or None for anything that is not a cursor of this order (then: first page)."""
        try:
            raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
            values = json.loads(raw)
            if not isinstance(values, list) or len(values) != len(self.keys):
                return None
            decoded = [
                None if v is None else f.to_python(v) for v, f in zip(values, self.fields, strict=True)
            ]
        except (ValueError, TypeError, binascii.Error, ValidationError, UnicodeDecodeError):
            return None
        if any(v is None for v in decoded[1:]) or (decoded[0] is None and not self.nullable_first):
            return None
        return decoded

    # -- pages --------------------------------------------------------------------------------------------

    def _order(self, reverse: bool) -> list:
        descending = self.descending != reverse
        order = []
        for i, key in enumerate(self.keys):
            expression = F(key)
            if i == 0 and self.nullable_first:  # NULL is the greatest value: last ascending, first descending
                order.append(
                    expression.desc(nulls_first=True) if descending else expression.asc(nulls_last=True)
                )
            else:
                order.append(expression.desc() if descending else expression.asc())
        return order

    def _ids(self, order: list, limit: int, *conditions) -> list:
        """The ids of the first `limit` rows in `order` that meet `conditions`."""
        queryset = self.queryset.filter(*conditions).order_by(*order)
        if self.few:  # every row, sorted: without a LIMIT no plan walks an index in the page's order
            return list(queryset.values_list("pk", flat=True))[:limit]
        if self.branches:
            parts = [b.filter(*conditions).order_by(*order).values("pk")[:limit] for b in self.branches]
            queryset = queryset.filter(pk__in=parts[0].union(*parts[1:], all=True))  # a row in two, once
        return list(queryset.values_list("pk", flat=True)[:limit])

    def _rows(self, ids: list) -> list:
        """The rows of `ids` in that order, read by primary key: the joins of `select_related` (seven tables)
        cost PostgreSQL more to plan with an ORDER BY and LIMIT than the page costs to read."""
        found = self.rows.order_by().in_bulk(ids) if ids else {}
        return [found[pk] for pk in ids if pk in found]

    def _after(self, values: list, reverse: bool, limit: int) -> list:
        """The ids of up to `limit` rows after the cursor in the (possibly reversed) order."""
        descending = self.descending != reverse
        op = "<" if descending else ">"
        order = self._order(reverse)
        first, rest = values[0], values[1:]
        keys, fields = list(self.keys), self.fields
        if not self.nullable_first:
            return self._ids(order, limit, RowCompare(keys, values, op, fields))
        undated = Q(**{f"{keys[0]}__isnull": True})
        dated = Q(**{f"{keys[0]}__isnull": False})
        if first is None:  # the cursor is among the undated rows
            ids = self._ids(order, limit, undated, RowCompare(keys[1:], rest, op, fields[1:]))
            if descending and len(ids) < limit:  # descending: the dated rows follow the undated ones
                ids += self._ids(order, limit - len(ids), dated)
            return ids
        ids = self._ids(order, limit, dated, RowCompare(keys, values, op, fields))
        if not descending and len(ids) < limit:  # ascending: the undated rows follow the dated ones
            ids += self._ids(order, limit - len(ids), undated)
        return ids

    def page(self, size: int, *, after: str = "", before: str = "", last: bool = False) -> KeysetPage:
        after_values = self.decode(after) if after else None
        before_values = self.decode(before) if before else None
        if last:
            ids = self._ids(self._order(reverse=True), size + 1)
            rows = self._rows(ids[:size][::-1])
            return self._page(rows, has_next=False, has_previous=len(ids) > size, is_last=True)
        if before_values is not None:
            ids = self._after(before_values, reverse=True, limit=size + 1)
            rows = self._rows(ids[:size][::-1])
            return self._page(rows, has_next=True, has_previous=len(ids) > size)
        if after_values is not None:
            ids = self._after(after_values, reverse=False, limit=size + 1)
            return self._page(self._rows(ids[:size]), has_next=len(ids) > size, has_previous=True)
        ids = self._ids(self._order(reverse=False), size + 1)
        return self._page(self._rows(ids[:size]), has_next=len(ids) > size, has_previous=False)

    def _page(self, rows: list, *, has_next: bool, has_previous: bool, is_last: bool = False) -> KeysetPage:
        return KeysetPage(
            rows=rows,
            has_next=has_next and bool(rows),
            has_previous=has_previous and bool(rows),
            next_cursor=self.encode(rows[-1]) if rows else "",
            previous_cursor=self.encode(rows[0]) if rows else "",
            is_last=is_last or not has_next,
        )


def capped_count(queryset: QuerySet, cap: int) -> int:
    """COUNT over at most `cap + 1` rows: the database stops early. A result above `cap` means "more than"."""
    return queryset.order_by()[: cap + 1].count()


def capped_ids(queryset: QuerySet, cap: int, branches: tuple[QuerySet, ...] = ()) -> list:
    """The ids of at most `cap + 1` rows, in no order: their number is a capped count (see capped_count).

    When there are `cap` or fewer, a page is best read from these ids: an index in the page's order would be
    walked far (to its end, for a filter that matches nothing) before it found a page of such rare rows.
    With `branches` (see Keyset) the ids are those of their union, each branch read from its own index.
    """
    if reads_branches(branches):
        parts = [branch.order_by().values_list("pk", flat=True)[: cap + 1] for branch in branches]
        return list(parts[0].union(*parts[1:])[: cap + 1])
    return list(queryset.order_by().values_list("pk", flat=True)[: cap + 1])
