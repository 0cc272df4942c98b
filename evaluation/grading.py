"""Art 29's arithmetic, in one place: the total is the mean of the experts' totals rounded to
0.1 (half up), and the grade follows from it.

The Annex 4 table also shows each indicator's 实际得分, the mean of the experts' points. Those
means, each rounded on its own, need not add up to the rounded total (three experts: 1.83 and
8.33 print as 1.8 and 8.3, the total 85.17 as 85.2, the column sums to 85.1). ``shown_means``
rounds them so that they do: each mean goes down to its tenth, and the tenths still missing to
reach the total go, one each, to the means with the largest remainders (the largest-remainder
method). Every shown mean is its exact mean rounded down or up to 0.1, never further off, and the
total and the grade stay those of the experts' totals.
"""

from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from fractions import Fraction

from evaluation.choices import Grade

EXCELLENT_FROM = Decimal("85")
QUALIFIED_FROM = Decimal("60")
STEP = Decimal("0.5")  # experts score in half points


def mean_total(expert_totals: list[Decimal]) -> Decimal | None:
    if not expert_totals:
        return None
    mean = sum(expert_totals, Decimal("0")) / len(expert_totals)
    return mean.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def grade_for(total: Decimal) -> str:
    if total >= EXCELLENT_FROM:
        return Grade.EXCELLENT
    if total >= QUALIFIED_FROM:
        return Grade.QUALIFIED
    return Grade.UNQUALIFIED


def valid_points(points: Decimal, maximum: Decimal) -> bool:
    """0 ≤ points ≤ maximum, in steps of 0.5."""
    return Decimal("0") <= points <= maximum and (points / STEP) == (points / STEP).to_integral()


TENTH = Decimal("0.1")


def mean(values: list[Decimal]) -> Decimal:
    """One indicator's mean rounded to 0.1 half up (while the total is not known yet)."""
    return (sum(values, Decimal("0")) / len(values)).quantize(TENTH, rounding=ROUND_HALF_UP)


def shown_means(points: dict, total: Decimal) -> dict:
    """``points``: indicator → the experts' points, in the table's order; ``total``: the
    rounded mean of the experts' totals. Each indicator's mean to 0.1, summing to ``total``."""
    exact = {
        key: Fraction(sum(values, Decimal("0"))) / len(values) for key, values in points.items()
    }
    shown = {key: _floor_tenth(value) for key, value in exact.items()}
    missing = int((total - sum(shown.values(), Decimal("0"))) / TENTH)
    # Largest remainder first; on a tie, the earlier row of the table.
    order = sorted(exact, key=lambda key: -(exact[key] - Fraction(shown[key])))
    for key in order[: max(missing, 0)]:
        if exact[key] != Fraction(shown[key]):
            shown[key] += TENTH
    return shown


def _floor_tenth(value: Fraction) -> Decimal:
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(
        TENTH, rounding=ROUND_FLOOR
    )
