"""The practice demo of seed_demo: every request state, the mentor account linked to a
certified supervisor, the insurance gate on show; contacts with one missed month, allowances,
Annex 3 in every state and clearances in every state; and seeding twice changes nothing."""

import re
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from agreements import compliance
from agreements.models import Agreement, Base
from practice import assessment_checks, contacts, ending, gates, rules, services
from practice.choices import AssessmentState as A
from practice.choices import ClearanceState, ContactMode, SupervisorState
from practice.choices import RequestState as S
from practice.contacts import month_end, months_between
from practice.demo import seed_practice
from practice.models import (
    Allowance,
    BaseSupervisor,
    PracticeAssessment,
    PracticeRequest,
    PublicationClearance,
)
from tests.practice.factories import logs
from tests.xcu_bases.test_seed import snapshot
from xcu_bases.choices import RoleCode as R
from xcu_bases.text import count_chars


def _request_of(username) -> PracticeRequest:
    return PracticeRequest.objects.get(student__username=username)


def _record(req, today) -> contacts.Record:
    found = req.contacts.values_list("on", "mode")
    return contacts.evaluate(req.starts_on, req.effective_ends_on, found, today=today)


def test_demo_shows_every_request_state(demo):
    states = set(PracticeRequest.objects.values_list("state", flat=True))
    assert states == set(S.values)


def test_demo_requests_come_from_both_colleges(demo):
    colleges = {
        state: set(
            PracticeRequest.objects.filter(state=state).values_list(
                "student__college__code", flat=True
            )
        )
        for state in S.values
    }
    assert set().union(*colleges.values()) == {"01", "02"}
    assert colleges[S.OFFICE_REVIEW] == {"02"}


def test_demo_mentor_account_is_a_certified_supervisor_who_sees_her_student(demo):
    mentor = demo["mentor"]
    supervisor = BaseSupervisor.objects.get(user=mentor)
    assert (supervisor.name, supervisor.state) == ("吉克阿依", SupervisorState.CERTIFIED)
    assert supervisor in BaseSupervisor.objects.selectable()
    assert mentor.is_active and mentor.has_role(R.BASE_SUPERVISOR)
    visible = PracticeRequest.objects.visible_to(mentor)
    assert visible.filter(student=demo["student"], state=S.APPROVED).exists()
    assert all(req.base_supervisor == supervisor for req in visible)


def test_demo_has_a_nominated_and_a_revoked_supervisor(demo):
    states = set(BaseSupervisor.objects.values_list("state", flat=True))
    assert states == set(SupervisorState.values)
    revoked = BaseSupervisor.objects.get(state=SupervisorState.REVOKED)
    assert not revoked.user.is_active
    assert logs(revoked, "revoke")[0].comment
    assert BaseSupervisor.objects.get(state=SupervisorState.NOMINATED).user is None


def test_art22_demo_draft_with_insurance_ending_a_day_early_shows_the_gate(demo):
    req = _request_of("s2024095102")
    assert req.state == S.DRAFT
    assert req.insured_to == req.ends_on - timedelta(days=1)
    assert (
        f"保险期间（{req.insured_from:%Y年%m月%d日}至{req.insured_to:%Y年%m月%d日}）未覆盖整个实践期间"
        f"（{req.starts_on:%Y年%m月%d日}至{req.ends_on:%Y年%m月%d日}）（第十二条第四项、第二十二条）。"
    ) in gates.problems(req)


def test_demo_returned_draft_carries_the_reviewers_comment(demo):
    returned = PracticeRequest.objects.get(state=S.DRAFT, round=1)
    (log,) = logs(returned, "return_to_draft")
    # Art 19: the base supervisor sent the plan back with comments.
    assert (log.role, log.source_state) == (R.BASE_SUPERVISOR, S.PLAN_REVIEW)
    assert log.by == returned.base_supervisor.user
    assert "细化计划" in log.comment
    assert gates.problems(returned) == []  # the student may resubmit once the plan is refined


def test_demo_every_submission_is_frozen_and_logged(demo):
    for req in PracticeRequest.objects.exclude(round=0):
        assert [s.round for s in req.snapshots.all()] == list(range(1, req.round + 1)), req
        assert logs(req)[0].transition == "submit"
    for req in PracticeRequest.objects.filter(round=0):
        assert req.state == S.DRAFT and not logs(req)


def test_demo_practice_lies_inside_the_agreement_of_its_base(demo):
    for req in PracticeRequest.objects.select_related("base"):
        assert Agreement.objects.filter(
            base=req.base, starts_on__lte=req.starts_on, ends_on__gte=req.ends_on
        ).exists(), req
        for task in req.tasks.all():
            assert req.starts_on <= task.starts_on <= task.ends_on <= req.ends_on, task


def test_art19_demo_mentor_has_a_plan_to_confirm_and_confirmed_the_approved_one(demo):
    mentor = demo["mentor"]
    waiting = PracticeRequest.objects.get(state=S.PLAN_REVIEW)
    assert waiting.base_supervisor.user == mentor
    assert rules.is_current_reviewer(waiting, mentor)
    approved = PracticeRequest.objects.get(student__username="student", state=S.APPROVED)
    (confirmed,) = logs(approved, "plan_confirm")
    assert (confirmed.by, confirmed.role) == (mentor, R.BASE_SUPERVISOR)


def test_demo_college_steps_are_the_heads_and_the_secretary_forwards(demo):
    for req in PracticeRequest.objects.all():
        for log in logs(req, "college_approve"):
            assert log.role == R.COLLEGE_HEAD and log.by.username in {"head", "head2"}, req
    forwards = [
        log for req in PracticeRequest.objects.all() for log in logs(req, "college_forward")
    ]
    assert forwards and {log.by.username for log in forwards} <= {"secretary", "secretary2"}
    for assessment in PracticeAssessment.objects.all():
        for log in logs(assessment, "college_approve"):
            assert log.role == R.COLLEGE_HEAD, assessment


def test_demo_request_waiting_for_the_office_can_be_approved(demo):
    waiting = PracticeRequest.objects.get(state=S.OFFICE_REVIEW)
    assert gates.problems(waiting) == []
    services.request_office_approve(
        req=waiting, by=demo["office"], expected=services.seen(waiting), comment="同意。"
    )
    assert PracticeRequest.objects.get(pk=waiting.pk).state == S.APPROVED


def test_seed_practice_twice_changes_nothing(demo):
    first = snapshot()
    assert seed_practice() == 0
    assert snapshot() == first


# --- in practice: contacts (Art 20) and allowances (Art 23) -------------------------------------


def test_art20_demo_mentor_practice_missed_a_month_and_its_base_is_red(demo):
    today = timezone.localdate()
    req = PracticeRequest.objects.get(student__username="student", state=S.APPROVED)
    assert req.base_supervisor.user == demo["mentor"]
    assert req.starts_on <= today <= req.ends_on
    record = _record(req, today)
    assert record.status == contacts.RED
    assert [m.month for m in record.missed_months] == [req.starts_on.replace(day=1)]
    panel = {
        line.key: line for line in compliance.lines(compliance.facts_for(req.base), today=today)
    }
    assert panel["contacts"].status == compliance.RED
    assert f"赵雨桐：{record.missed_months[0].label}未沟通" in panel["contacts"].detail


def test_art20_demo_every_other_practice_is_compliant_and_both_supervisors_record(demo):
    today = timezone.localdate()
    started = PracticeRequest.objects.filter(state=S.APPROVED, starts_on__lte=today)
    missed = started.get(student__username="student")
    now = started.filter(ending.ends_on_or_after(today))
    assert now.count() >= 2  # students at their base today (one more ended early)
    modes = set()
    for req in started.select_related("base_supervisor__user", "student__student_profile"):
        if req != missed:
            assert _record(req, today).status == contacts.GREEN, req
        found = list(req.contacts.all())
        assert all(req.starts_on <= c.on <= min(req.effective_ends_on, today) for c in found), req
        tutor = req.student.student_profile.campus_supervisor
        assert {c.recorded_by for c in found} == {tutor, req.base_supervisor.user}, req
        assert all(c.topic and c.notes for c in found)
        modes |= {c.mode for c in found}
    assert modes == set(ContactMode.values)
    for base in Base.objects.exclude(pk=missed.base_id):
        line = compliance.supervision(compliance.facts_for(base), today)
        assert line.status == compliance.GREEN, (base, line.detail)


def test_art23_demo_allowances_month_by_month_for_the_months_that_are_over(demo):
    today = timezone.localdate()
    allowances = list(Allowance.objects.select_related("request__student", "recorded_by"))
    per_practice = {a.request for a in allowances}
    assert len(per_practice) >= 5 and max(r.allowances.count() for r in per_practice) >= 6
    for allowance in allowances:
        req = allowance.request
        assert allowance.month in months_between(req.starts_on, req.ends_on)
        assert month_end(allowance.month) < today
        assert Decimal("1") <= allowance.amount <= Decimal("2000"), allowance
        assert allowance.note
        by = allowance.recorded_by
        assert rules.is_base_supervisor(req, by) or rules.is_college_staff(req, by)
    assert any(a.recorded_by.has_role(R.COLLEGE_SECRETARY) for a in allowances)


# --- after the practice: Annex 3 (Art 24) and clearance (Art 25) ---------------------------------


def test_art24_demo_assessments_in_every_state_and_one_returned(demo):
    states = set(PracticeAssessment.objects.values_list("state", flat=True))
    assert states == set(A.values)
    returned = PracticeAssessment.objects.get(state=A.DRAFT, round__gte=1)
    (log,) = logs(returned, "return_to_draft")
    assert log.role == R.CAMPUS_SUPERVISOR and "请补充分析" in log.comment
    archived = PracticeAssessment.objects.get(state=A.ARCHIVED)
    assert archived.request.state == S.COMPLETED and archived.request.thesis
    assert PracticeRequest.objects.get(state=S.COMPLETED) == archived.request
    graded = PracticeAssessment.objects.exclude(state__in=[A.DRAFT, A.BASE_SUPERVISOR_REVIEW])
    assert {a.grade for a in graded} >= {"excellent", "good"}


def test_art24_demo_assessments_are_complete_with_reports_of_their_own(demo):
    reports = {}
    for assessment in PracticeAssessment.objects.select_related("request__student"):
        assert assessment_checks.problems(assessment) == [], assessment
        req = assessment.request
        assert req.starts_on <= assessment.signed_on <= timezone.localdate()
        assert count_chars(assessment.report) >= assessment_checks.REPORT_MIN_CHARS
        sentences = [s for s in re.split(r"[。\n]", assessment.report) if s.strip()]
        assert len(sentences) == len(set(sentences)), assessment  # nothing said twice
        reports[assessment.pk] = sentences
    for pk, sentences in reports.items():
        elsewhere = set().union(*(set(v) for other, v in reports.items() if other != pk))
        own = sum(count_chars(s) for s in sentences if s not in elsewhere)
        assert own >= sum(map(count_chars, sentences)) / 3, pk


def test_art24_art25_demo_mentor_has_an_assessment_to_grade_and_a_clearance_to_answer(demo):
    mentor = demo["mentor"]
    waiting = PracticeAssessment.objects.get(state=A.BASE_SUPERVISOR_REVIEW)
    assert rules.assessment_is_current_reviewer(waiting, mentor)
    pending = PublicationClearance.objects.get(state=ClearanceState.PENDING)
    assert rules.is_base_supervisor(pending.request, mentor)


def test_art25_demo_clearances_in_every_state(demo):
    clearances = PublicationClearance.objects.select_related("request__base_supervisor")
    assert {c.state for c in clearances} == set(ClearanceState.values)
    for clearance in clearances:
        assert logs(clearance)[0].transition == "ask"
        if clearance.state != ClearanceState.PENDING:
            assert clearance.answered_by == clearance.request.base_supervisor.user
            assert clearance.answer
    confidential = clearances.get(state=ClearanceState.CONFIDENTIAL)
    assert confidential.agreement_scan and confidential.agreement_scan_name
    assert not clearances.get(state=ClearanceState.OPEN).agreement_scan


def test_art24_art25_demo_ended_early_annex3_after_the_end_and_the_clearance_gate(demo):
    """One demo seeding (it is slow) for three stories:
    Art 24 — every Annex 3 belongs to a practice that is over; 杨帆's practice was ended early
    by the college secretary, the reason logged, its contacts stop there;
    Art 25 — the archived Annex 3 has its thesis clearance, answered 涉密 by the base supervisor
    before the office archived it, with the agreement scan; the one waiting for the office has
    none, so its page lists the missing clearance."""
    today = timezone.localdate()
    for assessment in PracticeAssessment.objects.select_related("request"):
        assert ending.is_over(assessment.request, today), assessment

    (req,) = PracticeRequest.objects.exclude(ended_early_on=None)
    assert (req.student.username, req.state) == ("s2024095109", S.APPROVED)
    assert req.starts_on <= req.ended_early_on < min(req.ends_on, today + timedelta(days=1))
    (log,) = logs(req, "end_early")
    assert (log.source_state, log.target_state, log.role) == (S.APPROVED, S.APPROVED,
                                                              R.COLLEGE_SECRETARY)  # fmt: skip
    assert req.ended_early_reason in log.comment and "冰雹" in req.ended_early_reason
    assert ending.annex3_too_early(req, today) is None  # Annex 3 may be filled in now
    assert max(c.on for c in req.contacts.all()) <= req.ended_early_on
    assert _record(req, today).status == contacts.GREEN

    archived = PracticeAssessment.objects.get(state=A.ARCHIVED)
    assert assessment_checks.archive_problems(archived.request) == []
    (thesis,) = archived.request.clearances.filter(use="thesis")
    assert (thesis.state, thesis.answered_by) == (
        ClearanceState.CONFIDENTIAL, archived.request.base_supervisor.user,
    )  # fmt: skip
    assert thesis.agreement_scan
    (archive_log,) = logs(archived, "archive")
    assert thesis.answered_at < archive_log.at
    waiting = PracticeAssessment.objects.get(state=A.OFFICE_REVIEW)
    assert [g for g in assessment_checks.archive_problems(waiting.request) if "第二十五条" in g]
