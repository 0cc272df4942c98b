"""The evaluation demo of seed_demo: a finished yearly check with all three grades and no
consequences for the bases, an open one waiting for the experts, this year's term assessment
(one base recommended, one revocation decision waiting for the office), and seeding twice
changes nothing."""

from django.utils import timezone

from agreements.choices import BaseLevel, BaseState
from agreements.models import Base
from evaluation.choices import DecisionState, Grade, RoundKind, RoundState, StandardState
from evaluation.choices import EvaluationState as E
from evaluation.demo import HANGTIAN, HUILI, seed_evaluation
from evaluation.inbox import revocation_for_office
from evaluation.models import EvaluationRound, Evidence, RevocationDecision, Score, Standard
from practice.demo import FANTAI, KUQIAO, YALONG, YANYUAN
from tests.xcu_bases.test_seed import snapshot
from xcu_bases.models import TransitionLog, User


def _round(year) -> EvaluationRound:
    return EvaluationRound.objects.get(year=year, kind=RoundKind.YEARLY)


def test_demo_standards_for_last_year_and_this_year_the_later_a_copy(demo):
    year = timezone.localdate().year
    last, this = Standard.objects.get(year=year - 1), Standard.objects.get(year=year)
    assert this.copied_from == last
    assert {last.state, this.state} == {StandardState.IN_USE}
    assert list(this.indicators.values_list("code", "max_points")) == list(
        last.indicators.values_list("code", "max_points")
    )


def test_demo_finished_round_has_all_three_grades_and_revokes_nothing(demo):
    finished = _round(timezone.localdate().year - 1)
    assert finished.state == RoundState.CLOSED
    evaluations = list(finished.evaluations.select_related("base"))
    assert len(evaluations) >= 3
    assert {e.state for e in evaluations} == {E.FINALISED}
    assert {e.grade for e in evaluations} == set(Grade.values)
    for evaluation in evaluations:
        assignments = list(evaluation.assignments.all())
        assert 2 <= len(assignments) <= 3 and all(a.submitted_at for a in assignments)
        assert evaluation.finalised_at and evaluation.total is not None
        logged = TransitionLog.objects.for_object(evaluation).values_list("transition", flat=True)
        assert list(logged) == ["submit", "finalise"]
    scores = Score.objects.filter(assignment__evaluation__round=finished)
    assert not scores.filter(points__isnull=True).exists()
    assert not scores.filter(comment="").exists()
    assert not Evidence.objects.filter(evaluation__round=finished, text="").exists()
    # The grade the revoked base's reason cites; a yearly check itself has no consequences.
    unqualified = next(e for e in evaluations if e.base.name == HANGTIAN)
    assert (unqualified.grade, str(unqualified.total)) == (Grade.UNQUALIFIED, "52.0")
    # 盐源苹果 is recommended, but by this year's term assessment, not by this yearly check.
    for base in (e.base for e in evaluations if e.base.recommended_for_higher_level):
        comments = TransitionLog.objects.for_object(base).filter(transition="recommend")
        assert [c.comment.split("结果为")[0] for c in comments] == [
            f"{timezone.localdate().year} 年期满考核"
        ]
    revoked = [e.base for e in evaluations if e.base.state == BaseState.REVOKED]
    assert [b.name for b in revoked] == [HANGTIAN]
    # No consequence was recorded from the round (those read "<round>结果为…").
    assert not TransitionLog.objects.filter(comment__startswith=f"{finished}结果为").exists()


def test_demo_open_round_waits_for_the_experts(demo):
    today = timezone.localdate()
    open_round = _round(today.year)
    assert open_round.state == RoundState.OPEN and open_round.deadline > today
    states = set(open_round.evaluations.values_list("state", flat=True))
    assert states == {E.SELF_ASSESSMENT, E.SCORING}
    scoring = open_round.evaluations.filter(state=E.SCORING)
    assert not Evidence.objects.filter(evaluation__in=scoring, text="").exists()
    unsubmitted = [a for e in scoring for a in e.assignments.all() if a.submitted_at is None]
    assert unsubmitted
    # One expert part-way: some scores saved, not submitted.
    part_way = [a for a in unsubmitted if a.scores.filter(points__isnull=False).exists()]
    assert len(part_way) == 1
    assert part_way[0].scores.filter(points__isnull=True).exists()
    assert not open_round.evaluations.filter(state=E.FINALISED).exists()
    # Every submitted self-assessment carries its two PDFs, stored under generated names.
    for evaluation in scoring:
        files = {(a.indicator.code, a.original_name, a.kind) for a in evaluation.attachments.all()}
        assert files == {("B1", "双导师名单.pdf", "PDF"), ("D4", "联合科研项目清单.pdf", "PDF")}


def test_seed_evaluation_twice_changes_nothing(demo):
    first = snapshot()
    assert seed_evaluation() == 0
    assert snapshot() == first


def test_demo_term_assessment_recommends_the_excellent_and_leaves_the_unqualified_to_the_office(
    demo,
):
    term = EvaluationRound.objects.get(year=timezone.localdate().year, kind=RoundKind.TERM)
    assert term.state == RoundState.CLOSED and term.deadline < timezone.localdate()
    results = {e.base.name: e for e in term.evaluations.select_related("base")}
    assert {name: (str(e.total), e.grade) for name, e in results.items()} == {
        HUILI: ("72.8", Grade.QUALIFIED), YANYUAN: ("86.8", Grade.EXCELLENT),
        FANTAI: ("56.5", Grade.UNQUALIFIED),
    }  # fmt: skip
    # Art 8: the national (苦荞) and provincial (雅砻江渔业) bases are not in it.
    assert {Base.objects.get(name=n).level for n in results} == {BaseLevel.SCHOOL}
    assert KUQIAO not in results and YALONG not in results
    yanyuan, huili, fantai = (results[n].base for n in (YANYUAN, HUILI, FANTAI))
    assert yanyuan.recommended_for_higher_level and yanyuan.state == BaseState.ACTIVE
    assert TransitionLog.objects.for_object(yanyuan).filter(transition="recommend").count() == 1
    assert not huili.recommended_for_higher_level and huili.state == BaseState.EXPIRED
    # Art 29: 不合格 waits for the office; the base is still active.
    assert fantai.state == BaseState.ACTIVE
    assert not TransitionLog.objects.for_object(fantai).filter(transition="revoke").exists()
    decision = RevocationDecision.objects.get(base=fantai)
    assert (decision.state, decision.evaluation) == (DecisionState.PENDING, results[FANTAI])
    office = User.objects.get(username="office")
    assert [t.url for t in revocation_for_office(office)] == [
        f"/evaluation/revocations/{decision.pk}/"
    ]


def test_demo_standards_code_the_last_row_e(demo):
    for standard in Standard.objects.all():
        e = standard.indicators.get(code="E", parent__isnull=True)
        assert list(e.children.values_list("code", flat=True)) == ["E"]
