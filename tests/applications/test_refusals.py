"""Art 7: each step refused to the wrong person, in the wrong state, or on a stale page."""

import pytest
from django.core.exceptions import PermissionDenied

from applications import services
from applications.choices import ApplicationState as S
from applications.choices import MeetingDecision, Recommendation
from applications.models import ExpertReview
from applications.services import AlreadyHandled, ApplicationError, Seen
from tests.applications.factories import (
    INSPECTION,
    MEETING,
    PLAQUE_DATE,
    SIGNING,
    advance_to,
    complete_application,
    complete_office_review,
    fresh,
    pdf_file,
    unchanged,
)
from tests.conftest import make_user
from xcu_bases.choices import RoleCode as R


def _seen(app):
    return services.seen(app)


# Every action, called the way a view would call it.
ACTIONS = {
    "submit": lambda app, by, people: services.application_submit(
        app=app, by=by, expected=_seen(app)
    ),
    "withdraw": lambda app, by, people: services.application_withdraw(
        app=app, by=by, expected=_seen(app), comment="撤回修改"
    ),
    "college_approve": lambda app, by, people: services.application_college_approve(
        app=app, by=by, expected=_seen(app), comment="同意推荐"
    ),
    "office_approve": lambda app, by, people: services.application_office_approve(
        app=app, by=by, expected=_seen(app), comment="同意"
    ),
    "legal_approve": lambda app, by, people: services.application_legal_approve(
        app=app, by=by, expected=_seen(app), comment="无法律问题"
    ),
    "return": lambda app, by, people: services.application_return(
        app=app, by=by, expected=_seen(app), comment="请修改"
    ),
    "reject": lambda app, by, people: services.application_reject(
        app=app, by=by, expected=_seen(app), comment="不予通过"
    ),
    "assign_experts": lambda app, by, people: services.experts_assign(
        app=app, experts=[people["expert_unassigned"]], by=by, expected=_seen(app)
    ),
    "inspection": lambda app, by, people: services.inspection_record(
        app=app,
        by=by,
        expected=_seen(app),
        data={**INSPECTION, "safety_qualification_checked": True, "emergency_plan_checked": True},
    ),
    "meeting": lambda app, by, people: services.meeting_record(
        app=app, by=by, expected=_seen(app), decision=MeetingDecision.APPROVE, **MEETING
    ),
    "sign": lambda app, by, people: services.application_sign(
        app=app, by=by, expected=_seen(app), scan=pdf_file("协议书.pdf"), **SIGNING
    ),
    "establish": lambda app, by, people: services.application_establish(
        app=app, by=by, expected=_seen(app), plaque_date=PLAQUE_DATE
    ),
}


@pytest.fixture
def app_in(people):
    """College A's application in ``state``; in office review the review is complete,
    so only the person (or the state) is wrong."""

    def make(state):
        app = complete_application(people["secretary_a"], deviates=state == S.LEGAL_REVIEW)
        app = advance_to(app, state, people)
        if state == S.OFFICE_REVIEW:
            app = complete_office_review(app, people)
        return app

    return make


WRONG_ROLE = [
    # Art 7(1): only the college's own secretary files.
    (S.DRAFT, "submit", "secretary_b"),
    (S.DRAFT, "submit", "head_a"),
    (S.DRAFT, "submit", "office"),
    (S.DRAFT, "submit", "student_a"),
    # Art 7(2): only the college's own head gives the college's opinion.
    (S.COLLEGE_REVIEW, "college_approve", "secretary_a"),
    (S.COLLEGE_REVIEW, "college_approve", "head_b"),
    (S.COLLEGE_REVIEW, "college_approve", "office"),
    (S.COLLEGE_REVIEW, "college_approve", "student_a"),
    (S.COLLEGE_REVIEW, "withdraw", "head_a"),
    (S.COLLEGE_REVIEW, "withdraw", "secretary_b"),
    (S.COLLEGE_REVIEW, "withdraw", "student_a"),
    (S.COLLEGE_REVIEW, "return", "office"),
    (S.COLLEGE_REVIEW, "return", "head_b"),
    (S.COLLEGE_REVIEW, "reject", "secretary_a"),
    # Art 7(3): the graduate office's steps.
    (S.OFFICE_REVIEW, "office_approve", "expert1"),
    (S.OFFICE_REVIEW, "office_approve", "legal"),
    (S.OFFICE_REVIEW, "office_approve", "head_a"),
    (S.OFFICE_REVIEW, "office_approve", "student_a"),
    (S.OFFICE_REVIEW, "assign_experts", "expert1"),
    (S.OFFICE_REVIEW, "assign_experts", "legal"),
    (S.OFFICE_REVIEW, "inspection", "expert1"),
    (S.OFFICE_REVIEW, "inspection", "head_a"),
    (S.OFFICE_REVIEW, "return", "head_a"),
    (S.OFFICE_REVIEW, "return", "expert1"),
    (S.OFFICE_REVIEW, "reject", "legal"),
    (S.OFFICE_REVIEW, "reject", "student_a"),
    # Art 7(3): only the legal office passes the legal review.
    (S.LEGAL_REVIEW, "legal_approve", "office"),
    (S.LEGAL_REVIEW, "legal_approve", "head_a"),
    (S.LEGAL_REVIEW, "legal_approve", "expert1"),
    (S.LEGAL_REVIEW, "legal_approve", "student_a"),
    (S.LEGAL_REVIEW, "return", "office"),
    (S.LEGAL_REVIEW, "reject", "head_a"),
    # Art 7(4)-(5): the meeting, signing and plaque are recorded by the office.
    (S.MEETING, "meeting", "legal"),
    (S.MEETING, "meeting", "head_a"),
    (S.MEETING, "return", "legal"),
    (S.MEETING, "reject", "secretary_a"),
    (S.APPROVED, "sign", "head_a"),
    (S.APPROVED, "sign", "legal"),
    (S.SIGNED, "establish", "secretary_a"),
    (S.SIGNED, "establish", "expert1"),
]


@pytest.mark.parametrize(("state", "action", "who"), WRONG_ROLE)
def test_art7_step_refused_to_the_wrong_role(state, action, who, app_in, people):
    app = app_in(state)

    with unchanged(app), pytest.raises(PermissionDenied):
        ACTIONS[action](app, people[who], people)


WRONG_STATE = [
    (S.DRAFT, "college_approve", "head_a"),
    (S.DRAFT, "office_approve", "office"),
    (S.DRAFT, "withdraw", "secretary_a"),
    (S.DRAFT, "return", "head_a"),
    (S.DRAFT, "reject", "office"),
    (S.DRAFT, "assign_experts", "office"),
    (S.COLLEGE_REVIEW, "submit", "secretary_a"),
    (S.COLLEGE_REVIEW, "office_approve", "office"),
    (S.COLLEGE_REVIEW, "assign_experts", "office"),
    (S.COLLEGE_REVIEW, "inspection", "office"),
    (S.OFFICE_REVIEW, "legal_approve", "legal"),
    (S.OFFICE_REVIEW, "meeting", "office"),
    (S.OFFICE_REVIEW, "sign", "office"),
    (S.MEETING, "legal_approve", "legal"),
    (S.MEETING, "withdraw", "secretary_a"),
    (S.MEETING, "sign", "office"),
    (S.MEETING, "establish", "office"),
    (S.APPROVED, "establish", "office"),
    (S.APPROVED, "return", "office"),
    (S.APPROVED, "reject", "office"),
    (S.APPROVED, "withdraw", "secretary_a"),
    (S.APPROVED, "meeting", "office"),
    (S.SIGNED, "sign", "office"),
    (S.ESTABLISHED, "establish", "office"),
    (S.ESTABLISHED, "reject", "office"),
]


@pytest.mark.parametrize(("state", "action", "who"), WRONG_STATE)
def test_art7_step_refused_in_the_wrong_state(state, action, who, app_in, people):
    app = app_in(state)

    with unchanged(app), pytest.raises(ApplicationError) as refused:
        ACTIONS[action](app, people[who], people)
    assert not isinstance(refused.value, AlreadyHandled)
    assert "当前状态" in refused.value.message or "已提交" in refused.value.message


# --- Art 7(3): the office's review must be complete -------------------------------


def _office_approve(app, people):
    return services.application_office_approve(
        app=app, by=people["office"], expected=_seen(app), comment="同意"
    )


def test_art7_3_office_cannot_pass_without_experts_or_inspection(people):
    app = advance_to(complete_application(people["secretary_a"]), S.OFFICE_REVIEW, people)

    with unchanged(app), pytest.raises(ApplicationError) as refused:
        _office_approve(app, people)

    assert refused.value.message == "暂不能“论证考察通过”。"
    assert refused.value.details == ["尚未指定评审专家。", "尚未登记实地考察情况。"]


def test_art7_3_office_cannot_pass_until_every_expert_answered(people):
    app = advance_to(complete_application(people["secretary_a"]), S.OFFICE_REVIEW, people)
    office = people["office"]
    first, _ = services.experts_assign(
        app=app, experts=[people["expert1"], people["expert2"]], by=office, expected=_seen(app)
    )
    services.expert_review_submit(
        review=first, by=people["expert1"], recommendation=Recommendation.APPROVE, opinion="同意"
    )
    ACTIONS["inspection"](app, office, people)

    with unchanged(app), pytest.raises(ApplicationError) as refused:
        _office_approve(app, people)

    assert refused.value.details == ["以下专家尚未提交评审意见：孙晓燕。"]


def test_art7_3_office_cannot_pass_without_emergency_plan_check(people):
    app = advance_to(complete_application(people["secretary_a"]), S.OFFICE_REVIEW, people)
    app = complete_office_review(app, people, emergency=False)

    with unchanged(app), pytest.raises(ApplicationError) as refused:
        _office_approve(app, people)

    assert refused.value.details == ["实地考察尚未完成应急预案审查。"]


def test_art7_3_office_cannot_pass_without_safety_qualification_check(people):
    app = advance_to(complete_application(people["secretary_a"]), S.OFFICE_REVIEW, people)
    app = complete_office_review(app, people, safety=False)

    with unchanged(app), pytest.raises(ApplicationError) as refused:
        _office_approve(app, people)

    assert refused.value.details == ["实地考察尚未完成合作单位安全生产资质核查。"]


def test_art7_3_office_passes_once_both_checks_are_recorded(people):
    app = advance_to(complete_application(people["secretary_a"]), S.OFFICE_REVIEW, people)
    app = complete_office_review(app, people, safety=False, emergency=False)
    with pytest.raises(ApplicationError) as refused:
        _office_approve(app, people)
    assert refused.value.details == [
        "实地考察尚未完成合作单位安全生产资质核查。",
        "实地考察尚未完成应急预案审查。",
    ]

    ACTIONS["inspection"](app, people["office"], people)  # both checks done now
    app = _office_approve(app, people)

    assert fresh(app).state == S.MEETING


# --- Art 7(3): expert reviews ---------------------------------------------------------


@pytest.fixture
def assigned(people):
    app = advance_to(complete_application(people["secretary_a"]), S.OFFICE_REVIEW, people)
    services.experts_assign(
        app=app,
        experts=[people["expert1"], people["expert2"]],
        by=people["office"],
        expected=_seen(app),
    )
    return app


def _review_of(app, expert):
    return ExpertReview.objects.get(application=app, expert=expert)


@pytest.mark.parametrize("who", ["expert2", "expert_unassigned", "office"])
def test_art7_3_expert_cannot_submit_someone_elses_review(who, assigned, people):
    review = _review_of(assigned, people["expert1"])

    with pytest.raises(PermissionDenied):
        services.expert_review_submit(
            review=review, by=people[who], recommendation=Recommendation.DECLINE, opinion="不同意"
        )

    review.refresh_from_db()
    assert (review.submitted_at, review.opinion, review.recommendation) == (None, "", "")


def test_art7_3_expert_cannot_submit_twice(assigned, people):
    expert = people["expert1"]
    review = _review_of(assigned, expert)
    services.expert_review_submit(
        review=review, by=expert, recommendation=Recommendation.APPROVE, opinion="建议批准。"
    )

    with pytest.raises(AlreadyHandled, match="不能重复提交"):
        services.expert_review_submit(
            review=review, by=expert, recommendation=Recommendation.DECLINE, opinion="改变主意。"
        )

    review.refresh_from_db()
    assert (review.recommendation, review.opinion) == (Recommendation.APPROVE, "建议批准。")


def test_art7_3_expert_review_needs_an_opinion(assigned, people):
    review = _review_of(assigned, people["expert1"])

    with pytest.raises(ApplicationError, match="请填写评审意见"):
        services.expert_review_submit(
            review=review, by=people["expert1"], recommendation=Recommendation.APPROVE, opinion=" "
        )

    review.refresh_from_db()
    assert review.submitted_at is None


@pytest.mark.parametrize("recommendation", ["", "maybe"])
def test_art7_3_expert_review_needs_a_valid_recommendation(recommendation, assigned, people):
    review = _review_of(assigned, people["expert1"])

    with pytest.raises(ApplicationError):
        services.expert_review_submit(
            review=review, by=people["expert1"], recommendation=recommendation, opinion="意见"
        )

    review.refresh_from_db()
    assert review.submitted_at is None


def test_art7_3_expert_cannot_review_after_the_office_review_ended(assigned, people):
    review = _review_of(assigned, people["expert1"])
    services.application_return(
        app=assigned, by=people["office"], expected=_seen(assigned), comment="请修改"
    )

    with pytest.raises(ApplicationError, match="已不在专家评审阶段"):
        services.expert_review_submit(
            review=review,
            by=people["expert1"],
            recommendation=Recommendation.APPROVE,
            opinion="好",
        )


def test_art7_3_only_experts_can_be_assigned(assigned, people):
    for experts in ([people["head_a"]], [people["expert_unassigned"], people["legal"]], []):
        with unchanged(assigned), pytest.raises(ApplicationError, match="评审专家角色"):
            services.experts_assign(
                app=assigned, experts=experts, by=people["office"], expected=_seen(assigned)
            )


def test_art7_3_assigning_the_same_expert_again_adds_nothing(assigned, people):
    with unchanged(assigned):
        created = services.experts_assign(
            app=assigned,
            experts=[people["expert1"]],
            by=people["office"],
            expected=_seen(assigned),
        )
    assert created == []


# --- drafting is the own secretary's, and only in draft ---------------------------------


def test_art7_1_only_a_secretary_with_a_college_creates_an_application(people):
    loner = make_user("secretary_none", R.COLLEGE_SECRETARY)
    for who in (people["head_a"], people["office"], people["student_a"], loner):
        with pytest.raises(PermissionDenied):
            services.application_create(by=who)


def test_art7_1_only_the_own_secretary_edits_and_only_in_draft(people):
    app = complete_application(people["secretary_a"])
    for who in ("secretary_b", "head_a", "office"):
        with unchanged(app), pytest.raises(PermissionDenied):
            services.attachment_add(app=app, file=pdf_file(), by=people[who])
        with unchanged(app), pytest.raises(PermissionDenied):
            services.agreement_document_set(
                draft=app.agreement_draft, file=pdf_file(), by=people[who]
            )

    app = advance_to(app, S.COLLEGE_REVIEW, people)

    with unchanged(app), pytest.raises(ApplicationError, match="已提交，不能修改"):
        services.attachment_add(app=app, file=pdf_file(), by=people["secretary_a"])
    with unchanged(app), pytest.raises(ApplicationError, match="已提交，不能修改"):
        services.attachment_delete(attachment=app.attachments.get(), by=people["secretary_a"])


# --- a stale page: the application moved on since the user looked at it --------------------


def test_art7_stale_seen_is_already_handled(people):
    app = complete_application(people["secretary_a"])
    seen_as_draft = _seen(app)
    app = services.application_submit(app=app, by=people["secretary_a"], expected=seen_as_draft)

    with unchanged(app), pytest.raises(AlreadyHandled, match="已被他人处理"):
        services.application_college_approve(
            app=app, by=people["head_a"], expected=seen_as_draft, comment="同意"
        )
    with unchanged(app), pytest.raises(AlreadyHandled):
        services.application_submit(app=app, by=people["secretary_a"], expected=seen_as_draft)


def test_art7_stale_round_is_already_handled(people):
    """Same state, but a later submission: the head saw round 1, round 2 is waiting."""
    app = advance_to(complete_application(people["secretary_a"]), S.COLLEGE_REVIEW, people)
    seen_round_1 = _seen(app)
    app = services.application_return(
        app=app, by=people["head_a"], expected=seen_round_1, comment="请修改"
    )
    app = services.application_submit(app=app, by=people["secretary_a"], expected=_seen(app))
    assert (app.state, app.round) == (S.COLLEGE_REVIEW, 2)
    assert seen_round_1 == Seen(state=S.COLLEGE_REVIEW, round=1)

    with unchanged(app), pytest.raises(AlreadyHandled):
        services.application_college_approve(
            app=app, by=people["head_a"], expected=seen_round_1, comment="同意"
        )


def test_art7_3_office_steps_on_a_stale_page_are_already_handled(people):
    app = advance_to(complete_application(people["secretary_a"]), S.OFFICE_REVIEW, people)
    stale = Seen(state=S.COLLEGE_REVIEW, round=1)

    with unchanged(app), pytest.raises(AlreadyHandled):
        services.experts_assign(
            app=app, experts=[people["expert1"]], by=people["office"], expected=stale
        )
    with unchanged(app), pytest.raises(AlreadyHandled):
        services.application_office_approve(
            app=app, by=people["office"], expected=stale, comment="同意"
        )
