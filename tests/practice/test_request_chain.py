"""Annex 2 along its chain: student → campus supervisor → base supervisor (the plan, Art 19) →
college head → graduate office (Art 18–22),
and the base supervisors it needs (Art 18(2)): nominated by the college, certified by the office.

Every test asserts what changed (habit 9): the state, the round, the snapshot, the timeline row
with its role and comment — and, for a refusal, that nothing did.
"""

from datetime import date, timedelta

import pytest
from django.contrib.auth import authenticate
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.test import RequestFactory
from django.utils import timezone

from practice import services, snapshot
from practice.choices import RequestState as S
from practice.choices import SupervisorState
from practice.models import BaseSupervisor, PracticeRequest
from practice.services import AlreadyHandled, PracticeError
from tests.conftest import make_student, make_user
from tests.practice.factories import (
    COMMENTS,
    PERIOD,
    PURPOSE,
    SUPERVISOR,
    active_base,
    advance_to,
    certified_supervisor,
    complete_request,
    fresh,
    logs,
    nominated_supervisor,
    pdf_file,
)
from xcu_bases.choices import RoleCode as R
from xcu_bases.models import User


def state_of(req) -> tuple:
    """Everything a refused action must leave alone."""
    req = fresh(req)
    return req.state, req.round, req.submitted_at, req.snapshots.count(), len(logs(req))


def _submit(req, by, expected=None):
    return services.request_submit(req=req, by=by, expected=expected or services.seen(req))


SERVICES = {
    "supervisor_approve": services.request_supervisor_approve,
    "plan_confirm": services.request_plan_confirm,
    "college_approve": services.request_college_approve,
    "office_approve": services.request_office_approve,
    "return_to_draft": services.request_return,
    "reject": services.request_reject,
}


def _act(name, req, by, comment="同意。", expected=None):
    return SERVICES[name](req=req, by=by, expected=expected or services.seen(req), comment=comment)


def _account(supervisor) -> User:
    return User.objects.get(pk=supervisor.user_id)


# --- the happy path ------------------------------------------------------------------------------


def test_art19_request_goes_from_student_to_office_with_one_log_row_per_step(people, draft):
    student, tutor = people["student_a"], people["tutor_a"]
    req = _submit(draft, student)
    assert (req.state, req.round) == (S.SUPERVISOR_REVIEW, 1)
    assert req.submitted_at is not None
    req = _act("supervisor_approve", req, tutor, COMMENTS["supervisor_approve"])
    assert req.state == S.PLAN_REVIEW
    mentor = req.base_supervisor.user
    req = _act("plan_confirm", req, mentor, COMMENTS["plan_confirm"])
    assert req.state == S.COLLEGE_REVIEW
    req = _act("college_approve", req, people["head_a"], COMMENTS["college_approve"])
    assert req.state == S.OFFICE_REVIEW
    req = _act("office_approve", req, people["office"], COMMENTS["office_approve"])

    req = fresh(req)
    assert (req.state, req.round) == (S.APPROVED, 1)
    assert [
        (log.transition, log.source_state, log.target_state, log.role, log.by, log.comment)
        for log in logs(req)
    ] == [
        ("submit", S.DRAFT, S.SUPERVISOR_REVIEW, R.STUDENT, student, ""),
        ("supervisor_approve", S.SUPERVISOR_REVIEW, S.PLAN_REVIEW, R.CAMPUS_SUPERVISOR, tutor,
         COMMENTS["supervisor_approve"]),
        ("plan_confirm", S.PLAN_REVIEW, S.COLLEGE_REVIEW, R.BASE_SUPERVISOR, mentor,
         COMMENTS["plan_confirm"]),
        ("college_approve", S.COLLEGE_REVIEW, S.OFFICE_REVIEW, R.COLLEGE_HEAD,
         people["head_a"], COMMENTS["college_approve"]),
        ("office_approve", S.OFFICE_REVIEW, S.APPROVED, R.GRADUATE_OFFICE, people["office"],
         COMMENTS["office_approve"]),
    ]  # fmt: skip
    first = logs(req)[0]
    assert (first.transition_label, first.source_label, first.target_label) == (
        "提交申请",
        "草稿",
        "校内导师审核",
    )
    assert [s.round for s in req.snapshots.all()] == [1]


def test_art19_college_head_approves_in_the_name_of_the_head(people, draft):
    waiting = advance_to(draft, S.COLLEGE_REVIEW, people)
    _act("college_approve", waiting, people["head_a"], "同意，请学科与研究生处审批。")
    assert fresh(waiting).state == S.OFFICE_REVIEW
    (log,) = logs(waiting, "college_approve")
    assert (log.role, log.by, log.comment) == (
        R.COLLEGE_HEAD,
        people["head_a"],
        "同意，请学科与研究生处审批。",
    )


def test_annex2_submission_freezes_what_was_submitted(people, draft):
    req = _submit(draft, people["student_a"])
    (frozen,) = req.snapshots.all()
    assert frozen.round == 1
    assert frozen.data["fields"]["purpose"]["value"] == PURPOSE
    assert frozen.data["student"]["name"] == "赵雨桐"
    assert frozen.data["supervisor"]["name"] == "吉克曲布"
    assert frozen.data["fields"]["insured_to"]["value"] == "2026年8月31日"
    assert frozen.data["insurance_scan"] == "人身意外伤害保险保单.pdf"


def _person(people, supervisor, who):
    return _account(supervisor) if who == "base_supervisor" else people[who]


@pytest.mark.parametrize(
    "name", ["supervisor_approve", "plan_confirm", "college_approve", "office_approve"]
)
def test_approval_needs_an_opinion(people, draft, supervisor, name):
    state, who = {
        "supervisor_approve": (S.SUPERVISOR_REVIEW, "tutor_a"),
        "plan_confirm": (S.PLAN_REVIEW, "base_supervisor"),
        "college_approve": (S.COLLEGE_REVIEW, "head_a"),
        "office_approve": (S.OFFICE_REVIEW, "office"),
    }[name]
    waiting = advance_to(draft, state, people)
    before = state_of(waiting)
    with pytest.raises(PracticeError, match="请填写"):
        _act(name, waiting, _person(people, supervisor, who), comment="  ")
    assert state_of(waiting) == before


# --- returns and rejections from each review state ---------------------------------------------------

REVIEWERS = [
    (S.SUPERVISOR_REVIEW, "tutor_a", R.CAMPUS_SUPERVISOR),
    (S.COLLEGE_REVIEW, "head_a", R.COLLEGE_HEAD),
    (S.OFFICE_REVIEW, "office", R.GRADUATE_OFFICE),
]


@pytest.mark.parametrize(
    "state, who, role", [*REVIEWERS, (S.PLAN_REVIEW, "base_supervisor", R.BASE_SUPERVISOR)]
)
def test_art19_return_needs_a_comment_and_goes_back_to_draft(
    people, draft, supervisor, state, who, role
):
    by = _person(people, supervisor, who)
    waiting = advance_to(draft, state, people)
    before = state_of(waiting)
    with pytest.raises(PracticeError, match="请填写退回修改的意见。"):
        _act("return_to_draft", waiting, by, comment="")
    assert state_of(waiting) == before

    comment = "实践计划第 2 项时间安排过紧，请与基地导师商定后细化。"
    _act("return_to_draft", waiting, by, comment=comment)
    returned = fresh(waiting)
    assert (returned.state, returned.round) == (S.DRAFT, 1)
    assert returned.snapshots.count() == 1
    (log,) = logs(returned, "return_to_draft")
    assert (log.source_state, log.target_state, log.role, log.by, log.comment) == (
        state,
        S.DRAFT,
        role,
        by,
        comment,
    )
    services.check_editable(returned, people["student_a"])  # the student may edit again


@pytest.mark.parametrize("state, who, role", REVIEWERS)
def test_art19_reject_needs_a_reason_and_ends_the_request(people, draft, state, who, role):
    waiting = advance_to(draft, state, people)
    before = state_of(waiting)
    with pytest.raises(PracticeError, match="请填写不予批准的理由。"):
        _act("reject", waiting, people[who], comment=" ")
    assert state_of(waiting) == before

    reason = "实践内容与学位论文研究方向关联不足，不予批准。"
    _act("reject", waiting, people[who], comment=reason)
    rejected = fresh(waiting)
    assert rejected.state == S.REJECTED
    (log,) = logs(rejected, "reject")
    assert (log.source_state, log.target_state, log.role, log.comment) == (
        state,
        S.REJECTED,
        role,
        reason,
    )
    with pytest.raises(PracticeError):
        services.check_editable(rejected, people["student_a"])
    with pytest.raises(PracticeError):
        _submit(rejected, people["student_a"])


def test_art19_returned_request_is_resubmitted_in_a_new_round_and_the_diff_shows_the_change(
    people, draft
):
    student = people["student_a"]
    waiting = advance_to(draft, S.COLLEGE_REVIEW, people)
    _act("return_to_draft", waiting, people["head_a"], comment="请写明预期成果。")
    returned = fresh(waiting)

    services.check_editable(returned, student)
    returned.purpose = PURPOSE + "预期成果：筛选出两份高黄酮苦荞优异种质，完成实践总结报告一份。"
    returned.save()
    again = _submit(returned, student)

    assert (again.state, again.round) == (S.SUPERVISOR_REVIEW, 2)
    first, second = again.snapshots.all()
    assert (first.round, second.round) == (1, 2)
    changes = snapshot.diff(first.data, second.data)
    assert changes == [
        {"label": "实践目的和要求", "old": PURPOSE, "new": returned.purpose},
    ]
    assert [log.transition for log in logs(again)] == [
        "submit",
        "supervisor_approve",
        "plan_confirm",
        "return_to_draft",
        "submit",
    ]


def test_annex2_submitted_request_cannot_be_edited(people, draft):
    waiting = advance_to(draft, S.SUPERVISOR_REVIEW, people)
    with pytest.raises(PracticeError, match="申请已提交，不能修改。"):
        services.check_editable(waiting, people["student_a"])
    with pytest.raises(PracticeError, match="申请已提交，不能修改。"):
        services.insurance_scan_set(
            req=waiting, file=pdf_file("新保单.pdf"), by=people["student_a"]
        )
    assert fresh(waiting).insurance_scan_name == "人身意外伤害保险保单.pdf"


def test_annex2_only_the_student_edits_the_draft(people, draft):
    for who in ("student_b", "tutor_a", "secretary_a", "office"):
        with pytest.raises(PermissionDenied):
            services.check_editable(draft, people[who])
        with pytest.raises(PermissionDenied):
            services.insurance_scan_set(req=draft, file=pdf_file("保单.pdf"), by=people[who])


def test_annex2_only_students_create_requests(people):
    for who in ("tutor_a", "secretary_a", "office", "expert"):
        with pytest.raises(PermissionDenied, match="只有研究生可以填写专业实践申请。"):
            services.request_create(by=people[who])
    assert not PracticeRequest.objects.exists()


# --- the wrong person at each step -----------------------------------------------------------------

INTRUDERS = {
    S.DRAFT: ["student_b", "tutor_a", "secretary_a", "office", "base_supervisor", "expert"],
    S.SUPERVISOR_REVIEW: [
        "student_a", "student_b", "tutor_b", "secretary_a", "secretary_b", "office",
        "base_supervisor", "expert",
    ],
    S.PLAN_REVIEW: [
        "student_a", "student_b", "tutor_a", "tutor_b", "secretary_a", "head_a", "office",
        "expert",
    ],
    # 学院意见（负责人签字）: the college secretary checks and forwards; she does not decide.
    S.COLLEGE_REVIEW: [
        "student_a", "tutor_a", "tutor_b", "secretary_a", "secretary_b", "head_b", "office",
        "base_supervisor", "expert",
    ],
    S.OFFICE_REVIEW: [
        "student_a", "tutor_a", "secretary_a", "head_a", "secretary_b", "base_supervisor",
        "expert",
    ],
}  # fmt: skip
APPROVAL = {
    S.SUPERVISOR_REVIEW: "supervisor_approve",
    S.PLAN_REVIEW: "plan_confirm",
    S.COLLEGE_REVIEW: "college_approve",
    S.OFFICE_REVIEW: "office_approve",
}


@pytest.mark.parametrize(
    "state, who", [(state, who) for state, names in INTRUDERS.items() for who in names]
)
def test_wrong_person_is_refused_and_nothing_changes(people, draft, supervisor, state, who):
    intruder = _account(supervisor) if who == "base_supervisor" else people[who]
    waiting = advance_to(draft, state, people)
    before = state_of(waiting)
    if state == S.DRAFT:
        with pytest.raises(PermissionDenied):
            _submit(waiting, intruder)
    else:
        for name in (APPROVAL[state], "return_to_draft", "reject"):
            if state == S.PLAN_REVIEW and name == "reject":
                continue  # not a step of the plan confirmation: see the test below
            with pytest.raises(PermissionDenied):
                _act(name, waiting, intruder, comment="越权操作")
    assert state_of(waiting) == before


def test_art19_the_base_supervisor_returns_the_plan_but_does_not_refuse_the_request(
    people, draft, supervisor
):
    waiting = advance_to(draft, S.PLAN_REVIEW, people)
    before = state_of(waiting)
    for by in (_account(supervisor), people["office"], people["head_a"]):
        with pytest.raises(PracticeError, match="申请当前状态为“基地导师确认计划”"):
            _act("reject", waiting, by, comment="不同意")
    assert state_of(waiting) == before


@pytest.mark.parametrize(
    "state, name, who, current",
    [
        (S.DRAFT, "supervisor_approve", "tutor_a", "草稿"),
        (S.DRAFT, "return_to_draft", "tutor_a", "草稿"),
        (S.SUPERVISOR_REVIEW, "college_approve", "secretary_a", "校内导师审核"),
        (S.SUPERVISOR_REVIEW, "office_approve", "office", "校内导师审核"),
        (S.COLLEGE_REVIEW, "supervisor_approve", "tutor_a", "学院审核"),
        (S.APPROVED, "reject", "office", "实践中"),
        (S.APPROVED, "return_to_draft", "office", "实践中"),
    ],
)
def test_action_in_the_wrong_state_is_refused(people, draft, state, name, who, current):
    req = advance_to(draft, state, people)
    before = state_of(req)
    with pytest.raises(PracticeError, match=f"申请当前状态为“{current}”"):
        _act(name, req, people[who])
    assert state_of(req) == before


def test_submitting_twice_is_refused_and_the_round_is_not_counted(people, draft):
    waiting = advance_to(draft, S.SUPERVISOR_REVIEW, people)
    before = state_of(waiting)
    with pytest.raises(PracticeError, match="申请当前状态为“校内导师审核”，不能执行“提交申请”。"):
        _submit(waiting, people["student_a"])
    assert state_of(waiting) == before  # round 1, one snapshot: the failed try left nothing


# --- two people on the same page ---------------------------------------------------------------------


def test_stale_page_is_told_it_was_already_handled(people, draft):
    waiting = advance_to(draft, S.SUPERVISOR_REVIEW, people)
    seen_before = services.seen(waiting)
    _act("return_to_draft", waiting, people["tutor_a"], comment="请补充实践计划。")
    before = state_of(waiting)
    with pytest.raises(AlreadyHandled, match="该申请已被他人处理，当前状态为“草稿”"):
        _act("supervisor_approve", waiting, people["tutor_a"], expected=seen_before)
    assert state_of(waiting) == before


def test_page_of_an_earlier_round_is_stale_even_in_the_same_state(people, draft):
    waiting = advance_to(draft, S.SUPERVISOR_REVIEW, people)
    round_one = services.seen(waiting)
    _act("return_to_draft", waiting, people["tutor_a"], comment="请补充实践计划。")
    _submit(fresh(waiting), people["student_a"])
    assert services.seen(fresh(waiting)).state == round_one.state
    with pytest.raises(AlreadyHandled):
        _act("supervisor_approve", waiting, people["tutor_a"], expected=round_one)
    assert fresh(waiting).state == S.SUPERVISOR_REVIEW


def test_two_approvals_of_the_same_page_make_one_transition(people, draft, college_a):
    waiting = advance_to(draft, S.COLLEGE_REVIEW, people)
    deputy = make_user("head_a2", R.COLLEGE_HEAD, college=college_a, name="副院长")
    deputy_page = PracticeRequest.objects.get(pk=waiting.pk)
    head_page = PracticeRequest.objects.get(pk=waiting.pk)
    assert services.seen(deputy_page) == services.seen(head_page)

    _act("college_approve", deputy_page, deputy, expected=services.seen(head_page))
    with pytest.raises(AlreadyHandled, match="已被他人处理"):
        _act("college_approve", head_page, people["head_a"], expected=services.seen(head_page))

    assert fresh(waiting).state == S.OFFICE_REVIEW
    assert len(logs(waiting, "college_approve")) == 1


# --- base supervisors: nominated by the college, certified by the office (Art 18(2)) ---------------


@pytest.mark.parametrize(
    "who, role", [("secretary_a", R.COLLEGE_SECRETARY), ("office", R.GRADUATE_OFFICE)]
)
def test_art18_base_college_or_office_nominates_a_supervisor(people, base, who, role):
    nominated = nominated_supervisor(base, people[who])
    nominated = fresh(nominated)
    assert (nominated.state, nominated.nominated_by, nominated.cv_name) == (
        SupervisorState.NOMINATED,
        people[who],
        "简历.pdf",
    )
    assert nominated.user is None
    (log,) = logs(nominated)
    assert (log.transition, log.role, log.target_state) == ("nominate", role, "nominated")


def test_art18_head_nomination_is_logged_in_the_heads_name(people, base):
    nominated = nominated_supervisor(base, people["head_a"])
    (log,) = logs(nominated)
    assert log.role == R.COLLEGE_HEAD


@pytest.mark.parametrize("who", ["secretary_b", "head_b", "tutor_a", "student_a", "expert"])
def test_art18_others_cannot_nominate(people, base, who):
    with pytest.raises(
        PermissionDenied, match="只有基地所属学院和学科与研究生处可以提名基地导师。"
    ):
        nominated_supervisor(base, people[who])
    assert not BaseSupervisor.objects.exists()


def test_art18_no_nomination_for_a_base_that_is_not_running(people, base):
    from agreements import services as base_services

    base_services.base_revoke(base=base, by=people["office"], reason="年度对标检查不合格")
    with pytest.raises(PracticeError, match="只能为运行中的基地提名基地导师。"):
        nominated_supervisor(fresh(base), people["secretary_a"])
    assert not BaseSupervisor.objects.exists()


def _certify(supervisor, by, number="XCU-JDDS-2026-001", **kw):
    values = {"certified_on": date(2026, 1, 5), "valid_until": date(2030, 12, 31), **kw}
    return services.supervisor_certify(
        supervisor=supervisor, by=by, certificate_number=number, **values
    )


def test_art18_office_certifies_and_the_supervisor_gets_a_working_account(people, base):
    nominated = nominated_supervisor(base, people["secretary_a"])
    users_before = User.objects.count()
    certified, password = _certify(nominated, people["office"])

    certified = fresh(certified)
    assert certified.state == SupervisorState.CERTIFIED
    assert (certified.certificate_number, certified.certified_on, certified.valid_until) == (
        "XCU-JDDS-2026-001",
        date(2026, 1, 5),
        date(2030, 12, 31),
    )
    assert User.objects.count() == users_before + 1
    account = _account(certified)
    assert account.has_role(R.BASE_SUPERVISOR)
    assert (account.name, account.email, account.phone) == (
        SUPERVISOR["name"],
        SUPERVISOR["email"],
        SUPERVISOR["phone"],
    )
    assert password
    request = RequestFactory().post("/login/")  # django-axes needs the request it throttles
    assert authenticate(request, username=account.username, password=password) == account
    (log,) = logs(certified, "certify")
    assert (log.role, log.by, log.comment) == (
        R.GRADUATE_OFFICE,
        people["office"],
        "证书编号 XCU-JDDS-2026-001",
    )


def test_art18_certifying_links_an_existing_account(people, base):
    existing = make_user("jikeay", name="吉克阿依", email="jikeay@lsnk.com.cn")
    assert not existing.has_role(R.BASE_SUPERVISOR)
    users_before = User.objects.count()
    nominated = nominated_supervisor(base, people["secretary_a"], name="吉克阿依")
    certified, password = _certify(nominated, people["office"], account=existing)

    assert password is None
    assert User.objects.count() == users_before
    assert fresh(certified).user == existing
    assert User.objects.get(pk=existing.pk).has_role(R.BASE_SUPERVISOR)


@pytest.mark.parametrize("who", ["secretary_a", "head_a", "tutor_a", "expert"])
def test_art18_only_the_office_certifies(people, base, who):
    nominated = nominated_supervisor(base, people["secretary_a"])
    users_before = User.objects.count()
    with pytest.raises(PermissionDenied):
        _certify(nominated, people[who])
    after = fresh(nominated)
    assert (after.state, after.certificate_number, after.user_id) == (
        SupervisorState.NOMINATED,
        "",
        None,
    )
    assert User.objects.count() == users_before
    assert logs(after, "certify") == []


def test_art18_certificate_number_is_used_once(people, base):
    _certify(nominated_supervisor(base, people["secretary_a"]), people["office"], "XCU-001")
    second = nominated_supervisor(base, people["secretary_a"], name="马海英", gender="female")
    with pytest.raises(PracticeError, match="认定证书编号“XCU-001”已被使用。"):
        _certify(second, people["office"], "XCU-001")
    assert fresh(second).state == SupervisorState.NOMINATED
    assert fresh(second).user_id is None


@pytest.mark.parametrize(
    "number, valid_until, message",
    [
        (" ", date(2030, 12, 31), "请填写认定证书编号。"),
        ("XCU-002", date(2026, 1, 5), "有效期必须晚于认定日期。"),
    ],
)
def test_art18_certificate_needs_a_number_and_a_later_end(
    people, base, number, valid_until, message
):
    nominated = nominated_supervisor(base, people["secretary_a"])
    with pytest.raises(PracticeError, match=message):
        _certify(nominated, people["office"], number, valid_until=valid_until)
    assert fresh(nominated).state == SupervisorState.NOMINATED


def test_art18_certified_supervisor_cannot_be_certified_again(people, supervisor):
    with pytest.raises(PracticeError, match="当前状态为“已认定”，不能认定基地导师资格。"):
        _certify(supervisor, people["office"], "XCU-003")


def test_art18_revocation_needs_a_reason_and_closes_the_account(people, supervisor):
    account = _account(supervisor)
    assert account.is_active
    with pytest.raises(PracticeError, match="请填写撤销理由。"):
        services.supervisor_revoke(supervisor=supervisor, by=people["office"], reason=" ")
    assert fresh(supervisor).state == SupervisorState.CERTIFIED

    reason = "合作单位来函，该同志已调离，申请撤销其基地导师资格。"
    services.supervisor_revoke(supervisor=supervisor, by=people["office"], reason=reason)
    assert fresh(supervisor).state == SupervisorState.REVOKED
    assert not User.objects.get(pk=account.pk).is_active
    (log,) = logs(supervisor, "revoke")
    assert (log.source_state, log.target_state, log.role, log.comment) == (
        "certified",
        "revoked",
        R.GRADUATE_OFFICE,
        reason,
    )


def test_art18_only_the_office_revokes(people, supervisor):
    for who in ("secretary_a", "head_a", "tutor_a"):
        with pytest.raises(PermissionDenied):
            services.supervisor_revoke(supervisor=supervisor, by=people[who], reason="越权")
    assert fresh(supervisor).state == SupervisorState.CERTIFIED
    assert _account(supervisor).is_active


def test_art18_nomination_can_be_refused_by_revoking_it(people, base):
    nominated = nominated_supervisor(base, people["secretary_a"])
    services.supervisor_revoke(supervisor=nominated, by=people["office"], reason="职称不符合要求")
    assert fresh(nominated).state == SupervisorState.REVOKED
    with pytest.raises(PracticeError, match="当前状态为“已撤销”"):
        _certify(nominated, people["office"])


def test_art18_only_certified_and_unexpired_supervisors_are_selectable(people, base):
    today = timezone.localdate()
    year_ago = today - timedelta(days=365)
    open_ended = certified_supervisor(base, people, name="甲")
    until_today = certified_supervisor(
        base, people, name="乙", certified_on=year_ago, valid_until=today
    )
    expired = certified_supervisor(
        base, people, name="丙", certified_on=year_ago, valid_until=today - timedelta(days=1)
    )
    nominated = nominated_supervisor(base, people["secretary_a"], name="丁")
    revoked = certified_supervisor(base, people, name="戊")
    services.supervisor_revoke(supervisor=revoked, by=people["office"], reason="已离职")

    assert set(BaseSupervisor.objects.selectable()) == {open_ended, until_today}
    assert expired not in BaseSupervisor.objects.selectable()
    assert nominated not in BaseSupervisor.objects.selectable()
    tomorrow = today + timedelta(days=1)
    assert set(BaseSupervisor.objects.selectable(on=tomorrow)) == {open_ended}


# --- who sees which request ----------------------------------------------------------------------------


@pytest.fixture
def requests(people, college_a, college_b, base, supervisor):
    """student_a's at ``base`` with ``supervisor``; student_b's (college A) at another base;
    a college B student's at a college B base."""
    other = certified_supervisor(active_base(college_a, people["office"]), people, name="赵海波")
    tutor_c = make_user("tutor_c", R.CAMPUS_SUPERVISOR, college=college_b, name="何永红")
    student_c = make_student("student_c", college_b, supervisor=tutor_c).user
    base_b = active_base(college_b, people["office"])
    supervisor_b = certified_supervisor(base_b, people, name="格绒丹增")
    return {
        "a": complete_request(people["student_a"], base, supervisor),
        "b": complete_request(people["student_b"], other.base, other),
        "c": complete_request(student_c, base_b, supervisor_b),
        "tutor_c": tutor_c,
        "mentor_a": _account(supervisor),
        "mentor_b": _account(other),
    }


def test_each_role_sees_its_own_requests(people, requests):
    a, b, c = requests["a"], requests["b"], requests["c"]
    expected = {
        "student_a": {a},
        "student_b": {b},
        "tutor_a": {a},
        "tutor_b": {b},
        "mentor_a": {a},
        "mentor_b": {b},
        "tutor_c": {c},
        "secretary_a": {a, b},
        "head_a": {a, b},
        "secretary_b": {c},
        "head_b": {c},
        "office": {a, b, c},
        "expert": set(),
    }
    for who, visible in expected.items():
        user = requests.get(who) or people[who]
        user = User.objects.get(pk=user.pk)
        assert set(PracticeRequest.objects.visible_to(user)) == visible, who


def test_anonymous_sees_no_request(requests):
    from django.contrib.auth.models import AnonymousUser

    assert not PracticeRequest.objects.visible_to(AnonymousUser()).exists()


def test_base_supervisor_sees_requests_through_the_linked_account(people, base, draft):
    existing = make_user("jikeay", R.BASE_SUPERVISOR, name="吉克阿依")
    linked = certified_supervisor(base, people, name="吉克阿依", account=existing)
    assert not PracticeRequest.objects.visible_to(existing).exists()
    req = complete_request(people["student_a"], base, linked, starts_on=PERIOD[0])
    assert list(PracticeRequest.objects.visible_to(existing)) == [req]


# --- found while writing these tests ---------------------------------------------------------------


def test_art22_stale_draft_page_cannot_replace_the_submitted_policy_scan(people, draft):
    stale_page = PracticeRequest.objects.get(pk=draft.pk)
    submitted_scan = draft.insurance_scan.name
    _submit(draft, people["student_a"])
    with pytest.raises(PracticeError), transaction.atomic():
        services.insurance_scan_set(
            req=stale_page, file=pdf_file("新保单.pdf"), by=people["student_a"]
        )
    after = fresh(draft)
    assert after.insurance_scan.name == submitted_scan
    assert after.insurance_scan.storage.exists(submitted_scan)


def test_art18_linking_an_account_already_used_at_another_base_is_refused_politely(
    people, college_a, base
):
    existing = make_user("jikeay", name="吉克阿依")
    certified_supervisor(base, people, name="吉克阿依", account=existing)
    other = nominated_supervisor(
        active_base(college_a, people["office"]), people["secretary_a"], name="吉克阿依"
    )
    with pytest.raises(PracticeError), transaction.atomic():
        _certify(other, people["office"], "XCU-009", account=existing)
    assert fresh(other).state == SupervisorState.NOMINATED
