"""Chart geometry for the results (Art 29), drawn as inline SVG by the templates.

Server-side geometry keeps the pages free of JavaScript and of inline ``style`` attributes (the
Content-Security-Policy forbids both), prints as it shows, and reads out through the ``<title>``
of each bar. Coordinates are in the SVG's own units; the SVG scales to its container.
"""

from dataclasses import dataclass
from decimal import Decimal

from evaluation.choices import Grade, RoundKind
from evaluation.grading import EXCELLENT_FROM, QUALIFIED_FROM

WIDTH = 640
HEIGHT = 240
LEFT, RIGHT, TOP, BOTTOM = 36, 8, 16, 44  # room for the axis labels
MAX_COLUMNS = 12


@dataclass(frozen=True)
class Column:
    x: float
    y: float
    width: float
    height: float
    centre: float
    value_y: float
    total: Decimal
    grade: str
    grade_label: str
    label: str  # "2025" under the column
    kind: str  # "年度对标" / "期满考核"
    title: str  # read by screen readers and shown on hover
    url_pk: int


@dataclass(frozen=True)
class Rule:
    y: float
    value: int
    label: str

    @property
    def label_y(self) -> float:
        return round(self.y - 4, 1)


@dataclass(frozen=True)
class HistoryChart:
    width: int
    height: int
    left: int
    right_edge: int
    baseline: float
    axis_x: int
    year_y: float
    kind_y: float
    columns: list[Column]
    rules: list[Rule]
    ticks: list[Rule]


def _y(value) -> float:
    plot = HEIGHT - TOP - BOTTOM
    return round(TOP + plot * (1 - float(value) / 100), 1)


def history(evaluations) -> HistoryChart:
    """One column per finalised evaluation (oldest left), 0–100 with the 60 and 85 lines."""
    rows = list(evaluations)[-MAX_COLUMNS:]
    plot_width = WIDTH - LEFT - RIGHT
    slot = plot_width / max(len(rows), 4)
    bar = min(56.0, slot * 0.6)
    columns = []
    for n, e in enumerate(rows):
        centre = LEFT + slot * n + slot / 2
        top = _y(e.total)
        kind = "期满考核" if e.round.kind == RoundKind.TERM else "年度对标"
        columns.append(
            Column(
                x=round(centre - bar / 2, 1),
                y=top,
                width=round(bar, 1),
                height=round(_y(0) - top, 1),
                centre=round(centre, 1),
                value_y=round(top - 5, 1),
                total=e.total,
                grade=e.grade,
                grade_label=Grade(e.grade).label,
                label=str(e.round.year),
                kind=kind,
                title=f"{e.round}：{e.total} 分，{Grade(e.grade).label}",
                url_pk=e.pk,
            )
        )
    rules = [
        Rule(_y(EXCELLENT_FROM), int(EXCELLENT_FROM), f"优秀 {int(EXCELLENT_FROM)}"),
        Rule(_y(QUALIFIED_FROM), int(QUALIFIED_FROM), f"合格 {int(QUALIFIED_FROM)}"),
    ]
    ticks = [Rule(_y(v), v, str(v)) for v in (0, 20, 40, 60, 80, 100)]
    base = _y(0)
    return HistoryChart(
        WIDTH, HEIGHT, LEFT, WIDTH - RIGHT, base, LEFT - 6, base + 16, base + 31,
        columns, rules, ticks,
    )  # fmt: skip


@dataclass(frozen=True)
class Bar:
    label: str
    count: int
    percent: int
    grade: str
    width: float  # of 100


def distribution(evaluations) -> list[Bar]:
    """How many finalised evaluations got each grade (the round's results chart)."""
    done = [e for e in evaluations if e.grade]
    bars = []
    for grade in Grade:
        count = sum(1 for e in done if e.grade == grade)
        share = count / len(done) if done else 0
        bars.append(Bar(grade.label, count, round(100 * share), grade, round(100 * share, 1)))
    return bars
