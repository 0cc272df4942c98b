"""The practice record (practice/record_services.py): supervisor contacts (Art 20), allowances
(Art 23), the thesis (Art 24) and publication clearance (Art 25).

Every test asserts what changed (habit 9) — the rows, the files, the timeline — and, for a
refusal, that nothing did.
"""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from practice import record_services
from practice.choices import ClearanceState, ContactMode
from practice.choices import RequestState as S
from practice.models import Allowance, BaseSupervisor, PublicationClearance, SupervisorContact
from tests.practice.factories import (
    active_base,
    advance_assessment_to,
    advance_to,
    certified_supervisor,
    complete_assessment,
    fresh,
    logs,
    pdf_file,
    thesis_file,
)
from xcu_bases.choices import RoleCode as R
from xcu_bases.models import User
from xcu_bases.workflow import AlreadyHandled, WorkflowError

TODAY = date(2026, 5, 20)  # in the middle of the practice (2026-03-02 .. 2026-08-31)
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64


@pytest.fixture
def approved(people, draft):
    """student_a's practice, approved: she is at the base now."""
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


# --- Art 20: contacts ----------------------------------------------------------------------------


def _contact(req, by, on=date(2026, 5, 12), mode=ContactMode.PHONE, topic="实践进展", **kw):
    return record_services.contact_record(
        req=req, by=by, on=on, mode=mode, topic=topic, today=kw.pop("today", TODAY), **kw
    )


@pytest.mark.parametrize("recorder", ["tutor_a", "mentor"])
def test_art20_either_supervisor_records_a_contact(who, approved, recorder):
    _contact(
        approved, who[recorder], mode=ContactMode.FACE_TO_FACE, topic="  论文数据采集安排 ",
        notes=" 商定六月完成第二批种质调查。 ",
    )  # fmt: skip
    (row,) = SupervisorContact.objects.filter(request=approved)
    assert (row.on, row.mode, row.topic, row.notes, row.recorded_by) == (
        date(2026, 5, 12),
        ContactMode.FACE_TO_FACE,
        "论文数据采集安排",
        "商定六月完成第二批种质调查。",
        who[recorder],
    )


@pytest.mark.parametrize(
    "intruder",
    ["student_a", "student_b", "tutor_b", "secretary_a", "head_a", "office", "other_mentor"],
)
def test_art20_only_the_two_supervisors_record_contacts(who, approved, intruder):
    with pytest.raises(PermissionDenied, match="只有该生的校内导师和基地导师可以登记沟通记录。"):
        _contact(approved, who[intruder])
    assert not SupervisorContact.objects.exists()


@pytest.mark.parametrize("state", [S.DRAFT, S.SUPERVISOR_REVIEW, S.OFFICE_REVIEW])
def test_art20_no_contact_is_recorded_before_the_practice_is_approved(people, draft, state):
    req = advance_to(draft, state, people)
    with pytest.raises(WorkflowError, match="只能在实践期间登记沟通记录"):
        _contact(req, people["tutor_a"])
    assert not SupervisorContact.objects.exists()


def test_art20_contact_dated_today_is_accepted_tomorrow_is_refused(people, approved):
    with pytest.raises(WorkflowError, match="沟通日期不能晚于今天。"):
        _contact(approved, people["tutor_a"], on=date(2026, 5, 21))
    assert not SupervisorContact.objects.exists()
    _contact(approved, people["tutor_a"], on=TODAY)
    assert list(SupervisorContact.objects.values_list("on", flat=True)) == [TODAY]


@pytest.mark.parametrize("on", [date(2026, 3, 1), date(2026, 9, 1)])
def test_art20_contact_outside_the_practice_is_refused(people, approved, on):
    with pytest.raises(WorkflowError, match="沟通日期须在实践期间（2026-03-02 至 2026-08-31）。"):
        _contact(approved, people["tutor_a"], on=on, today=date(2026, 9, 10))
    assert not SupervisorContact.objects.exists()


@pytest.mark.parametrize(
    "mode, topic, message",
    [(ContactMode.PHONE, "  ", "请填写沟通主题。"), ("letter", "进展", "请选择沟通方式。")],
)
def test_art20_contact_needs_a_topic_and_a_known_mode(people, approved, mode, topic, message):
    with pytest.raises(WorkflowError, match=message):
        _contact(approved, people["tutor_a"], mode=mode, topic=topic)
    assert not SupervisorContact.objects.exists()


# --- Art 23: allowances --------------------------------------------------------------------------


def _allowance(req, by, month=date(2026, 4, 1), amount=Decimal("1500.00"), note=""):
    return record_services.allowance_record(req=req, by=by, month=month, amount=amount, note=note)


@pytest.mark.parametrize("recorder", ["mentor", "secretary_a", "head_a", "office"])
def test_art23_base_supervisor_college_and_office_record_allowances(who, approved, recorder):
    _allowance(approved, who[recorder], month=date(2026, 4, 15), note=" 四月生活补助 ")
    (row,) = Allowance.objects.filter(request=approved)
    assert (row.month, row.amount, row.note, row.recorded_by) == (
        date(2026, 4, 1),  # any day of the month is that month
        Decimal("1500.00"),
        "四月生活补助",
        who[recorder],
    )


@pytest.mark.parametrize(
    "intruder", ["secretary_b", "head_b", "student_a", "tutor_a", "tutor_b", "other_mentor"]
)
def test_art23_others_cannot_record_allowances(who, approved, intruder):
    with pytest.raises(PermissionDenied, match="只有基地导师、学院和学科与研究生处可以登记津贴。"):
        _allowance(approved, who[intruder])
    assert not Allowance.objects.exists()


@pytest.mark.parametrize("month", [date(2026, 2, 1), date(2026, 9, 1)])
def test_art23_allowance_month_must_be_in_the_practice(people, approved, month):
    with pytest.raises(WorkflowError, match="月份须在实践期间（2026年03月 至 2026年08月）。"):
        _allowance(approved, people["office"], month=month)
    assert not Allowance.objects.exists()


def test_art23_first_and_last_month_of_the_practice_are_in_it(people, approved):
    _allowance(approved, people["office"], month=date(2026, 3, 1))  # practice starts 2 March
    _allowance(approved, people["office"], month=date(2026, 8, 1))
    assert sorted(Allowance.objects.values_list("month", flat=True)) == [
        date(2026, 3, 1),
        date(2026, 8, 1),
    ]


def test_art23_one_allowance_a_month(who, approved):
    _allowance(approved, who["mentor"], amount=Decimal("1500.00"))
    with pytest.raises(WorkflowError, match="2026年04月的津贴已登记，每月一条。"):
        _allowance(approved, who["office"], month=date(2026, 4, 30), amount=Decimal("900.00"))
    (row,) = Allowance.objects.all()
    assert (row.amount, row.recorded_by) == (Decimal("1500.00"), who["mentor"])


@pytest.mark.parametrize("amount", [Decimal("0"), Decimal("-100.00"), None])
def test_art23_allowance_amount_must_be_positive(people, approved, amount):
    with pytest.raises(WorkflowError, match="金额必须大于 0。"):
        _allowance(approved, people["office"], amount=amount)
    assert not Allowance.objects.exists()


def test_art23_no_allowance_before_approval(people, draft):
    with pytest.raises(WorkflowError, match="只有已批准的专业实践可以登记津贴。"):
        _allowance(draft, people["office"])
    assert not Allowance.objects.exists()


# --- Art 24: the thesis ----------------------------------------------------------------------------


def test_art24_student_uploads_the_thesis(people, approved):
    record_services.thesis_set(
        req=approved, file=thesis_file("赵雨桐学位论文.pdf"), by=people["student_a"]
    )
    after = fresh(approved)
    assert after.thesis_name == "赵雨桐学位论文.pdf"
    assert after.thesis_uploaded_at is not None
    assert after.thesis.name.startswith("practice/theses/")
    assert after.thesis.storage.exists(after.thesis.name)


@pytest.mark.parametrize("intruder", ["student_b", "tutor_a", "mentor", "secretary_a", "office"])
def test_art24_only_the_student_uploads_the_thesis(who, approved, intruder):
    with pytest.raises(PermissionDenied, match="只能上传本人的学位论文。"):
        record_services.thesis_set(req=approved, file=thesis_file(), by=who[intruder])
    after = fresh(approved)
    assert (after.thesis.name, after.thesis_name, after.thesis_uploaded_at) == ("", "", None)


def test_art24_no_thesis_before_the_practice_is_approved(people, draft):
    with pytest.raises(WorkflowError, match="专业实践当前为“草稿”，不能上传或更换学位论文。"):
        record_services.thesis_set(req=draft, file=thesis_file(), by=people["student_a"])
    assert fresh(draft).thesis_name == ""


def test_art24_thesis_cannot_be_replaced_once_the_practice_is_completed(people, approved):
    assessment = advance_assessment_to(complete_assessment(approved), "archived", people)
    completed = fresh(assessment.request)
    assert completed.state == S.COMPLETED
    archived_thesis = completed.thesis.name
    with pytest.raises(WorkflowError, match="专业实践当前为“已完成”，不能上传或更换学位论文。"):
        record_services.thesis_set(
            req=completed, file=thesis_file("新版.pdf"), by=people["student_a"]
        )
    assert fresh(completed).thesis.name == archived_thesis
    assert completed.thesis.storage.exists(archived_thesis)


def test_art24_program_renamed_pdf_is_refused_by_its_content(people, approved, settings):
    disguised = SimpleUploadedFile("学位论文.pdf", EXE, content_type="application/pdf")
    with pytest.raises(ValidationError) as refused:
        record_services.thesis_set(req=approved, file=disguised, by=people["student_a"])
    assert "内容不是允许的类型（仅限 PDF、DOCX）" in refused.value.messages[0]
    assert fresh(approved).thesis_name == ""
    assert not (settings.MEDIA_ROOT / "practice" / "theses").exists()


def test_art24_replacing_the_thesis_deletes_the_old_file_after_commit(
    people, approved, django_capture_on_commit_callbacks
):
    first = record_services.thesis_set(
        req=approved, file=thesis_file("初稿.pdf"), by=people["student_a"]
    )
    old, storage = first.thesis.name, first.thesis.storage

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        second = record_services.thesis_set(
            req=approved, file=thesis_file("终稿.pdf"), by=people["student_a"]
        )
        assert storage.exists(old)  # not before the commit

    assert len(callbacks) == 1
    assert not storage.exists(old)
    after = fresh(approved)
    assert (after.thesis.name, after.thesis_name) == (second.thesis.name, "终稿.pdf")
    assert after.thesis.name != old and storage.exists(after.thesis.name)


def test_art24_refused_replacement_keeps_the_old_file(
    people, approved, django_capture_on_commit_callbacks
):
    first = record_services.thesis_set(req=approved, file=thesis_file(), by=people["student_a"])
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(PermissionDenied),
    ):
        record_services.thesis_set(req=approved, file=thesis_file(), by=people["tutor_a"])
    assert callbacks == []
    assert fresh(approved).thesis.name == first.thesis.name
    assert first.thesis.storage.exists(first.thesis.name)


# --- Art 25: publication clearance ------------------------------------------------------------------

QUESTION = {
    "use": "paper",
    "title": "凉山苦荞种质资源黄酮含量的变异分析",
    "venue": "《西南农业学报》",
    "content": "拟使用在基地测定的两百份苦荞种质黄酮含量数据及聚类分析结论。",
}


def _ask(req, by, **data):
    return record_services.clearance_ask(req=req, by=by, data={**QUESTION, **data})


def _answer(clearance, by, confidential=False, answer="数据已公开发表过，不涉及商业秘密。"):
    return record_services.clearance_answer(
        clearance=clearance, by=by, confidential=confidential, answer=answer
    )


def test_art25_student_asks_and_the_ask_is_logged(people, approved):
    clearance = _ask(approved, people["student_a"])
    clearance = fresh(clearance)
    assert (clearance.state, clearance.title, clearance.request) == (
        ClearanceState.PENDING,
        QUESTION["title"],
        approved,
    )
    (log,) = logs(clearance)
    assert (log.transition, log.source_state, log.target_state, log.role, log.by) == (
        "ask",
        "",
        ClearanceState.PENDING,
        R.STUDENT,
        people["student_a"],
    )
    assert (log.transition_label, log.target_label) == ("申请涉密性确认", "待基地确认")


@pytest.mark.parametrize("intruder", ["student_b", "tutor_a", "mentor", "secretary_a", "office"])
def test_art25_only_the_student_asks(who, approved, intruder):
    with pytest.raises(PermissionDenied, match="只能为本人的专业实践申请涉密性确认。"):
        _ask(approved, who[intruder])
    assert not PublicationClearance.objects.exists()


def test_art25_question_cannot_set_the_state_or_the_answer(people, approved):
    with pytest.raises(PermissionDenied, match="申请包含不允许的字段：answer、state"):
        _ask(approved, people["student_a"], state="open", answer="不涉密")
    assert not PublicationClearance.objects.exists()


def test_art25_no_question_before_the_practice_is_approved(people, draft):
    with pytest.raises(WorkflowError, match="只有已批准的专业实践可以申请涉密性确认。"):
        _ask(draft, people["student_a"])
    assert not PublicationClearance.objects.exists()


def test_art25_no_question_when_the_base_supervisor_cannot_log_in(people, approved, supervisor):
    BaseSupervisor.objects.filter(pk=supervisor.pk).update(user=None)
    with pytest.raises(WorkflowError, match="该实践没有可登录的基地导师"):
        _ask(approved, people["student_a"])
    assert not PublicationClearance.objects.exists()


@pytest.fixture
def pending(people, approved):
    return _ask(approved, people["student_a"])


@pytest.mark.parametrize(
    "confidential, state, transition",
    [
        (False, ClearanceState.OPEN, "confirm_open"),
        (True, ClearanceState.CONFIDENTIAL, "confirm_confidential"),
    ],
)
def test_art25_base_supervisor_answers_and_the_answer_is_logged(
    who, pending, confidential, state, transition
):
    answer = "  经基地技术委员会审议，意见如下。  "
    _answer(pending, who["mentor"], confidential=confidential, answer=answer)
    after = fresh(pending)
    assert (after.state, after.answer, after.answered_by) == (
        state,
        "经基地技术委员会审议，意见如下。",
        who["mentor"],
    )
    assert after.answered_at is not None
    (log,) = logs(after, transition)
    assert (log.source_state, log.target_state, log.role, log.by, log.comment) == (
        ClearanceState.PENDING,
        state,
        R.BASE_SUPERVISOR,
        who["mentor"],
        "经基地技术委员会审议，意见如下。",
    )
    assert [row.transition for row in logs(after)] == ["ask", transition]


def test_art25_second_answer_is_already_handled(who, pending):
    stale_page = PublicationClearance.objects.get(pk=pending.pk)
    _answer(pending, who["mentor"], confidential=True, answer="涉及未公开的育种材料，涉密。")
    with pytest.raises(AlreadyHandled, match="该申请已确认为“涉密”，不能再次确认。"):
        _answer(stale_page, who["mentor"], confidential=False, answer="改为不涉密。")
    after = fresh(pending)
    assert (after.state, after.answer) == (
        ClearanceState.CONFIDENTIAL,
        "涉及未公开的育种材料，涉密。",
    )
    assert [row.transition for row in logs(after)] == ["ask", "confirm_confidential"]


@pytest.mark.parametrize(
    "intruder", ["student_a", "tutor_a", "secretary_a", "office", "other_mentor"]
)
def test_art25_only_the_students_base_supervisor_answers(who, pending, intruder):
    with pytest.raises(PermissionDenied, match="只有该生的基地导师可以确认涉密性。"):
        _answer(pending, who[intruder])
    after = fresh(pending)
    assert (after.state, after.answer, after.answered_by) == (ClearanceState.PENDING, "", None)
    assert [row.transition for row in logs(after)] == ["ask"]


def test_art25_answer_needs_an_opinion(who, pending):
    with pytest.raises(WorkflowError, match="请填写确认意见。"):
        _answer(pending, who["mentor"], answer=" \n ")
    assert fresh(pending).state == ClearanceState.PENDING
    assert [row.transition for row in logs(pending)] == ["ask"]


@pytest.fixture
def confidential(who, pending):
    return _answer(pending, who["mentor"], confidential=True, answer="涉密。")


@pytest.mark.parametrize("recorder", ["mentor", "secretary_a", "head_a", "office"])
def test_art25_confidentiality_agreement_is_filed_by_base_college_or_office(
    who, confidential, recorder
):
    record_services.clearance_agreement_set(
        clearance=confidential, file=pdf_file("保密协议.pdf"), by=who[recorder]
    )
    after = fresh(confidential)
    assert after.agreement_scan_name == "保密协议.pdf"
    assert after.agreement_scan.storage.exists(after.agreement_scan.name)


@pytest.mark.parametrize(
    "intruder", ["student_a", "tutor_a", "secretary_b", "head_b", "other_mentor"]
)
def test_art25_others_cannot_file_the_agreement(who, confidential, intruder):
    with pytest.raises(
        PermissionDenied, match="只有基地导师、学院和学科与研究生处可以上传保密协议。"
    ):
        record_services.clearance_agreement_set(
            clearance=confidential, file=pdf_file("保密协议.pdf"), by=who[intruder]
        )
    assert fresh(confidential).agreement_scan_name == ""


def test_art25_agreement_only_for_confidential_results(who, pending):
    with pytest.raises(WorkflowError, match="只有确认涉密的成果需要上传保密协议。"):
        record_services.clearance_agreement_set(
            clearance=pending, file=pdf_file("保密协议.pdf"), by=who["office"]
        )
    _answer(pending, who["mentor"], confidential=False)
    with pytest.raises(WorkflowError, match="只有确认涉密的成果需要上传保密协议。"):
        record_services.clearance_agreement_set(
            clearance=pending, file=pdf_file("保密协议.pdf"), by=who["office"]
        )
    assert fresh(pending).agreement_scan_name == ""


def test_art25_replacing_the_agreement_deletes_the_old_scan_after_commit(
    who, confidential, django_capture_on_commit_callbacks
):
    first = record_services.clearance_agreement_set(
        clearance=confidential, file=pdf_file("保密协议.pdf"), by=who["mentor"]
    )
    old, storage = first.agreement_scan.name, first.agreement_scan.storage
    with django_capture_on_commit_callbacks(execute=True):
        record_services.clearance_agreement_set(
            clearance=confidential, file=pdf_file("保密协议（盖章版）.pdf"), by=who["office"]
        )
    after = fresh(confidential)
    assert after.agreement_scan_name == "保密协议（盖章版）.pdf"
    assert not storage.exists(old)
    assert storage.exists(after.agreement_scan.name)
