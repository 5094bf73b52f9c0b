"""The inbox's reads: a school's dossiers filtered, newest first (or oldest, or by arrival), by pages of 50 (keyset)."""

from __future__ import annotations

import base64
import binascii
import re
from contextlib import nullcontext
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, ClassVar, TypeVar

from django.db import connection
from django.db.models import F, Func, Q, QuerySet, TextField
from django.db.models.expressions import RawSQL
from django.utils import timezone

from msem.accounts.models import User
from msem.inquiries.models import Category, Inquiry, Subject
from msem.inquiries.search import normalize, phone_search_term
from msem.platform.statement_planning import planned_for_their_values
from msem.schools.models import School

PAGE_SIZE = 50
# Counting every match of a large school costs a scan; the inbox says "1 000+" beyond this.
COUNT_CAP = 1000


class Archived:
    NO = "no"
    YES = "yes"
    ALL = "all"


class Order:
    """The list's orders (the search zone's "Order", its `sort` key)."""

    NEWEST = "newest"
    OLDEST = "oldest"
    # The clients' arrival dates in ascending order, then the dossiers without one. Plainly ascending,
    # from the earliest arrival rather than from today: the list is the same whatever the day, its pages
    # follow one index range (inquiry_inbox_arrival), and the open dossiers whose client has already
    # come (still to settle, or to archive) stand first in sight rather than out of it at the end.
    # With the list's default (not archived), those are few; the next arrivals follow them.
    ARRIVAL = "arrival"


@dataclass(frozen=True)
class InboxCriteria:
    category_ids: tuple[int, ...] = ()
    subject_id: int | None = None
    statuses: tuple[str, ...] = ()
    assignee_id: int | None = None
    unassigned: bool = False
    language: str = ""
    received_from: date | None = None
    received_to: date | None = None
    archived: str = Archived.NO
    text: str = ""
    order: str = Order.NEWEST


@dataclass(frozen=True)
class Cursor:
    """Where a page of the newest or oldest first ends: the last row's reception time and id."""

    received_at: datetime
    inquiry_id: int

    def encode(self) -> str:
        raw = f"{self.received_at.isoformat()}|{self.inquiry_id}".encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def decode(cls, value: str) -> Cursor | ArrivalCursor:
        """Either kind of cursor, as the link gives it; raises ValueError for anything that is not a cursor we made."""
        try:
            raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode()
            parts = raw.split("|")
            if len(parts) == 3 and parts[0] == ArrivalCursor.PREFIX:
                return ArrivalCursor(
                    arrival_date=date.fromisoformat(parts[1]) if parts[1] else None, inquiry_id=int(parts[2])
                )
            moment, inquiry_id = parts
            received_at = datetime.fromisoformat(moment)
            if received_at.tzinfo is None:
                raise ValueError("not a cursor")
            return cls(received_at=received_at, inquiry_id=int(inquiry_id))
        except (binascii.Error, UnicodeDecodeError, ValueError) as error:
            raise ValueError("not a cursor") from error


@dataclass(frozen=True)
class ArrivalCursor:
    """Where a page by arrival ends: the last row's arrival date (None: among the dossiers without one) and id.

    Encoded as "a|2026-12-27|123" (or "a||123"), decoded by Cursor.decode: a link of the other orders is
    told apart, and refused by the form for this order (and this one for the others).
    """

    PREFIX: ClassVar[str] = "a"

    arrival_date: date | None
    inquiry_id: int

    def encode(self) -> str:
        day = self.arrival_date.isoformat() if self.arrival_date else ""
        raw = f"{self.PREFIX}|{day}|{self.inquiry_id}".encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def cursor_fits(order: str, cursor: Cursor | ArrivalCursor) -> bool:
    """Whether a page's link was made for this order (an arrival's for the arrival order, a reception's else)."""
    return isinstance(cursor, ArrivalCursor) == (order == Order.ARRIVAL)


@dataclass(frozen=True, slots=True)
class InboxRow:
    """A line of the inbox: what the list shows of a dossier, read as plain values (no model instances)."""

    pk: int
    reference: str
    received_at: datetime
    first_name: str
    last_name: str
    status: str
    archived_at: datetime | None
    language: str
    # The client's stay, as the form asked it: each may be missing.
    arrival_date: date | None
    departure_date: date | None
    participants: int | None
    subject_label_fr: str
    subject_label_en: str
    # None when the dossier has no category, or nobody is assigned.
    category_label_fr: str | None
    category_label_en: str | None
    assignee_full_name: str | None
    assignee_email: str | None

    @property
    def client_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def assignee_name(self) -> str | None:
        """As the user's __str__ writes it."""
        if self.assignee_email is None:
            return None
        return self.assignee_full_name or self.assignee_email


# What the rows' query reads: the dossier's own columns, no join. A join to the subject, category and
# assignee made PostgreSQL plan four tables against a table of a dozen indexes (0.85 ms of planning
# against 0.16), and its generic plan for prepared statements joined by hash and sorted every match.
_ROW_VALUES = (
    "id",
    "reference",
    "received_at",
    "first_name",
    "last_name",
    "status",
    "archived_at",
    "language",
    "arrival_date",
    "departure_date",
    "participants",
    "subject_id",
    "category_id",
    "assignee_id",
)


@dataclass(frozen=True)
class RowLabels:
    """What the rows show of their subject, category and assignee, by id, when the caller has it already.

    The inbox's search zone reads the school's live subjects, categories and staff on the same page
    (msem.backoffice.inbox_choices); a removed one or a former member is read by inbox_page itself.
    """

    subjects: dict[int, tuple[str, str]] = field(default_factory=dict)  # (label_fr, label_en)
    categories: dict[int, tuple[str, str]] = field(default_factory=dict)  # (label_fr, label_en)
    people: dict[int, tuple[str, str]] = field(default_factory=dict)  # (full name, e-mail address)


def _missing(ids: set[int | None], known: dict[int, tuple[str, str]]) -> set[int]:
    return {pk for pk in ids if pk is not None and pk not in known}


def _by_id(rows: QuerySet[Any], first: str, second: str) -> dict[int, tuple[str, str]]:
    return {pk: (one, two) for pk, one, two in rows.values_list("pk", first, second)}


def _rows_labelled(values: list[tuple[Any, ...]], labels: RowLabels, school: School) -> list[InboxRow]:
    """InboxRows from the rows' values (_ROW_VALUES), each id replaced by what the list shows of it."""
    subjects, categories, people = dict(labels.subjects), dict(labels.categories), dict(labels.people)
    # The last three of _ROW_VALUES.
    subject_ids, category_ids, assignee_ids = ({row[index] for row in values} for index in (-3, -2, -1))
    if missing := _missing(subject_ids, subjects):
        subjects |= _by_id(Subject.objects.for_school(school).filter(pk__in=missing), "label_fr", "label_en")
    if missing := _missing(category_ids, categories):
        categories |= _by_id(Category.objects.for_school(school).filter(pk__in=missing), "label_fr", "label_en")
    if missing := _missing(assignee_ids, people):
        people |= _by_id(User.objects.filter(pk__in=missing), "full_name", "email")
    none = (None, None)
    rows = []
    for *own, subject_id, category_id, assignee_id in values:
        category = none if category_id is None else categories.get(category_id, ("", ""))
        person = none if assignee_id is None else people.get(assignee_id, ("", ""))
        fields: tuple[Any, ...] = (*own, *subjects.get(subject_id, ("", "")), *category, *person)
        rows.append(InboxRow(*fields))
    return rows


@dataclass(frozen=True)
class InboxPage:
    rows: list[InboxRow]
    next_cursor: Cursor | ArrivalCursor | None
    total: int
    total_is_capped: bool = field(default=False)


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


_Rows = TypeVar("_Rows", bound=QuerySet[Inquiry])
# A whole reference, as the dossier page and the e-mails show it ("DEM-2025-01234").
_REFERENCE = re.compile(r"[a-z]{2,8}-\d{4}-\d{4,}")
_WORDS = re.compile(r"[a-z0-9]+")


def _text_filter(rows: _Rows, term: str) -> _Rows:
    """The dossiers whose search text contains `term`, asked in the way the database answers fastest.

    A whole reference is the dossier's own: its unique index finds it.
    Otherwise the school's dossiers are read newest first and their text
    checked, which finds the 50 newest matches of a common term quickly, but
    reads the whole school for a rare one. Both databases have a trigram
    index of the text (PostgreSQL: pg_trgm; SQLite: FTS5, migration 0009): it
    finds a rare word in any number of dossiers, but a long term made of
    common pieces (an e-mail address: "exa", "amp", "ple", ".fr" are in most
    rows) reads long lists. A word of the term with digits ("simon744" in an
    address, a part of a phone number), else an address's part before "@", is
    rare: that piece alone goes through the trigram index, and the whole term
    is checked on the few rows it finds.
    PostgreSQL's planner otherwise chooses between the index and the scan (the
    inbox's page reads the newest rows first, then this: `_search_values`).
    SQLite has no planner statistics for its index: it is asked how many rows
    hold the term, up to a few hundred (a query of its own, under a
    millisecond for a rare term); below that, the index, else the scan.
    """
    if _REFERENCE.fullmatch(term):
        return rows.filter(reference=term.upper())
    rare = _rare_piece(term)
    if connection.vendor == "sqlite" and (rare or _few_in_sqlite_index(term)):
        in_index = RawSQL("SELECT rowid FROM inquiry_search_fts WHERE search_text LIKE %s", [f"%{rare or term}%"])
        return rows.filter(id__in=in_index, search_text__contains=term)
    if rare and rare != term and connection.vendor == "postgresql":
        # The concatenation keeps the whole term out of the index condition: it only filters.
        whole = Func(F("search_text"), template="(%(expressions)s || '')", output_field=TextField())
        return rows.filter(search_text__contains=rare).alias(whole=whole).filter(whole__contains=term)
    return rows.filter(search_text__contains=term)


# Below this many rows holding a term (all schools), SQLite's trigram index beats reading the school
# newest first: at 1 000 000 dossiers, "zzyzx" (found nowhere) took 70–96 ms read newest first.
SQLITE_FEW_IN_INDEX = 200


def _few_in_sqlite_index(term: str) -> bool:
    # The trigram index answers LIKE for three characters or more, and without an ESCAPE clause: a term
    # with "%" or "_" (literal in a search) is read newest first.
    if len(term) < 3 or "%" in term or "_" in term:
        return False
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*) FROM (SELECT 1 FROM inquiry_search_fts WHERE search_text LIKE %s LIMIT %s)",
            [f"%{term}%", SQLITE_FEW_IN_INDEX],
        )
        (found,) = cursor.fetchone()
    return found < SQLITE_FEW_IN_INDEX


def _rare_piece(term: str) -> str:
    """The piece of the term that few dossiers hold, for the trigram index; "" when there is none.

    A word of five characters or more with two digits or more ("moreau86", a part of a phone
    number): not a year, not a common word. Else, in an e-mail address, the part before "@": the
    domain ("example.fr", "gmail.com") is shared by thousands of clients (at 1 000 000 dossiers,
    the whole address took 63 ms in the index, its first part 13 ms).
    """
    words = [word for word in _WORDS.findall(term) if len(word) >= 5 and sum(c.isdigit() for c in word) >= 2]
    if words:
        return max(words, key=len)
    local, at, _domain = term.partition("@")
    return local.strip() if at and len(local.strip()) >= 5 else ""


# Counted up to this many: the empty inbox says "in the archive", not how big the archive is.
ARCHIVED_MATCHES_SHOWN = 100


def archived_matches(*, school: School, criteria: InboxCriteria) -> int:
    """How many archived dossiers a search of the inbox would find, when it finds none that are not.

    An old client calls back: her dossier was archived at the end of last
    season, and the default inbox hides it. The empty list says so, rather
    than "no request" for a client the school knows well.
    """
    if criteria.archived != Archived.NO or not normalize(criteria.text):
        return 0
    archived = replace(criteria, archived=Archived.YES)
    # A search like the list's: planned for its term, never with a plan kept for another one.
    with planned_for_their_values():
        return inbox_queryset(school=school, criteria=archived)[:ARCHIVED_MATCHES_SHOWN].count()


def inbox_queryset(*, school: School, criteria: InboxCriteria) -> QuerySet[Inquiry]:
    rows = Inquiry.objects.for_school(school)
    if criteria.archived == Archived.NO:
        rows = rows.filter(archived_at__isnull=True)
    elif criteria.archived == Archived.YES:
        rows = rows.filter(archived_at__isnull=False)
    if criteria.category_ids:
        rows = rows.filter(category_id__in=criteria.category_ids)
    if criteria.subject_id:
        rows = rows.filter(subject_id=criteria.subject_id)
    if criteria.statuses:
        rows = rows.filter(status__in=criteria.statuses)
    if criteria.unassigned:
        rows = rows.filter(assignee__isnull=True)
    elif criteria.assignee_id:
        rows = rows.filter(assignee_id=criteria.assignee_id)
    if criteria.language:
        rows = rows.filter(language=criteria.language)
    if criteria.received_from:
        rows = rows.filter(received_at__gte=_day_start(criteria.received_from))
    if criteria.received_to:
        rows = rows.filter(received_at__lt=_day_start(criteria.received_to + timedelta(days=1)))
    if criteria.text and (term := normalize(criteria.text)):
        rows = _text_filter(rows, phone_search_term(term) or term)
    if criteria.order == Order.ARRIVAL:
        # As the pages read them (_parts): the dated ones by date, then the others (the CSV export's order).
        return rows.order_by(F("arrival_date").asc(nulls_last=True), "id")
    order = ("received_at", "id") if criteria.order == Order.OLDEST else ("-received_at", "-id")
    return rows.order_by(*order)


def _parts(rows: _Rows, after: Cursor | ArrivalCursor | None, *, order: str) -> list[_Rows]:
    """The rows beyond a page's last one, in the list's order: the ranges to read in turn until a page is full.

    One range for the orders by reception. By arrival, two: the dossiers with an arrival date from the
    cursor's on, then those without one. Each is read along inquiry_inbox_arrival from where the
    previous page stopped; in one query, "a later date, or no date" is not a range of the index
    (an OR with IS NULL), and each page read the school's dated dossiers from the first.
    """
    if order == Order.ARRIVAL:
        if after is not None and not isinstance(after, ArrivalCursor):
            raise ValueError("a cursor of another order")
        by_arrival = ("arrival_date", "id")  # within a range, the index's own order
        dated = rows.filter(arrival_date__isnull=False).order_by(*by_arrival)
        undated = rows.filter(arrival_date__isnull=True).order_by(*by_arrival)
        if after is None:
            return [dated, undated]
        if after.arrival_date is None:
            return [undated.filter(id__gt=after.inquiry_id)]
        day = after.arrival_date
        return [
            dated.filter(arrival_date__gte=day).filter(Q(arrival_date__gt=day) | Q(id__gt=after.inquiry_id)),
            undated,
        ]
    if after is None:
        return [rows]
    if isinstance(after, ArrivalCursor):
        raise ValueError("a cursor of another order")
    if order == Order.OLDEST:
        return [
            rows.filter(
                Q(received_at__gt=after.received_at) | Q(received_at=after.received_at, id__gt=after.inquiry_id)
            )
        ]
    return [
        rows.filter(Q(received_at__lt=after.received_at) | Q(received_at=after.received_at, id__lt=after.inquiry_id))
    ]


# On PostgreSQL a search first reads this many of the newest dossiers (with the other criteria) in order.
RECENT_ROWS_FIRST = 2000


def _reads_recent_rows_first(term: str) -> bool:
    """Whether a search asks the newest rows before the trigram index (PostgreSQL; not a reference or a rare piece).

    PostgreSQL estimates how many dossiers hold a term from a sample of a hundred texts of all schools,
    and chooses between the trigram index (every match, then sorted) and the newest rows in order (until
    fifty match). For a term that many dossiers of the school hold it often chose the index: "martin",
    in 3.5 % of the school's dossiers, 22–30 ms through the index against 1.7 ms in order; "club from
    edinburgh", in 5 %, after some statistics refreshes 25–45 ms against 0.8 (docs/performance.md).
    The newest rows, read first and at most RECENT_ROWS_FIRST of them, answer such a term at once and
    cost about 2 ms when the term is rare; only then is the index asked, in the same statement.
    """
    return connection.vendor == "postgresql" and not _REFERENCE.fullmatch(term) and not _rare_piece(term)


def _search_values(recent: _Rows, indexed: _Rows, term: str, *, order: str, limit: int) -> list[tuple[Any, ...]]:
    """A search's page in one statement: the newest RECENT_ROWS_FIRST rows first, the index only if they fall short.

    `recent` is the page's rows without the term, `indexed` with it (as `_text_filter` asks), both in
    the list's order (`order`: by arrival, one range of `_parts`); `limit` rows at most (a page and one
    more, or what a page by arrival still needs after its dated range). Written in SQL: the ORM has
    no subquery in FROM. The limited, ordered subquery is read lazily: PostgreSQL stops as soon as
    `limit` rows match. The second part runs only when the first found fewer (a condition on the first
    part alone, which PostgreSQL checks before starting it).
    """
    quote = connection.ops.quote_name
    columns = ", ".join(quote(name) for name in _ROW_VALUES)
    recent_sql, recent_params = recent.values_list(*_ROW_VALUES, "search_text")[
        :RECENT_ROWS_FIRST
    ].query.sql_with_params()
    indexed_sql, indexed_params = indexed.values_list(*_ROW_VALUES)[:limit].query.sql_with_params()
    if order == Order.ARRIVAL:
        # Within one range of _parts: the dated dossiers, or the undated ones (then by id alone).
        sort = f"{quote('arrival_date')} ASC, {quote('id')} ASC"
    else:
        direction = "ASC" if order == Order.OLDEST else "DESC"
        sort = f"{quote('received_at')} {direction}, {quote('id')} {direction}"
    ordered = f"ORDER BY {sort} LIMIT {int(limit)}"
    # Django's SQL for our querysets, their values kept as parameters; the term as "contains" escapes it.
    sql = (
        f"WITH newest AS (SELECT {columns} FROM ({recent_sql}) AS recent ({columns}, {quote('search_text')}) "  # noqa: S608
        f"WHERE {quote('search_text')} LIKE %s {ordered}) "
        f"SELECT * FROM newest WHERE (SELECT COUNT(*) FROM newest) >= {int(limit)} "
        f"UNION ALL SELECT * FROM ({indexed_sql}) AS indexed ({columns}) "
        f"WHERE (SELECT COUNT(*) FROM newest) < {int(limit)} {ordered}"
    )
    like = f"%{connection.ops.prep_for_like_query(term)}%"
    with connection.cursor() as cursor:
        cursor.execute(sql, [*recent_params, like, *indexed_params])
        return [tuple(row) for row in cursor.fetchall()]


def inbox_page(
    *,
    school: School,
    criteria: InboxCriteria,
    after: Cursor | ArrivalCursor | None = None,
    labels: RowLabels | None = None,
) -> InboxPage:
    """Raises ValueError for a cursor of another order (the form refuses it first: `cursor_fits`)."""
    matching = inbox_queryset(school=school, criteria=criteria)
    parts = _parts(matching, after, order=criteria.order)
    # Fifty rows of plain values: building 50 dossiers and their subject, category and assignee as model
    # instances cost more than both queries of the page. The message and search text stay in the database.
    if criteria.text:
        # Counting the matches of a search term costs a scan of the school's texts (a word found in every
        # other message matches tens of thousands): a search says how many it found up to a page, "50+"
        # beyond, and asks the database nothing more.
        values = _searched_values(parts, school=school, criteria=criteria, after=after)
        total, cap = len(values), PAGE_SIZE
    else:
        values, counted = _counted_values(parts, matching)
        if counted is not None:
            total = counted
        elif after is None:
            total = 0
        else:  # a page beyond the last (dossiers archived since): the count alone
            total = matching.order_by().values("id")[: COUNT_CAP + 1].count()
        cap = COUNT_CAP
    page = _rows_labelled(values, labels or RowLabels(), school)
    next_cursor: Cursor | ArrivalCursor | None = None
    if len(page) > PAGE_SIZE:
        page = page[:PAGE_SIZE]
        last = page[-1]
        if criteria.order == Order.ARRIVAL:
            next_cursor = ArrivalCursor(arrival_date=last.arrival_date, inquiry_id=last.pk)
        else:
            next_cursor = Cursor(received_at=last.received_at, inquiry_id=last.pk)
    return InboxPage(rows=page, next_cursor=next_cursor, total=min(total, cap), total_is_capped=total > cap)


def _searched_values(
    parts: list[QuerySet[Inquiry]], *, school: School, criteria: InboxCriteria, after: Cursor | ArrivalCursor | None
) -> list[tuple[Any, ...]]:
    """A search's page and one more row, from the parts (_parts) read in turn.

    The term decides the plan (the trigram index or the newest rows in order): never a plan PostgreSQL
    kept for another term.
    """
    term = normalize(criteria.text)
    recent_parts: list[QuerySet[Inquiry]] = []
    if term and _reads_recent_rows_first(term):
        unsearched = inbox_queryset(school=school, criteria=replace(criteria, text=""))
        recent_parts = _parts(unsearched, after, order=criteria.order)
    values: list[tuple[Any, ...]] = []
    with planned_for_their_values():
        for index, part in enumerate(parts):
            if (wanted := PAGE_SIZE + 1 - len(values)) <= 0:
                break
            if recent_parts:
                values += _search_values(recent_parts[index], part, term, order=criteria.order, limit=wanted)
            else:
                values += list(part.values_list(*_ROW_VALUES)[:wanted])
    return values


def _counted_values(
    parts: list[QuerySet[Inquiry]], matching: QuerySet[Inquiry]
) -> tuple[list[tuple[Any, ...]], int | None]:
    """A page and one more row, from the parts (_parts) read in turn, and the capped count of `matching`.

    The count rides on the rows' query (one round trip to the database, not two: on PostgreSQL a round
    trip costs about 0.4 ms within a page), as a subquery the database runs once. In no particular
    order, it stops at the cap along whichever index is cheapest (the inbox's indexes carry the
    filtered columns, so this reads no table row). By arrival, a page that runs out of dated dossiers
    reads on among the undated ones: the count rides on the first query that finds a row. None when
    no query found one.
    """
    capped_sql, capped_params = matching.order_by().values("id")[: COUNT_CAP + 1].query.sql_with_params()
    # Django's own SQL for our queryset, its values kept as parameters.
    capped_count = f"SELECT COUNT(*) FROM ({capped_sql}) capped"  # noqa: S608
    values: list[tuple[Any, ...]] = []
    total: int | None = None
    for part in parts:
        if (wanted := PAGE_SIZE + 1 - len(values)) <= 0:
            break
        if total is not None:
            values += list(part.values_list(*_ROW_VALUES)[:wanted])
            continue
        counted = part.annotate(total=RawSQL(capped_count, capped_params))  # noqa: S611
        counted_values = list(counted.values_list(*_ROW_VALUES, "total")[:wanted])
        values += [row[:-1] for row in counted_values]
        if counted_values:
            total = counted_values[0][-1]
    return values, total


def open_duplicates(*, inquiry: Inquiry, window_days: int = 7) -> QuerySet[Inquiry]:
    """Other open dossiers from the same address received within a week of this one."""
    window = timedelta(days=window_days)
    return (
        Inquiry.objects.for_school(inquiry.school_id)
        .filter(
            email=inquiry.email,
            archived_at__isnull=True,
            merged_into__isnull=True,
            received_at__gte=inquiry.received_at - window,
            received_at__lte=inquiry.received_at + window,
        )
        .exclude(pk=inquiry.pk)
        .exclude(status__in=[Inquiry.Status.WON, Inquiry.Status.LOST])
        .order_by("-received_at")
    )


@dataclass(frozen=True)
class Step:
    """The dossier before or after another in a list, and the list's `after` that starts the list with it."""

    reference: str
    # None: the dossier is the list's first, on its first page.
    after: Cursor | ArrivalCursor | None


def _position(order: str, inquiry: Inquiry | dict[str, Any]) -> Cursor | ArrivalCursor:
    """Where a dossier stands in a list of this order, as a page's cursor: the list after it starts after it."""
    values = inquiry if isinstance(inquiry, dict) else vars(inquiry)
    if order == Order.ARRIVAL:
        return ArrivalCursor(arrival_date=values["arrival_date"], inquiry_id=values["id"])
    return Cursor(received_at=values["received_at"], inquiry_id=values["id"])


def _parts_before(rows: _Rows, before: Cursor | ArrivalCursor, *, order: str) -> list[_Rows]:
    """The rows before a position in the list's order, nearest first: `_parts` read backwards."""
    if isinstance(before, ArrivalCursor):
        dated = rows.filter(arrival_date__isnull=False).order_by("-arrival_date", "-id")
        if before.arrival_date is None:
            undated = rows.filter(arrival_date__isnull=True, id__lt=before.inquiry_id).order_by("-id")
            return [undated, dated]
        day = before.arrival_date
        return [dated.filter(arrival_date__lte=day).filter(Q(arrival_date__lt=day) | Q(id__lt=before.inquiry_id))]
    if order == Order.OLDEST:
        earlier = Q(received_at__lt=before.received_at) | Q(received_at=before.received_at, id__lt=before.inquiry_id)
        return [rows.filter(earlier).order_by("-received_at", "-id")]
    later = Q(received_at__gt=before.received_at) | Q(received_at=before.received_at, id__gt=before.inquiry_id)
    return [rows.filter(later).order_by("received_at", "id")]


_STEP_VALUES = ("id", "reference", "received_at", "arrival_date")


def _step_rows(after: list[QuerySet[Inquiry]], before: list[QuerySet[Inquiry]]) -> list[list[dict[str, Any]]]:
    """The first row after this dossier and the first two before it, read in one statement.

    Each part is a range of the list's index read with its own limit (a row or two), put together by
    UNION ALL and told apart by its number: one round trip, never the list itself. Written in SQL: the
    ORM's union cannot order and limit each part on SQLite.
    """
    limited = [(part, 1) for part in after] + [(part, 2) for part in before]
    selects: list[str] = []
    params: list[Any] = []
    for number, (part, limit) in enumerate(limited):
        sql, part_params = part.values_list(*_STEP_VALUES)[:limit].query.sql_with_params()
        # Django's SQL for our querysets, their values kept as parameters.
        selects.append(f"SELECT {number} AS part, part_{number}.* FROM ({sql}) AS part_{number}")  # noqa: S608
        params += part_params
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(selects), params)
        found = cursor.fetchall()
    by_part: list[list[dict[str, Any]]] = [[] for _ in limited]
    for number, pk, reference, received_at, arrival_date in found:
        by_part[number].append(
            {"id": pk, "reference": reference, "received_at": _moment(received_at), "arrival_date": _day(arrival_date)}
        )
    return by_part


def _moment(value: datetime | str) -> datetime:
    """A reception time as the database gave it outside the ORM (SQLite: text in UTC)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if timezone.is_aware(value) else timezone.make_aware(value, UTC)


def _day(value: date | str | None) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) else value


def _nearest(parts: list[list[dict[str, Any]]], count: int, *, order: str) -> list[dict[str, Any]]:
    """The first `count` rows before a dossier, nearest first, from the parts (_parts_before) read in turn.

    A statement's parts come back in no set order, nor do the rows of a part: each part's rows are put
    back in its own order (nearest first: the list's order, backwards).
    """

    def place(row: dict[str, Any]) -> tuple[Any, int]:
        return (
            (row["arrival_date"] or date.min, row["id"]) if order == Order.ARRIVAL else (row["received_at"], row["id"])
        )

    # Newest first, the dossiers before one were received after it: the nearest is the earliest of them.
    ordered = [sorted(part, key=place, reverse=order != Order.NEWEST) for part in parts]
    return [row for part in ordered for row in part][:count]


def inbox_steps(*, school: School, criteria: InboxCriteria, inquiry: Inquiry) -> tuple[Step | None, Step | None]:
    """The dossiers before and after this one in the inbox's list of these criteria ("Next dossier").

    Read from where this dossier stands in the list's order, along the list's own index, a row or two
    in one statement: never the list itself. Where it stands whether it still matches the criteria or
    not: a new request answered leaves the list of the new ones, and the next one is still the one
    after it.
    """
    matching = inbox_queryset(school=school, criteria=criteria)
    here = _position(criteria.order, inquiry)
    after = _parts(matching, here, order=criteria.order)
    before = _parts_before(matching, here, order=criteria.order)
    # A search planned for its term, as the list's page is (_searched_values).
    with planned_for_their_values() if criteria.text else nullcontext():
        rows = _step_rows(after, before)
    following = [row for part in rows[: len(after)] for row in part][:1]
    preceding = _nearest(rows[len(after) :], 2, order=criteria.order)
    next_step = Step(following[0]["reference"], after=here) if following else None
    previous_step = None
    if preceding:
        before_it = _position(criteria.order, preceding[1]) if len(preceding) > 1 else None
        previous_step = Step(preceding[0]["reference"], after=before_it)
    return previous_step, next_step
