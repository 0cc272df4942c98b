"""Art 20: the two supervisors talk at least once in every calendar month of a practice and
meet face to face at least twice in every calendar year of it.

``evaluate`` is the rule, pure and clock-free (``today`` is passed in): the base's compliance
panel (agreements/compliance.py), the student's page and the supervisors' homes all read it.
``practices_at`` loads what it needs for many bases in two queries.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from practice.choices import ContactMode
from practice.choices import RequestState as S

RED, AMBER, GREEN = "red", "amber", "green"

MONTHLY = 1  # contacts in every calendar month of the practice
FACE_TO_FACE_YEARLY = 2  # face-to-face meetings in every calendar year of it
MONTH_WARNING_DAYS = 7  # amber when this month's part of the practice ends within a week
YEAR_WARNING_DAYS = 60  # amber when this year's part ends within two months


def month_end(day: date) -> date:
    first_of_next = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return first_of_next - timedelta(days=1)


def months_between(first: date, last: date) -> list[date]:
    """The first day of every calendar month from ``first``'s to ``last``'s."""
    months, cursor = [], first.replace(day=1)
    while cursor <= last:
        months.append(cursor)
        cursor = month_end(cursor) + timedelta(days=1)
    return months


@dataclass(frozen=True)
class Month:
    month: date  # its first day
    contacts: int
    closed: bool  # its part of the practice is over

    @property
    def missed(self) -> bool:
        return self.closed and self.contacts < MONTHLY

    @property
    def label(self) -> str:
        return f"{self.month.year}年{self.month.month}月"


@dataclass(frozen=True)
class Year:
    year: int
    face_to_face: int
    closed: bool
    days_left: int  # of this year's part of the practice, counting today

    @property
    def missed(self) -> bool:
        return self.closed and self.face_to_face < FACE_TO_FACE_YEARLY


@dataclass(frozen=True)
class Record:
    """One student's contact record against Art 20, as of ``today``."""

    months: list[Month]
    years: list[Year]
    status: str
    problems: list[str]  # red, then amber, in Chinese
    started: bool

    @property
    def missed_months(self) -> list[Month]:
        return [m for m in self.months if m.missed]

    @property
    def missed_years(self) -> list[Year]:
        return [y for y in self.years if y.missed]


def evaluate(
    starts_on: date, ends_on: date, contacts: Iterable[tuple[date, str]], *, today: date
) -> Record:
    """``contacts``: (date, mode) pairs of the practice's recorded contacts."""
    if today < starts_on:
        return Record([], [], GREEN, [], started=False)
    last = min(ends_on, today)
    per_month: dict[date, int] = defaultdict(int)
    per_year: dict[int, int] = defaultdict(int)
    for on, mode in contacts:
        if starts_on <= on <= ends_on:
            per_month[on.replace(day=1)] += 1
            if mode == ContactMode.FACE_TO_FACE:
                per_year[on.year] += 1
    months = [
        Month(first, per_month[first], closed=min(month_end(first), ends_on) < today)
        for first in months_between(starts_on, last)
    ]
    years = []
    for year in range(starts_on.year, last.year + 1):
        part_ends = min(date(year, 12, 31), ends_on)
        years.append(
            Year(
                year,
                per_year[year],
                closed=part_ends < today,
                days_left=(part_ends - today).days + 1,
            )
        )
    red = [f"{m.label}未沟通" for m in months if m.missed]
    red += [
        f"{y.year}年面对面交流仅 {y.face_to_face} 次（至少 {FACE_TO_FACE_YEARLY} 次）"
        for y in years
        if y.missed
    ]
    amber = []
    current = months[-1] if months else None
    if current and not current.closed and current.contacts < MONTHLY:
        days_left = (min(month_end(current.month), ends_on) - today).days + 1
        if days_left <= MONTH_WARNING_DAYS:
            amber.append(f"{current.label}尚未沟通，还剩 {days_left} 天")
    for y in years:
        if (
            not y.closed
            and y.face_to_face < FACE_TO_FACE_YEARLY
            and y.days_left <= YEAR_WARNING_DAYS
        ):
            amber.append(
                f"{y.year}年面对面交流目前 {y.face_to_face} 次，还剩 {y.days_left} 天须达到 "
                f"{FACE_TO_FACE_YEARLY} 次"
            )
    status = RED if red else AMBER if amber else GREEN
    return Record(months, years, status, red + amber, started=True)


@dataclass(frozen=True)
class Practice:
    """A student in practice at a base, with the dates and modes of their contacts."""

    request_id: int
    student: str
    starts_on: date
    ends_on: date
    contacts: tuple[tuple[date, str], ...] = field(default=())
    base_id: int | None = None

    def record(self, today: date) -> Record:
        return evaluate(self.starts_on, self.ends_on, self.contacts, today=today)


def in_practice(requests):
    """The requests whose students are at their base now or are about to go (approved)."""
    return requests.filter(state=S.APPROVED, starts_on__isnull=False, ends_on__isnull=False)


def practices_of(requests) -> list[Practice]:
    """Practices of an already filtered PracticeRequest queryset, with contacts: two queries."""
    from practice.models import SupervisorContact

    rows = list(
        in_practice(requests)
        .order_by("starts_on", "pk")
        .values_list("pk", "student__name", "starts_on", "ends_on", "base_id")
    )
    contacts: dict[int, list[tuple[date, str]]] = defaultdict(list)
    if rows:
        found = SupervisorContact.objects.filter(request_id__in=[r[0] for r in rows])
        for request_id, on, mode in found.values_list("request_id", "on", "mode"):
            contacts[request_id].append((on, mode))
    return [
        Practice(pk, name, starts, ends, tuple(contacts[pk]), base_id)
        for pk, name, starts, ends, base_id in rows
    ]


def practices_at(bases) -> dict[int, list[Practice]]:
    """The students in practice at each base, for many bases in two queries.

    ``bases``: base ids, or a queryset of bases (used as a subquery). Missing bases map to [].
    """
    from django.db.models import QuerySet

    from practice.models import PracticeRequest

    found: dict[int, list[Practice]] = defaultdict(list)
    if isinstance(bases, QuerySet):
        requests = PracticeRequest.objects.filter(base__in=bases.order_by().values("pk"))
    else:
        ids = list(bases)
        if not ids:
            return found
        requests = PracticeRequest.objects.filter(base_id__in=ids)
    for practice in practices_of(requests):
        found[practice.base_id].append(practice)
    return found
