"""The graduate office's dashboard (统计看板): aggregate figures and the geometry of its charts.

Every figure comes from an aggregate query over the same queryset and the same rule as the
list its bar links to, so the number on a bar is the number of rows the list shows; the page
runs a fixed number of queries whatever the data. Charts are inline SVG drawn by the template
(no JavaScript, no inline ``style``: see evaluation/charts.py).
"""

import math
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

from django.db.models import Count, F, Q
from django.urls import reverse

from agreements import compliance
from agreements import selectors as base_selectors
from agreements.choices import BaseLevel, BaseState
from agreements.models import Base
from applications.choices import REVIEW_STATES, ApplicationState
from applications.models import BaseApplication
from evaluation.choices import Grade
from evaluation.models import BaseEvaluation, EvaluationRound
from practice import selectors as practice_selectors
from practice.choices import RequestState
from practice.models import PracticeRequest
from xcu_bases.dates import add_months

MONTHS = 12

APPLICATION_TONES = {
    ApplicationState.DRAFT: "muted",
    ApplicationState.APPROVED: "success",
    ApplicationState.SIGNED: "success",
    ApplicationState.ESTABLISHED: "success",
    ApplicationState.REJECTED: "danger",
}  # the review states are "warning"
LEVEL_TONES = {
    BaseLevel.SCHOOL: "primary",
    BaseLevel.PROVINCIAL: "info",
    BaseLevel.NATIONAL: "success",
}


def _url(name: str, *args, **query) -> str:
    url = reverse(name, args=args)
    return f"{url}?{urlencode(query)}" if query else url


@dataclass(frozen=True)
class Bar:
    label: str
    count: int
    url: str  # the list filtered to exactly these rows
    width: float  # of 100, relative to the largest bar of its chart
    tone: str  # CSS: chart-fill-<tone>


def bars(rows: list[tuple[str, int, str, str]]) -> list[Bar]:
    """(label, count, url, tone) → bars scaled to the largest count."""
    top = max((count for _, count, _, _ in rows), default=0) or 1
    return [
        Bar(label, count, url, round(100 * count / top, 1), tone)
        for label, count, url, tone in rows
    ]


@dataclass(frozen=True)
class Figure:
    label: str
    value: int
    note: str
    url: str = ""  # empty when no list shows exactly these rows
    tone: str = "primary"


# --- bases: by college, by level, agreements ending soon -----------------------------------


def _active_bases(user):
    return base_selectors.bases_visible_to(user).filter(state=BaseState.ACTIVE)


def base_figures(user) -> tuple[list[Bar], list[Bar], int]:
    """Active bases per college (a participating college counts them too, as the registry's
    college filter does, Art 14) and per level, in two queries."""
    active = _active_bases(user)
    own = active.values("college", "college__code", "college__name", "level").annotate(
        n=Count("pk")
    )
    shared = (
        Base.participating_colleges.through.objects.filter(base__in=active.values("pk"))
        .exclude(base__college=F("college"))
        .values("college", "college__code", "college__name")
        .annotate(n=Count("base", distinct=True))
    )
    colleges: dict[int, list] = {}
    levels = dict.fromkeys(BaseLevel.values, 0)
    for row in [*own.order_by(), *shared.order_by()]:
        entry = colleges.setdefault(
            row["college"], [row["college__code"], row["college__name"], 0]
        )
        entry[2] += row["n"]
        if "level" in row:
            levels[row["level"]] += row["n"]
    state = BaseState.ACTIVE
    by_college = bars(
        [
            (name, n, _url("agreements:base_list", college=pk, state=state), "primary")
            for pk, (_, name, n) in sorted(colleges.items(), key=lambda item: item[1][0])
        ]
    )
    by_level = bars(
        [
            (
                label,
                levels[value],
                _url("agreements:base_list", level=value, state=state),
                LEVEL_TONES[value],
            )
            for value, label in BaseLevel.choices
        ]
    )
    return by_college, by_level, sum(levels.values())


def expiry_bars(user, today: date) -> list[Bar]:
    """Active bases whose agreement ends within 3 months (red) or 3–6 months (amber): the
    compliance panel's reminders (Art 7), in one query."""
    windows = {
        compliance.RED: ("3 个月内到期", "danger"),
        compliance.AMBER: ("3–6 个月内到期", "warning"),
    }
    counts = (
        _active_bases(user)
        .annotate(agreement_ends=compliance.latest_agreement("ends_on"))
        .aggregate(
            **{
                status: Count(
                    "pk",
                    filter=Q(agreement_ends__range=compliance.expiry_window(status, today)),
                )
                for status in windows
            }
        )
    )
    return bars(
        [
            (
                label,
                counts[status],
                _url("agreements:base_list", state=BaseState.ACTIVE, expiry=status),
                tone,
            )
            for status, (label, tone) in windows.items()
        ]
    )


def red_compliance_count(user, today: date) -> int:
    """Active bases with a red line on their compliance panel, in a fixed number of queries."""
    bases = base_selectors.with_compliance(compliance.with_facts(_active_bases(user)), today=today)
    return sum(1 for base in bases if base.compliance.status == compliance.RED)


# --- applications (Annex 1) ----------------------------------------------------------------


def application_counts(user) -> dict[str, int]:
    rows = BaseApplication.objects.visible_to(user).values("state").annotate(n=Count("pk"))
    return {row["state"]: row["n"] for row in rows.order_by()}


def application_bars(counts: dict[str, int]) -> list[Bar]:
    return bars(
        [
            (
                label,
                counts.get(value, 0),
                _url("applications:list", state=value),
                APPLICATION_TONES.get(value, "warning"),
            )
            for value, label in ApplicationState.choices
        ]
    )


# --- students in practice per month (Annex 2) ----------------------------------------------

WIDTH, HEIGHT = 420, 200
LEFT, RIGHT, TOP, BOTTOM = 28, 6, 18, 40


@dataclass(frozen=True)
class Column:
    x: float
    y: float
    width: float
    height: float
    centre: float
    value_y: float
    count: int
    label: str  # "3月"
    year: str  # "2026" under the first column and under each January
    title: str
    url: str


@dataclass(frozen=True)
class Tick:
    y: float
    label: str


@dataclass(frozen=True)
class MonthChart:
    width: int
    height: int
    left: int
    right_edge: int
    axis_x: int
    top: int  # of the plot: each column's link covers top..baseline, easy to hit
    plot_height: float
    baseline: float
    month_y: float
    year_y: float
    columns: list[Column]
    ticks: list[Tick]


def month_counts(user, today: date) -> tuple[list[date], dict]:
    """Requests in practice in each of the last 12 months and approved now, in one query."""
    this_month = today.replace(day=1)
    months = [add_months(this_month, -n) for n in range(MONTHS - 1, -1, -1)]
    spans = [practice_selectors.month_span(month) for month in months]
    counts = PracticeRequest.objects.visible_to(user).aggregate(
        now=Count("pk", filter=Q(state=RequestState.APPROVED)),
        **{
            f"m{n}": Count("pk", filter=practice_selectors.in_practice_during(*span))
            for n, span in enumerate(spans)
        },
    )
    return months, counts


def _year_label(n: int, month: date) -> str:
    """The year under each January, and under the first column unless a January follows
    right after it (the two labels would collide on a phone)."""
    if month.month == 1 or (n == 0 and month.month != 12):
        return str(month.year)
    return ""


def month_chart(months: list[date], counts: list[int]) -> MonthChart:
    step = max(1, math.ceil(max(counts, default=0) / 4))
    top_value = 4 * step
    plot = HEIGHT - TOP - BOTTOM
    baseline = float(TOP + plot)

    def y(value) -> float:
        return round(TOP + plot * (1 - value / top_value), 1)

    slot = (WIDTH - LEFT - RIGHT) / len(months)
    bar = round(slot * 0.62, 1)
    columns = []
    for n, (month, count) in enumerate(zip(months, counts, strict=True)):
        centre = LEFT + slot * n + slot / 2
        top = y(count)
        columns.append(
            Column(
                x=round(centre - bar / 2, 1), y=top, width=bar, height=round(baseline - top, 1),
                centre=round(centre, 1), value_y=round(top - 4, 1), count=count,
                label=f"{month.month}月", year=_year_label(n, month),
                title=f"{month.year}年{month.month}月：{count} 人在实践",
                url=_url("practice:requests", month=f"{month:%Y-%m}"),
            )
        )  # fmt: skip
    ticks = [Tick(y(v), str(v)) for v in range(0, top_value + 1, step)]
    return MonthChart(
        WIDTH, HEIGHT, LEFT, WIDTH - RIGHT, LEFT - 5, TOP, baseline - TOP, baseline,
        baseline + 15, baseline + 30, columns, ticks,
    )  # fmt: skip


# --- the latest evaluation round (Annex 4, Art 29) -----------------------------------------

GRADE_TONES = {Grade.EXCELLENT: "excellent", Grade.QUALIFIED: "qualified"}


@dataclass(frozen=True)
class GradeChart:
    round: EvaluationRound | None
    bars: list[Bar]
    ungraded: int  # bases of the round not finalised yet


def grade_chart(user) -> GradeChart:
    """The grades of the latest round (by year), in two queries."""
    latest = EvaluationRound.objects.order_by("-year", "-opened_at", "-pk").first()
    if latest is None:
        return GradeChart(None, [], 0)
    rows = (
        BaseEvaluation.objects.visible_to(user)
        .filter(round=latest)
        .values("grade")
        .annotate(n=Count("pk"))
    )
    counts = {row["grade"]: row["n"] for row in rows.order_by()}
    graded = bars(
        [
            (
                label,
                counts.get(value, 0),
                _url("evaluation:round_detail", latest.pk, grade=value),
                GRADE_TONES.get(value, "unqualified"),
            )
            for value, label in Grade.choices
        ]
    )
    return GradeChart(latest, graded, counts.get("", 0))


# --- the page ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Dashboard:
    today: date
    figures: list[Figure]
    by_college: list[Bar]
    by_level: list[Bar]
    expiry: list[Bar]
    applications: list[Bar]
    months: MonthChart
    grades: GradeChart

    @property
    def expiring(self) -> int:
        return sum(bar.count for bar in self.expiry)


def build(user, today: date) -> Dashboard:
    by_college, by_level, active = base_figures(user)
    by_state = application_counts(user)
    months, counts = month_counts(user, today)
    figures = [
        Figure(
            "运行中的基地", active, "状态为运行中",
            _url("agreements:base_list", state=BaseState.ACTIVE), "primary",
        ),
        Figure(
            "实践中的研究生", counts["now"], "专业实践申请已批准、尚未完成",
            _url("practice:requests", state=RequestState.APPROVED), "success",
        ),
        Figure(
            "审核中的申报书", sum(by_state.get(state, 0) for state in REVIEW_STATES),
            "学院审核至校长办公会审定", "", "warning",
        ),
        Figure(
            "合规有红色提醒的基地", red_compliance_count(user, today),
            "见基地名录“合规”列", "", "danger",
        ),
    ]  # fmt: skip
    return Dashboard(
        today=today,
        figures=figures,
        by_college=by_college,
        by_level=by_level,
        expiry=expiry_bars(user, today),
        applications=application_bars(by_state),
        months=month_chart(months, [counts[f"m{n}"] for n in range(len(months))]),
        grades=grade_chart(user),
    )
