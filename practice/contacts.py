"""Art 20: the two supervisors talk at least once in every calendar month of a practice and
meet face to face at least twice in every practice year of it.

A practice year is 12 months from the practice's first day (the second from the same day a year
later, …). "每年 … 2 次以上面对面交流" is read per practice year, not per calendar year: a
four-month practice over New Year is one part of a year, not two. The last part, when shorter than
12 months, is pro-rated: under 6 months it needs 1 face-to-face meeting, otherwise 2. The practice
ends on its effective last day (``PracticeRequest.effective_ends_on``: the early end when it was
ended early, Art 24).

``evaluate`` is the rule, pure and clock-free (``today`` is passed in): the base's compliance
panel (agreements/compliance.py), the registry and its Excel export, the request page, the homes,
the inbox and the daily reminders all read it. ``practices_at`` loads what it needs for many bases
in two queries.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from practice.choices import ContactMode
from practice.choices import RequestState as S
from xcu_bases.dates import add_months

RED, AMBER, GREEN = "red", "amber", "green"

MONTHLY = 1  # contacts in every calendar month of the practice
FACE_TO_FACE_YEARLY = 2  # face-to-face meetings in every practice year (12 months from the start)
FACE_TO_FACE_SHORT = 1  # in a last part of a practice year shorter than SHORT_MONTHS
SHORT_MONTHS = 6
MONTH_WARNING_DAYS = 7  # amber when this month's part of the practice ends within a week
YEAR_WARNING_DAYS = 60  # amber when this practice year's part ends within two months


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


def practice_years(starts_on: date, ends_on: date) -> list[tuple[date, date, int]]:
    """Art 20 per practice year: (first day, last day, face-to-face meetings required) of every
    12 months from ``starts_on``, the last cut at ``ends_on`` and pro-rated when it is short."""
    years, n = [], 0
    while (first := add_months(starts_on, 12 * n)) <= ends_on:
        full_last = add_months(starts_on, 12 * (n + 1)) - timedelta(days=1)
        last = min(full_last, ends_on)
        long_enough = add_months(first, SHORT_MONTHS) <= last + timedelta(days=1)
        years.append((first, last, FACE_TO_FACE_YEARLY if long_enough else FACE_TO_FACE_SHORT))
        n += 1
    return years


def _day(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


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
    """One practice year (or the practice's last, shorter part of one)."""

    number: int  # 1 for the first 12 months of the practice
    starts_on: date
    ends_on: date  # its last day in the practice
    required: int  # face-to-face meetings it needs
    face_to_face: int
    closed: bool
    days_left: int  # of this year's part of the practice, counting today
    whole: bool = False  # the practice is this one part (shorter than or exactly 12 months)

    @property
    def missed(self) -> bool:
        return self.closed and self.face_to_face < self.required

    @property
    def label(self) -> str:
        name = "实践期间" if self.whole else f"实践第 {self.number} 年"
        return f"{name}（{_day(self.starts_on)}至{_day(self.ends_on)}）"


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
    """``contacts``: (date, mode) pairs of the practice's recorded contacts; ``ends_on``: the
    practice's effective last day (its early end when it was ended early)."""
    if today < starts_on:
        return Record([], [], GREEN, [], started=False)
    last = min(ends_on, today)
    per_month: dict[date, int] = defaultdict(int)
    meetings: list[date] = []
    for on, mode in contacts:
        if starts_on <= on <= ends_on:
            per_month[on.replace(day=1)] += 1
            if mode == ContactMode.FACE_TO_FACE:
                meetings.append(on)
    months = [
        Month(first, per_month[first], closed=min(month_end(first), ends_on) < today)
        for first in months_between(starts_on, last)
    ]
    parts = practice_years(starts_on, ends_on)
    years = [
        Year(
            number, first, part_ends, required,
            face_to_face=sum(1 for on in meetings if first <= on <= part_ends),
            closed=part_ends < today, days_left=(part_ends - today).days + 1,
            whole=len(parts) == 1,
        )
        for number, (first, part_ends, required) in enumerate(parts, start=1)
        if first <= last
    ]  # fmt: skip
    red = [f"{m.label}未沟通" for m in months if m.missed]
    red += [
        f"{y.label}面对面交流仅 {y.face_to_face} 次（至少 {y.required} 次）"
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
        if not y.closed and y.face_to_face < y.required and y.days_left <= YEAR_WARNING_DAYS:
            amber.append(
                f"{y.label}面对面交流目前 {y.face_to_face} 次，还剩 {y.days_left} 天须达到 "
                f"{y.required} 次"
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
    from practice import ending
    from practice.models import SupervisorContact

    rows = list(
        in_practice(requests)
        .order_by("starts_on", "pk")
        .annotate(last_day=ending.effective_end())  # Art 24: an early end ends it there
        .values_list("pk", "student__name", "starts_on", "last_day", "base_id")
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
