"""Annex 4 and Art 29: the standard keeps the regulation's first-level points and freezes once
used; experts score in half points within each maximum; the total is the mean of the experts'
totals; the grade at its boundaries; a yearly check changes nothing on the base. (A term
assessment's consequences and which bases a round takes: test_art29.py.)"""

import importlib
from datetime import date
from decimal import Decimal

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import PermissionDenied

from agreements import compliance
from agreements.choices import BaseState
from evaluation import grading, services
from evaluation.choices import EvaluationState as E
from evaluation.choices import Grade, RoundKind, StandardState
from evaluation.models import EvaluationRound, Indicator, Standard
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


def test_annex4_last_row_is_E(standard):
    """The seed's last line is "E. 5 | E. | 5": the block and its one row are both coded E."""
    e = standard.indicators.get(code="E", parent__isnull=True)
    assert [(i.code, i.max_points) for i in e.children.all()] == [("E", 5)]
    assert not standard.indicators.filter(code="E1").exists()


def _rows(standard, **points):
    """standard_update rows: every indicator as it is, with ``points`` (code → value) changed."""
    return {
        i.pk: (i.name, i.description, Decimal(points.get(i.code, i.max_points)))
        for i in standard.indicators.filter(parent__isnull=False)
    }


def test_annex4_first_level_totals_fixed(people, standard):
    """Annex 4: A 15 / B 30 / C 15 / D 35 / E 5. Second-level points move within a block;
    a change that leaves a block off its total, or touches a first-level, is refused."""
    office = people["office"]
    a1 = standard.indicators.get(code="A1")
    with pytest.raises(WorkflowError) as refused:
        services.indicator_update(
            indicator=a1, by=office, name="组织机构", description="", max_points=Decimal("6")
        )
    assert "附件4规定一级指标分值为 A 15、B 30、C 15、D 35、E 5" in refused.value.message
    assert "一级指标 A 分值为 15.0，其二级指标合计 16.0。" in refused.value.details
    with pytest.raises(WorkflowError, match=r"^A：一级指标分值由附件4规定"):  # first-level
        a = standard.indicators.get(code="A")
        services.standard_update(
            standard=standard, by=office,
            rows={a.pk: (a.name, a.description, Decimal("20")), **_rows(standard, A1="10")},
        )  # fmt: skip
    with pytest.raises(WorkflowError, match="附件4"):  # a point moved from block D to block B
        services.standard_update(
            standard=standard, by=office, rows=_rows(standard, D4="9", B1="11")
        )
    assert [i.max_points for i in fresh(standard).indicators.filter(code__in=["A1", "B1", "D4"])] == [
        5, 10, 10,
    ]  # fmt: skip
    # Re-pointing within block D is a new year's right: D4 9, D5 6.
    services.standard_update(standard=standard, by=office, rows=_rows(standard, D4="9", D5="6"))
    assert services.standard_problems(standard) == []
    assert standard.indicators.get(code="D4").max_points == 9
    assert standard.indicators.get(code="D").max_points == 35


def test_a_standard_that_does_not_add_up_is_refused_by_a_round(people, standard, base):
    """A standard saved before the rule (or edited in the admin) still cannot be used."""
    Indicator.objects.filter(standard=standard, code__in=["E", "A"]).update(
        max_points=Decimal("6")
    )
    problems = services.standard_problems(standard)
    assert "一级指标 E 分值为 6.0，附件4规定为 5 分。" in problems
    with pytest.raises(WorkflowError, match="附件4") as refused:
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


# --- consequences (a term assessment's: test_art29.py) ------------------------------------


def test_art29_yearly_check_changes_nothing_on_the_base_but_fills_the_panel(
    people, standard, base
):
    before = compliance.facts_for(base).checked_years
    evaluation = scored(people, standard, base, [Decimal("40")], kind=RoundKind.YEARLY, year=2025)
    services.evaluation_finalise(evaluation=evaluation, by=people["office"])
    base = fresh(base)
    assert base.state == BaseState.ACTIVE and not base.recommended_for_higher_level
    assert not base.revocation_decisions.exists()
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


def test_art29_one_yearly_check_a_year_and_the_refusal_says_where_to_add(people, standard, base):
    first = open_round(people, standard, base, kind=RoundKind.YEARLY, year=2026)
    with pytest.raises(WorkflowError) as refused:
        open_round(people, standard, base, kind=RoundKind.YEARLY, year=2026)
    assert refused.value.message == (
        "已发起2026 年年度对标（进行中），每年只进行一次年度对标；"
        "如需增加基地，请在2026 年年度对标的批次页面“加入基地”。"
    )
    assert EvaluationRound.objects.filter(year=2026, kind=RoundKind.YEARLY).get() == first


def test_annex4_migration_relabels_an_existing_e1_row_to_e(standard):
    """Migration 0005: standards saved with the old "E1" get the seed's "E" (and back)."""
    migration = importlib.import_module("evaluation.migrations.0005_annex4_last_row_is_e")
    row = standard.indicators.get(code="E", parent__isnull=False)
    Indicator.objects.filter(pk=row.pk).update(code="E1")
    migration.e1_to_e(django_apps, None)
    assert fresh(row).code == "E" and fresh(row).parent.code == "E"
    migration.e_to_e1(django_apps, None)
    assert fresh(row).code == "E1"
    assert standard.indicators.get(code="E", parent__isnull=True)  # the block keeps its code
