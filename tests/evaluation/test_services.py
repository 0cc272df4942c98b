"""Annex 4 and Art 29: the standard sums to 100 and freezes once used; experts score in half
points within each maximum; the total is the mean of the experts' totals; the grade at its
boundaries; a term assessment's consequences land on the base, a yearly check's do not."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from agreements import compliance
from agreements.choices import BaseState
from evaluation import grading, services
from evaluation.choices import EvaluationState as E
from evaluation.choices import Grade, RoundKind, StandardState
from evaluation.models import Indicator, Standard
from tests.practice.factories import active_base, fresh, logs
from xcu_bases.workflow import AlreadyHandled, WorkflowError

pytestmark = pytest.mark.django_db


def open_round(people, standard, base, kind=RoundKind.TERM, year=2029):
    return services.round_open(
        year=year, kind=kind, standard=standard, deadline=date(2029, 12, 1), bases=[base],
        by=people["office"],
    )  # fmt: skip


def scored(people, standard, base, totals, kind=RoundKind.TERM, year=2029):
    """A round where each expert gives the points that add up to ``totals[i]``."""
    evaluation_round = open_round(people, standard, base, kind, year)
    evaluation = evaluation_round.evaluations.get()
    texts = {e.indicator_id: "自评说明" for e in evaluation.evidence.all()}
    services.evidence_save(evaluation=evaluation, by=people["secretary_a"], texts=texts)
    services.self_assessment_submit(evaluation=evaluation, by=people["secretary_a"])
    experts = [people["expert"], people["expert2"], people["expert3"]][: len(totals)]
    services.experts_assign(evaluation=evaluation, experts=experts, by=people["office"])
    for expert, total in zip(experts, totals, strict=True):
        assignment = evaluation.assignments.get(expert=expert)
        services.scores_save(
            assignment=assignment, by=expert, values=_points_for(assignment, total)
        )
        services.scores_submit(assignment=assignment, by=expert)
    return fresh(evaluation)


def _points_for(assignment, total: Decimal) -> dict:
    """Full marks everywhere, then take points off until the sum is ``total``."""
    left = Decimal("100") - Decimal(total)
    values = {}
    for score in assignment.scores.select_related("indicator"):
        take = min(left, score.indicator.max_points)
        values[score.indicator_id] = (score.indicator.max_points - take, "")
        left -= take
    return values


# --- the standard ---------------------------------------------------------------------------


def test_annex4_standard_sums_to_100_with_the_seed_points(standard):
    assert services.standard_problems(standard) == []
    firsts = standard.indicators.filter(parent__isnull=True)
    assert [(i.code, i.max_points) for i in firsts] == [
        ("A", 15), ("B", 30), ("C", 15), ("D", 35), ("E", 5),
    ]  # fmt: skip
    d = standard.indicators.get(code="D")
    assert [(i.code, i.max_points) for i in d.children.all()] == [
        ("D1", 5), ("D2", 5), ("D3", 5), ("D4", 10), ("D5", 5), ("D6", 5),
    ]  # fmt: skip


def test_sums_must_add_up_before_a_round_uses_it(people, standard, base):
    a1 = standard.indicators.get(code="A1")
    services.indicator_update(indicator=a1, by=people["office"], name="组织机构",
                              description="", max_points=Decimal("6"))  # fmt: skip
    problems = services.standard_problems(standard)
    assert "一级指标 A 分值为 15.0，其二级指标合计 16.0。" in problems
    assert "一级指标合计 100.0 分，应为 100 分。" not in problems
    with pytest.raises(WorkflowError) as refused:
        open_round(people, standard, base)
    assert refused.value.details == problems
    assert fresh(standard).state == StandardState.DRAFT


def test_a_standard_in_use_is_frozen_and_next_year_starts_as_a_copy(people, standard, base):
    open_round(people, standard, base)
    assert fresh(standard).state == StandardState.IN_USE
    with pytest.raises(WorkflowError, match="已启用"):
        services.indicator_update(
            indicator=standard.indicators.get(code="A1"), by=people["office"], name="x",
            description="", max_points=Decimal("5"),
        )  # fmt: skip
    following = services.standard_create(year=2027, by=people["office"])
    assert following.copied_from == standard and following.state == StandardState.DRAFT
    assert list(following.indicators.values_list("code", "max_points")) == list(
        standard.indicators.values_list("code", "max_points")
    )


def test_only_the_office_edits_the_standard(people, standard):
    with pytest.raises(PermissionDenied):
        services.standard_create(year=2030, by=people["secretary_a"])
    assert not Standard.objects.filter(year=2030).exists()


# --- scores ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("points", "ok"),
    [("0", True), ("0.5", True), ("5", True), ("4.5", True), ("5.5", False), ("-0.5", False),
     ("2.3", False), ("2.25", False)],
)  # fmt: skip
def test_score_bounds_and_half_point_steps(points, ok):
    assert grading.valid_points(Decimal(points), Decimal("5")) is ok


def test_a_score_out_of_bounds_is_refused_and_nothing_saved(people, standard, base):
    evaluation_round = open_round(people, standard, base)
    evaluation = evaluation_round.evaluations.get()
    texts = {e.indicator_id: "自评" for e in evaluation.evidence.all()}
    services.evidence_save(evaluation=evaluation, by=people["secretary_a"], texts=texts)
    services.self_assessment_submit(evaluation=evaluation, by=people["secretary_a"])
    (assignment,) = services.experts_assign(
        evaluation=evaluation, experts=[people["expert"]], by=people["office"]
    )
    a1 = Indicator.objects.get(standard=standard, code="A1")
    with pytest.raises(WorkflowError) as refused:
        services.scores_save(assignment=assignment, by=people["expert"],
                             values={a1.pk: (Decimal("5.5"), "")})  # fmt: skip
    assert "A1 得分须在 0 至 5.0 之间" in refused.value.details[0]
    assert assignment.scores.get(indicator=a1).points is None
    with pytest.raises(PermissionDenied):
        services.scores_save(assignment=assignment, by=people["expert2"],
                             values={a1.pk: (Decimal("5"), "")})  # fmt: skip


@pytest.mark.parametrize(
    ("totals", "total", "grade"),
    [
        ([Decimal("85")], Decimal("85.0"), Grade.EXCELLENT),
        ([Decimal("84.5"), Decimal("85.5"), Decimal("84.5")], Decimal("84.8"), Grade.QUALIFIED),
        ([Decimal("60")], Decimal("60.0"), Grade.QUALIFIED),
        ([Decimal("59.5"), Decimal("60")], Decimal("59.8"), Grade.UNQUALIFIED),
    ],
)
def test_total_is_the_mean_of_the_experts_and_the_grade_follows(
    people, standard, base, totals, total, grade
):
    evaluation = scored(people, standard, base, totals, kind=RoundKind.YEARLY, year=2026)
    evaluation = services.evaluation_finalise(evaluation=evaluation, by=people["office"])
    assert (evaluation.total, evaluation.grade, evaluation.state) == (total, grade, E.FINALISED)


@pytest.mark.parametrize(
    ("total", "grade"),
    [("84.9", Grade.QUALIFIED), ("85.0", Grade.EXCELLENT), ("59.9", Grade.UNQUALIFIED),
     ("60.0", Grade.QUALIFIED)],
)  # fmt: skip
def test_art29_grade_boundaries(total, grade):
    assert grading.grade_for(Decimal(total)) == grade


def test_mean_rounds_half_up_to_a_tenth():
    assert grading.mean_total([Decimal("84"), Decimal("85"), Decimal("85.5")]) == Decimal("84.8")
    assert grading.mean_total([Decimal("84.5"), Decimal("84.6")]) == Decimal("84.6")


# --- consequences ------------------------------------------------------------------------------


def test_art29_unqualified_term_assessment_revokes_the_base(people, standard, base):
    evaluation = scored(people, standard, base, [Decimal("50")])
    services.evaluation_finalise(evaluation=evaluation, by=people["office"])
    base = fresh(base)
    assert base.state == BaseState.REVOKED
    assert "不合格" in logs(base, "revoke")[0].comment


def test_art29_excellent_term_assessment_recommends_the_base(people, standard, base):
    evaluation = scored(people, standard, base, [Decimal("90"), Decimal("88")])
    services.evaluation_finalise(evaluation=evaluation, by=people["office"])
    base = fresh(base)
    assert base.recommended_provincial and base.state == BaseState.ACTIVE
    assert len(logs(base, "recommend")) == 1


def test_art29_yearly_check_changes_nothing_on_the_base_but_fills_the_panel(
    people, standard, base
):
    before = compliance.facts_for(base).checked_years
    evaluation = scored(people, standard, base, [Decimal("40")], kind=RoundKind.YEARLY, year=2025)
    services.evaluation_finalise(evaluation=evaluation, by=people["office"])
    base = fresh(base)
    assert base.state == BaseState.ACTIVE and not base.recommended_provincial
    # The agreement starts 2025-01-01: its first year ends 2025-12-31 → the 2025 check.
    assert before == set() and compliance.facts_for(base).checked_years == {1}


def test_finalising_waits_for_every_expert(people, standard, base):
    evaluation_round = open_round(people, standard, base)
    evaluation = evaluation_round.evaluations.get()
    texts = {e.indicator_id: "自评" for e in evaluation.evidence.all()}
    services.evidence_save(evaluation=evaluation, by=people["secretary_a"], texts=texts)
    services.self_assessment_submit(evaluation=evaluation, by=people["secretary_a"])
    services.experts_assign(evaluation=evaluation, experts=[people["expert"]], by=people["office"])
    with pytest.raises(WorkflowError, match="王建国"):
        services.evaluation_finalise(evaluation=evaluation, by=people["office"])
    assert fresh(evaluation).state == E.SCORING


def test_self_assessment_only_by_the_bases_college_and_complete(people, standard, base):
    evaluation = open_round(people, standard, base).evaluations.get()
    with pytest.raises(PermissionDenied):
        services.evidence_save(evaluation=evaluation, by=people["secretary_b"], texts={})
    with pytest.raises(WorkflowError, match="尚未填写自评说明"):
        services.self_assessment_submit(evaluation=evaluation, by=people["secretary_a"])
    assert fresh(evaluation).state == E.SELF_ASSESSMENT


def test_office_returns_to_the_college_with_a_reason_and_a_stale_second_return_is_told(
    people, standard, base
):
    evaluation = scored(people, standard, base, [Decimal("70")])
    with pytest.raises(WorkflowError):
        services.evaluation_return(evaluation=evaluation, by=people["office"], comment=" ")
    services.evaluation_return(
        evaluation=evaluation, by=people["office"], comment="请补充 D4 材料。"
    )
    assert fresh(evaluation).state == E.SELF_ASSESSMENT
    with pytest.raises(AlreadyHandled):
        services.evaluation_return(evaluation=evaluation, by=people["office"], comment="再退")
    assert len(logs(evaluation, "return_to_college")) == 1


def test_term_round_proposes_bases_whose_agreement_ends_that_year(people, base, college_a):
    other = active_base(college_a, people["office"], starts_on=date(2026, 1, 1),
                        ends_on=date(2030, 12, 31))  # fmt: skip
    assert list(services.proposed_bases(2029, RoundKind.TERM)) == [base]
    assert set(services.proposed_bases(2026, RoundKind.YEARLY)) == {base, other}


def test_a_second_round_of_the_same_year_and_kind_is_refused(people, standard, base):
    open_round(people, standard, base, kind=RoundKind.YEARLY, year=2026)
    with pytest.raises(WorkflowError, match="已发起2026 年年度对标，不能重复发起"):
        open_round(people, standard, base, kind=RoundKind.YEARLY, year=2026)
    open_round(people, standard, base, kind=RoundKind.TERM, year=2026)  # the other kind is fine
