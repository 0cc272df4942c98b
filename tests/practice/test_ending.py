"""Art 24 timing: Annex 3 only after the practice (its last day is still a day of practice), or
once the college or the office ended it early with a logged reason; the early end is the
practice's last day everywhere (contacts, allowances, the month filter, the due date, the
printed Annex 3); the due date is a school setting (XCU_ANNEX3_DUE_DAYS), not Art 24.

Every test asserts what changed — the row, the log, the state — and, for a refusal, that
nothing did.
"""

import io
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from practice import assessment_services, contacts, ending, record_services, selectors
from practice.assessment_printing import render_annex3
from practice.choices import AssessmentState as A
from practice.choices import ContactMode
from practice.choices import RequestState as S
from practice.models import PracticeAssessment, PracticeRequest, SupervisorContact
from tests.practice.factories import (
    PERIOD,
    advance_assessment_to,
    advance_to,
    complete_assessment,
    complete_request,
    fresh,
    logs,
)
from xcu_bases.choices import RoleCode as R
from xcu_bases.workflow import WorkflowError, seen

START, END = PERIOD  # 2026-03-02 .. 2026-08-31
REASON = "应研究生本人申请，经双方导师同意：基地试验田遭冰雹灾害，后续试验无法开展。"


@pytest.fixture
def approved(people, draft):
    """student_a at the base from 2026-03-02 to 2026-08-31, approved."""
    return advance_to(draft, S.APPROVED, people)


def _end_early(req, by, on=date(2026, 6, 15), reason=REASON, today=date(2026, 6, 20)):
    return ending.practice_end_early(req=req, by=by, ended_on=on, reason=reason, today=today)


def _footprint(req) -> tuple:
    req = fresh(req)
    return (req.state, req.ended_early_on, req.ended_early_reason, len(logs(req)),
            PracticeAssessment.objects.filter(request=req).count())  # fmt: skip


# --- Annex 3 only after the practice --------------------------------------------------------


@pytest.mark.parametrize("today", [START, date(2026, 6, 1), END])
def test_art24_annex3_refused_before_practice_ends(people, approved, today):
    before = _footprint(approved)
    with pytest.raises(WorkflowError) as refused:
        assessment_services.assessment_create(req=approved, by=people["student_a"], today=today)
    assert refused.value.message == (
        "第二十四条：基地培养结束后方可提交考核登记表。本次实践至 2026年08月31日 结束，"
        "请在实践结束后填写提交；如需提前结束实践，请联系学院办理。"
    )
    assert _footprint(approved) == before


def test_art24_annex3_submission_refused_before_practice_ends(people, approved):
    """A draft opened once the planned end was past cannot be submitted on a day before it:
    the submission checks the timing too (and says so, not "incomplete")."""
    filled = complete_assessment(approved)  # opened today, after 2026-08-31
    with pytest.raises(WorkflowError, match="第二十四条：基地培养结束后方可提交考核登记表。"):
        assessment_services.assessment_submit(
            assessment=filled, by=people["student_a"], expected=seen(filled), today=END
        )
    assert (fresh(filled).state, fresh(filled).round, logs(filled)) == (A.DRAFT, 0, [])


def test_art24_annex3_allowed_after_end(people, approved):
    """The day after the last day: the student opens Annex 3 and may submit it."""
    day_after = END + timedelta(days=1)
    assessment = assessment_services.assessment_create(
        req=approved, by=people["student_a"], today=day_after
    )
    assert (fresh(assessment).state, fresh(assessment).request_id) == (A.DRAFT, approved.pk)
    filled = complete_assessment(approved)
    assert filled.pk == assessment.pk
    assessment_services.assessment_submit(
        assessment=filled, by=people["student_a"], expected=seen(filled), today=day_after
    )
    assert fresh(filled).state == A.BASE_SUPERVISOR_REVIEW
    assert [log.transition for log in logs(filled)] == ["submit"]


def test_art24_request_page_says_why_annex3_waits_and_has_no_button(client, people, college_a):
    """A practice running today: the page names Art 24 and the end date, no 填写 button."""
    req = _running(people, college_a)
    client.force_login(people["student_a"])
    page = client.get(reverse("practice:request_detail", args=[req.pk])).text
    assert "第二十四条：基地培养结束后方可提交考核登记表。" in page
    assert f"本次实践至 {req.ends_on:%Y年%m月%d日} 结束" in page
    assert reverse("practice:assessment_start", args=[req.pk]) not in page
    response = client.post(reverse("practice:assessment_start", args=[req.pk]), follow=True)
    assert "第二十四条：基地培养结束后方可提交考核登记表。" in response.text
    assert not PracticeAssessment.objects.filter(request=req).exists()


def _running(people, college_a):
    """student_a's practice from 30 days ago to 60 days ahead, approved (at the base today)."""
    from tests.practice.factories import active_base, certified_supervisor

    today = timezone.localdate()
    base = active_base(college_a, people["office"], starts_on=today - timedelta(days=400),
                       ends_on=today + timedelta(days=1500))  # fmt: skip
    supervisor = certified_supervisor(base, people, certified_on=today - timedelta(days=300))
    draft = complete_request(
        people["student_a"], base, supervisor,
        starts_on=today - timedelta(days=30), ends_on=today + timedelta(days=60),
    )  # fmt: skip
    return advance_to(draft, S.APPROVED, people)


# --- ending a practice early ------------------------------------------------------------------


@pytest.mark.parametrize("who, role", [("secretary_a", R.COLLEGE_SECRETARY),
                                       ("head_a", R.COLLEGE_HEAD), ("office", R.GRADUATE_OFFICE)])  # fmt: skip
def test_art24_end_early_needs_reason_and_is_logged(people, approved, who, role):
    before = _footprint(approved)
    for blank in ("", "  \n "):
        with pytest.raises(WorkflowError, match="请填写提前结束的原因"):
            _end_early(approved, people[who], reason=blank)
    assert _footprint(approved) == before

    _end_early(approved, people[who])
    ended = fresh(approved)
    assert (ended.state, ended.ended_early_on, ended.ended_early_reason) == (
        S.APPROVED, date(2026, 6, 15), REASON,
    )  # fmt: skip
    assert ended.ends_on == END  # the plan stays on record
    assert ended.effective_ends_on == date(2026, 6, 15)
    (log,) = logs(ended, "end_early")
    assert (log.source_state, log.target_state, log.role, log.by, log.transition_label) == (
        S.APPROVED, S.APPROVED, role, people[who], "提前结束实践",
    )  # fmt: skip
    assert log.comment == (
        f"实践于 2026年06月15日 提前结束（原计划至 2026年08月31日）。原因：{REASON}"
    )


def test_art24_end_early_tells_the_student_and_both_supervisors(people, approved):
    from xcu_bases.models import Notification

    approvals = Notification.objects.filter(title="专业实践申请已批准").count()
    _end_early(approved, people["secretary_a"])
    told = Notification.objects.filter(title__contains="专业实践已提前结束")
    mentor = approved.base_supervisor.user
    assert {n.recipient for n in told} == {people["student_a"], people["tutor_a"], mentor}
    assert all("应于 2026年07月15日 前提交（学校规定：实践结束后 30 天内提交）" in n.body
               for n in told)  # fmt: skip
    # a self-transition on 实践中: nobody is told again that the request was approved
    assert Notification.objects.filter(title="专业实践申请已批准").count() == approvals


@pytest.mark.parametrize(
    "on, today, message",
    [
        (
            date(2026, 3, 1),
            date(2026, 6, 20),
            "提前结束日期不能早于实践开始日期（2026年03月02日）。",
        ),
        (date(2026, 6, 21), date(2026, 6, 20), "提前结束日期不能晚于今天：实践结束后再办理。"),
        (END, date(2026, 9, 10), "提前结束日期须早于计划结束日期（2026年08月31日）。"),
        (
            date(2026, 9, 5),
            date(2026, 9, 10),
            "提前结束日期须早于计划结束日期（2026年08月31日）。",
        ),
    ],
)
def test_art24_end_early_date_inside_the_period_and_not_in_the_future(
    people, approved, on, today, message
):
    before = _footprint(approved)
    with pytest.raises(WorkflowError) as refused:
        _end_early(approved, people["office"], on=on, today=today)
    assert refused.value.message == message
    assert _footprint(approved) == before


def test_art24_first_day_and_today_are_valid_early_ends(people, approved):
    _end_early(approved, people["office"], on=START, today=START)
    assert fresh(approved).ended_early_on == START


@pytest.mark.parametrize("intruder", ["student_a", "tutor_a", "secretary_b", "head_b", "expert"])
def test_art24_only_the_college_and_the_office_end_early(people, approved, intruder):
    before = _footprint(approved)
    with pytest.raises(PermissionDenied):
        _end_early(approved, people[intruder])
    assert _footprint(approved) == before


def test_art24_base_supervisor_cannot_end_early(people, approved, supervisor):
    with pytest.raises(PermissionDenied):
        _end_early(approved, supervisor.user)
    assert fresh(approved).ended_early_on is None


def test_art24_end_early_once_only(people, approved):
    _end_early(approved, people["office"])
    before = _footprint(approved)
    with pytest.raises(WorkflowError, match="该专业实践已于 2026年06月15日 提前结束。"):
        _end_early(approved, people["office"], on=date(2026, 6, 1))
    assert _footprint(approved) == before


@pytest.mark.parametrize("state", [S.DRAFT, S.COLLEGE_REVIEW])
def test_art24_no_early_end_before_approval(people, draft, state):
    req = advance_to(draft, state, people)
    before = _footprint(req)
    with pytest.raises(WorkflowError, match="只有实践中的专业实践可以提前结束"):
        _end_early(req, people["office"])
    assert _footprint(req) == before


def test_art24_no_early_end_once_annex3_is_submitted(people, approved):
    submitted = advance_assessment_to(complete_assessment(approved), A.BASE_SUPERVISOR_REVIEW,
                                      people)  # fmt: skip
    before = _footprint(approved)
    with pytest.raises(WorkflowError, match="考核登记表已提交，不能再更改实践结束日期。"):
        _end_early(approved, people["office"], today=date(2026, 12, 1))
    assert _footprint(approved) == before
    assert not ending.may_end_early(fresh(approved), people["office"])
    assert submitted.state == A.BASE_SUPERVISOR_REVIEW


def test_art24_database_refuses_an_early_end_without_reason_or_outside_the_period(approved):
    for values in (
        {"ended_early_on": date(2026, 6, 1), "ended_early_reason": ""},
        {"ended_early_on": None, "ended_early_reason": "没有日期"},
        {"ended_early_on": END, "ended_early_reason": "最后一天不是提前"},
        {"ended_early_on": date(2026, 3, 1), "ended_early_reason": "开始之前"},
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            PracticeRequest.objects.filter(pk=approved.pk).update(**values)
    assert fresh(approved).ended_early_on is None


def test_art24_end_early_allows_annex3(people, approved):
    """Ended early on 15 June: Annex 3 opens that very day, and is submitted before the plan's end."""
    today = date(2026, 6, 15)
    _end_early(approved, people["secretary_a"], on=today, today=today)
    req = fresh(approved)
    assessment = assessment_services.assessment_create(
        req=req, by=people["student_a"], today=today
    )
    filled = complete_assessment(req)
    assert filled.pk == assessment.pk
    assessment_services.assessment_submit(
        assessment=filled, by=people["student_a"], expected=seen(filled), today=today
    )
    assert fresh(filled).state == A.BASE_SUPERVISOR_REVIEW
    assert ending.annex3_due(req) == date(2026, 7, 15)


# --- the early end is the practice's last day everywhere -----------------------------------------


def test_art24_early_end_is_the_last_day_for_contacts_allowances_and_the_month_filter(
    people, approved
):
    _end_early(approved, people["office"], on=date(2026, 5, 20), today=date(2026, 6, 20))
    req = fresh(approved)
    # Art 20: the practice's months stop in May; June is not a month of it
    (practice,) = contacts.practices_of(PracticeRequest.objects.filter(pk=req.pk))
    assert (practice.starts_on, practice.ends_on) == (START, date(2026, 5, 20))
    record = practice.record(date(2026, 12, 1))
    assert record.months[-1].month == date(2026, 5, 1)
    assert [(y.ends_on, y.required) for y in record.years] == [(date(2026, 5, 20), 1)]
    with pytest.raises(WorkflowError, match="沟通日期须在实践期间（2026-03-02 至 2026-05-20）"):
        record_services.contact_record(
            req=req, by=people["tutor_a"], on=date(2026, 5, 21), mode=ContactMode.PHONE,
            topic="实践结束后", today=date(2026, 6, 20),
        )  # fmt: skip
    assert not SupervisorContact.objects.filter(request=req).exists()
    with pytest.raises(WorkflowError, match="月份须在实践期间（2026年03月 至 2026年05月）"):
        record_services.allowance_record(
            req=req, by=people["office"], month=date(2026, 6, 1), amount=1500
        )
    # The list's month filter and the dashboard's counts
    listed = PracticeRequest.objects.filter
    assert listed(selectors.in_practice_during(*selectors.month_span(date(2026, 5, 1)))).exists()
    assert not listed(
        selectors.in_practice_during(*selectors.month_span(date(2026, 6, 1)))
    ).exists()


def test_art24_annex3_prints_the_early_end(people, approved):
    today = timezone.localdate()
    _end_early(approved, people["office"], on=date(2026, 7, 10), today=today)
    assessment = complete_assessment(fresh(approved))
    pdf, _ = render_annex3(assessment)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    flat = "".join(text.split())
    assert "实践起止时间2026年3月2日至2026年7月10日（提前结束）" in flat


def test_art24_annex3_page_shows_the_early_end(client, people, approved):
    _end_early(approved, people["office"], on=date(2026, 7, 10), today=timezone.localdate())
    assessment = complete_assessment(fresh(approved))
    client.force_login(people["student_a"])
    page = client.get(reverse("practice:assessment_detail", args=[assessment.pk])).text
    assert "2026年7月10日" in page and "（提前结束，原计划至 2026年8月31日）" in page


# --- the due date is a school setting ---------------------------------------------------------


def test_annex3_due_days_is_a_setting(people, approved, settings, client):
    assert settings.XCU_ANNEX3_DUE_DAYS == 30  # the default
    assert ending.annex3_due(approved) == END + timedelta(days=30)
    settings.XCU_ANNEX3_DUE_DAYS = 45
    assert ending.annex3_due(approved) == END + timedelta(days=45)
    assert ending.annex3_rule() == "学校规定：实践结束后 45 天内提交"
    client.force_login(people["student_a"])
    page = client.get(reverse("practice:request_detail", args=[approved.pk])).text
    assert f"{END + timedelta(days=45):%Y年%-m月%-d日}" in page
    assert "学校规定：实践结束后 45 天内提交" in page


def test_annex3_due_days_comes_from_the_environment(monkeypatch):
    import importlib

    from django.core.exceptions import ImproperlyConfigured

    import xcu_bases.settings as module

    try:
        monkeypatch.setenv("XCU_ANNEX3_DUE_DAYS", "20")
        assert importlib.reload(module).XCU_ANNEX3_DUE_DAYS == 20
        monkeypatch.setenv("XCU_ANNEX3_DUE_DAYS", "0")
        with pytest.raises(ImproperlyConfigured, match="XCU_ANNEX3_DUE_DAYS"):
            importlib.reload(module)
    finally:
        monkeypatch.delenv("XCU_ANNEX3_DUE_DAYS")
        importlib.reload(module)


# --- the end-early page -------------------------------------------------------------------------


def _page(req):
    return reverse("practice:end_early", args=[req.pk])


@pytest.mark.parametrize("who", ["secretary_a", "head_a", "office"])
def test_art24_end_early_page_ends_the_practice(client, people, approved, who):
    client.force_login(people[who])
    assert (
        client.get(reverse("practice:request_detail", args=[approved.pk])).text.count(
            _page(approved)
        )
        == 1
    )
    form = client.get(_page(approved))
    assert form.status_code == 200 and "提前结束原因" in form.text
    day = timezone.localdate() - timedelta(days=200)  # inside 2026-03-02 .. 2026-08-31
    day = min(max(day, START), END - timedelta(days=1))
    response = client.post(_page(approved), {"ended_on": day.isoformat(), "reason": REASON})
    assert response.status_code == 302 and response["Location"].endswith("#assessment")
    ended = fresh(approved)
    assert (ended.ended_early_on, ended.ended_early_reason) == (day, REASON)
    assert len(logs(ended, "end_early")) == 1
    page = client.get(reverse("practice:request_detail", args=[approved.pk])).text
    assert "提前结束原因：" in page and REASON in page and _page(approved) not in page


@pytest.mark.parametrize(
    "data, message",
    [
        ({"ended_on": "", "reason": REASON}, "请填写提前结束日期。"),
        ({"ended_on": "2026-06-01", "reason": "  "}, "请填写提前结束原因。"),
        ({"ended_on": "2026-02-01", "reason": REASON}, "提前结束日期不能早于实践开始日期"),
        ({"ended_on": "2026-08-31", "reason": REASON}, "提前结束日期须早于计划结束日期"),
    ],
)
def test_art24_end_early_page_invalid_input_shows_the_form_again(
    client, people, approved, data, message
):
    client.force_login(people["secretary_a"])
    before = _footprint(approved)
    response = client.post(_page(approved), data)
    assert response.status_code == 200
    assert message in response.text
    if data["reason"].strip():
        assert data["reason"] in response.text  # what was typed stays
    assert _footprint(approved) == before


@pytest.mark.parametrize("who", ["student_a", "tutor_a", "secretary_b", "head_b", "expert"])
def test_art24_end_early_page_is_404_for_everyone_else(client, people, approved, who):
    client.force_login(people[who])
    before = _footprint(approved)
    assert client.get(_page(approved)).status_code == 404
    assert (
        client.post(_page(approved), {"ended_on": "2026-06-01", "reason": REASON}).status_code
        == 404
    )
    assert _footprint(approved) == before


def test_art24_end_early_page_is_404_for_the_base_supervisor(client, people, approved):
    client.force_login(approved.base_supervisor.user)
    assert client.get(_page(approved)).status_code == 404
    assert fresh(approved).ended_early_on is None


def test_art24_end_early_page_sends_anonymous_to_login(client, approved):
    response = client.get(_page(approved))
    assert response.status_code == 302 and "/login/" in response["Location"]
    response = client.post(_page(approved), {"ended_on": "2026-06-01", "reason": REASON})
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert fresh(approved).ended_early_on is None


def test_art24_end_early_page_of_a_completed_practice_says_so(client, people, approved):
    advance_assessment_to(complete_assessment(approved), A.ARCHIVED, people)
    client.force_login(people["office"])
    response = client.get(_page(approved), follow=True)
    assert "专业实践当前为“已完成”，不能办理提前结束。" in response.text
    assert fresh(approved).ended_early_on is None
