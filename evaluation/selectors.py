"""Reads for the evaluation pages: rounds a user may see, facts beside the evidence, what an
expert may see of the others (nothing before submitting their own)."""

from decimal import Decimal

from django.db.models import Count, Q, QuerySet

from agreements import compliance
from agreements.selectors import funding_totals
from evaluation import grading
from evaluation.choices import EvaluationState
from evaluation.models import (
    BaseEvaluation,
    EvaluationRound,
    ExpertAssignment,
    RevocationDecision,
    Score,
)
from xcu_bases import access


def rounds_visible_to(user) -> QuerySet:
    if access.is_office(user):
        qs = EvaluationRound.objects.all()
    else:
        qs = EvaluationRound.objects.filter(
            pk__in=BaseEvaluation.objects.visible_to(user).values("round_id")
        )
    return qs.select_related("standard").annotate(
        n_bases=Count("evaluations", distinct=True),
        n_finalised=Count("evaluations", filter=Q(evaluations__state="finalised"), distinct=True),
    )


def evaluations_of(evaluation_round, user) -> list[BaseEvaluation]:
    """The round's bases the user may see, ranked: finalised by total, then the rest."""
    rows = list(
        BaseEvaluation.objects.visible_to(user)
        .filter(round=evaluation_round)
        .select_related("base", "base__college", "revocation")
        .prefetch_related("assignments__expert")
    )
    rows.sort(key=lambda e: (e.total is None, -(e.total or 0), e.base.name))
    for n, row in enumerate(rows, start=1):
        row.rank = n if row.total is not None else None  # kept when the page filters by grade
    return rows


def scored_evaluation_ids(evaluation_round) -> set[int]:
    """The round's evaluations some expert has saved a score for (they stay in the round)."""
    return set(
        Score.objects.filter(
            assignment__evaluation__round=evaluation_round, points__isnull=False
        ).values_list("assignment__evaluation_id", flat=True)
    )


def decision_of(evaluation, user) -> RevocationDecision | None:
    """Art 29: the revocation decision of an Unqualified term assessment (office and the
    base's college)."""
    return (
        RevocationDecision.objects.visible_to(user).filter(evaluation=evaluation).first()
        if user.is_authenticated
        else None
    )


def my_assignment(evaluation, user) -> ExpertAssignment | None:
    return evaluation.assignments.filter(expert=user).first()


def others_visible(evaluation, user, mine) -> bool:
    """Experts never see the others' scores before submitting their own (nor colleges before
    the grade); the office sees everything."""
    if access.is_office(user):
        return True
    return mine is not None and mine.submitted_at is not None


def indicator_means(evaluation) -> dict[int, Decimal]:
    """Mean of the submitted experts' points per indicator, to 0.1. Once the evaluation is
    finalised the means add up to its total, as Annex 4 prints them (``grading.shown_means``)."""
    points: dict[int, list[Decimal]] = {}
    scores = (
        Score.objects.filter(
            assignment__evaluation=evaluation,
            assignment__submitted_at__isnull=False,
            points__isnull=False,
        )
        .order_by("indicator__position", "indicator_id", "pk")
        .values_list("indicator_id", "points")
    )
    for indicator_id, value in scores:
        points.setdefault(indicator_id, []).append(value)
    if evaluation.state == EvaluationState.FINALISED and evaluation.total is not None:
        return grading.shown_means(points, evaluation.total)
    return {pk: grading.mean(values) for pk, values in points.items()}


def facts(evaluation, *, today) -> list[tuple[str, str]]:
    """What the system already knows about the base, shown beside the evidence."""
    from practice.choices import RequestState
    from practice.models import PracticeRequest

    base = evaluation.base
    requests = PracticeRequest.objects.filter(base=base)
    hosted = requests.filter(state__in=[RequestState.APPROVED, RequestState.COMPLETED]).count()
    finished = requests.filter(state=RequestState.COMPLETED).count()
    lines = compliance.lines(compliance.facts_for(base), today=today)
    found = [
        ("接收实践研究生", f"{hosted} 人（已完成 {finished} 人）"),
        ("共建实践课程", f"{base.courses.count()} 门"),
        ("联合科研项目", f"{base.projects.count()} 项"),
    ]
    found += [(line.title, line.detail) for line in lines if line.key in ("contacts", "funding")]
    money = funding_totals(base)  # Art 27: only what the office recorded as paid counts
    found.append(
        (
            "经费拨付与使用",
            f"已拨付 {money.paid:,.2f} 元，计划拨付 {money.planned:,.2f} 元，"
            f"已登记支出 {money.spent:,.2f} 元",
        )
    )
    return found


def history(base) -> list[BaseEvaluation]:
    """The base's finalised totals across years, oldest first (for its chart)."""
    return list(
        BaseEvaluation.objects.filter(base=base, state="finalised")
        .select_related("round")
        .order_by("round__year", "round__kind", "pk")
    )
