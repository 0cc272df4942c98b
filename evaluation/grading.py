"""Art 29's arithmetic, in one place: the total is the mean of the experts' totals rounded to
0.1 (half up), and the grade follows from it."""

from decimal import ROUND_HALF_UP, Decimal

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
