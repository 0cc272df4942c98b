"""Regulation fidelity of the Annex 2/3 chains (issue 13, items 3, 4, 7, 12):

* 学院意见（负责人签字）: the college step of Annex 2 and Annex 3 is the college head's; the
  secretary checks the material and forwards it (a logged note that tells the head);
* Art 19: the plan is made jointly — the base supervisor (合作导师) confirms it, or returns it
  with comments, before the request reaches the college; the confirmation prints on Annex 2;
* Art 18: a revoked or expired base supervisor never leaves a student stuck — the college names
  a replacement of the same base, whatever waits follows the request to the new supervisor once
  certified, and meanwhile the office may act in the supervisor's place with a logged reason;
* Annex 2 基地负责人联系方式（电话、邮箱）: the base head's e-mail is on the form and the PDF.
"""

import io
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from pypdf import PdfReader

from practice import assessment_printing, assessment_services, printing, record_services, services
from practice.choices import AssessmentState as A
from practice.choices import ContactMode, SupervisorState
from practice.choices import RequestState as S
from practice.services import PracticeError
from tests.notices import captured, who
from tests.practice.factories import (
    ASSESSMENT_COMMENTS,
    COMMENTS,
    advance_assessment_to,
    advance_to,
    complete_assessment,
    fresh,
    logs,
    nominated_supervisor,
)
from xcu_bases.choices import NotificationKind as K
from xcu_bases.choices import RoleCode as R
from xcu_bases.inbox import tasks_for
from xcu_bases.models import User
from xcu_bases.workflow import WorkflowError, seen


def state_of(obj) -> tuple:
    obj = fresh(obj)
    return obj.state, obj.round, len(logs(obj))


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "".join("".join(page.extract_text().split()) for page in reader.pages)


def url(name, obj):
    return reverse(f"practice:{name}", args=[obj.pk])


def seen_post(obj, **data):
    return {"seen_state": obj.state, "seen_round": obj.round, **data}


def _titles(user) -> list[str]:
    return [t.title for t in tasks_for(User.objects.get(pk=user.pk)) if t.category == "专业实践"]


@pytest.fixture
def mentor(supervisor):
    return User.objects.get(pk=supervisor.user_id)


def _certify(supervisor, people, number="XCU-JDDS-0099"):
    certified, _ = services.supervisor_certify(
        supervisor=supervisor, by=people["office"], certificate_number=number,
        certified_on=date(2025, 2, 1), valid_until=None,
    )  # fmt: skip
    return certified


def _revoke(supervisor, people):
    services.supervisor_revoke(
        supervisor=supervisor, by=people["office"], reason="合作单位来函：该同志已调离。"
    )


# --- 学院意见（负责人签字）: the college step is the head's ----------------------------------------

REQUEST_COLLEGE = {
    "college_approve": (services.request_college_approve, S.OFFICE_REVIEW),
    "return_to_draft": (services.request_return, S.DRAFT),
    "reject": (services.request_reject, S.REJECTED),
}


@pytest.mark.parametrize("name", list(REQUEST_COLLEGE))
def test_annex2_college_step_is_the_heads(people, draft, name):
    service, target = REQUEST_COLLEGE[name]
    waiting = advance_to(draft, S.COLLEGE_REVIEW, people)
    before = state_of(waiting)
    for intruder in ("secretary_a", "head_b", "secretary_b"):
        with pytest.raises(PermissionDenied):
            service(req=waiting, by=people[intruder], expected=seen(waiting), comment="同意。")
    assert state_of(waiting) == before

    service(req=waiting, by=people["head_a"], expected=seen(waiting), comment="学院负责人意见。")
    after = fresh(waiting)
    assert after.state == target
    (log,) = logs(after, name)
    assert (log.source_state, log.role, log.by, log.comment) == (
        S.COLLEGE_REVIEW, R.COLLEGE_HEAD, people["head_a"], "学院负责人意见。",
    )  # fmt: skip


def test_annex2_secretary_checks_and_forwards_to_the_head_without_a_state_change(people, draft):
    waiting = advance_to(draft, S.COLLEGE_REVIEW, people)
    for intruder in ("head_a", "secretary_b", "tutor_a", "office"):
        with pytest.raises(PermissionDenied):
            services.request_college_forward(req=waiting, by=people[intruder])
    with captured() as rows:
        services.request_college_forward(
            req=waiting, by=people["secretary_a"], comment="保险、承诺、实践计划齐全。"
        )
    assert who(rows) == [("head_a", K.TASK)]  # the head is told; the state does not move
    after = fresh(waiting)
    assert (after.state, after.round) == (S.COLLEGE_REVIEW, 1)
    (log,) = logs(after, "college_forward")
    assert (log.source_state, log.target_state, log.role, log.by, log.comment) == (
        "", "", R.COLLEGE_SECRETARY, people["secretary_a"],
        "保险、承诺、实践计划齐全。",
    )  # fmt: skip
    assert log.transition_label == "材料已核对，转学院负责人"
    with pytest.raises(WorkflowError, match="无需重复转交"):
        services.request_college_forward(req=waiting, by=people["secretary_a"])
    assert len(logs(after, "college_forward")) == 1
    services.request_college_approve(
        req=after, by=people["head_a"], expected=seen(after), comment="同意。"
    )
    assert fresh(after).state == S.OFFICE_REVIEW


def test_annex3_college_step_is_the_heads(people, draft):
    assessment = advance_assessment_to(
        complete_assessment(advance_to(draft, S.APPROVED, people)), A.COLLEGE_REVIEW, people
    )
    before = state_of(assessment)
    for intruder in ("secretary_a", "head_b"):
        for service in (
            assessment_services.assessment_college_approve,
            assessment_services.assessment_return,
        ):
            with pytest.raises(PermissionDenied):
                service(
                    assessment=assessment, by=people[intruder], expected=seen(assessment),
                    comment="同意。",
                )  # fmt: skip
    assert state_of(assessment) == before

    with captured() as rows:
        assessment_services.assessment_college_forward(
            assessment=assessment, by=people["secretary_a"]
        )
    assert who(rows) == [("head_a", K.TASK)] and fresh(assessment).state == A.COLLEGE_REVIEW
    assessment_services.assessment_college_approve(
        assessment=assessment, by=people["head_a"], expected=seen(assessment),
        comment=ASSESSMENT_COMMENTS["college_approve"],
    )  # fmt: skip
    after = fresh(assessment)
    assert after.state == A.OFFICE_REVIEW
    (log,) = logs(after, "college_approve")
    assert (log.role, log.by) == (R.COLLEGE_HEAD, people["head_a"])
    # Annex 3 prints the head's opinion in the 学院意见 box.
    text = pdf_text(assessment_printing.render_annex3(after)[0])
    box = text[text.index("学院意见") :]
    assert box.index(ASSESSMENT_COMMENTS["college_approve"]) < box.index("（系统记录：陈志强，")
    assert box.index("（系统记录：陈志强，") < box.index("负责人签字：")


def test_annex2_prints_heads_name_and_opinion(people, draft):
    approved = advance_to(draft, S.APPROVED, people)
    text = pdf_text(printing.render_annex2(approved)[0])
    college = text.index("学院意见")
    office = text.index("学科与研究生处意见")
    box = text[college:office]
    assert COMMENTS["college_approve"] in box
    assert "（系统记录：陈志强，" in box and "负责人签字：" in box
    assert "杨静" not in text  # the secretary prepares; the form carries the head's opinion


# --- Art 19: the base supervisor confirms the plan ----------------------------------------------


def test_art19_base_supervisor_confirms_plan(client, people, draft, mentor):
    with captured() as rows:
        waiting = advance_to(draft, S.PLAN_REVIEW, people)
    assert (mentor.username, K.TASK) in who(rows)
    assert _titles(mentor) == [f"确认实践计划：{waiting}"]
    assert _titles(people["head_a"]) == []  # not the college's turn yet

    client.force_login(mentor)
    detail = client.get(url("request_detail", waiting)).text
    assert url("request_plan_confirm", waiting) in detail
    page = client.get(url("request_plan_confirm", waiting)).text
    assert 'data-testid="plan"' in page and waiting.tasks.first().task in page
    assert url("request_return", waiting) in page  # or send it back with comments
    response = client.post(url("request_plan_confirm", waiting), seen_post(waiting, comment=" "))
    assert response.status_code == 200 and fresh(waiting).state == S.PLAN_REVIEW
    with captured() as rows:
        client.post(
            url("request_plan_confirm", waiting),
            seen_post(waiting, comment=COMMENTS["plan_confirm"]),
        )
    after = fresh(waiting)
    assert after.state == S.COLLEGE_REVIEW
    (log,) = logs(after, "plan_confirm")
    assert (log.source_state, log.target_state, log.role, log.by, log.comment) == (
        S.PLAN_REVIEW, S.COLLEGE_REVIEW, R.BASE_SUPERVISOR, mentor, COMMENTS["plan_confirm"],
    )  # fmt: skip
    assert log.transition_label == "基地导师确认实践计划"
    assert who(rows) == [("head_a", K.TASK)]
    assert _titles(mentor) == []
    page = client.get(url("request_detail", after)).text
    assert "基地导师确认实践计划" in page and COMMENTS["plan_confirm"] in page


def test_art19_base_supervisor_returns_plan_with_comment(client, people, draft, mentor):
    waiting = advance_to(draft, S.PLAN_REVIEW, people)
    client.force_login(mentor)
    response = client.post(url("request_return", waiting), seen_post(waiting, comment=""))
    assert response.status_code == 200 and "这个字段是必填项" in response.text
    assert state_of(waiting) == (S.PLAN_REVIEW, 1, 2)
    comment = "实践计划第 2 项须写明黄酮含量测定的样本数量和方法，请与校内导师商定后修改。"
    with captured() as rows:
        client.post(url("request_return", waiting), seen_post(waiting, comment=comment))
    returned = fresh(waiting)
    assert (returned.state, returned.round) == (S.DRAFT, 1)
    (log,) = logs(returned, "return_to_draft")
    assert (log.source_state, log.role, log.by, log.comment) == (
        S.PLAN_REVIEW, R.BASE_SUPERVISOR, mentor, comment,
    )  # fmt: skip
    assert who(rows) == [("student_a", K.RETURNED)] and comment in rows[0].body
    assert _titles(people["student_a"]) == [f"退回修改：{returned}"]
    # the mentor never refuses the request itself
    waiting = advance_to(returned, S.PLAN_REVIEW, people)
    assert client.get(url("request_reject", waiting)).status_code == 403


def test_art19_plan_confirmation_prints_on_annex2(people, draft):
    waiting = advance_to(draft, S.PLAN_REVIEW, people)
    blank = printing.plan_confirmation(waiting, is_draft=False)
    assert (blank["paragraphs"], blank["by"]) == ([], "")
    approved = advance_to(waiting, S.APPROVED, people)
    confirmed = printing.plan_confirmation(approved, is_draft=False)
    assert confirmed["paragraphs"] == [COMMENTS["plan_confirm"]]
    assert confirmed["by"] == "吉克曲布"
    text = pdf_text(printing.render_annex2(approved)[0])
    # The official boxes keep their order; the confirmation sits next to 导师意见, before 学院意见.
    positions = [
        text.index(approved.tasks.last().task),
        text.index("本人申请并承诺"),
        text.index("导师意见"),
        text.index(COMMENTS["supervisor_approve"]),
        text.index("基地导师意见（确认实践计划）"),
        text.index(COMMENTS["plan_confirm"]),
        text.index("（系统记录：吉克曲布，"),
        text.index("基地导师签字："),
        text.index("学院意见"),
        text.index("学科与研究生处意见"),
    ]
    assert positions == sorted(positions)
    assert len(PdfReader(io.BytesIO(printing.render_annex2(approved)[0])).pages) == 4


# --- Art 18: a base supervisor who leaves never leaves a student stuck ---------------------------


def test_art18_replacement_supervisor_takes_over_waiting_step(people, draft, supervisor, mentor):
    waiting = advance_to(draft, S.PLAN_REVIEW, people)
    _revoke(supervisor, people)
    mentor.refresh_from_db()
    with pytest.raises(PermissionDenied):  # revoked: not theirs any more, even if logged in
        services.request_plan_confirm(
            req=waiting, by=mentor, expected=seen(waiting), comment="同意。"
        )
    assert _titles(people["secretary_a"]) == [f"更换基地导师：{waiting}"]

    # nominated now, certified later
    nominee = nominated_supervisor(waiting.base, people["secretary_a"], name="马海英")
    services.request_replace_supervisor(
        req=waiting, by=people["secretary_a"], supervisor=nominee, reason="原基地导师已调离。"
    )
    assert fresh(waiting).base_supervisor == nominee
    assert _titles(people["secretary_a"]) == []  # waits for the office's certification now
    certified = _certify(nominee, people)
    new = User.objects.get(pk=certified.user_id)
    assert _titles(new) == [f"确认实践计划：{waiting}"]
    services.request_plan_confirm(
        req=fresh(waiting), by=new, expected=seen(waiting), comment="同意该实践计划。"
    )
    after = fresh(waiting)
    assert after.state == S.COLLEGE_REVIEW
    (log,) = logs(after, "plan_confirm")
    assert (log.by, log.role) == (new, R.BASE_SUPERVISOR)


def test_art18_replacement_takes_over_annex3_contacts_and_clearances(people, draft, supervisor):
    """An expired certificate (the account still works): after the replacement the old
    supervisor may do nothing more; the new one grades, records contacts and answers."""
    from practice.models import BaseSupervisor

    approved = advance_to(draft, S.APPROVED, people)
    assessment = advance_assessment_to(
        complete_assessment(approved), A.BASE_SUPERVISOR_REVIEW, people
    )
    clearance = record_services.clearance_ask(
        req=approved, by=people["student_a"],
        data={"use": "paper", "title": "苦荞黄酮", "venue": "《西南农业学报》", "content": "数据"},
    )  # fmt: skip
    BaseSupervisor.objects.filter(pk=supervisor.pk).update(valid_until=date(2026, 9, 30))
    old = User.objects.get(pk=supervisor.user_id)
    other = _certify(nominated_supervisor(approved.base, people["office"], name="马海英"), people)
    new = User.objects.get(pk=other.user_id)
    services.request_replace_supervisor(
        req=approved, by=people["head_a"], supervisor=other, reason="原基地导师认定已过期。"
    )
    with pytest.raises(PermissionDenied):
        assessment_services.assessment_base_supervisor_approve(
            assessment=assessment, by=old, expected=seen(assessment), comment="好。", grade="good"
        )
    with pytest.raises(PermissionDenied):
        record_services.contact_record(
            req=approved, by=old, on=date(2026, 8, 1), mode=ContactMode.PHONE, topic="进展",
            today=date(2026, 9, 1),
        )  # fmt: skip
    assessment_services.assessment_base_supervisor_approve(
        assessment=assessment, by=new, expected=seen(assessment), comment="完成较好。",
        grade="good",
    )  # fmt: skip
    assert fresh(assessment).state == A.CAMPUS_SUPERVISOR_REVIEW
    contact = record_services.contact_record(
        req=approved, by=new, on=date(2026, 8, 1), mode=ContactMode.PHONE, topic="进展",
        today=date(2026, 9, 1),
    )  # fmt: skip
    assert contact.recorded_by == new
    answered = record_services.clearance_answer(
        clearance=clearance, by=new, confidential=False, answer="不涉密。"
    )
    assert answered.answered_by == new


def test_art18_office_acts_for_revoked_supervisor_with_reason(people, draft, supervisor):
    waiting = advance_to(draft, S.PLAN_REVIEW, people)
    office = people["office"]
    with pytest.raises(PermissionDenied):  # the supervisor can act: no standing in
        services.request_plan_confirm(
            req=waiting, by=office, expected=seen(waiting), comment="同意。", reason="代办"
        )
    _revoke(supervisor, people)
    assert _titles(office)[-1] == f"代基地导师确认实践计划：{waiting}"
    before = state_of(waiting)
    with pytest.raises(PracticeError, match="请填写代基地导师办理的理由。"):
        services.request_plan_confirm(
            req=waiting, by=office, expected=seen(waiting), comment="同意。", reason=" "
        )
    assert state_of(waiting) == before
    services.request_plan_confirm(
        req=waiting, by=office, expected=seen(waiting), comment="实践计划可行，同意。",
        reason="基地导师已调离，资格已撤销，学院正在提名新的基地导师。",
    )  # fmt: skip
    after = fresh(waiting)
    assert after.state == S.COLLEGE_REVIEW
    (log,) = logs(after, "plan_confirm")
    assert (log.by, log.role) == (office, R.GRADUATE_OFFICE)
    assert log.transition_label == "基地导师确认实践计划（学科与研究生处代基地导师）"
    assert log.comment == (
        "实践计划可行，同意。\n代基地导师办理的理由：基地导师已调离，资格已撤销，学院正在提名新的基地导师。"
    )


def test_art18_office_grades_annex3_for_a_revoked_supervisor_with_reason(
    people, draft, supervisor
):
    assessment = advance_assessment_to(
        complete_assessment(advance_to(draft, S.APPROVED, people)),
        A.BASE_SUPERVISOR_REVIEW,
        people,
    )
    _revoke(supervisor, people)
    with pytest.raises(WorkflowError, match="请填写代基地导师办理的理由。"):
        assessment_services.assessment_base_supervisor_approve(
            assessment=assessment, by=people["office"], expected=seen(assessment),
            comment="合格。", grade="pass",
        )  # fmt: skip
    assert fresh(assessment).grade == ""
    assessment_services.assessment_base_supervisor_approve(
        assessment=assessment, by=people["office"], expected=seen(assessment),
        comment="依据基地出具的实践鉴定意见评定。", grade="pass", reason="基地导师资格已撤销。",
    )  # fmt: skip
    after = fresh(assessment)
    assert (after.state, after.grade) == (A.CAMPUS_SUPERVISOR_REVIEW, "pass")
    (log,) = logs(after, "base_supervisor_approve")
    assert (log.role, log.transition_label) == (
        R.GRADUATE_OFFICE, "基地导师评定（学科与研究生处代基地导师）",
    )  # fmt: skip
    assert "代基地导师办理的理由：基地导师资格已撤销。" in log.comment


def test_art18_office_stand_in_page_asks_for_the_reason(client, people, draft, supervisor):
    waiting = advance_to(draft, S.PLAN_REVIEW, people)
    _revoke(supervisor, people)
    client.force_login(people["office"])
    page = client.get(url("request_plan_confirm", waiting)).text
    assert "代基地导师办理的理由" in page and 'data-testid="plan"' in page
    response = client.post(
        url("request_plan_confirm", waiting), seen_post(waiting, comment="同意")
    )
    assert response.status_code == 200 and "请填写代基地导师办理的理由。" in response.text
    assert state_of(waiting) == (S.PLAN_REVIEW, 1, 2)
    notice = client.get(url("request_detail", waiting)).text
    assert 'data-testid="supervisor-notice"' in notice and "资格已被撤销" in notice


def test_art18_replacement_logged(client, people, draft, supervisor):
    approved = advance_to(draft, S.APPROVED, people)
    other = _certify(
        nominated_supervisor(approved.base, people["secretary_a"], name="马海英"), people
    )
    client.force_login(people["secretary_a"])
    page = client.get(url("request_replace_supervisor", approved)).text
    assert "马海英" in page and f'value="{supervisor.pk}"' not in page
    response = client.post(
        url("request_replace_supervisor", approved), {"supervisor": other.pk, "reason": " "}
    )
    assert response.status_code == 200 and "请填写更换理由。" in response.text
    assert fresh(approved).base_supervisor == supervisor and not logs(
        approved, "replace_supervisor"
    )
    with captured() as rows:
        client.post(
            url("request_replace_supervisor", approved),
            {"supervisor": other.pk, "reason": "原基地导师工作调动，合作单位推荐马海英接替。"},
        )
    after = fresh(approved)
    assert (after.base_supervisor, after.state) == (other, S.APPROVED)
    (log,) = logs(after, "replace_supervisor")
    assert (log.by, log.role, log.source_state, log.target_state) == (
        people["secretary_a"], R.COLLEGE_SECRETARY, "", "",
    )  # fmt: skip
    assert log.comment == (
        "原基地导师：吉克曲布（已认定）；新基地导师：马海英（已认定）。"
        "更换理由：原基地导师工作调动，合作单位推荐马海英接替。"
    )
    assert who(rows) == sorted(
        [("student_a", K.RESULT), ("tutor_a", K.RESULT), (other.user.username, K.TASK)]
    )
    detail = client.get(url("request_detail", after)).text
    assert "更换基地导师" in detail and 'data-testid="supervisor-replaced"' in detail


def test_art18_replacement_refusals_change_nothing(people, draft, supervisor, college_b):
    from tests.practice.factories import active_base, certified_supervisor

    approved = advance_to(draft, S.APPROVED, people)
    elsewhere = certified_supervisor(active_base(college_b, people["office"]), people, name="甲")
    revoked = certified_supervisor(approved.base, people, name="乙")
    _revoke(revoked, people)
    for by, pick, error, message in [
        (people["secretary_b"], elsewhere, PermissionDenied, "只有该生所在学院"),
        (people["tutor_a"], elsewhere, PermissionDenied, "只有该生所在学院"),
        (people["secretary_a"], supervisor, PracticeError, "与原基地导师相同"),
        (people["secretary_a"], elsewhere, PracticeError, "只能选择本基地"),
        (people["secretary_a"], fresh(revoked), PracticeError, "资格已被撤销"),
    ]:
        with pytest.raises(error, match=message):
            services.request_replace_supervisor(
                req=approved, by=by, supervisor=pick, reason="更换。"
            )
    assert fresh(approved).base_supervisor == supervisor
    assert not logs(approved, "replace_supervisor")
    assert fresh(revoked).state == SupervisorState.REVOKED


def test_art18_no_replacement_on_a_draft(people, draft):
    other = nominated_supervisor(draft.base, people["secretary_a"], name="马海英")
    with pytest.raises(PracticeError, match="只有已提交且未结束的专业实践"):
        services.request_replace_supervisor(
            req=draft, by=people["secretary_a"], supervisor=other, reason="更换。"
        )
    assert fresh(draft).base_supervisor != other


# --- Annex 2 基地负责人联系方式（电话、邮箱） ---------------------------------------------------------


def test_annex2_base_head_email_printed(client, people, draft):
    submitted = advance_to(draft, S.SUPERVISOR_REVIEW, people)
    frozen = submitted.snapshots.get().data["fields"]["base_contact_email"]
    assert frozen == {"label": "基地负责人邮箱", "value": "luoyk@example.cn"}
    text = pdf_text(printing.render_annex2(submitted)[0])
    contact = text.index("联系方式（电话、邮箱）")
    assert text.index("0834-3212001", contact) < text.index("luoyk@example.cn", contact)
    client.force_login(people["tutor_a"])
    assert "luoyk@example.cn" in client.get(url("request_detail", submitted)).text


# --- who may open the new pages --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [("mentor", 200), ("tutor_a", 403), ("student_a", 403), ("head_a", 403), ("office", 403),
     ("secretary_b", 404), ("student_b", 404), ("expert", 404)],
)  # fmt: skip
def test_plan_confirm_page_is_the_base_supervisors(client, people, draft, mentor, who, status):
    waiting = advance_to(draft, S.PLAN_REVIEW, people)
    client.force_login(mentor if who == "mentor" else people[who])
    target = url("request_plan_confirm", waiting)
    assert client.get(target).status_code == status
    if status != 200:
        assert client.post(target, seen_post(waiting, comment="同意")).status_code == status
    assert state_of(waiting) == (S.PLAN_REVIEW, 1, 2)


@pytest.mark.parametrize(
    ("who", "status"),
    [("secretary_a", 200), ("head_a", 403), ("tutor_a", 403), ("student_a", 403),
     ("office", 403), ("secretary_b", 404), ("student_b", 404)],
)  # fmt: skip
def test_college_forward_pages_are_the_secretarys(client, people, draft, who, status):
    req = advance_to(draft, S.COLLEGE_REVIEW, people)
    client.force_login(people[who])
    target = url("request_college_forward", req)
    assert client.get(target).status_code == status
    if status != 200:
        assert client.post(target, {"comment": "转"}).status_code == status
        assert not logs(req, "college_forward")
    assessment = advance_assessment_to(
        complete_assessment(advance_to(req, S.APPROVED, people)), A.COLLEGE_REVIEW, people
    )
    target = url("assessment_college_forward", assessment)
    assert client.get(target).status_code == status
    if status != 200:
        assert client.post(target, {"comment": "转"}).status_code == status
        assert not logs(assessment, "college_forward")


@pytest.mark.parametrize(
    ("who", "status"),
    [("secretary_a", 200), ("head_a", 200), ("office", 200), ("tutor_a", 403),
     ("student_a", 403), ("mentor", 403), ("secretary_b", 404), ("student_b", 404)],
)  # fmt: skip
def test_replace_supervisor_page_is_the_colleges(client, people, draft, mentor, who, status):
    approved = advance_to(draft, S.APPROVED, people)
    client.force_login(mentor if who == "mentor" else people[who])
    target = url("request_replace_supervisor", approved)
    assert client.get(target).status_code == status
    if status != 200:
        assert client.post(target, {"reason": "更换"}).status_code == status
    assert not logs(approved, "replace_supervisor")


@pytest.mark.parametrize(
    "name", ["request_plan_confirm", "request_college_forward", "request_replace_supervisor"]
)
def test_new_pages_send_the_anonymous_to_login(client, draft, name):
    response = client.get(url(name, draft))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_art19_student_home_waits_for_the_plan_confirmation(people, draft):
    from django.utils import timezone

    from practice import home

    advance_to(draft, S.PLAN_REVIEW, people)
    panel = home.student_practice(
        User.objects.get(pk=people["student_a"].pk), timezone.localdate()
    )
    assert [(s["status"], s["title"]) for s in panel.context["steps"]] == [
        ("done", "专业实践申请表已提交"),
        ("wait", "等待基地导师确认计划"),
    ]


def test_art18_office_returns_the_plan_for_a_revoked_supervisor_with_reason(
    people, draft, supervisor
):
    waiting = advance_to(draft, S.PLAN_REVIEW, people)
    _revoke(supervisor, people)
    with pytest.raises(PracticeError, match="请填写代基地导师办理的理由。"):
        services.request_return(
            req=waiting, by=people["office"], expected=seen(waiting), comment="请细化计划。"
        )
    services.request_return(
        req=waiting, by=people["office"], expected=seen(waiting), comment="请细化计划。",
        reason="基地导师资格已撤销，新导师待认定。",
    )  # fmt: skip
    returned = fresh(waiting)
    assert returned.state == S.DRAFT
    (log,) = logs(returned, "return_to_draft")
    assert (log.role, log.transition_label) == (
        R.GRADUATE_OFFICE, "退回修改（学科与研究生处代基地导师）",
    )  # fmt: skip
