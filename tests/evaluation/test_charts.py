"""Chart geometry (evaluation/charts.py): the scale, the grade lines, the columns' order and
the grade distribution's shares."""

from dataclasses import dataclass
from decimal import Decimal

from evaluation import charts
from evaluation.choices import Grade, RoundKind


@dataclass
class Round:
    year: int
    kind: str = RoundKind.YEARLY

    def __str__(self):
        return f"{self.year} 年{'年度对标' if self.kind == RoundKind.YEARLY else '期满考核'}"


@dataclass
class Evaluation:
    pk: int
    round: Round
    total: Decimal
    grade: str


def test_history_scale_runs_from_the_baseline_to_the_top_with_the_grade_lines():
    rows = [
        Evaluation(1, Round(2024), Decimal("100"), Grade.EXCELLENT),
        Evaluation(2, Round(2025), Decimal("0"), Grade.UNQUALIFIED),
        Evaluation(3, Round(2026, RoundKind.TERM), Decimal("60"), Grade.QUALIFIED),
    ]
    chart = charts.history(rows)
    full, empty, sixty = chart.columns
    assert full.y == charts.TOP and full.height == chart.baseline - charts.TOP
    assert empty.height == 0 and empty.y == chart.baseline
    assert [r.value for r in chart.rules] == [85, 60]
    assert chart.rules[1].y == sixty.y  # a 60 reaches the 合格 line exactly
    assert [c.label for c in chart.columns] == ["2024", "2025", "2026"]
    assert [c.kind for c in chart.columns] == ["年度对标", "年度对标", "期满考核"]
    assert full.x < empty.x < sixty.x
    assert sixty.title == "2026 年期满考核：60 分，合格"


def test_history_keeps_the_latest_twelve():
    rows = [Evaluation(n, Round(2000 + n), Decimal("70"), Grade.QUALIFIED) for n in range(15)]
    chart = charts.history(rows)
    assert chart.columns[0].label == "2003" and len(chart.columns) == 12
    assert chart.columns[-1].x + chart.columns[-1].width <= chart.right_edge


def test_distribution_counts_only_graded_ones():
    rows = [
        Evaluation(1, Round(2025), Decimal("90"), Grade.EXCELLENT),
        Evaluation(2, Round(2025), Decimal("70"), Grade.QUALIFIED),
        Evaluation(3, Round(2025), Decimal("75"), Grade.QUALIFIED),
        Evaluation(4, Round(2025), None, ""),
    ]
    bars = charts.distribution(rows)
    assert [(b.label, b.count, b.percent) for b in bars] == [
        ("优秀", 1, 33), ("合格", 2, 67), ("不合格", 0, 0)
    ]  # fmt: skip
    assert bars[1].width == 66.7
    assert [b.count for b in charts.distribution([])] == [0, 0, 0]
