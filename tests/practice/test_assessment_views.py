"""Annex 3 pages: the student fills the plan completion and the ≥ 5000-character report, saves
and submits; the base supervisor grades; the tutor, the college and the office approve; the
office archives once the thesis is on record. Everyone else gets 404/403 and nothing changes."""

import pytest
from django.urls import reverse

from practice import assessment_services as a
from practice import record_services
from practice.choices import AssessmentState as A
from practice.choices import RequestState as S
from practice.choices import TaskStatus
from practice.models import PracticeAssessment
from tests.conftest import make_student
from tests.practice.factories import (
    ASSESSMENT_COMMENTS,
    PLAN_COMPLETION,
    advance_assessment_to,
    advance_to,
    clear_thesis,
    complete_assessment,
    fresh,
    logs,
    report_of,
    thesis_file,
)
from xcu_bases.inbox import tasks_for
from xcu_bases.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def approved(draft, people):
    return advance_to(draft, S.APPROVED, people)


@pytest.fixture
def mentor(supervisor):
    return User.objects.get(pk=supervisor.user_id)


@pytest.fixture
def filled(approved):
    return complete_assessment(approved)


def url(name, obj):
    return reverse(f"practice:{name}", args=[obj.pk])


def login(client, user):
    client.force_login(user)
    return client


def edit_data(assessment, **changes) -> dict:
    completions = list(assessment.completions.order_by("task__position"))
    data = {
        "plan_completion": assessment.plan_completion,
        "report": assessment.report,
        "signature": assessment.signature,
        "signed_on": assessment.signed_on.isoformat() if assessment.signed_on else "",
        "tasks-TOTAL_FORMS": str(len(completions)),
        "tasks-INITIAL_FORMS": str(len(completions)),
        "tasks-MIN_NUM_FORMS": "0",
        "tasks-MAX_NUM_FORMS": "1000",
    }
    for n, row in enumerate(completions):
        data[f"tasks-{n}-id"] = str(row.pk)
        data[f"tasks-{n}-status"] = row.status
        data[f"tasks-{n}-note"] = row.note
    return data | changes


def seen_post(assessment, **data):
    return {"seen_state": assessment.state, "seen_round": assessment.round, **data}


# --- the student -------------------------------------------------------------------------------


def test_student_opens_annex3_from_the_practice_page_once(client, people, approved):
    login(client, people["student_a"])
    page = client.get(url("request_detail", approved)).text
    assert "填写考核登记表" in page
    response = client.post(url("assessment_start", approved))
    assessment = PracticeAssessment.objects.get(request=approved)
    assert response["Location"] == url("assessment_edit", assessment)
    assert assessment.completions.count() == approved.tasks.count() == 2
    client.post(url("assessment_start", approved))
    assert PracticeAssessment.objects.count() == 1


def test_annex3_cannot_be_opened_before_approval(client, people, draft):
    login(client, people["student_a"])
    response = client.post(url("assessment_start", draft), follow=True)
    assert "专业实践申请批准后才能填写考核登记表" in response.text
    assert not PracticeAssessment.objects.exists()


def test_edit_page_has_the_plan_and_a_live_counter_of_5000(client, people, approved):
    login(client, people["student_a"])
    client.post(url("assessment_start", approved))
    assessment = PracticeAssessment.objects.get()
    page = client.get(url("assessment_edit", assessment)).text
    assert 'data-min-chars="5000"' in page and "char-counter.js" in page
    assert "参加基地安全教育" in page  # the Annex 2 plan's first task
    assert "实践总结报告不少于 5000 字" in page  # what is still missing


def test_student_saves_the_draft_through_the_page(client, people, approved):
    login(client, people["student_a"])
    client.post(url("assessment_start", approved))
    assessment = PracticeAssessment.objects.get()
    data = edit_data(
        assessment, plan_completion=PLAN_COMPLETION, report=report_of(300),
        signature="赵雨桐", signed_on="2026-09-05",
        **{"tasks-0-status": TaskStatus.DONE, "tasks-1-status": TaskStatus.PARTIAL,
           "tasks-1-note": "黄酮测定推迟一个月"},
    )  # fmt: skip
    response = client.post(url("assessment_edit", assessment), data | {"save": ""})
    assert response["Location"] == url("assessment_edit", assessment)
    assessment = fresh(assessment)
    assert assessment.report == report_of(300) and assessment.signature == "赵雨桐"
    statuses = list(
        assessment.completions.order_by("task__position").values_list("status", "note")
    )
    assert statuses == [(TaskStatus.DONE, ""), (TaskStatus.PARTIAL, "黄酮测定推迟一个月")]


def test_typing_error_keeps_the_report_and_saves_nothing(client, people, approved):
    login(client, people["student_a"])
    client.post(url("assessment_start", approved))
    assessment = PracticeAssessment.objects.get()
    report = report_of(1200)
    data = edit_data(assessment, report=report, signed_on="2026-13-45")
    response = client.post(url("assessment_edit", assessment), data)
    assert response.status_code == 200 and "草稿未保存" in response.text
    assert report[:200] in response.text
    assert fresh(assessment).report == ""


def test_4999_characters_are_refused_on_submit_and_5000_pass(client, people, approved):
    assessment = complete_assessment(approved, report_chars=4999)
    PracticeAssessment.objects.filter(pk=assessment.pk).update(
        report=assessment.report + "\n\n   \n"
    )
    login(client, people["student_a"])
    response = client.post(url("assessment_submit", assessment), seen_post(assessment))
    assert response.status_code == 200
    assert "目前 4999 字，还差 1 字" in response.text
    assert fresh(assessment).state == A.DRAFT
    PracticeAssessment.objects.filter(pk=assessment.pk).update(report=report_of(5000))
    response = client.post(url("assessment_submit", assessment), seen_post(assessment))
    assert response["Location"] == url("assessment_detail", assessment)
    assert fresh(assessment).state == A.BASE_SUPERVISOR_REVIEW


def test_submitted_assessment_cannot_be_edited(client, people, filled):
    assessment = advance_assessment_to(filled, A.BASE_SUPERVISOR_REVIEW, people)
    login(client, people["student_a"])
    response = client.post(url("assessment_edit", assessment), edit_data(assessment, report="x"))
    assert response["Location"] == url("assessment_detail", assessment)
    assert fresh(assessment).report != "x"


# --- the chain through the pages -------------------------------------------------------------


def test_the_whole_chain_through_the_pages(client, people, filled, mentor):
    login(client, people["student_a"])
    client.post(url("assessment_submit", filled), seen_post(filled))
    assessment = fresh(filled)
    login(client, mentor)
    page = client.get(url("assessment_base_supervisor_approve", assessment)).text
    assert "成绩评定" in page and "优秀" in page
    client.post(
        url("assessment_base_supervisor_approve", assessment),
        seen_post(assessment, grade="excellent", comment=ASSESSMENT_COMMENTS["base_supervisor_approve"]),
    )  # fmt: skip
    assessment = fresh(assessment)
    assert (assessment.state, assessment.grade) == (A.CAMPUS_SUPERVISOR_REVIEW, "excellent")
    for who, action, target in (
        ("tutor_a", "assessment_campus_supervisor_approve", A.COLLEGE_REVIEW),
        ("head_a", "assessment_college_approve", A.OFFICE_REVIEW),
    ):
        login(client, people[who])
        client.post(url(action, assessment), seen_post(assessment, comment="同意。"))
        assessment = fresh(assessment)
        assert assessment.state == target
    login(client, people["office"])
    response = client.post(
        url("assessment_archive", assessment), seen_post(assessment, comment="归档。"), follow=True
    )
    assert "学位论文尚未上传" in response.text
    assert "尚未申请学位论文涉密性确认" in response.text  # Art 25
    assert fresh(assessment).state == A.OFFICE_REVIEW
    record_services.thesis_set(req=filled.request, file=thesis_file(), by=people["student_a"])
    clear_thesis(filled.request)
    client.post(url("assessment_archive", assessment), seen_post(assessment, comment="归档。"))
    assert fresh(assessment).state == A.ARCHIVED
    assert fresh(filled.request).state == S.COMPLETED
    assert [e.transition for e in logs(assessment)] == [
        "submit", "base_supervisor_approve", "campus_supervisor_approve", "college_approve",
        "archive",
    ]  # fmt: skip
    page = client.get(url("assessment_detail", assessment)).text
    assert "成绩评定：优秀" in page and "已归档" in page


def test_grade_is_required_and_nothing_changes_without_it(client, people, filled, mentor):
    assessment = advance_assessment_to(filled, A.BASE_SUPERVISOR_REVIEW, people)
    login(client, mentor)
    response = client.post(
        url("assessment_base_supervisor_approve", assessment), seen_post(assessment, comment="好")
    )
    assert response.status_code == 200 and "这个字段是必填项" in response.text
    assert fresh(assessment).state == A.BASE_SUPERVISOR_REVIEW and not fresh(assessment).grade


@pytest.mark.parametrize(
    ("state", "who"),
    [
        (A.BASE_SUPERVISOR_REVIEW, "mentor"),
        (A.CAMPUS_SUPERVISOR_REVIEW, "tutor_a"),
        (A.COLLEGE_REVIEW, "head_a"),
        (A.OFFICE_REVIEW, "office"),
    ],
)
def test_each_reviewer_returns_with_a_comment(client, people, filled, mentor, state, who):
    assessment = advance_assessment_to(filled, state, people)
    login(client, mentor if who == "mentor" else people[who])
    response = client.post(url("assessment_return", assessment), seen_post(assessment, comment=""))
    assert response.status_code == 200 and fresh(assessment).state == state
    client.post(
        url("assessment_return", assessment), seen_post(assessment, comment="请补充不足。")
    )
    assessment = fresh(assessment)
    assert assessment.state == A.DRAFT and assessment.round == 1
    assert assessment.grade == ""  # graded afresh on the next submission
    login(client, people["student_a"])
    page = client.get(url("assessment_edit", assessment)).text
    assert "请补充不足。" in page
    assert any(t.title.startswith("退回修改") for t in tasks_for(people["student_a"]))


@pytest.mark.parametrize("who", ["student_a", "tutor_a", "secretary_a", "office", "secretary_b"])
def test_wrong_person_cannot_grade(client, people, filled, who):
    assessment = advance_assessment_to(filled, A.BASE_SUPERVISOR_REVIEW, people)
    login(client, people[who])
    data = seen_post(assessment, grade="excellent", comment="同意")
    response = client.post(url("assessment_base_supervisor_approve", assessment), data)
    assert response.status_code in (403, 404)
    assert fresh(assessment).state == A.BASE_SUPERVISOR_REVIEW and not fresh(assessment).grade


def test_a_stale_page_says_it_was_handled(client, people, filled):
    assessment = advance_assessment_to(filled, A.CAMPUS_SUPERVISOR_REVIEW, people)
    stale = seen_post(assessment, comment="同意。")
    login(client, people["tutor_a"])
    client.post(url("assessment_campus_supervisor_approve", assessment), stale)
    response = client.post(
        url("assessment_campus_supervisor_approve", assessment), stale, follow=True
    )
    assert "已被他人处理" in response.text
    assert len(logs(assessment, "campus_supervisor_approve")) == 1


def test_actions_are_post_or_confirmation_only_and_need_what_the_page_showed(
    client, people, filled
):
    assessment = advance_assessment_to(filled, A.CAMPUS_SUPERVISOR_REVIEW, people)
    login(client, people["tutor_a"])
    assert client.put(url("assessment_campus_supervisor_approve", assessment)).status_code == 405
    response = client.post(
        url("assessment_campus_supervisor_approve", assessment), {"comment": "x"}
    )
    assert response.status_code == 404
    assert fresh(assessment).state == A.CAMPUS_SUPERVISOR_REVIEW


# --- who sees Annex 3 ---------------------------------------------------------------------------


def test_another_student_gets_404_on_annex3_pages_and_pdf(client, people, filled, college_b):
    profile = make_student("student2", college_b, number="2024095201")
    login(client, User.objects.get(pk=profile.user_id))
    for name in ("assessment_detail", "assessment_edit", "assessment_submit", "assessment_pdf",
                 "assessment_return"):  # fmt: skip
        assert client.get(url(name, filled)).status_code == 404, name
    assert client.post(url("assessment_start", filled.request)).status_code == 404


@pytest.mark.parametrize("who", ["tutor_a", "secretary_a", "office", "mentor"])
def test_reviewers_read_the_draft_but_cannot_edit(client, people, filled, mentor, who):
    login(client, mentor if who == "mentor" else people[who])
    assert client.get(url("assessment_detail", filled)).status_code == 200
    assert client.get(url("assessment_edit", filled)).status_code == 404


def test_inbox_follows_annex3(people, filled, mentor):
    assessment = advance_assessment_to(filled, A.BASE_SUPERVISOR_REVIEW, people)
    assert [t.title for t in tasks_for(mentor) if "考核登记表" in t.title] == [
        "基地导师评定：赵雨桐 的专业实践考核登记表"
    ]
    assessment = advance_assessment_to(assessment, A.COLLEGE_REVIEW, people)
    # 学院意见（负责人签字）: the head decides; the secretary checks and forwards.
    assert any("学院审核" in t.title for t in tasks_for(people["head_a"]))
    titles = [t.title for t in tasks_for(people["secretary_a"]) if "考核登记表" in t.title]
    assert titles == ["核对材料：赵雨桐 的专业实践考核登记表"]
    a.assessment_college_forward(assessment=assessment, by=people["secretary_a"])
    assert not any("考核登记表" in t.title for t in tasks_for(people["secretary_a"]))
    assert any("学院审核" in t.title for t in tasks_for(people["head_a"]))
    assert not any("考核登记表" in t.title for t in tasks_for(people["secretary_b"]))
