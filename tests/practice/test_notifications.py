"""Who hears what in practice: Annex 2 (campus supervisor → base supervisor → college head →
office), Annex 3 (base supervisor → campus supervisor → college head → office), base supervisors (Art 18) and publication
clearances (Art 25). The next person gets a task, the student hears returns, refusals and
results; the actor, other colleges and a refused action notify nobody."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from practice import assessment_services as a
from practice import record_services, services
from practice.choices import AssessmentState as A
from practice.choices import RequestState as S
from practice.services import WorkflowError
from tests.notices import about, captured, who
from tests.practice.factories import (
    ASSESSMENT_COMMENTS,
    advance_assessment_to,
    advance_to,
    clear_thesis,
    complete_assessment,
    fresh,
    nominated_supervisor,
    pdf_file,
    thesis_file,
)
from tests.practice.test_records import QUESTION
from xcu_bases.choices import NotificationKind as K
from xcu_bases.choices import RoleCode as R
from xcu_bases.models import Role

TASK, RETURNED, REJECTED, RESULT = K.TASK, K.RETURNED, K.REJECTED, K.RESULT
COLLEGE_A = ["head_a", "secretary_a"]


@pytest.fixture
def names(people, supervisor):
    """Usernames by role; "mentor" is the base supervisor's account."""
    return {**{key: user.username for key, user in people.items()},
            "mentor": supervisor.user.username}  # fmt: skip


def expect(names, *pairs) -> list[tuple[str, str]]:
    return sorted((names.get(key, key), kind) for key, kind in pairs)


# --- Annex 2: the practice request ---------------------------------------------------------------


def _request_step(req, people):
    """One step forward, as the right person (as ``advance_to`` walks)."""
    if req.state == S.DRAFT:
        return services.request_submit(req=req, by=req.student, expected=services.seen(req))
    name, by = {
        S.SUPERVISOR_REVIEW: ("supervisor_approve", "tutor_a"),
        S.PLAN_REVIEW: ("plan_confirm", "mentor"),
        S.COLLEGE_REVIEW: ("college_approve", "head_a"),
        S.OFFICE_REVIEW: ("office_approve", "office"),
    }[req.state]
    service = getattr(services, f"request_{name}")
    actor = req.base_supervisor.user if by == "mentor" else people[by]
    return service(req=req, by=actor, expected=services.seen(req), comment="同意。")


REQUEST_FORWARD = [
    pytest.param(S.DRAFT, [("tutor_a", TASK)], id="submit"),
    # Art 19: the plan goes to the base supervisor; the college step to the head.
    pytest.param(S.SUPERVISOR_REVIEW, [("mentor", TASK)], id="supervisor_approve"),
    pytest.param(S.PLAN_REVIEW, [("head_a", TASK)], id="plan_confirm"),
    pytest.param(
        S.COLLEGE_REVIEW, [("office", TASK), ("student_a", RESULT)], id="college_approve"
    ),
    pytest.param(
        S.OFFICE_REVIEW,
        [("student_a", RESULT), ("tutor_a", RESULT), ("mentor", RESULT)],
        id="office_approve",
    ),
]


@pytest.mark.parametrize(("state", "expected"), REQUEST_FORWARD)
def test_request_each_step_forward_tells_the_next_person(state, expected, people, names, draft):
    req = advance_to(draft, state, people)
    with captured() as rows:
        req = _request_step(req, people)
    assert who(rows) == expect(names, *expected)
    assert {n.url for n in rows} == {reverse("practice:request_detail", args=[req.pk])}
    assert about(rows, req) == rows


REQUEST_REVIEWERS = [
    pytest.param(S.SUPERVISOR_REVIEW, "tutor_a", id="tutor"),
    pytest.param(S.COLLEGE_REVIEW, "head_a", id="college-head"),
    pytest.param(S.OFFICE_REVIEW, "office", id="office"),
]


@pytest.mark.parametrize(("state", "reviewer"), REQUEST_REVIEWERS)
@pytest.mark.parametrize(
    ("service", "kind", "title"),
    [
        (services.request_return, RETURNED, "专业实践申请被退回修改"),
        (services.request_reject, REJECTED, "专业实践申请未获批准"),
    ],
)
def test_request_a_return_or_refusal_goes_to_the_student(
    state, reviewer, service, kind, title, people, draft
):
    req = advance_to(draft, state, people)
    with captured() as rows:
        service(req=req, by=people[reviewer], expected=services.seen(req), comment="计划不具体。")
    assert who(rows) == [("student_a", kind)]
    assert rows[0].title == title
    assert "计划不具体" in rows[0].body
    assert rows[0].url == reverse("practice:request_detail", args=[req.pk])


REQUEST_REFUSED = [
    (S.DRAFT, services.request_submit, "student_b"),
    (S.DRAFT, services.request_submit, "tutor_a"),
    (S.SUPERVISOR_REVIEW, services.request_supervisor_approve, "tutor_b"),
    (S.SUPERVISOR_REVIEW, services.request_supervisor_approve, "secretary_a"),
    (S.SUPERVISOR_REVIEW, services.request_college_approve, "secretary_a"),
    (S.PLAN_REVIEW, services.request_plan_confirm, "tutor_a"),
    (S.PLAN_REVIEW, services.request_plan_confirm, "office"),
    (S.COLLEGE_REVIEW, services.request_college_approve, "secretary_a"),
    (S.COLLEGE_REVIEW, services.request_college_approve, "secretary_b"),
    (S.COLLEGE_REVIEW, services.request_college_approve, "head_b"),
    (S.COLLEGE_REVIEW, services.request_return, "tutor_a"),
    (S.OFFICE_REVIEW, services.request_office_approve, "secretary_a"),
    (S.OFFICE_REVIEW, services.request_reject, "head_b"),
    (S.APPROVED, services.request_return, "office"),
]


@pytest.mark.parametrize(("state", "service", "actor"), REQUEST_REFUSED)
def test_request_a_refused_action_notifies_nobody(state, service, actor, people, draft):
    req = advance_to(draft, state, people)
    kwargs = {} if service is services.request_submit else {"comment": "同意。"}
    with captured() as rows, pytest.raises((PermissionDenied, WorkflowError)):
        service(req=req, by=people[actor], expected=services.seen(req), **kwargs)
    assert rows == []


def test_request_other_colleges_never_hear(people, draft):
    with captured() as rows:
        req = advance_to(draft, S.APPROVED, people)
    recipients = {n.recipient.username for n in rows}
    assert recipients == {"tutor_a", "head_a", "office", "student_a",
                          req.base_supervisor.user.username}  # fmt: skip
    assert not recipients & {"secretary_b", "head_b", "tutor_b", "student_b", "expert"}


def test_request_a_base_supervisor_who_is_also_the_head_is_not_told_of_her_own_confirmation(
    people, draft
):
    mentor = draft.base_supervisor.user
    mentor.roles.add(Role.objects.get(code=R.COLLEGE_HEAD))
    type(mentor).objects.filter(pk=mentor.pk).update(college=people["head_a"].college)
    req = advance_to(draft, S.PLAN_REVIEW, people)
    with captured() as rows:
        _request_step(req, people)
    assert who(rows) == [("head_a", TASK)]


# --- Annex 3: the assessment ---------------------------------------------------------------------


@pytest.fixture
def assessment(people, draft):
    return complete_assessment(advance_to(draft, S.APPROVED, people))


ASSESSMENT_FORWARD = [
    pytest.param(A.DRAFT, [("mentor", TASK)], id="submit"),
    pytest.param(A.BASE_SUPERVISOR_REVIEW, [("tutor_a", TASK)], id="base_supervisor_approve"),
    pytest.param(A.CAMPUS_SUPERVISOR_REVIEW, [("head_a", TASK)], id="campus_supervisor_approve"),
    pytest.param(A.COLLEGE_REVIEW, [("office", TASK)], id="college_approve"),
]


@pytest.mark.parametrize(("state", "expected"), ASSESSMENT_FORWARD)
def test_assessment_each_step_goes_to_the_next_reviewer(
    state, expected, assessment, people, names
):
    assessment = advance_assessment_to(assessment, state, people)
    following = [A.DRAFT, A.BASE_SUPERVISOR_REVIEW, A.CAMPUS_SUPERVISOR_REVIEW,
                 A.COLLEGE_REVIEW, A.OFFICE_REVIEW]  # fmt: skip
    with captured() as rows:
        advance_assessment_to(assessment, following[following.index(state) + 1], people)
    assert who(rows) == expect(names, *expected)
    assert {n.url for n in rows} == {reverse("practice:assessment_detail", args=[assessment.pk])}


def test_archiving_tells_the_student_the_grade_and_that_the_practice_is_complete(
    assessment, people
):
    assessment = advance_assessment_to(assessment, A.OFFICE_REVIEW, people, grade="excellent")
    req = assessment.request
    record_services.thesis_set(req=req, file=thesis_file(), by=req.student)
    clear_thesis(req)  # Art 25
    with captured() as rows:
        a.assessment_archive(
            assessment=assessment, by=people["office"], expected=services.seen(assessment),
            comment=ASSESSMENT_COMMENTS["archive"],
        )  # fmt: skip
    assert fresh(req).state == S.COMPLETED
    [archived] = about(rows, assessment)
    [completed] = about(rows, req)
    assert who(rows) == [("student_a", RESULT), ("student_a", RESULT)]
    assert archived.title == "专业实践考核登记表已审核归档"
    assert "优秀" in archived.body
    assert archived.url == reverse("practice:assessment_detail", args=[assessment.pk])
    assert completed.title == "专业实践已完成"
    assert completed.url == reverse("practice:request_detail", args=[req.pk])


ASSESSMENT_REVIEWERS = [
    pytest.param(A.BASE_SUPERVISOR_REVIEW, "mentor", id="mentor"),
    pytest.param(A.CAMPUS_SUPERVISOR_REVIEW, "tutor_a", id="tutor"),
    pytest.param(A.COLLEGE_REVIEW, "head_a", id="college"),
    pytest.param(A.OFFICE_REVIEW, "office", id="office"),
]


@pytest.mark.parametrize(("state", "reviewer"), ASSESSMENT_REVIEWERS)
def test_assessment_a_return_goes_to_the_student(state, reviewer, assessment, people, supervisor):
    assessment = advance_assessment_to(assessment, state, people)
    by = supervisor.user if reviewer == "mentor" else people[reviewer]
    with captured() as rows:
        a.assessment_return(
            assessment=assessment, by=by, expected=services.seen(assessment),
            comment="实践总结需补充数据。",
        )  # fmt: skip
    assert who(rows) == [("student_a", RETURNED)]
    assert rows[0].title == "专业实践考核登记表被退回修改"
    assert "实践总结需补充数据" in rows[0].body
    assert rows[0].url == reverse("practice:assessment_detail", args=[assessment.pk])


ASSESSMENT_REFUSED = [
    (A.DRAFT, "submit", "student_b"),
    (A.BASE_SUPERVISOR_REVIEW, "base_supervisor_approve", "tutor_a"),
    (A.CAMPUS_SUPERVISOR_REVIEW, "campus_supervisor_approve", "tutor_b"),
    (A.COLLEGE_REVIEW, "college_approve", "secretary_a"),
    (A.COLLEGE_REVIEW, "college_approve", "secretary_b"),
    (A.COLLEGE_REVIEW, "college_approve", "tutor_a"),
    (A.OFFICE_REVIEW, "archive", "secretary_a"),
    (A.OFFICE_REVIEW, "return", "head_b"),
]


def _assessment_action(name, assessment, by):
    expected = services.seen(assessment)
    if name == "submit":
        return a.assessment_submit(assessment=assessment, by=by, expected=expected)
    if name == "base_supervisor_approve":
        return a.assessment_base_supervisor_approve(
            assessment=assessment, by=by, expected=expected, comment="同意。", grade="good"
        )
    service = getattr(a, f"assessment_{name}")
    return service(assessment=assessment, by=by, expected=expected, comment="同意。")


@pytest.mark.parametrize(("state", "action", "actor"), ASSESSMENT_REFUSED)
def test_assessment_a_refused_action_notifies_nobody(state, action, actor, assessment, people):
    assessment = advance_assessment_to(assessment, state, people)
    with captured() as rows, pytest.raises((PermissionDenied, WorkflowError)):
        _assessment_action(action, assessment, people[actor])
    assert rows == []


# --- base supervisors (Art 18(2)) ----------------------------------------------------------------


def test_a_nomination_asks_the_office(base, people):
    with captured() as rows:
        supervisor = nominated_supervisor(base, people["secretary_a"])
    assert who(rows) == [("office", TASK)]
    assert rows[0].url == reverse("practice:supervisor_detail", args=[supervisor.pk])
    assert rows[0].title == f"请认定基地导师资格：{supervisor.name}"


def test_certifying_and_revoking_are_reported_to_the_college(base, people):
    nominee = nominated_supervisor(base, people["secretary_a"])
    with captured() as certified:
        nominee, _ = services.supervisor_certify(
            supervisor=nominee, by=people["office"], certificate_number="XCU-JDDS-0099",
            certified_on=date(2025, 2, 1), valid_until=None,
        )  # fmt: skip
    assert who(certified) == [(name, RESULT) for name in COLLEGE_A]
    assert certified[0].title == f"基地导师资格已认定：{nominee.name}"
    with captured() as revoked:
        services.supervisor_revoke(supervisor=nominee, by=people["office"], reason="调离基地。")
    assert who(revoked) == [(name, RESULT) for name in COLLEGE_A]
    assert "调离基地" in revoked[0].body
    assert {n.url for n in certified + revoked} == {
        reverse("practice:supervisor_detail", args=[nominee.pk])
    }


@pytest.mark.parametrize(
    ("action", "error"),
    [
        pytest.param(
            lambda s, p: services.supervisor_certify(
                supervisor=s, by=p["secretary_a"], certificate_number="XCU-JDDS-0098",
                certified_on=date(2025, 2, 1), valid_until=None,
            ),
            PermissionDenied, id="certify-by-college",
        ),
        pytest.param(
            lambda s, p: services.supervisor_revoke(supervisor=s, by=p["head_a"], reason="x"),
            PermissionDenied, id="revoke-by-college",
        ),
        pytest.param(
            lambda s, p: services.supervisor_nominate(
                base=s.base, data={"name": "张三"}, cv=pdf_file("简历.pdf"), by=p["secretary_b"]
            ),
            PermissionDenied, id="nominate-by-another-college",
        ),
    ],
)  # fmt: skip
def test_supervisor_refused_actions_notify_nobody(action, error, base, people):
    nominee = nominated_supervisor(base, people["secretary_a"])
    with captured() as rows, pytest.raises(error):
        action(nominee, people)
    assert rows == []


# --- publication clearance (Art 25) --------------------------------------------------------------


@pytest.fixture
def approved(people, draft):
    return advance_to(draft, S.APPROVED, people)


def _ask(req):
    return record_services.clearance_ask(req=req, by=req.student, data=QUESTION)


def test_asking_goes_to_the_base_supervisor(approved, names):
    with captured() as rows:
        clearance = _ask(approved)
    assert who(rows) == [(names["mentor"], TASK)]
    assert rows[0].url == reverse("practice:clearance_detail", args=[clearance.pk])
    assert QUESTION["title"] in rows[0].title


@pytest.mark.parametrize(
    ("confidential", "expected"),
    [
        (False, [("student_a", RESULT)]),
        (True, [("student_a", RESULT), ("secretary_a", TASK), ("head_a", TASK)]),
    ],
)
def test_the_answer_goes_to_the_student_and_a_secret_to_the_college(
    confidential, expected, approved, supervisor
):
    clearance = _ask(approved)
    with captured() as rows:
        record_services.clearance_answer(
            clearance=clearance, by=supervisor.user, confidential=confidential,
            answer="含未公开的育种数据。",
        )  # fmt: skip
    assert who(rows) == sorted(expected)
    assert {n.url for n in rows} == {reverse("practice:clearance_detail", args=[clearance.pk])}
    [to_student] = [n for n in rows if n.recipient.username == "student_a"]
    assert to_student.title.startswith("涉密性确认结果：")


def test_clearance_refusals_notify_nobody(approved, people, supervisor):
    with captured() as rows, pytest.raises(PermissionDenied):
        record_services.clearance_ask(req=approved, by=people["student_b"], data=QUESTION)
    clearance = _ask(approved)
    record_services.clearance_answer(
        clearance=clearance, by=supervisor.user, confidential=False, answer="可以公开。"
    )
    with captured() as more, pytest.raises((PermissionDenied, WorkflowError)):
        record_services.clearance_answer(
            clearance=clearance, by=people["tutor_a"], confidential=True, answer="涉密。"
        )
    with captured() as again, pytest.raises(WorkflowError):
        record_services.clearance_answer(
            clearance=clearance, by=supervisor.user, confidential=True, answer="涉密。"
        )
    assert rows == more == again == []


# --- the student's coursework (Art 21) -----------------------------------------------------------


def test_the_coursework_check_is_reported_to_the_student(people):
    from xcu_bases import services as people_services

    profile = people["student_b"].student_profile
    with captured() as rows:
        people_services.student_set_coursework(
            profile=profile, completed=True, by=people["head_a"], comment="依据成绩单。"
        )
    assert who(rows) == [("student_b", RESULT)]
    assert rows[0].title == "课程学习情况已确认：已完成"
    assert rows[0].url == reverse("my_profile")
    assert "依据成绩单" in rows[0].body


def test_the_coursework_check_refused_to_another_college_notifies_nobody(people):
    from django.http import Http404

    from xcu_bases import services as people_services

    with captured() as rows, pytest.raises(Http404):
        people_services.student_set_coursework(
            profile=people["student_b"].student_profile, completed=True, by=people["head_b"]
        )
    assert rows == []
