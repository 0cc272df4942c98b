"""Art 7: a renewal (续签) is a new agreement and goes through review, through the services.

College secretary files → college head → graduate office (decides whether the agreement
deviates from the template) → legal office (only when it deviates) → president's meeting, or
the authorising document instead → approved → signed (the base's new agreement).
"""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from agreements import renewals, services
from agreements.choices import BaseState
from agreements.choices import RenewalState as S
from agreements.models import Agreement, Base
from agreements.renewal_models import Renewal
from tests.agreements.renewal_factories import (
    AUTHORISATION,
    COMMENTS,
    MEETING,
    advance,
    file_renewal,
    fresh,
    new_term,
    registered_base,
    renewal_people,
)
from tests.applications.factories import pdf_file
from tests.conftest import make_user
from tests.notices import captured, who
from xcu_bases.choices import NotificationKind as K
from xcu_bases.choices import RoleCode as R
from xcu_bases.inbox import tasks_for
from xcu_bases.models import TransitionLog
from xcu_bases.workflow import AlreadyHandled, WorkflowError, seen


@pytest.fixture
def people(college_a, college_b):
    return renewal_people(college_a, college_b)


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def base(people, college_a, today):
    return registered_base(college_a, people["office"], ends_on=today + timedelta(days=60))


def timeline(obj) -> list[tuple]:
    return [
        (log.transition, log.source_state, log.target_state, log.by.username if log.by else "",
         log.role)
        for log in TransitionLog.objects.for_object(obj).select_related("by")
    ]  # fmt: skip


def footprint(renewal) -> dict:
    row = fresh(renewal)
    return {
        "state": row.state, "round": row.round, "office_deviates": row.office_deviates,
        "reason": row.deviation_reason, "legal": row.sent_to_legal,
        "authorisation": (row.authorisation_number, row.authorised_on),
        "meeting": (row.meeting_date, row.meeting_session), "agreement": row.agreement_id,
        "log": TransitionLog.objects.for_object(row).count(),
        "agreements": Agreement.objects.count(),
    }  # fmt: skip


# --- the whole chain ----------------------------------------------------------------------


def test_art7_renewal_goes_through_review(people, base, today):
    """Happy path through the legal office and the president's meeting."""
    term = new_term(base)
    renewal = file_renewal(base, people["secretary_a"], deviates=True)
    assert (renewal.state, renewal.round, renewal.document_name) == (
        S.DRAFT, 0, "续签协议书（草案）.pdf",
    )  # fmt: skip

    renewal = advance(renewal, S.SIGNED, people)

    renewal.refresh_from_db()
    assert renewal.state == S.SIGNED and renewal.round == 1
    assert (renewal.office_deviates, renewal.sent_to_legal) == (True, True)
    assert (renewal.meeting_date, renewal.meeting_session) == (
        MEETING["meeting_date"], MEETING["session"],
    )  # fmt: skip
    assert timeline(renewal) == [
        ("submit", "draft", "college_review", "secretary_a", R.COLLEGE_SECRETARY),
        ("college_approve", "college_review", "office_review", "head_a", R.COLLEGE_HEAD),
        ("office_approve", "office_review", "legal_review", "office", R.GRADUATE_OFFICE),
        ("legal_approve", "legal_review", "meeting", "legal", R.LEGAL_OFFICE),
        ("meeting_approve", "meeting", "approved", "office", R.GRADUATE_OFFICE),
        ("sign", "approved", "signed", "office", R.GRADUATE_OFFICE),
    ]
    logs = TransitionLog.objects.for_object(renewal)
    assert logs.get(transition="college_approve").comment == COMMENTS["college_approve"]
    assert logs.get(transition="meeting_approve").comment.startswith(MEETING["session"])
    # The signed agreement is the base's new agreement, with the reviewed term.
    agreement = renewal.agreement
    assert agreement.base == base and base.agreements.count() == 2
    assert (agreement.starts_on, agreement.ends_on) == (renewal.starts_on, renewal.ends_on) == term
    assert (agreement.term_reason, agreement.recorded_by) == ("", people["office"])
    assert agreement.scan_name == "续签协议（签字盖章）.pdf"
    # The base was active all along; the new agreement is on its timeline.
    base = Base.objects.get(pk=base.pk)
    assert base.state == BaseState.ACTIVE
    last = TransitionLog.objects.for_object(base).last()
    assert (last.transition, last.source_state, last.target_state) == (
        "add_agreement", "active", "active",
    )  # fmt: skip


def test_art7_renewal_without_deviation_skips_the_legal_office(people, base):
    renewal = advance(file_renewal(base, people["secretary_a"]), S.MEETING, people)
    assert fresh(renewal).sent_to_legal is False
    assert "legal_review" not in {row[2] for row in timeline(renewal)}
    assert not Renewal.objects.visible_to(people["legal"]).exists()


def test_art7_renewal_skips_meeting_only_with_authorising_document(people, base, college_a):
    # Without the document it goes to the meeting, and the meeting step needs one or the other.
    renewal = advance(file_renewal(base, people["secretary_a"]), S.MEETING, people)
    before = footprint(renewal)
    with pytest.raises(WorkflowError, match="文件号和日期"):
        renewals.renewal_authorise(
            renewal=renewal, by=people["office"], expected=seen(renewal),
            authorisation_number="西学院〔2026〕21号", authorised_on=None,
        )  # fmt: skip
    with pytest.raises(WorkflowError, match="暂不能“校长办公会审定批准”"):  # the condition
        renewals.CHAIN.run(fresh(renewal), "meeting_approve", by=people["office"])
    assert footprint(renewal) == before

    renewal = renewals.renewal_authorise(
        renewal=renewal, by=people["office"], expected=seen(renewal), **AUTHORISATION
    )
    assert renewal.state == S.APPROVED
    row = TransitionLog.objects.for_object(renewal).last()
    assert (row.transition, row.source_state, row.target_state) == (
        "authorise", "meeting", "approved",
    )  # fmt: skip
    assert "西学院〔2026〕21号（2026年03月01日）" in row.comment

    # Recorded at the office review, the document takes it past the meeting at once …
    other = registered_base(college_a, people["office"], ends_on=base.latest_agreement().ends_on,
                            name="另一个基地")  # fmt: skip
    skipped = advance(file_renewal(other, people["secretary_a"]), S.APPROVED, people,
                      authorised=True)  # fmt: skip
    assert [row[0] for row in timeline(skipped)] == [
        "submit",
        "college_approve",
        "record_authorisation",
        "office_approve",
    ]
    assert (skipped.authorisation_number, skipped.meeting_date) == (
        AUTHORISATION["authorisation_number"], None,
    )  # fmt: skip


def test_art7_authorising_document_needs_number_and_date(people, base):
    renewal = advance(file_renewal(base, people["secretary_a"]), S.OFFICE_REVIEW, people)
    before = footprint(renewal)
    with pytest.raises(WorkflowError, match="同时填写文件号和日期"):
        renewals.renewal_office_approve(
            renewal=renewal, by=people["office"], expected=seen(renewal), comment="同意。",
            authorisation_number="西学院〔2026〕21号",
        )  # fmt: skip
    assert footprint(renewal) == before


def test_art7_after_legal_review_the_document_also_replaces_the_meeting(people, base):
    renewal = advance(file_renewal(base, people["secretary_a"], deviates=True),
                      S.LEGAL_REVIEW, people, authorised=True)  # fmt: skip
    renewal = advance(renewal, S.APPROVED, people)
    assert "meeting" not in {row[2] for row in timeline(renewal)}
    assert timeline(renewal)[-1][:3] == ("legal_approve", "legal_review", "approved")


# --- the office decides whether it deviates (Art 7(3)) ---------------------------------------


@pytest.mark.parametrize(
    ("declared", "decided", "reason", "target"),
    [
        (False, None, "", S.MEETING),  # kept
        (True, None, "", S.LEGAL_REVIEW),  # kept
        (False, True, "知识产权条款与模板不同。", S.LEGAL_REVIEW),  # changed
        (True, False, "仅更新了双方联系人，条款与模板一致。", S.MEETING),  # changed
    ],
    ids=["keeps-consistent", "keeps-deviating", "finds-deviating", "finds-consistent"],
)
def test_art7_renewal_legal_review_follows_office_decision(
    people, base, declared, decided, reason, target
):
    renewal = advance(file_renewal(base, people["secretary_a"], deviates=declared),
                      S.OFFICE_REVIEW, people)  # fmt: skip
    renewal = renewals.renewal_office_approve(
        renewal=renewal, by=people["office"], expected=seen(renewal), comment="同意续签。",
        deviates=decided, deviation_reason=reason,
    )  # fmt: skip
    renewal.refresh_from_db()
    assert renewal.state == target
    assert renewal.office_deviates is (target == S.LEGAL_REVIEW)
    assert renewal.sent_to_legal is (target == S.LEGAL_REVIEW)
    assert Renewal.objects.visible_to(people["legal"]).filter(pk=renewal.pk).exists() is (
        target == S.LEGAL_REVIEW
    )
    changed = TransitionLog.objects.for_object(renewal).filter(transition="decide_deviation")
    if decided is None:
        assert not changed.exists()
    else:
        assert reason in changed.get().comment


def test_art7_renewal_office_change_of_deviation_needs_reason(people, base):
    renewal = advance(file_renewal(base, people["secretary_a"]), S.OFFICE_REVIEW, people)
    before = footprint(renewal)
    with pytest.raises(WorkflowError, match="请填写理由"):
        renewals.renewal_office_approve(
            renewal=renewal, by=people["office"], expected=seen(renewal), comment="同意。",
            deviates=True, deviation_reason="  ",
        )  # fmt: skip
    assert footprint(renewal) == before


# --- returns, rejections, withdrawal ----------------------------------------------------------

REVIEWERS = {
    S.COLLEGE_REVIEW: ("head_a", R.COLLEGE_HEAD),
    S.OFFICE_REVIEW: ("office", R.GRADUATE_OFFICE),
    S.LEGAL_REVIEW: ("legal", R.LEGAL_OFFICE),
    S.MEETING: ("office", R.GRADUATE_OFFICE),
}


@pytest.mark.parametrize("state", list(REVIEWERS))
def test_art7_renewal_return_and_reject(people, base, state):
    reviewer, role = REVIEWERS[state]
    renewal = advance(file_renewal(base, people["secretary_a"], deviates=True), state, people)
    before = footprint(renewal)
    for service in (renewals.renewal_return, renewals.renewal_reject):
        with pytest.raises(WorkflowError, match="请填写"):
            service(renewal=renewal, by=people[reviewer], expected=seen(renewal), comment=" ")
        # Someone else's step: refused, nothing changed.
        with pytest.raises(PermissionDenied):
            service(renewal=renewal, by=people["secretary_a"], expected=seen(renewal),
                    comment="不行")  # fmt: skip
    assert footprint(renewal) == before

    renewal = renewals.renewal_return(
        renewal=renewal, by=people[reviewer], expected=seen(renewal), comment="请补充附件。"
    )
    assert renewal.state == S.DRAFT
    assert timeline(renewal)[-1] == ("return_to_draft", state, "draft", reviewer, role)
    # The college changes it and files it again; this time it is refused.
    renewals.renewal_update(
        renewal=renewal, by=people["secretary_a"], starts_on=renewal.starts_on,
        ends_on=renewal.ends_on, summary="已补充附件。", deviates_from_template=True,
    )  # fmt: skip
    renewal = advance(fresh(renewal), state, people)
    assert renewal.round == 2 and renewal.summary == "已补充附件。"
    renewal = renewals.renewal_reject(
        renewal=renewal, by=people[reviewer], expected=seen(renewal), comment="合作已终止。"
    )
    assert renewal.state == S.REJECTED
    assert timeline(renewal)[-1] == ("reject", state, "rejected", reviewer, role)
    assert TransitionLog.objects.for_object(renewal).last().comment == "合作已终止。"
    assert Base.objects.get(pk=base.pk).agreements.count() == 1
    # A refused renewal no longer blocks a new one.
    assert file_renewal(base, people["secretary_a"]).state == S.DRAFT


def test_art7_renewal_secretary_withdraws_before_the_meeting_only(people, base):
    renewal = advance(file_renewal(base, people["secretary_a"]), S.OFFICE_REVIEW, people)
    renewal = renewals.renewal_withdraw(
        renewal=renewal, by=people["secretary_a"], expected=seen(renewal), comment="补充材料"
    )
    assert renewal.state == S.DRAFT
    renewal = advance(renewal, S.MEETING, people)
    with pytest.raises(WorkflowError, match="不能执行“撤回续签申请”"):
        renewals.renewal_withdraw(renewal=renewal, by=people["secretary_a"],
                                  expected=seen(renewal))  # fmt: skip
    assert fresh(renewal).state == S.MEETING


def test_art7_a_stale_page_gets_already_handled(people, base):
    renewal = advance(file_renewal(base, people["secretary_a"]), S.OFFICE_REVIEW, people)
    page = seen(renewal)
    renewals.renewal_return(renewal=renewal, by=people["office"], expected=page, comment="补充")
    with pytest.raises(AlreadyHandled, match="已被他人处理"):
        renewals.renewal_office_approve(
            renewal=renewal, by=people["office2"], expected=page, comment="同意。"
        )


# --- filing ---------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["head_a", "office", "secretary_b", "legal", "student_a"])
def test_art7_only_a_secretary_of_the_base_college_files_a_renewal(people, base, who):
    with pytest.raises(PermissionDenied):
        file_renewal(base, people[who])
    assert not Renewal.objects.exists()


def test_art7_one_renewal_under_way_per_base(people, base):
    file_renewal(base, people["secretary_a"])
    with pytest.raises(WorkflowError, match="已有办理中的续签申请"):
        file_renewal(base, people["secretary_a"])
    assert Renewal.objects.count() == 1


def test_art7_renewal_draft_is_checked_by_content(people, base):
    with pytest.raises(ValidationError, match="内容不是允许的类型"):
        file_renewal(base, people["secretary_a"], document=pdf_file("草案.pdf", b"MZ\x90\x00"))
    starts_on, _ = new_term(base)
    with pytest.raises(WorkflowError, match="晚于开始日期"):
        file_renewal(base, people["secretary_a"], ends_on=starts_on)
    assert not Renewal.objects.exists()


def test_art7_a_revoked_base_cannot_renew(people, base):
    renewal = advance(file_renewal(base, people["secretary_a"]), S.APPROVED, people)
    services.base_revoke(base=base, by=people["office"], reason="期末考核不合格。")
    before = footprint(renewal)
    with pytest.raises(WorkflowError, match="已被撤销"):
        advance(renewal, S.SIGNED, people)
    assert footprint(renewal) == before
    with pytest.raises(WorkflowError, match="不能申请续签"):
        file_renewal(Base.objects.get(pk=base.pk), people["secretary_a"])


def test_art7_who_submitted_cannot_approve_at_the_college_step(people, base, college_a):
    both = make_user("secretary_head", R.COLLEGE_SECRETARY, R.COLLEGE_HEAD, college=college_a)
    renewal = file_renewal(base, both)
    renewal = renewals.renewal_submit(renewal=renewal, by=both, expected=seen(renewal))
    with pytest.raises(WorkflowError, match="本人提交"):
        renewals.renewal_college_approve(renewal=renewal, by=both, expected=seen(renewal),
                                         comment="同意。")  # fmt: skip
    with pytest.raises(PermissionDenied):
        renewals.renewal_college_approve(renewal=renewal, by=people["head_b"],
                                         expected=seen(renewal), comment="同意。")  # fmt: skip
    assert fresh(renewal).state == S.COLLEGE_REVIEW


def test_art7_submitting_needs_a_complete_renewal(people, base):
    renewal = file_renewal(base, people["secretary_a"], summary="  ")
    with pytest.raises(WorkflowError, match="尚不完整") as refused:
        renewals.renewal_submit(renewal=renewal, by=people["secretary_a"], expected=seen(renewal))
    assert "请填写与现协议相比的主要变更内容。" in refused.value.details
    assert fresh(renewal).state == S.DRAFT and fresh(renewal).round == 0


# --- the base while its renewal is under review, and after -----------------------------------


def test_art7_base_stays_active_while_renewal_under_review(people, base, today):
    renewal = advance(file_renewal(base, people["secretary_a"]), S.OFFICE_REVIEW, people)
    assert services.base_expire_due() == []
    assert Base.objects.get(pk=base.pk).state == BaseState.ACTIVE
    assert base.agreement_in_force(today) is not None
    # Once the current agreement has ended, the renewal under review does not keep it active.
    base.agreements.update(ends_on=today - timedelta(days=1))
    assert [b.pk for b in services.base_expire_due()] == [base.pk]
    assert Base.objects.get(pk=base.pk).state == BaseState.EXPIRED
    assert fresh(renewal).state == S.OFFICE_REVIEW  # still under review


def test_art7_signed_renewal_reactivates_expired_base(people, college_a, today):
    base = registered_base(college_a, people["office"], ends_on=today - timedelta(days=30))
    services.base_expire_due()
    assert Base.objects.get(pk=base.pk).state == BaseState.EXPIRED
    renewal = file_renewal(base, people["secretary_a"], starts_on=today - timedelta(days=5),
                           ends_on=today + timedelta(days=1800))  # fmt: skip

    renewal = advance(renewal, S.SIGNED, people)

    base = Base.objects.get(pk=base.pk)
    assert base.state == BaseState.ACTIVE
    assert base.agreement_in_force(today) == renewal.agreement
    row = TransitionLog.objects.for_object(base).last()
    assert (row.transition, row.source_state, row.target_state, row.by, row.role) == (
        "renew", "expired", "active", people["office"], R.GRADUATE_OFFICE,
    )  # fmt: skip
    assert f"{renewal.starts_on:%Y年%m月%d日}" in row.comment


def test_art7_a_renewal_starting_later_reactivates_the_base_when_it_starts(
    people, college_a, today
):
    base = registered_base(college_a, people["office"], ends_on=today - timedelta(days=30))
    services.base_expire_due()
    renewal = file_renewal(base, people["secretary_a"], starts_on=today + timedelta(days=3),
                           ends_on=today + timedelta(days=1800))  # fmt: skip
    renewal = advance(renewal, S.SIGNED, people)
    assert Base.objects.get(pk=base.pk).state == BaseState.EXPIRED
    Agreement.objects.filter(pk=renewal.agreement_id).update(starts_on=today)  # the day comes
    assert [b.pk for b in services.base_expire_due()] == [base.pk]
    assert Base.objects.get(pk=base.pk).state == BaseState.ACTIVE


# --- the signed term (Art 7(2)) --------------------------------------------------------------


def test_art7_renewal_signed_term_defaults_to_the_reviewed_term_and_a_change_needs_reason(
    people, base, today
):
    renewal = advance(file_renewal(base, people["secretary_a"]), S.APPROVED, people)
    later = renewal.starts_on + timedelta(days=30)
    before = footprint(renewal)
    with pytest.raises(WorkflowError, match="请填写理由"):
        renewals.renewal_sign(
            renewal=renewal, by=people["office"], expected=seen(renewal), signed_on=today,
            starts_on=later, ends_on=None, scan=pdf_file(),
        )  # fmt: skip
    assert footprint(renewal) == before

    renewal = renewals.renewal_sign(
        renewal=renewal, by=people["office"], expected=seen(renewal), signed_on=today,
        starts_on=later, ends_on=None, scan=pdf_file(), term_reason="合作单位改制，推迟一个月签署。",
    )  # fmt: skip
    agreement = renewal.agreement
    assert (agreement.starts_on, agreement.ends_on) == (later, renewal.ends_on)
    assert agreement.term_reason == "合作单位改制，推迟一个月签署。"
    assert "合作单位改制" in TransitionLog.objects.for_object(renewal).last().comment


# --- who sees what, who is told, whose inbox --------------------------------------------------


def test_art7_renewals_are_visible_to_the_college_the_office_and_a_legal_office_sent_them(
    people, base
):
    renewal = advance(file_renewal(base, people["secretary_a"], deviates=True),
                      S.OFFICE_REVIEW, people)  # fmt: skip

    def sees(who):
        return Renewal.objects.visible_to(people[who]).filter(pk=renewal.pk).exists()

    assert {w for w in people if sees(w)} == {"secretary_a", "head_a", "office", "office2"}
    advance(renewal, S.LEGAL_REVIEW, people)
    assert sees("legal") and not sees("secretary_b") and not sees("student_a")


def test_art7_renewal_notifies_the_next_actor_and_the_college(people, base):
    renewal = file_renewal(base, people["secretary_a"], deviates=True)
    with captured() as rows:
        renewal = advance(renewal, S.COLLEGE_REVIEW, people)
    assert who(rows) == [("head_a", K.TASK)]
    with captured() as rows:
        renewal = advance(renewal, S.OFFICE_REVIEW, people)
    assert who(rows) == [("office", K.TASK), ("office2", K.TASK), ("secretary_a", K.RESULT)]
    with captured() as rows:
        renewal = advance(renewal, S.LEGAL_REVIEW, people)
    assert who(rows) == [("legal", K.TASK), ("secretary_a", K.RESULT)]
    assert {n.url for n in rows} == {f"/agreements/renewals/{renewal.pk}/"}
    with captured() as rows:
        renewals.renewal_return(renewal=renewal, by=people["legal"], expected=seen(renewal),
                                comment="第五条须修改。")  # fmt: skip
    assert who(rows) == [("secretary_a", K.RETURNED)]
    assert "第五条须修改。" in rows[0].body


def test_art7_renewal_tasks_reach_each_inbox(people, base):
    def titles(who):
        return [t.title for t in tasks_for(people[who]) if t.category == "协议续签"]

    renewal = file_renewal(base, people["secretary_a"], deviates=True)
    assert titles("secretary_a") == [f"续签申请待提交：{base}"]
    renewal = advance(renewal, S.COLLEGE_REVIEW, people)
    assert titles("head_a") == [f"续签申请学院审核：{base}"] and titles("head_b") == []
    renewal = advance(renewal, S.OFFICE_REVIEW, people)
    assert titles("office") == [f"续签申请审核：{base}"] and titles("legal") == []
    renewal = advance(renewal, S.LEGAL_REVIEW, people)
    assert titles("legal") == [f"续签协议法律审核：{base}"] and titles("office") == []
    renewal = advance(renewal, S.APPROVED, people)
    assert titles("office") == [f"登记续签协议签订：{base}"]
    renewals.renewal_sign(
        renewal=renewal, by=people["office"], expected=seen(renewal),
        signed_on=timezone.localdate(), starts_on=renewal.starts_on, ends_on=None,
        scan=pdf_file(),
    )  # fmt: skip
    assert titles("office") == [] and titles("secretary_a") == []
