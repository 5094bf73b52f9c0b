"""The dashboard's reads: a school's season at a glance, for one period.

Counts and sums are aggregated by the database (GROUP BY), from indexes that
hold every column they need (`inquiry_dashboard`, `quote_sent_inquiry`,
`sale_school_time`): Python only folds a few hundred aggregated rows. The
percentiles of response times are taken by PostgreSQL (percentile_cont); SQLite
has no such function, and sends the waits in whole seconds, sorted, one narrow
row per answered request of the period (a period is a year at most). A whole
dashboard is about ten queries, cached for a minute per school and period.

Definitions, as the page states them:

- a *request* is a dossier received in the period, not merged into another
  (a merged duplicate is the same request told twice);
- the *first answer* is the first e-mail of kind reply or quote that a member
  of staff sent on the dossier after it was received; its time is when she
  sent it (the outbox delivers it seconds later). It is kept on the dossier
  (`msem/inquiries/answers.py`);
- the funnel follows the requests of the period: *quoted* when a quote of the
  dossier was ever sent, *paid* when a quote of it was fully paid (the dossier
  is then "paid" for good, and has a Sale), whenever that happened;
- *revenue* is the sales recorded in the period, VAT included, split by the
  price list and the kind of product of each line;
- *waiting* dossiers are open now (not archived; new, in progress or waiting
  for the client) and were received longer ago than the threshold, whatever
  the period.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, NamedTuple, cast

from django.core.cache import cache
from django.db import connections, transaction
from django.db.models import Case, Count, DecimalField, ExpressionWrapper, F, Q, QuerySet, Sum, Value, When
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from msem.accounts.models import User
from msem.catalog.models import Catalog, Product
from msem.dashboard.expressions import BucketIndex, SecondsBetween
from msem.dashboard.periods import Bucket, Period
from msem.inquiries.models import Category, Inquiry, Subject
from msem.quotes.models import Quote, QuoteLine
from msem.quotes.pricing import to_cents
from msem.sales.models import Sale
from msem.schools.models import School

# Within a minute of the truth is what a dashboard needs; recomputing it for
# every visit of every secretary is not.
CACHE_SECONDS = 60
CACHE_VERSION = 1
OPEN_STATUSES = (Inquiry.Status.NEW, Inquiry.Status.IN_PROGRESS, Inquiry.Status.WAITING_FOR_CLIENT)
DEFAULT_WAITING_HOURS = 48
# The page lists the oldest ones and says how many there are in all; the CSV file gives more.
WAITING_PAGE_LIMIT = 25
WAITING_EXPORT_LIMIT = 2000


@dataclass(frozen=True)
class Item:
    """One thing figures are given for: a subject, a category, a secretary, a catalog …

    School data carries its own French and English labels; the product's own
    words (a language, a kind of product) are translated when shown.
    """

    key: str
    label_fr: str = ""
    label_en: str = ""
    translated: str | Promise = ""

    def label(self, language: str) -> str:
        if self.translated:
            return str(self.translated)
        if language == "en":
            return self.label_en or self.label_fr
        return self.label_fr or self.label_en


NO_CATEGORY = Item("none", translated=_("No category"))
PUBLIC_PRICE_LIST = Item("public", translated=_("Public price list"))
ALL = Item("all", translated=_("All requests"))
LANGUAGES = [Item(code, translated=label) for code, label in Inquiry.Language.choices]
KINDS = [Item(code, translated=label) for code, label in Product.Kind.choices]


@dataclass(frozen=True)
class Stacked:
    """Requests per bucket of the period, split into items (subjects or categories)."""

    buckets: list[Bucket]
    items: list[Item]
    counts: dict[str, list[int]]

    @property
    def totals(self) -> list[int]:
        return [sum(self.counts[item.key][index] for item in self.items) for index in range(len(self.buckets))]

    @property
    def total(self) -> int:
        return sum(self.totals)


@dataclass(frozen=True)
class AnswerTimes:
    """How long requests waited for their first answer, in seconds."""

    item: Item
    answered: int
    median: float | None
    p90: float | None
    # Requests received: given for subjects and overall, not for a secretary.
    requests: int | None = None

    @property
    def unanswered(self) -> int | None:
        return None if self.requests is None else self.requests - self.answered


@dataclass(frozen=True)
class FunnelRow:
    item: Item
    requests: int
    quoted: int
    paid: int

    @property
    def quote_rate(self) -> float | None:
        """Percentage of the requests that got a quote."""
        return _rate(self.quoted, self.requests)

    @property
    def paid_rate(self) -> float | None:
        """Percentage of the requests that ended paid."""
        return _rate(self.paid, self.requests)

    @property
    def quote_paid_rate(self) -> float | None:
        """Percentage of the quoted requests that ended paid."""
        return _rate(self.paid, self.quoted)


def _rate(part: int, whole: int) -> float | None:
    return 100.0 * part / whole if whole else None


@dataclass(frozen=True)
class RevenueRow:
    item: Item
    sales: int
    amount: Decimal


@dataclass(frozen=True)
class Dashboard:
    period: Period
    requests_by_subject: Stacked
    requests_by_category: Stacked
    answers: AnswerTimes
    answers_by_subject: list[AnswerTimes]
    answers_by_secretary: list[AnswerTimes]
    funnel: FunnelRow
    funnel_by_subject: list[FunnelRow]
    funnel_by_category: list[FunnelRow]
    funnel_by_language: list[FunnelRow]
    sales: int
    revenue: Decimal
    revenue_by_catalog: list[RevenueRow]
    revenue_by_kind: list[RevenueRow]
    computed_at: datetime = field(default_factory=timezone.now)

    @property
    def total_requests(self) -> int:
        return self.funnel.requests


@dataclass(frozen=True)
class WaitingDossier:
    reference: str
    client_name: str
    received_at: datetime
    status: str
    subject: Item
    assignee: str

    @property
    def status_label(self) -> str:
        return str(Inquiry.Status(self.status).label)


@dataclass(frozen=True)
class Waiting:
    hours: int
    total: int
    rows: list[WaitingDossier]
    as_of: datetime

    @property
    def more(self) -> int:
        return self.total - len(self.rows)


# --- Entry points -------------------------------------------------------------------


def dashboard_for_period(*, school: School, period: Period) -> Dashboard:
    """The dashboard of a period, from the cache when it was computed less than a minute ago."""
    key = f"dashboard:v{CACHE_VERSION}:{school.pk}:{period.kind}:{period.cache_key}"
    dashboard = cache.get_or_set(key, lambda: dashboard_compute(school=school, period=period), CACHE_SECONDS)
    return cast(Dashboard, dashboard)


def waiting_dossiers(*, school: School, hours: int = DEFAULT_WAITING_HOURS, limit: int = WAITING_PAGE_LIMIT) -> Waiting:
    """Open dossiers received more than `hours` ago, from the cache when less than a minute old."""
    key = f"dashboard:v{CACHE_VERSION}:{school.pk}:waiting:{hours}:{limit}"
    waiting = cache.get_or_set(key, lambda: waiting_compute(school=school, hours=hours, limit=limit), CACHE_SECONDS)
    return cast(Waiting, waiting)


def dashboard_compute(*, school: School, period: Period) -> Dashboard:
    connection = connections[Inquiry.objects.db]
    if connection.vendor != "postgresql":
        # No transaction on SQLite: Msem's begin by taking the write lock, which a read has no need of.
        return _compute(school, period)
    with transaction.atomic(using=connection.alias):
        # PostgreSQL would compile these aggregates to machine code first (its JIT),
        # which takes longer than running them; for this transaction only.
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
        return _compute(school, period)


def _compute(school: School, period: Period) -> Dashboard:
    buckets = period.buckets()
    received = _received_in(school, period)
    sent_quotes = Quote.objects.for_school(school).filter(sent_at__isnull=False).values("inquiry_id")
    cells = [
        Cell(*row)
        for row in _rows(
            received.annotate(bucket=BucketIndex("received_at", [bucket.start for bucket in buckets]))
            .values("bucket", "subject_id", "category_id", "language")
            .annotate(
                requests=Count("id"),
                # Not correlated: the dossiers sent a quote are listed (and hashed) once.
                quoted=Count("id", filter=Q(id__in=sent_quotes)),
                paid=Count("id", filter=Q(status=Inquiry.Status.PAID)),
            )
            .values_list("bucket", "subject_id", "category_id", "language", "requests", "quoted", "paid")
            .order_by()
        )
    ]
    subjects = _subject_items(school)
    categories = _category_items(school)

    by_subject = _stacked(cells, "subject_id", subjects, buckets)
    by_category = _stacked(cells, "category_id", categories, buckets)
    funnel = _funnel(cells, lambda cell: "all", [ALL])[0] if cells else FunnelRow(ALL, 0, 0, 0)
    funnel_by_subject = _funnel(cells, lambda cell: str(cell.subject_id), subjects)
    answers, answers_by_subject, answers_by_secretary = _answer_times(received, funnel, funnel_by_subject)
    sales, revenue = _sales_total(school, period)
    revenue_by_catalog, revenue_by_kind = _revenue(school, period)
    return Dashboard(
        period=period,
        requests_by_subject=by_subject,
        requests_by_category=by_category,
        answers=answers,
        answers_by_subject=answers_by_subject,
        answers_by_secretary=answers_by_secretary,
        funnel=funnel,
        funnel_by_subject=funnel_by_subject,
        funnel_by_category=_funnel(cells, lambda cell: _category_key(cell.category_id), categories),
        funnel_by_language=_funnel(cells, lambda cell: cell.language, LANGUAGES),
        sales=sales,
        revenue=revenue,
        revenue_by_catalog=revenue_by_catalog,
        revenue_by_kind=revenue_by_kind,
    )


def waiting_compute(
    *, school: School, hours: int, limit: int = WAITING_PAGE_LIMIT, now: datetime | None = None
) -> Waiting:
    now = now or timezone.now()
    waiting = Inquiry.objects.for_school(school).filter(
        archived_at__isnull=True,
        merged_into__isnull=True,
        status__in=OPEN_STATUSES,
        received_at__lt=now - timedelta(hours=hours),
    )
    subjects = {item.key: item for item in _subject_items(school)}
    rows = [
        WaitingDossier(
            reference=inquiry.reference,
            client_name=inquiry.client_name,
            received_at=inquiry.received_at,
            status=inquiry.status,
            subject=subjects.get(str(inquiry.subject_id), Item(str(inquiry.subject_id))),
            assignee=str(inquiry.assignee) if inquiry.assignee else "",
        )
        for inquiry in waiting.select_related("assignee").order_by("received_at", "id")[:limit]
    ]
    total = waiting.count()
    return Waiting(hours=hours, total=total, rows=rows, as_of=now)


# --- Requests and the funnel ------------------------------------------------------------


def _received_in(school: School, period: Period) -> QuerySet[Inquiry]:
    return Inquiry.objects.for_school(school).filter(
        received_at__gte=period.start, received_at__lt=period.end, merged_into__isnull=True
    )


def _category_key(category_id: int | None) -> str:
    return NO_CATEGORY.key if category_id is None else str(category_id)


def _subject_items(school: School) -> list[Item]:
    # Removed subjects too: the dossiers of the period may still point at them.
    return [
        Item(str(subject.pk), subject.label_fr, subject.label_en)
        for subject in Subject.objects.for_school(school).order_by("removed_at", "position", "id")
    ]


def _category_items(school: School) -> list[Item]:
    categories = Category.objects.for_school(school).order_by("removed_at", "position", "id")
    return [Item(str(category.pk), category.label_fr, category.label_en) for category in categories] + [NO_CATEGORY]


class Cell(NamedTuple):
    """The requests of one bucket, subject, category and language, as the database counted them."""

    bucket: int
    subject_id: int
    category_id: int | None
    language: str
    requests: int
    quoted: int
    paid: int


def _stacked(cells: list[Cell], column: str, items: list[Item], buckets: list[Bucket]) -> Stacked:
    counts: dict[str, list[int]] = defaultdict(lambda: [0] * len(buckets))
    for cell in cells:
        key = _category_key(cell.category_id) if column == "category_id" else str(cell.subject_id)
        counts[key][cell.bucket] += cell.requests
    shown = [item for item in items if item.key in counts]
    return Stacked(buckets=buckets, items=shown, counts={item.key: counts[item.key] for item in shown})


def _funnel(cells: list[Cell], key_of: Callable[[Cell], str], items: list[Item]) -> list[FunnelRow]:
    sums: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for cell in cells:
        total = sums[key_of(cell)]
        total[0] += cell.requests
        total[1] += cell.quoted
        total[2] += cell.paid
    return [FunnelRow(item, *sums[item.key]) for item in items if item.key in sums]


# --- Time to the first answer -------------------------------------------------------------


class Waits(NamedTuple):
    """How many requests of a group were answered, and the median and 90th percentile of their waits."""

    answered: int
    median: float | None
    p90: float | None


NO_WAITS = Waits(0, None, None)


def _answer_times(
    received: QuerySet[Inquiry], funnel: FunnelRow, funnel_by_subject: list[FunnelRow]
) -> tuple[AnswerTimes, list[AnswerTimes], list[AnswerTimes]]:
    """Median and 90th percentile of the time to the first answer, overall, per subject and per secretary.

    The percentiles are interpolated between the two nearest ranks, as
    PostgreSQL's percentile_cont() does: the median of 1, 2, 3 and 10 hours
    is 2.5 hours.
    """
    answered = (
        received.filter(first_answer_at__isnull=False)
        .annotate(wait=SecondsBetween("received_at", "first_answer_at"))
        .values_list("subject_id", "first_answer_by_id", "wait")
        .order_by()
    )
    if connections[answered.db].vendor == "postgresql":
        overall, by_subject, by_secretary = _waits_from_database(answered)
    else:
        overall, by_subject, by_secretary = _waits_in_python(answered)

    def times(item: Item, waits: Waits, requests: int | None) -> AnswerTimes:
        return AnswerTimes(item=item, answered=waits.answered, median=waits.median, p90=waits.p90, requests=requests)

    secretary_ids = [key for key in by_secretary if key is not None]  # None: a deleted account
    secretaries = sorted(
        (Item(str(user.pk), str(user), str(user)) for user in User.objects.filter(pk__in=secretary_ids)),
        key=lambda item: item.label_fr.casefold(),
    )
    return (
        times(ALL, overall, funnel.requests),
        [times(row.item, by_subject.get(int(row.item.key), NO_WAITS), row.requests) for row in funnel_by_subject],
        # A secretary whose account was since deleted is in the overall figures only.
        [times(item, by_secretary[int(item.key)], None) for item in secretaries],
    )


def _waits_from_database(answered: QuerySet[Any]) -> tuple[Waits, dict[int, Waits], dict[int | None, Waits]]:
    """PostgreSQL's percentile_cont(), overall, per subject and per secretary in one pass: a few rows back."""
    sql, params = _sql(answered)
    # The ORM's SQL (its columns named as in values_list(), its values as parameters) in a statement of constant text.
    query = (
        "SELECT GROUPING(subject_id, first_answer_by_id), subject_id, first_answer_by_id, COUNT(*), "  # noqa: S608
        "percentile_cont(0.5) WITHIN GROUP (ORDER BY wait), percentile_cont(0.9) WITHIN GROUP (ORDER BY wait) "
        f"FROM ({sql}) AS answered "
        "GROUP BY GROUPING SETS ((), (subject_id), (first_answer_by_id))"
    )
    rows = _fetch(answered.db, query, params)
    overall, by_subject, by_secretary = NO_WAITS, {}, {}
    for grouping, subject_id, secretary_id, count, median, p90 in rows:
        waits = Waits(count, median, p90)
        # GROUPING() has a bit set for each column the row is not grouped by.
        if grouping == 3:
            overall = waits
        elif grouping == 1:
            by_subject[subject_id] = waits
        else:
            by_secretary[secretary_id] = waits
    return overall, by_subject, by_secretary


def _waits_in_python(answered: QuerySet[Any]) -> tuple[Waits, dict[int, Waits], dict[int | None, Waits]]:
    """SQLite has no percentile function: the waits come sorted, one narrow row per answered request.

    One pass deals them out per subject and per secretary, each list sorted
    as it fills; sorting each group's list again cost several times more.
    """
    rows = _rows(answered.order_by("wait"))
    waits: list[int] = []
    per_subject: dict[int, list[int]] = defaultdict(list)
    per_secretary: dict[int | None, list[int]] = defaultdict(list)
    for subject_id, secretary_id, wait in rows:
        waits.append(wait)
        per_subject[subject_id].append(wait)
        per_secretary[secretary_id].append(wait)
    return (
        _waits(waits),
        {key: _waits(values) for key, values in per_subject.items()},
        {key: _waits(values) for key, values in per_secretary.items()},
    )


def _waits(ordered: list[int]) -> Waits:
    return Waits(len(ordered), _percentile(ordered, 50), _percentile(ordered, 90))


def _sql(queryset: QuerySet[Any]) -> tuple[str, tuple[Any, ...]]:
    """The SQL of a queryset built (and scoped to its school) with the ORM, to be wrapped in a larger statement."""
    sql, params = queryset.query.get_compiler(connection=connections[queryset.db]).as_sql()
    return sql, tuple(params)


def _fetch(alias: str, sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _rows(queryset: QuerySet[Any]) -> list[tuple[Any, ...]]:
    """The rows of a values_list() query as the database driver gives them.

    Tens of thousands of narrow rows: the ORM's per-row work would cost more
    than the query. The queryset is still built (and scoped) with the ORM.
    """
    return _fetch(queryset.db, *_sql(queryset))


def _percentile(ordered: list[int], percent: int) -> float | None:
    """Linear interpolation between the two values of `ordered` around the percentile."""
    if not ordered:
        return None
    position = (len(ordered) - 1) * percent / 100
    low = int(position)
    value = float(ordered[low])
    if position > low:
        value += (position - low) * (ordered[low + 1] - ordered[low])
    return value


# --- Sales -----------------------------------------------------------------------------------


def _sales_in(school: School, period: Period) -> Any:
    return Sale.objects.for_school(school).filter(created_at__gte=period.start, created_at__lt=period.end)


def _sales_total(school: School, period: Period) -> tuple[int, Decimal]:
    totals = _sales_in(school, period).aggregate(sales=Count("id"), revenue=Sum("total"))
    return totals["sales"], to_cents(Decimal(totals["revenue"] or 0))


def _sold_lines(school: School, period: Period) -> Any:
    """The lines of the quotes sold in the period, with their amount VAT included.

    A sold quote's lines are frozen (a paid quote can no longer change), and
    are the lines its Sale reports to 4807. Where the quote's prices exclude
    VAT, the line's share of the VAT is added, so that catalogs and kinds add
    up to the sales' totals (to the cent: each sale rounds its VAT once).
    """
    amount = (
        F("unit_price")
        * F("quantity")
        * Case(When(pricing_unit=Product.PricingUnit.PER_PERSON, then=F("participants")), default=Value(1))
    )
    with_vat = Case(
        When(quote__prices_include_vat=True, then=amount),
        default=amount * (Value(Decimal(100)) + F("quote__vat_rate")) / Value(Decimal(100)),
    )
    return (
        QuoteLine.objects.for_school(school)
        .filter(
            # The sale's school too, so that its index is searched, not scanned.
            quote__sale__school=school,
            quote__sale__created_at__gte=period.start,
            quote__sale__created_at__lt=period.end,
        )
        .annotate(line_amount=ExpressionWrapper(with_vat, output_field=DecimalField(max_digits=14, decimal_places=4)))
        .order_by()
    )


def _revenue(school: School, period: Period) -> tuple[list[RevenueRow], list[RevenueRow]]:
    """Revenue per price list and per kind of product: the sold lines joined once, then counted both ways.

    A sale counts once in each price list (or kind) it has a line of.
    """
    # A line whose product was deleted since counts as "other".
    kind = Case(When(product__isnull=True, then=Value(Product.Kind.OTHER)), default=F("product__kind"))
    sql, params = _sql(
        _sold_lines(school, period)
        .annotate(line_kind=kind)
        .values_list("quote_id", "catalog_code", "line_amount", "line_kind")
    )
    # The ORM's SQL (its columns named as in values_list(), its values as parameters) in a statement of constant text.
    query = (
        f"WITH sold AS ({sql}) "  # noqa: S608
        "SELECT 'catalog', catalog_code, COUNT(DISTINCT quote_id), SUM(line_amount) FROM sold GROUP BY catalog_code "
        "UNION ALL "
        "SELECT 'kind', line_kind, COUNT(DISTINCT quote_id), SUM(line_amount) FROM sold GROUP BY line_kind"
    )
    by_catalog: dict[str, tuple[int, Decimal]] = {}
    by_kind: dict[str, tuple[int, Decimal]] = {}
    for breakdown, key, sales, amount in _fetch(QuoteLine.objects.db, query, params):
        (by_catalog if breakdown == "catalog" else by_kind)[key] = (sales, _money(amount))
    return _revenue_by_catalog(school, by_catalog), [
        RevenueRow(item, *by_kind[item.key]) for item in KINDS if item.key in by_kind
    ]


def _revenue_by_catalog(school: School, rows: dict[str, tuple[int, Decimal]]) -> list[RevenueRow]:
    catalogs: dict[str, Catalog] = {}
    for catalog in Catalog.objects.for_school(school).filter(code__in=rows).order_by("-removed_at"):
        catalogs[catalog.code] = catalog  # a live catalog wins over a removed one of the same code
    result = []
    if "" in rows:
        result.append(RevenueRow(PUBLIC_PRICE_LIST, *rows[""]))
    for code in sorted(code for code in rows if code):
        known = catalogs.get(code)
        label = f"{code} — {known.account_name}" if known and known.account_name else code
        result.append(RevenueRow(Item(code, label, label), *rows[code]))
    return result


def _money(value: Any) -> Decimal:
    if isinstance(value, float):
        # SQLite sums decimals as floats: to the line amount's four places first, as the ORM reads them.
        value = Decimal(str(value)).quantize(Decimal("0.0001"))
    return to_cents(Decimal(value or 0))
