"""Art 7: the whole approval chain of Annex 1, step by step, through the services."""

from datetime import date

import pytest

from agreements.choices import BaseLevel, BaseState
from agreements.models import Agreement, Base, Partner
from applications import services, snapshot
from applications.choices import ApplicationState as S
from applications.choices import MeetingDecision
from applications.models import ApplicationSnapshot, BaseApplication, MeetingRecord
from applications.services import ApplicationError
from tests.applications.factories import (
    APPLICATION_VALUES,
    COMMENTS,
    CREDIT_CODE,
    MEETING,
    PLAQUE_DATE,
    SIGNING,
    advance_to,
    complete_application,
    complete_office_review,
    fresh,
    unchanged,
)
from xcu_bases.choices import RoleCode as R
from xcu_bases.models import TransitionLog

MEETING_COMMENT = "2026年第12次校长办公会（2026年04月15日）"
SIGN_COMMENT = "协议期限 2026年05月10日 至 2031年05月09日"
PLAQUE_COMMENT = "挂牌日期 2026年06月01日"
INSPECTION_COMMENT = "2026年03月20日，罗晓梅、赵国庆、孙晓燕；安全生产资质已核查、应急预案已审查"

# Who reviews each step, and in which role the log records it.
REVIEWERS = {
    S.COLLEGE_REVIEW: ("head_a", R.COLLEGE_HEAD),
    S.OFFICE_REVIEW: ("office", R.GRADUATE_OFFICE),
    S.LEGAL_REVIEW: ("legal", R.LEGAL_OFFICE),
    S.MEETING: ("office", R.GRADUATE_OFFICE),
}


def timeline(app) -> list[tuple]:
    return [
        (
            log.transition,
            log.source_state,
            log.target_state,
            log.by.username,
            log.role,
            log.comment,
        )
        for log in TransitionLog.objects.for_object(app).select_related("by")
    ]


def last_log(app) -> TransitionLog:
    return TransitionLog.objects.for_object(app).last()


@pytest.fixture
def in_review(people):
    """An application of college A waiting in ``state`` (the legal step needs a deviation)."""

    def make(state):
        app = complete_application(people["secretary_a"], deviates=state == S.LEGAL_REVIEW)
        return advance_to(app, state, people)

    return make


# --- the whole chain -----------------------------------------------------------


def test_art7_chain_without_legal_review(people, college_a):
    app = complete_application(people["secretary_a"], deviates=False)
    assert (app.state, app.round) == (S.DRAFT, 0)

    app = advance_to(app, S.ESTABLISHED, people)

    app.refresh_from_db()
    assert app.state == S.ESTABLISHED
    assert app.round == 1
    assert app.submitted_at is not None
    assert app.sent_to_legal is False
    assert timeline(app) == [
        ("submit", "draft", "college_review", "secretary_a", R.COLLEGE_SECRETARY, ""),
        ("college_approve", "college_review", "office_review", "head_a", R.COLLEGE_HEAD,
         COMMENTS["college_approve"]),
        ("assign_experts", "office_review", "office_review", "office", R.GRADUATE_OFFICE,
         "赵国庆、孙晓燕"),
        ("expert_review", "office_review", "office_review", "expert1", R.EXPERT, ""),
        ("expert_review", "office_review", "office_review", "expert2", R.EXPERT, ""),
        ("site_inspection", "office_review", "office_review", "office", R.GRADUATE_OFFICE,
         INSPECTION_COMMENT),
        ("office_approve", "office_review", "meeting", "office", R.GRADUATE_OFFICE,
         COMMENTS["office_approve"]),
        ("meeting_approve", "meeting", "approved", "office", R.GRADUATE_OFFICE, MEETING_COMMENT),
        ("sign", "approved", "signed", "office", R.GRADUATE_OFFICE, SIGN_COMMENT),
        ("establish", "signed", "established", "office", R.GRADUATE_OFFICE, PLAQUE_COMMENT),
    ]  # fmt: skip


def test_art7_chain_with_legal_review(people):
    app = complete_application(people["secretary_a"], deviates=True)

    app = advance_to(app, S.ESTABLISHED, people)

    app.refresh_from_db()
    assert app.state == S.ESTABLISHED
    assert app.sent_to_legal is True
    assert [row[:5] for row in timeline(app)] == [
        ("submit", "draft", "college_review", "secretary_a", R.COLLEGE_SECRETARY),
        ("college_approve", "college_review", "office_review", "head_a", R.COLLEGE_HEAD),
        ("assign_experts", "office_review", "office_review", "office", R.GRADUATE_OFFICE),
        ("expert_review", "office_review", "office_review", "expert1", R.EXPERT),
        ("expert_review", "office_review", "office_review", "expert2", R.EXPERT),
        ("site_inspection", "office_review", "office_review", "office", R.GRADUATE_OFFICE),
        ("office_approve", "office_review", "legal_review", "office", R.GRADUATE_OFFICE),
        ("legal_approve", "legal_review", "meeting", "legal", R.LEGAL_OFFICE),
        ("meeting_approve", "meeting", "approved", "office", R.GRADUATE_OFFICE),
        ("sign", "approved", "signed", "office", R.GRADUATE_OFFICE),
        ("establish", "signed", "established", "office", R.GRADUATE_OFFICE),
    ]
    assert last_log(app).comment == PLAQUE_COMMENT
    legal_row = TransitionLog.objects.for_object(app).get(transition="legal_approve")
    assert legal_row.comment == COMMENTS["legal_approve"]


def test_art7_each_step_writes_exactly_one_log_row_with_chinese_labels(people):
    app = complete_application(people["secretary_a"], deviates=True)
    for state in [S.COLLEGE_REVIEW, S.OFFICE_REVIEW]:
        before = TransitionLog.objects.for_object(app).count()
        app = advance_to(app, state, people)
        assert TransitionLog.objects.for_object(app).count() == before + 1
    app = complete_office_review(app, people)  # logs assignment, two opinions, the inspection
    for state in [S.LEGAL_REVIEW, S.MEETING, S.APPROVED, S.SIGNED, S.ESTABLISHED]:
        before = TransitionLog.objects.for_object(app).count()
        app = advance_to(app, state, people)
        assert TransitionLog.objects.for_object(app).count() == before + 1
        assert last_log(app).target_state == state

    submit = TransitionLog.objects.for_object(app).first()
    assert (submit.transition_label, submit.source_label, submit.target_label) == (
        "提交申报",
        "草稿",
        "学院审核",
    )
    legal = TransitionLog.objects.for_object(app).get(transition="legal_approve")
    assert (legal.transition_label, legal.source_label, legal.target_label) == (
        "法律审核通过",
        "法治与督办科审核",
        "校长办公会审定",
    )


def test_art7_4_signing_creates_the_base_and_its_agreement(people, college_a):
    app = advance_to(complete_application(people["secretary_a"]), S.SIGNED, people)

    base = Base.objects.get(application=app)
    assert base.state == BaseState.PREPARING
    assert base.plaque_date is None
    agreement = Agreement.objects.get(application=app)
    assert agreement.base == base
    assert (agreement.signed_on, agreement.starts_on, agreement.ends_on) == (
        SIGNING["signed_on"],
        SIGNING["starts_on"],
        SIGNING["ends_on"],
    )
    assert agreement.scan_name == "协议书（签字盖章）.pdf"
    assert agreement.recorded_by == people["office"]
    assert agreement.in_force_on(date(2030, 1, 1))


def test_art7_5_plaque_makes_the_base_active(people, college_a):
    app = advance_to(complete_application(people["secretary_a"]), S.ESTABLISHED, people)

    base = Base.objects.get(application=app)
    assert base.state == BaseState.ACTIVE
    assert base.plaque_date == PLAQUE_DATE
    assert base.level == BaseLevel.SCHOOL
    assert base.college == college_a
    assert base.name == APPLICATION_VALUES["base_name"]
    assert base.partner == Partner.objects.get(credit_code=CREDIT_CODE)
    assert base.partner.name == APPLICATION_VALUES["partner_name"]
    assert app.partner == base.partner
    base_log = TransitionLog.objects.for_object(base)
    assert [(r.transition, r.source_state, r.target_state) for r in base_log] == [
        ("award_plaque", "preparing", "active")
    ]
    assert Agreement.objects.filter(base=base).count() == 1


def test_art7_1_each_submission_is_frozen_in_a_snapshot(people):
    app = complete_application(people["secretary_a"])

    app = advance_to(app, S.COLLEGE_REVIEW, people)

    snap = ApplicationSnapshot.objects.get(application=app)
    assert snap.round == app.round == 1
    assert snap.submitted_by == people["secretary_a"]
    assert snap.data["college"] == "测试甲学院"
    assert snap.data["fields"]["base_name"] == {
        "label": "基地名称",
        "value": APPLICATION_VALUES["base_name"],
    }
    assert snap.data["fields"]["national_funding"]["value"] == "180"
    assert [a["name"] for a in snap.data["attachments"]] == ["合作协议（2018）.pdf"]
    assert snap.data["agreement"]["document"]["value"] == "协议书草案.pdf"
    assert snap.data["disciplines"][0]["code"] == "0951"


def test_art7_3_only_a_deviating_agreement_is_sent_to_the_legal_office(people):
    standard = advance_to(complete_application(people["secretary_a"]), S.OFFICE_REVIEW, people)
    deviating = advance_to(
        complete_application(people["secretary_a"], deviates=True), S.OFFICE_REVIEW, people
    )
    assert not fresh(deviating).sent_to_legal  # not before the office has passed it

    standard = advance_to(standard, S.MEETING, people)
    deviating = advance_to(deviating, S.LEGAL_REVIEW, people)

    assert fresh(standard).sent_to_legal is False
    assert fresh(deviating).sent_to_legal is True
    assert list(BaseApplication.objects.visible_to(people["legal"])) == [deviating]


# --- returns, rejections, withdrawals -------------------------------------------


@pytest.mark.parametrize("state", list(REVIEWERS))
def test_art7_every_review_step_can_return_to_draft_with_a_comment(state, in_review, people):
    app = in_review(state)
    reviewer, role = REVIEWERS[state]

    with unchanged(app), pytest.raises(ApplicationError, match="请填写退回修改的意见"):
        services.application_return(
            app=app, by=people[reviewer], expected=services.seen(app), comment="  \n "
        )

    services.application_return(
        app=app, by=people[reviewer], expected=services.seen(app), comment="请补充合作协议原件。"
    )

    app.refresh_from_db()
    assert app.state == S.DRAFT
    assert app.round == 1
    assert timeline(app)[-1] == (
        "return_to_draft",
        state,
        "draft",
        reviewer,
        role,
        "请补充合作协议原件。",
    )
    assert last_log(app).transition_label == "退回修改"
    services.check_editable(app, people["secretary_a"])  # the college may edit again


@pytest.mark.parametrize("state", list(REVIEWERS))
def test_art7_every_review_step_can_reject_with_a_reason(state, in_review, people):
    app = in_review(state)
    reviewer, role = REVIEWERS[state]

    with unchanged(app), pytest.raises(ApplicationError, match="请填写不予通过的理由"):
        services.application_reject(
            app=app, by=people[reviewer], expected=services.seen(app), comment=""
        )

    services.application_reject(
        app=app, by=people[reviewer], expected=services.seen(app), comment="合作单位不具备条件。"
    )

    app.refresh_from_db()
    assert app.state == S.REJECTED
    assert timeline(app)[-1] == (
        "reject",
        state,
        "rejected",
        reviewer,
        role,
        "合作单位不具备条件。",
    )
    # Terminal: nothing moves it any more.
    for action in (services.application_submit, services.application_withdraw):
        with unchanged(app), pytest.raises(ApplicationError):
            action(app=app, by=people["secretary_a"], expected=services.seen(app))


@pytest.mark.parametrize("state", [S.COLLEGE_REVIEW, S.OFFICE_REVIEW, S.LEGAL_REVIEW])
def test_art7_secretary_can_withdraw_before_the_meeting(state, in_review, people):
    app = in_review(state)

    services.application_withdraw(
        app=app, by=people["secretary_a"], expected=services.seen(app), comment="补充证明材料"
    )

    app.refresh_from_db()
    assert app.state == S.DRAFT
    assert timeline(app)[-1] == (
        "withdraw",
        state,
        "draft",
        "secretary_a",
        R.COLLEGE_SECRETARY,
        "补充证明材料",
    )


def test_art7_secretary_cannot_withdraw_at_the_meeting(in_review, people):
    app = in_review(S.MEETING)

    with unchanged(app), pytest.raises(ApplicationError, match="不能执行“撤回申报”"):
        services.application_withdraw(
            app=app, by=people["secretary_a"], expected=services.seen(app)
        )


def test_art7_4_meeting_rejection_ends_the_application_and_needs_notes(in_review, people):
    app = in_review(S.MEETING)
    office = people["office"]

    with unchanged(app), pytest.raises(ApplicationError, match="不予批准的理由"):
        services.meeting_record(
            app=app,
            by=office,
            expected=services.seen(app),
            decision=MeetingDecision.REJECT,
            notes=" ",
            **MEETING,
        )

    services.meeting_record(
        app=app,
        by=office,
        expected=services.seen(app),
        decision=MeetingDecision.REJECT,
        notes="合作单位安全生产条件不足。",
        **MEETING,
    )

    app.refresh_from_db()
    assert app.state == S.REJECTED
    record = MeetingRecord.objects.get(application=app)
    assert (record.decision, record.notes, record.recorded_by) == (
        MeetingDecision.REJECT,
        "合作单位安全生产条件不足。",
        office,
    )
    assert timeline(app)[-1] == (
        "reject",
        "meeting",
        "rejected",
        "office",
        R.GRADUATE_OFFICE,
        f"{MEETING_COMMENT}：合作单位安全生产条件不足。",
    )
    assert not Base.objects.filter(application=app).exists()


@pytest.mark.parametrize("decision", ["", "postpone"])
def test_art7_4_meeting_refuses_an_unknown_decision(decision, in_review, people):
    app = in_review(S.MEETING)

    with unchanged(app), pytest.raises(ApplicationError):
        services.meeting_record(
            app=app,
            by=people["office"],
            expected=services.seen(app),
            decision=decision,
            **MEETING,
        )


# --- resubmission ----------------------------------------------------------------


def test_art7_resubmission_is_a_new_round_and_shows_what_changed(in_review, people):
    secretary = people["secretary_a"]
    app = in_review(S.OFFICE_REVIEW)
    app = services.application_return(
        app=app, by=people["office"], expected=services.seen(app), comment="请核实联系电话和人数。"
    )
    app.contact_phone = "0834-2580999"
    app.partner_total_staff = 200
    app.save()

    app = services.application_submit(app=app, by=secretary, expected=services.seen(app))

    app.refresh_from_db()
    assert (app.state, app.round) == (S.COLLEGE_REVIEW, 2)
    old, new = ApplicationSnapshot.objects.filter(application=app)
    assert (old.round, new.round) == (1, 2)
    assert snapshot.diff(old.data, new.data) == [
        {"label": "联系电话", "old": "0834-2580123", "new": "0834-2580999"},
        {"label": "总人数", "old": "180", "new": "200"},
    ]
    assert [r[0] for r in timeline(app)].count("submit") == 2

    app = services.application_return(
        app=app, by=people["head_a"], expected=services.seen(app), comment="再核实一次。"
    )
    app = services.application_submit(app=app, by=secretary, expected=services.seen(app))
    assert fresh(app).round == 3
    assert ApplicationSnapshot.objects.filter(application=app).count() == 3
    third = ApplicationSnapshot.objects.get(application=app, round=3)
    assert snapshot.diff(new.data, third.data) == []


def test_art7_3_expert_reviews_of_an_earlier_round_do_not_count(in_review, people):
    app = in_review(S.OFFICE_REVIEW)
    app = complete_office_review(app, people)
    app = services.application_return(
        app=app, by=people["office"], expected=services.seen(app), comment="请完善协议草案。"
    )
    app = advance_to(app, S.OFFICE_REVIEW, people)

    with unchanged(app), pytest.raises(ApplicationError) as refused:
        services.application_office_approve(
            app=app, by=people["office"], expected=services.seen(app), comment="同意"
        )
    assert refused.value.details == ["尚未指定评审专家。"]
