"""Annex 3 (专业实践考核登记表, Art 24) along its chain: student → base supervisor (opinion and
grade) → campus supervisor → college → graduate office, who archives it and so completes the
practice. Every review step may return it to the student; there is no rejection.

Every test asserts what changed (habit 9): the state, the round, the grade, the timeline rows
with their roles and comments — and, for a refusal, that nothing did.
"""

import threading
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection

from practice import assessment_services as a
from practice import record_services
from practice.assessment_checks import REPORT_MIN_CHARS
from practice.choices import AssessmentState as A
from practice.choices import PracticeGrade
from practice.choices import RequestState as S
from practice.models import PracticeAssessment, TaskCompletion
from tests.conftest import make_user, threads_share_the_test_database
from tests.practice.factories import (
    ASSESSMENT_COMMENTS,
    PERIOD,
    active_base,
    advance_assessment_to,
    advance_to,
    certified_supervisor,
    clear_thesis,
    complete_assessment,
    fresh,
    logs,
    plan,
    thesis_file,
)
from xcu_bases.choices import RoleCode as R
from xcu_bases.models import User
from xcu_bases.workflow import AlreadyHandled, WorkflowError, seen


@pytest.fixture
def approved(people, draft):
    return advance_to(draft, S.APPROVED, people)


@pytest.fixture
def who(people, supervisor, college_a):
    """Everyone, by role, including the base supervisor ("mentor") and another base's."""
    other = certified_supervisor(active_base(college_a, people["office"]), people, name="赵海波")
    return {
        **people,
        "mentor": User.objects.get(pk=supervisor.user_id),
        "other_mentor": User.objects.get(pk=other.user_id),
    }


@pytest.fixture
def filled(approved):
    """student_a's Annex 3, complete and ready to submit."""
    return complete_assessment(approved)


def state_of(assessment) -> tuple:
    """Everything a refused action must leave alone."""
    assessment = fresh(assessment)
    request = assessment.request
    return (
        assessment.state, assessment.round, assessment.grade, assessment.submitted_at,
        len(logs(assessment)), request.state, len(logs(request)),
    )  # fmt: skip


def _submit(assessment, by, expected=None):
    return a.assessment_submit(assessment=assessment, by=by, expected=expected or seen(assessment))


def _grade(assessment, by, grade="good", comment="实践认真，同意。", expected=None):
    return a.assessment_base_supervisor_approve(
        assessment=assessment, by=by, expected=expected or seen(assessment), comment=comment,
        grade=grade,
    )  # fmt: skip


REVIEW_SERVICES = {
    "campus_supervisor_approve": a.assessment_campus_supervisor_approve,
    "college_approve": a.assessment_college_approve,
    "archive": a.assessment_archive,
    "return_to_draft": a.assessment_return,
}


def _act(name, assessment, by, comment="同意。", expected=None):
    if name == "base_supervisor_approve":
        return _grade(assessment, by, comment=comment, expected=expected)
    return REVIEW_SERVICES[name](
        assessment=assessment, by=by, expected=expected or seen(assessment), comment=comment
    )


# --- the happy path ------------------------------------------------------------------------------


def test_art24_assessment_goes_from_student_to_archive_and_completes_the_practice(who, filled):
    student, mentor, tutor = who["student_a"], who["mentor"], who["tutor_a"]
    x = _submit(filled, student)
    assert (x.state, x.round) == (A.BASE_SUPERVISOR_REVIEW, 1)
    assert x.submitted_at is not None
    x = _grade(x, mentor, grade="excellent", comment="工作认真，成果突出。")
    assert (x.state, x.grade) == (A.CAMPUS_SUPERVISOR_REVIEW, PracticeGrade.EXCELLENT)
    x = _act(
        "campus_supervisor_approve", x, tutor, ASSESSMENT_COMMENTS["campus_supervisor_approve"]
    )
    x = _act("college_approve", x, who["head_a"], ASSESSMENT_COMMENTS["college_approve"])
    assert x.state == A.OFFICE_REVIEW
    record_services.thesis_set(req=x.request, file=thesis_file(), by=student)
    clear_thesis(x.request)  # Art 25: the base has answered the thesis clearance
    _act("archive", x, who["office"], ASSESSMENT_COMMENTS["archive"])

    archived = fresh(filled)
    assert (archived.state, archived.round, archived.grade) == (A.ARCHIVED, 1, "excellent")
    assert [
        (log.transition, log.source_state, log.target_state, log.role, log.by, log.comment)
        for log in logs(archived)
    ] == [
        ("submit", A.DRAFT, A.BASE_SUPERVISOR_REVIEW, R.STUDENT, student, ""),
        ("base_supervisor_approve", A.BASE_SUPERVISOR_REVIEW, A.CAMPUS_SUPERVISOR_REVIEW,
         R.BASE_SUPERVISOR, mentor, "成绩评定：优秀。工作认真，成果突出。"),
        ("campus_supervisor_approve", A.CAMPUS_SUPERVISOR_REVIEW, A.COLLEGE_REVIEW,
         R.CAMPUS_SUPERVISOR, tutor, ASSESSMENT_COMMENTS["campus_supervisor_approve"]),
        ("college_approve", A.COLLEGE_REVIEW, A.OFFICE_REVIEW, R.COLLEGE_HEAD,
         who["head_a"], ASSESSMENT_COMMENTS["college_approve"]),
        ("archive", A.OFFICE_REVIEW, A.ARCHIVED, R.GRADUATE_OFFICE, who["office"],
         ASSESSMENT_COMMENTS["archive"]),
    ]  # fmt: skip
    assert (logs(archived)[-1].transition_label, logs(archived)[-1].target_label) == (
        "学科与研究生处审核归档",
        "已归档",
    )

    completed = fresh(filled.request)
    assert completed.state == S.COMPLETED
    (log,) = logs(completed, "complete")
    assert (log.source_state, log.target_state, log.role, log.by, log.comment) == (
        S.APPROVED,
        S.COMPLETED,
        R.GRADUATE_OFFICE,
        who["office"],
        "专业实践考核登记表已归档。",
    )


def test_art24_college_head_approves_in_the_name_of_the_head(people, filled):
    waiting = advance_assessment_to(filled, A.COLLEGE_REVIEW, people)
    _act("college_approve", waiting, people["head_a"], "同意，请学科与研究生处归档。")
    assert fresh(waiting).state == A.OFFICE_REVIEW
    (log,) = logs(waiting, "college_approve")
    assert (log.role, log.by) == (R.COLLEGE_HEAD, people["head_a"])


def test_art24_failed_practice_is_archived_with_its_grade(people, filled):
    archived = advance_assessment_to(filled, A.ARCHIVED, people, grade="fail")
    assert (archived.state, archived.grade) == (A.ARCHIVED, PracticeGrade.FAIL)
    assert fresh(filled.request).state == S.COMPLETED


# --- comments and grades ---------------------------------------------------------------------------

APPROVALS = [
    (A.BASE_SUPERVISOR_REVIEW, "base_supervisor_approve", "mentor", "请填写基地导师意见。"),
    (A.CAMPUS_SUPERVISOR_REVIEW, "campus_supervisor_approve", "tutor_a", "请填写校内导师意见。"),
    (A.COLLEGE_REVIEW, "college_approve", "head_a", "请填写学院意见。"),
    (A.OFFICE_REVIEW, "archive", "office", "请填写学科与研究生处意见。"),
]


@pytest.mark.parametrize("state, name, reviewer, message", APPROVALS)
def test_art24_each_approval_needs_an_opinion(who, filled, state, name, reviewer, message):
    waiting = advance_assessment_to(filled, state, who)
    record_services.thesis_set(req=waiting.request, file=thesis_file(), by=who["student_a"])
    before = state_of(waiting)
    with pytest.raises(WorkflowError, match=message):
        _act(name, waiting, who[reviewer], comment=" \n ")
    assert state_of(waiting) == before


@pytest.mark.parametrize("grade", ["", "bogus"])
def test_art24_base_supervisor_must_grade(who, filled, grade):
    waiting = advance_assessment_to(filled, A.BASE_SUPERVISOR_REVIEW, who)
    before = state_of(waiting)
    with pytest.raises(WorkflowError, match="请评定成绩。"):
        _grade(waiting, who["mentor"], grade=grade)
    assert state_of(waiting) == before


def test_art24_grade_given_in_the_wrong_state_is_not_kept(who, filled):
    waiting = advance_assessment_to(filled, A.CAMPUS_SUPERVISOR_REVIEW, who, grade="good")
    before = state_of(waiting)
    with pytest.raises(WorkflowError, match="当前状态为“校内导师审核”，不能执行“基地导师评定”"):
        _grade(waiting, who["mentor"], grade="fail")
    assert state_of(waiting) == before
    assert fresh(waiting).grade == "good"


# --- returns from each review step -------------------------------------------------------------------

RETURNS = [
    (A.BASE_SUPERVISOR_REVIEW, "mentor", R.BASE_SUPERVISOR),
    (A.CAMPUS_SUPERVISOR_REVIEW, "tutor_a", R.CAMPUS_SUPERVISOR),
    (A.COLLEGE_REVIEW, "head_a", R.COLLEGE_HEAD),
    (A.OFFICE_REVIEW, "office", R.GRADUATE_OFFICE),
]


@pytest.mark.parametrize("state, reviewer, role", RETURNS)
def test_art24_return_needs_a_comment_and_goes_back_to_draft(who, filled, state, reviewer, role):
    waiting = advance_assessment_to(filled, state, who)
    before = state_of(waiting)
    with pytest.raises(WorkflowError, match="请填写退回修改的意见。"):
        _act("return_to_draft", waiting, who[reviewer], comment="")
    assert state_of(waiting) == before

    comment = "实践总结缺少第二项任务的数据分析，请补充后重新提交。"
    _act("return_to_draft", waiting, who[reviewer], comment=comment)
    returned = fresh(waiting)
    assert (returned.state, returned.round) == (A.DRAFT, 1)
    (log,) = logs(returned, "return_to_draft")
    assert (log.source_state, log.target_state, log.role, log.by, log.comment) == (
        state,
        A.DRAFT,
        role,
        who[reviewer],
        comment,
    )
    assert fresh(returned.request).state == S.APPROVED
    a.check_editable(returned, who["student_a"])  # the student may edit again
    again = _submit(returned, who["student_a"])
    assert (again.state, again.round) == (A.BASE_SUPERVISOR_REVIEW, 2)


def test_art24_submitted_assessment_cannot_be_edited(who, filled):
    waiting = advance_assessment_to(filled, A.BASE_SUPERVISOR_REVIEW, who)
    with pytest.raises(WorkflowError, match="考核登记表已提交，不能修改。"):
        a.check_editable(waiting, who["student_a"])
    for intruder in ("student_b", "tutor_a", "mentor", "office"):
        with pytest.raises(PermissionDenied):
            a.check_editable(filled, who[intruder])


# --- the wrong person at each step -----------------------------------------------------------------

INTRUDERS = {
    A.DRAFT: ["student_b", "tutor_a", "mentor", "secretary_a", "office"],
    A.BASE_SUPERVISOR_REVIEW: [
        "student_a", "tutor_a", "tutor_b", "secretary_a", "office", "other_mentor",
    ],
    A.CAMPUS_SUPERVISOR_REVIEW: [
        "student_a", "tutor_b", "mentor", "secretary_a", "office", "other_mentor",
    ],
    # 学院意见（负责人签字）: the college secretary checks and forwards; she does not decide.
    A.COLLEGE_REVIEW: [
        "student_a", "tutor_a", "tutor_b", "mentor", "secretary_a", "secretary_b", "head_b",
        "office",
    ],
    A.OFFICE_REVIEW: [
        "student_a", "tutor_a", "mentor", "secretary_a", "head_a", "secretary_b", "expert",
    ],
}  # fmt: skip
APPROVAL = {state: name for state, name, _, _ in APPROVALS}


@pytest.mark.parametrize(
    "state, intruder", [(state, who) for state, names in INTRUDERS.items() for who in names]
)
def test_art24_wrong_person_is_refused_and_nothing_changes(who, filled, state, intruder):
    waiting = advance_assessment_to(filled, state, who)
    if state == A.OFFICE_REVIEW:  # so that only the person is wrong
        record_services.thesis_set(req=waiting.request, file=thesis_file(), by=who["student_a"])
    before = state_of(waiting)
    if state == A.DRAFT:
        with pytest.raises(PermissionDenied):
            _submit(waiting, who[intruder])
    else:
        for name in (APPROVAL[state], "return_to_draft"):
            with pytest.raises(PermissionDenied):
                _act(name, waiting, who[intruder], comment="越权操作")
    assert state_of(waiting) == before


# --- archiving needs the thesis (Art 24) -------------------------------------------------------------


def test_art24_archive_without_thesis_is_refused_and_the_practice_stays_open(who, filled):
    waiting = advance_assessment_to(filled, A.OFFICE_REVIEW, who)
    before = state_of(waiting)
    with pytest.raises(WorkflowError) as refused:
        _act("archive", waiting, who["office"], ASSESSMENT_COMMENTS["archive"])
    assert refused.value.message == "暂不能“学科与研究生处审核归档”。"
    assert any("学位论文" in detail for detail in refused.value.details)
    assert state_of(waiting) == before
    assert fresh(waiting).request.state == S.APPROVED
    assert logs(waiting, "archive") == [] and logs(waiting.request, "complete") == []


# --- what the student must fill in before submitting -----------------------------------------------


def _refusal(assessment, by) -> list[str]:
    before = state_of(assessment)
    with pytest.raises(WorkflowError, match="考核登记表尚未填写完整，不能提交。") as refused:
        _submit(assessment, by)
    assert state_of(assessment) == before
    return refused.value.details


def test_art24_report_of_4999_characters_is_refused(who, approved):
    short = complete_assessment(approved, report_chars=REPORT_MIN_CHARS - 1)
    assert _refusal(short, who["student_a"]) == [
        "实践总结报告不少于 5000 字（不计空白），目前 4999 字，还差 1 字。"
    ]


def test_art24_report_of_5000_characters_is_accepted(who, approved):
    enough = complete_assessment(approved, report_chars=REPORT_MIN_CHARS)
    _submit(enough, who["student_a"])
    assert fresh(enough).state == A.BASE_SUPERVISOR_REVIEW


def test_art24_whitespace_does_not_make_up_the_report(who, approved):
    padded = complete_assessment(approved, report_chars=REPORT_MIN_CHARS - 1)
    padded.report += " " * 40 + "\n\n" * 20 + "\t　\u00a0" * 20  # ASCII, CJK and no-break spaces
    padded.save()
    assert len(padded.report) > REPORT_MIN_CHARS
    assert _refusal(padded, who["student_a"]) == [
        "实践总结报告不少于 5000 字（不计空白），目前 4999 字，还差 1 字。"
    ]


@pytest.mark.parametrize(
    "signature, problem",
    [
        ("孙浩然", "研究生签名须与本人姓名“赵雨桐”一致。"),
        ("赵 雨桐", "研究生签名须与本人姓名“赵雨桐”一致。"),
        ("  ", "请在“研究生签名”处输入本人姓名。"),
    ],
)
def test_art24_signature_must_be_the_students_name(who, filled, signature, problem):
    filled.signature = signature
    filled.save()
    assert _refusal(filled, who["student_a"]) == [problem]


def test_art24_signature_with_surrounding_spaces_is_the_name(who, filled):
    filled.signature = " 赵雨桐 "
    filled.save()
    _submit(filled, who["student_a"])
    assert fresh(filled).state == A.BASE_SUPERVISOR_REVIEW


def test_art24_every_plan_task_needs_a_status(who, filled):
    first = filled.completions.first()
    TaskCompletion.objects.filter(pk=first.pk).update(status="")
    assert _refusal(filled, who["student_a"]) == ["实践计划中有 1 项任务尚未选择完成情况。"]


def test_art24_empty_form_lists_every_problem_in_form_order(who, approved):
    empty = a.assessment_create(req=approved, by=who["student_a"])
    assert _refusal(empty, who["student_a"]) == [
        "实践计划中有 2 项任务尚未选择完成情况。",
        "请概述实践计划完成情况（不少于 20 字）。",
        "实践总结报告不少于 5000 字（不计空白），目前 0 字，还差 5000 字。",
        "请在“研究生签名”处输入本人姓名。",
        "请填写签名日期。",
    ]


# --- two people on the same page -------------------------------------------------------------------


def test_art24_stale_page_is_told_it_was_already_handled(who, filled):
    waiting = advance_assessment_to(filled, A.CAMPUS_SUPERVISOR_REVIEW, who)
    page = seen(waiting)
    _act("return_to_draft", waiting, who["tutor_a"], comment="请补充数据分析。")
    before = state_of(waiting)
    with pytest.raises(AlreadyHandled, match="该考核登记表已被他人处理，当前状态为“草稿”"):
        _act("campus_supervisor_approve", waiting, who["tutor_a"], expected=page)
    assert state_of(waiting) == before


def test_art24_page_of_an_earlier_round_is_stale_even_in_the_same_state(who, filled):
    waiting = advance_assessment_to(filled, A.BASE_SUPERVISOR_REVIEW, who)
    round_one = seen(waiting)
    _act("return_to_draft", waiting, who["mentor"], comment="请补充数据分析。")
    _submit(fresh(waiting), who["student_a"])
    assert seen(fresh(waiting)).state == round_one.state
    before = state_of(waiting)
    with pytest.raises(AlreadyHandled):
        _grade(waiting, who["mentor"], grade="fail", expected=round_one)
    assert state_of(waiting) == before


@pytest.mark.django_db(transaction=True)
def test_art24_two_threads_approving_at_once_make_one_transition(people, draft, college_a):
    shared, reason = threads_share_the_test_database()
    if not shared:
        pytest.skip(reason)
    assessment = advance_assessment_to(
        complete_assessment(advance_to(draft, S.APPROVED, people)), A.COLLEGE_REVIEW, people
    )
    heads = [people["head_a"], make_user("head_a2", R.COLLEGE_HEAD, college=college_a)]
    pages = [PracticeAssessment.objects.get(pk=assessment.pk) for _ in heads]
    barrier = threading.Barrier(len(heads))
    outcomes: dict[str, str] = {}

    def approve(user, page):
        try:
            barrier.wait(timeout=10)
            a.assessment_college_approve(
                assessment=page, by=user, expected=seen(page), comment=f"{user.name}同意"
            )
            outcomes[user.username] = "approved"
        except AlreadyHandled:
            outcomes[user.username] = "already handled"
        except PermissionDenied:
            outcomes[user.username] = "refused"
        except Exception as error:  # reported by the assertion below
            outcomes[user.username] = repr(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=approve, args=pair) for pair in zip(heads, pages, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes.values()) == ["already handled", "approved"], outcomes
    winner = next(name for name, outcome in outcomes.items() if outcome == "approved")
    assert fresh(assessment).state == A.OFFICE_REVIEW
    rows = logs(assessment, "college_approve")
    assert [(row.by.username, row.source_state) for row in rows] == [(winner, A.COLLEGE_REVIEW)]


# --- opening Annex 3 -----------------------------------------------------------------------------


def test_art24_student_opens_annex3_with_one_row_per_plan_task(people, draft):
    tasks = [
        ("参加基地安全教育", date(2026, 3, 2), date(2026, 3, 31)),
        ("苦荞农艺性状调查", date(2026, 4, 1), date(2026, 6, 30)),
        ("黄酮含量测定与实践总结", date(2026, 7, 1), PERIOD[1]),
    ]
    plan(draft, *tasks)
    approved = advance_to(draft, S.APPROVED, people)
    assessment = a.assessment_create(req=approved, by=people["student_a"])
    assessment = fresh(assessment)
    assert (assessment.state, assessment.round, assessment.request) == (A.DRAFT, 0, approved)
    completions = list(assessment.completions.all())
    assert [c.task.task for c in completions] == [text for text, _, _ in tasks]
    assert {c.status for c in completions} == {""}
    assert logs(assessment) == []


def test_art24_opening_annex3_twice_returns_the_same_one(people, approved):
    first = a.assessment_create(req=approved, by=people["student_a"])
    second = a.assessment_create(req=approved, by=people["student_a"])
    assert second.pk == first.pk
    assert PracticeAssessment.objects.count() == 1
    assert TaskCompletion.objects.filter(assessment=first).count() == 2


@pytest.mark.parametrize("intruder", ["student_b", "tutor_a", "mentor", "secretary_a", "office"])
def test_art24_only_the_student_opens_annex3(who, approved, intruder):
    with pytest.raises(PermissionDenied, match="只能为本人的专业实践填写考核登记表。"):
        a.assessment_create(req=approved, by=who[intruder])
    assert not PracticeAssessment.objects.exists()


@pytest.mark.parametrize("state", [S.DRAFT, S.SUPERVISOR_REVIEW, S.OFFICE_REVIEW])
def test_art24_annex3_only_once_the_practice_is_approved(people, draft, state):
    req = advance_to(draft, state, people)
    with pytest.raises(WorkflowError, match="专业实践申请批准后才能填写考核登记表。"):
        a.assessment_create(req=req, by=people["student_a"])
    assert not PracticeAssessment.objects.exists()
    assert not TaskCompletion.objects.exists()


def test_art24_annex3_of_a_rejected_request_is_refused(people, draft):
    from practice import services

    waiting = advance_to(draft, S.COLLEGE_REVIEW, people)
    services.request_reject(
        req=waiting, by=people["head_a"], expected=seen(waiting), comment="不予批准。"
    )
    with pytest.raises(WorkflowError, match="专业实践申请批准后才能填写考核登记表。"):
        a.assessment_create(req=fresh(waiting), by=people["student_a"])
    assert not PracticeAssessment.objects.exists()


def test_art24_new_user_with_no_role_cannot_act(filled):
    nobody = make_user("nobody", name="路人")
    before = state_of(filled)
    with pytest.raises(PermissionDenied):
        _submit(filled, nobody)
    assert state_of(filled) == before
