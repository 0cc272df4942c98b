"""Who hears what in an evaluation (Annex 4, Art 29): the college when the round opens, when
its self-assessment comes back and when the grade is out; the experts when they are assigned
and when the base waits for their scores; the office when a base has no experts yet and when
every score is in. The actor, other colleges and a refused action notify nobody. (The
revocation decision's notices: tests/evaluation/test_decisions.py.)"""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from evaluation import services
from evaluation.choices import EvaluationState as E
from evaluation.choices import RoundKind
from tests.conftest import make_user
from tests.evaluation.test_services import _points_for, open_round, scored
from tests.notices import about, captured, who
from tests.practice.factories import active_base, fresh
from xcu_bases.choices import NotificationKind as K
from xcu_bases.choices import RoleCode as R
from xcu_bases.models import Role
from xcu_bases.workflow import WorkflowError

TASK, RETURNED, RESULT = K.TASK, K.RETURNED, K.RESULT


@pytest.fixture
def head_a(college_a):
    return make_user("head_a", R.COLLEGE_HEAD, college=college_a)


@pytest.fixture
def evaluation(people, standard, base, head_a):
    """College A's base in a term round, its self-assessment filled in but not submitted."""
    evaluation = open_round(people, standard, base).evaluations.get()
    texts = {e.indicator_id: "自评说明" for e in evaluation.evidence.all()}
    services.evidence_save(evaluation=evaluation, by=people["secretary_a"], texts=texts)
    return fresh(evaluation)


def url(evaluation) -> str:
    return reverse("evaluation:evaluation_detail", args=[evaluation.pk])


def _submit(evaluation, people):
    return services.self_assessment_submit(evaluation=evaluation, by=people["secretary_a"])


def _score(evaluation, expert, total=85):
    assignment = evaluation.assignments.get(expert=expert)
    services.scores_save(assignment=assignment, by=expert, values=_points_for(assignment, total))
    return services.scores_submit(assignment=assignment, by=expert)


def test_opening_a_round_asks_each_bases_college_for_its_self_assessment(
    people, standard, base, head_a, college_b
):
    base_b = active_base(college_b, people["office"])
    with captured() as rows:
        evaluation_round = services.round_open(
            year=2029, kind=RoundKind.TERM, standard=standard, deadline=date(2029, 12, 1),
            bases=[base, base_b], by=people["office"],
        )  # fmt: skip
    mine = evaluation_round.evaluations.get(base=base)
    theirs = evaluation_round.evaluations.get(base=base_b)
    assert who(about(rows, mine)) == [("head_a", TASK), ("secretary_a", TASK)]
    assert who(about(rows, theirs)) == [("secretary_b", TASK)]
    assert len(rows) == 3
    assert {n.url for n in about(rows, mine)} == {url(mine)}
    assert all("2029年12月01日" in n.body for n in rows)
    assert rows[0].title.startswith("请填写自评材料：")


def test_experts_assigned_before_the_self_assessment_are_asked_once(evaluation, people):
    with captured() as rows:
        services.experts_assign(
            evaluation=evaluation, experts=[people["expert"], people["expert2"]],
            by=people["office"],
        )  # fmt: skip
    assert who(rows) == [("expert", TASK), ("expert2", TASK)]
    assert {n.url for n in rows} == {url(evaluation)}
    assert all("学院自评提交后即可评分" in n.body for n in rows)
    with captured() as again:
        services.experts_assign(
            evaluation=evaluation, experts=[people["expert"]], by=people["office"]
        )
    assert again == []


def test_submitting_asks_the_assigned_experts_to_score(evaluation, people):
    services.experts_assign(
        evaluation=evaluation, experts=[people["expert"], people["expert2"]], by=people["office"]
    )
    with captured() as rows:
        _submit(evaluation, people)
    assert who(rows) == [("expert", TASK), ("expert2", TASK)]
    assert rows[0].title.startswith("请为基地评分：")


def test_submitting_without_experts_asks_the_office_to_assign_them(evaluation, people):
    with captured() as rows:
        _submit(evaluation, people)
    assert who(rows) == [("office", TASK)]
    assert rows[0].title.startswith("请分配评审专家：")
    assert rows[0].url == url(evaluation)


def test_experts_assigned_during_scoring_are_asked_to_score_now(evaluation, people):
    _submit(evaluation, people)
    with captured() as rows:
        services.experts_assign(
            evaluation=evaluation, experts=[people["expert3"]], by=people["office"]
        )
    assert who(rows) == [("expert3", TASK)]
    assert "请逐项评分" in rows[0].body


def test_the_office_hears_once_every_score_is_in(evaluation, people):
    _submit(evaluation, people)
    services.experts_assign(
        evaluation=evaluation, experts=[people["expert"], people["expert2"]], by=people["office"]
    )
    with captured() as first:
        _score(evaluation, people["expert"])
    assert first == []
    with captured() as last:
        _score(evaluation, people["expert2"])
    assert who(last) == [("office", TASK)]
    assert last[0].title.startswith("专家评分已全部提交：")
    assert last[0].url == url(evaluation)


def test_a_return_goes_to_the_college_with_the_reason(evaluation, people):
    _submit(evaluation, people)
    with captured() as rows:
        services.evaluation_return(
            evaluation=evaluation, by=people["office"], comment="B2 缺少佐证材料。"
        )
    assert who(rows) == [("head_a", RETURNED), ("secretary_a", RETURNED)]
    assert {n.body for n in rows} == {"意见：B2 缺少佐证材料。"}
    assert {n.url for n in rows} == {url(evaluation)}


def test_resubmitting_after_every_expert_scored_asks_the_office_for_the_grade(evaluation, people):
    services.experts_assign(evaluation=evaluation, experts=[people["expert"]], by=people["office"])
    _submit(evaluation, people)
    _score(evaluation, people["expert"])
    services.evaluation_return(evaluation=evaluation, by=people["office"], comment="补充。")
    with captured() as rows:
        _submit(fresh(evaluation), people)
    assert who(rows) == [("office", TASK)]
    assert rows[0].title.startswith("学院已重新提交自评材料：")
    assert "请确定等次" in rows[0].body


@pytest.mark.parametrize(
    ("total", "grade", "base_news"),
    [
        (95, "优秀", "基地被推荐申报省级和国家级基地"),
        (75, "合格", None),
        (50, "不合格", None),  # Art 29: the office decides first (test_decisions.py)
    ],
)
def test_the_grade_goes_to_the_college(total, grade, base_news, people, standard, base, head_a):
    evaluation = scored(people, standard, base, [total])
    with captured() as rows:
        services.evaluation_finalise(evaluation=evaluation, by=people["office"])
    graded = about(rows, evaluation)
    assert who(graded) == [("head_a", RESULT), ("secretary_a", RESULT)]
    assert all(grade in n.body for n in graded)
    assert all(("由学科与研究生处确认" in n.body) == (grade == "不合格") for n in graded)
    assert {n.url for n in graded} == {url(evaluation)}
    about_base = about(rows, base)
    if base_news:
        assert who(about_base) == [("head_a", RESULT), ("secretary_a", RESULT)]
        assert all(n.title.startswith(base_news) for n in about_base)
        assert {n.url for n in about_base} == {reverse("agreements:base_detail", args=[base.pk])}
    else:
        assert about_base == []
    assert len(rows) == len(graded) + len(about_base)


def test_another_colleges_staff_never_hear(people, standard, base):
    with captured() as rows:
        evaluation = scored(people, standard, base, [80, 70])
        services.evaluation_finalise(evaluation=evaluation, by=people["office"])
    assert "secretary_b" not in {n.recipient.username for n in rows}
    assert "expert3" not in {n.recipient.username for n in rows}


def test_the_actor_is_not_told_of_her_own_submission(evaluation, people):
    """A secretary who is also an office member submits with no experts: she is not asked."""
    secretary = people["secretary_a"]
    secretary.roles.add(Role.objects.get(code=R.GRADUATE_OFFICE))
    with captured() as rows:
        _submit(evaluation, people)
    assert who(rows) == [("office", TASK)]


REFUSED = [
    pytest.param(
        lambda ev, p: services.self_assessment_submit(evaluation=ev, by=p["secretary_b"]),
        PermissionDenied, id="submit-by-another-college",
    ),
    pytest.param(
        lambda ev, p: services.evaluation_return(evaluation=ev, by=p["office"], comment="x"),
        WorkflowError, id="return-before-submission",
    ),
    pytest.param(
        lambda ev, p: services.evaluation_return(evaluation=ev, by=p["secretary_a"], comment="x"),
        PermissionDenied, id="return-by-college",
    ),
    pytest.param(
        lambda ev, p: services.evaluation_finalise(evaluation=ev, by=p["office"]),
        WorkflowError, id="finalise-before-scoring",
    ),
    pytest.param(
        lambda ev, p: services.experts_assign(evaluation=ev, experts=[p["expert"]],
                                              by=p["secretary_a"]),
        PermissionDenied, id="assign-by-college",
    ),
    pytest.param(
        lambda ev, p: services.experts_assign(evaluation=ev, experts=[p["secretary_b"]],
                                              by=p["office"]),
        WorkflowError, id="assign-a-non-expert",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("action", "error"), REFUSED)
def test_a_refused_action_notifies_nobody(action, error, evaluation, people):
    with captured() as rows, pytest.raises(error):
        action(evaluation, people)
    assert rows == []


def test_a_refused_score_submission_and_finalising_notify_nobody(evaluation, people):
    services.experts_assign(
        evaluation=evaluation, experts=[people["expert"], people["expert2"]], by=people["office"]
    )
    _submit(evaluation, people)
    assignment = evaluation.assignments.get(expert=people["expert"])
    with captured() as rows:
        with pytest.raises(WorkflowError):  # nothing scored yet
            services.scores_submit(assignment=assignment, by=people["expert"])
        with pytest.raises(PermissionDenied):
            services.scores_submit(assignment=assignment, by=people["expert2"])
        _score(evaluation, people["expert"])
        with pytest.raises(WorkflowError):  # expert2 has not scored
            services.evaluation_finalise(evaluation=evaluation, by=people["office"])
    assert rows == []
    assert fresh(evaluation).state == E.SCORING


def test_opening_a_round_refused_notifies_nobody(people, standard, base):
    with captured() as rows, pytest.raises(PermissionDenied):
        services.round_open(
            year=2029, kind=RoundKind.TERM, standard=standard, deadline=date(2029, 12, 1),
            bases=[base], by=people["secretary_a"],
        )  # fmt: skip
    assert rows == []
