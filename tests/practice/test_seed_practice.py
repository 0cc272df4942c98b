"""The practice demo of seed_demo: every request state but ``completed``, the mentor account
linked to a certified supervisor, the insurance gate on show, and seeding twice changes nothing."""

from datetime import timedelta

from agreements.models import Agreement
from practice import gates, services
from practice.choices import RequestState as S
from practice.choices import SupervisorState
from practice.demo import seed_practice
from practice.models import BaseSupervisor, PracticeRequest
from tests.practice.factories import logs
from tests.xcu_bases.test_seed import snapshot
from xcu_bases.choices import RoleCode as R


def _request_of(username) -> PracticeRequest:
    return PracticeRequest.objects.get(student__username=username)


def test_demo_shows_every_request_state_but_completed(demo):
    states = set(PracticeRequest.objects.values_list("state", flat=True))
    assert states == set(S.values) - {S.COMPLETED}


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
    assert log.role == R.COLLEGE_SECRETARY
    assert "请与基地导师商定后细化计划" in log.comment
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
