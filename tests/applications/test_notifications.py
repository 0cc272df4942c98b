"""Who hears what along the Art 7 chain (Annex 1): the next reviewer gets a task, the college
secretary hears every step forward, every return and every refusal; the person who acted, other
colleges and a refused action notify nobody."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from agreements.models import Base
from applications import services
from applications.choices import ApplicationState as S
from applications.choices import MeetingDecision, Recommendation
from applications.services import WorkflowError
from tests.applications.factories import (
    MEETING,
    OTHER_CREDIT_CODE,
    advance_to,
    complete_application,
    complete_office_review,
    step,
)
from tests.applications.test_refusals import ACTIONS, WRONG_ROLE
from tests.conftest import make_user
from tests.notices import about, captured, who
from xcu_bases.choices import NotificationKind as K
from xcu_bases.choices import RoleCode as R
from xcu_bases.models import Notification

TASK, RETURNED, REJECTED, RESULT = K.TASK, K.RETURNED, K.REJECTED, K.RESULT


@pytest.fixture
def app_in(people):
    """College A's application in ``state``, its office review complete (experts and
    inspection done), so that the next step is a single action."""

    def make(state, *, deviates=False):
        app = complete_application(people["secretary_a"], deviates=deviates)
        app = advance_to(app, state, people)
        if state == S.OFFICE_REVIEW:
            app = complete_office_review(app, people)
        return app

    return make


def detail(app) -> str:
    return reverse("applications:detail", args=[app.pk])


# --- forward along the chain -------------------------------------------------------------------

FORWARD = [
    # (from, deviating agreement, who hears about the application)
    pytest.param(S.DRAFT, False, [("head_a", TASK)], id="submit-head"),
    pytest.param(
        S.COLLEGE_REVIEW, False, [("office", TASK), ("secretary_a", RESULT)], id="college_approve"
    ),
    pytest.param(
        S.OFFICE_REVIEW, True, [("legal", TASK), ("secretary_a", RESULT)], id="office-to-legal"
    ),
    pytest.param(S.OFFICE_REVIEW, False, [("secretary_a", RESULT)], id="office-to-meeting"),
    pytest.param(
        S.LEGAL_REVIEW, True, [("office", TASK), ("secretary_a", RESULT)], id="legal_approve"
    ),
    pytest.param(S.MEETING, False, [("secretary_a", RESULT)], id="meeting_approve"),
    pytest.param(S.APPROVED, False, [("secretary_a", RESULT)], id="sign"),
    pytest.param(S.SIGNED, False, [("secretary_a", RESULT)], id="establish"),
]


@pytest.mark.parametrize(("state", "deviates", "expected"), FORWARD)
def test_each_step_forward_tells_the_next_reviewer_and_the_secretary(
    state, deviates, expected, app_in, people
):
    app = app_in(state, deviates=deviates)
    with captured() as rows:
        app = step(app, people)
    assert who(about(rows, app)) == sorted(expected)
    for n in about(rows, app):
        assert n.url == detail(app)
        assert n.title.endswith(app.base_name)


def test_establishing_also_tells_the_college_that_its_base_has_its_plaque(app_in, people):
    app = app_in(S.SIGNED)
    with captured() as rows:
        app = step(app, people)
    base = Base.objects.get(application=app)
    assert who(about(rows, base)) == [("head_a", RESULT), ("secretary_a", RESULT)]
    assert {n.url for n in about(rows, base)} == {
        reverse("agreements:base_detail", args=[base.pk])
    }
    assert len(rows) == len(about(rows, app)) + len(about(rows, base))


def test_the_whole_chain_never_reaches_another_college_or_an_onlooker(people):
    app = complete_application(people["secretary_a"], deviates=True)
    with captured() as rows:
        advance_to(app, S.ESTABLISHED, people)
    names = {n.recipient.username for n in rows}
    assert names == {"head_a", "secretary_a", "office", "legal", "expert1", "expert2"}
    for bystander in ("secretary_b", "head_b", "expert_unassigned", "student_a"):
        assert bystander not in names


# --- back: returns, refusals, withdrawals --------------------------------------------------------

REVIEWERS = [
    pytest.param(S.COLLEGE_REVIEW, "head_a", id="college"),
    pytest.param(S.OFFICE_REVIEW, "office", id="office"),
    pytest.param(S.LEGAL_REVIEW, "legal", id="legal"),
    pytest.param(S.MEETING, "office", id="meeting"),
]


@pytest.mark.parametrize(("state", "reviewer"), REVIEWERS)
@pytest.mark.parametrize(
    ("action", "kind", "title"),
    [("return", RETURNED, "申报书被退回修改"), ("reject", REJECTED, "申报书未获批准")],
)
def test_a_return_or_refusal_goes_to_the_secretary(
    state, reviewer, action, kind, title, app_in, people
):
    app = app_in(state, deviates=state == S.LEGAL_REVIEW)
    with captured() as rows:
        ACTIONS[action](app, people[reviewer], people)
    assert who(rows) == [("secretary_a", kind)]
    [n] = rows
    assert n.title.startswith(title)
    assert n.url == detail(app)
    assert "请修改" in n.body or "不予通过" in n.body


def test_the_meeting_refusing_goes_to_the_secretary(app_in, people):
    app = app_in(S.MEETING)
    with captured() as rows:
        services.meeting_record(
            app=app, by=people["office"], expected=services.seen(app),
            decision=MeetingDecision.REJECT, notes="合作单位条件不足。", **MEETING,
        )  # fmt: skip
    assert who(rows) == [("secretary_a", REJECTED)]
    assert "合作单位条件不足" in rows[0].body


@pytest.mark.parametrize(("state", "reviewer"), REVIEWERS[:3])
def test_withdrawing_tells_the_reviewer_whose_task_it_was(state, reviewer, app_in, people):
    app = app_in(state, deviates=state == S.LEGAL_REVIEW)
    with captured() as rows:
        ACTIONS["withdraw"](app, people["secretary_a"], people)
    assert who(rows) == [(reviewer, RESULT)]
    assert rows[0].title.startswith("申报书已撤回")
    assert rows[0].url == detail(app)


def test_a_secretary_without_colleagues_is_told_through_the_creator(people, college_a):
    """No secretary left in the college: the person who created the application hears."""
    app = advance_to(complete_application(people["secretary_a"]), S.COLLEGE_REVIEW, people)
    people["secretary_a"].roles.remove(*people["secretary_a"].roles.all())
    with captured() as rows:
        ACTIONS["return"](app, people["head_a"], people)
    assert who(rows) == [("secretary_a", RETURNED)]


# --- the experts (Art 7(3)) ----------------------------------------------------------------------


def test_each_assigned_expert_is_asked_once(app_in, people):
    app = app_in(S.COLLEGE_REVIEW)
    app = step(app, people)  # now in office review, no experts yet
    office = people["office"]
    with captured() as rows:
        services.experts_assign(
            app=app, experts=[people["expert1"], people["expert2"]], by=office,
            expected=services.seen(app),
        )  # fmt: skip
    assert who(rows) == [("expert1", TASK), ("expert2", TASK)]
    assert {n.url for n in rows} == {reverse("applications:review", args=[app.pk])}
    assert all(n.title == f"请评审基地申报书：{app.base_name}" for n in rows)

    with captured() as again:
        services.experts_assign(
            app=app, experts=[people["expert1"]], by=office, expected=services.seen(app)
        )
    assert again == []
    with captured() as more:
        services.experts_assign(
            app=app, experts=[people["expert1"], people["expert_unassigned"]], by=office,
            expected=services.seen(app),
        )  # fmt: skip
    assert who(more) == [("expert_unassigned", TASK)]


def test_a_new_round_asks_the_expert_again(app_in, people):
    app = app_in(S.OFFICE_REVIEW)  # expert1 and expert2 have answered round 1
    app = services.application_return(
        app=app, by=people["office"], expected=services.seen(app), comment="补充材料"
    )
    app = advance_to(app, S.OFFICE_REVIEW, people)
    with captured() as rows:
        services.experts_assign(
            app=app, experts=[people["expert1"]], by=people["office"],
            expected=services.seen(app),
        )  # fmt: skip
    assert who(rows) == [("expert1", TASK)]


def test_an_experts_opinion_is_reported_to_the_office(app_in, people):
    app = step(app_in(S.COLLEGE_REVIEW), people)
    [review] = services.experts_assign(
        app=app, experts=[people["expert1"]], by=people["office"], expected=services.seen(app)
    )
    with captured() as rows:
        services.expert_review_submit(
            review=review, by=people["expert1"], recommendation=Recommendation.APPROVE,
            opinion="同意建设。",
        )  # fmt: skip
    assert who(rows) == [("office", RESULT)]
    assert rows[0].url == detail(app)
    assert "同意建设" not in rows[0].body  # the opinion itself stays with the office's page


# --- the actor, other colleges, refusals ---------------------------------------------------------


def test_the_actor_is_never_told_of_their_own_action(people, college_a):
    """A secretary who is also the college head submits: the other head hears, not she."""
    both = make_user("both_a", R.COLLEGE_SECRETARY, R.COLLEGE_HEAD, college=college_a)
    app = complete_application(both)
    with captured() as rows:
        app = step(app, {**people, "secretary_a": both})
    assert who(rows) == [("head_a", TASK)]
    with captured() as rows:
        services.application_return(
            app=app, by=both, expected=services.seen(app), comment="自行退回修改"
        )
    assert who(rows) == [("secretary_a", RETURNED)]
    assert not Notification.objects.filter(recipient=both).exists()


def test_college_b_hears_only_about_its_own_application(people):
    app = complete_application(people["secretary_b"], partner_credit_code=OTHER_CREDIT_CODE)
    with captured() as rows:
        advance_to(app, S.OFFICE_REVIEW, people)
    assert who(rows) == [("head_b", TASK), ("office", TASK), ("secretary_b", RESULT)]


@pytest.mark.parametrize(("state", "action", "actor"), WRONG_ROLE)
def test_a_refused_action_notifies_nobody(state, action, actor, app_in, people):
    app = app_in(state, deviates=state == S.LEGAL_REVIEW)
    with captured() as rows, pytest.raises((PermissionDenied, WorkflowError)):
        ACTIONS[action](app, people[actor], people)
    assert rows == []


@pytest.mark.parametrize(
    ("state", "action", "actor"),
    [
        (S.DRAFT, "college_approve", "head_a"),
        (S.COLLEGE_REVIEW, "submit", "secretary_a"),
        (S.COLLEGE_REVIEW, "legal_approve", "legal"),
        (S.MEETING, "withdraw", "secretary_a"),
        (S.APPROVED, "establish", "office"),
    ],
)
def test_a_step_in_the_wrong_state_notifies_nobody(state, action, actor, app_in, people):
    app = app_in(state)
    with captured() as rows, pytest.raises((PermissionDenied, WorkflowError)):
        ACTIONS[action](app, people[actor], people)
    assert rows == []
