"""During and after the practice: supervisor contacts (Art 20), allowances (Art 23), the
thesis (Art 24) and publication clearance (Art 25). Views call these; nothing else writes."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from practice import rules
from practice.choices import ClearanceState, ContactMode
from practice.choices import RequestState as S
from practice.contacts import months_between
from practice.models import Allowance, PracticeRequest, PublicationClearance, SupervisorContact
from xcu_bases import access
from xcu_bases.choices import RoleCode
from xcu_bases.services import record_transition
from xcu_bases.uploads import DOCUMENT_KINDS, EVIDENCE_KINDS, check_upload, safe_display_name
from xcu_bases.workflow import AlreadyHandled, WorkflowError, require

THESIS_MAX_BYTES = 50 * 1024 * 1024  # a thesis with figures is larger than other evidence

CLEARANCE_LABELS = {
    "ask": "申请涉密性确认",
    "confirm_open": "确认不涉密",
    "confirm_confidential": "确认涉密",
}


def _locked_request(req) -> PracticeRequest:
    # Never join the nullable base_supervisor here: PostgreSQL refuses FOR UPDATE on the
    # nullable side of an outer join.
    return PracticeRequest.objects.select_for_update().select_related("student").get(pk=req.pk)


# --- Art 20: contacts -------------------------------------------------------------------


def contact_record(
    *, req, by, on: date, mode: str, topic: str, notes: str = "", today: date | None = None
) -> SupervisorContact:
    """Either supervisor records one contact, dated inside the practice and not in the future."""
    today = today or timezone.localdate()
    topic = require(topic, "沟通主题")
    if len(topic) > SupervisorContact._meta.get_field("topic").max_length:
        raise WorkflowError("沟通主题不超过 200 字。")
    if mode not in ContactMode.values:
        raise WorkflowError("请选择沟通方式。")
    with transaction.atomic():
        locked = _locked_request(req)
        if not rules.is_either_supervisor(locked, by):
            raise PermissionDenied("只有该生的校内导师和基地导师可以登记沟通记录。")
        if locked.state != S.APPROVED:
            raise WorkflowError(
                f"专业实践当前为“{locked.get_state_display()}”，只能在实践期间登记沟通记录。"
            )
        if on > today:
            raise WorkflowError("沟通日期不能晚于今天。")
        ends_on = locked.effective_ends_on  # Art 24: the early end when it ended early
        if not locked.starts_on <= on <= ends_on:
            raise WorkflowError(
                f"沟通日期须在实践期间（{locked.starts_on:%Y-%m-%d} 至 {ends_on:%Y-%m-%d}）。"
            )
        return SupervisorContact.objects.create(
            request=locked, on=on, mode=mode, topic=topic, notes=(notes or "").strip(),
            recorded_by=by,
        )  # fmt: skip


# --- Art 23: allowances -----------------------------------------------------------------


def may_record_allowance(req, user) -> bool:
    """The partner pays: the base supervisor records it; the college and the office may too."""
    return (
        rules.is_base_supervisor(req, user)
        or rules.is_college_staff(req, user)
        or access.is_office(user)
    )


def allowance_record(*, req, by, month: date, amount: Decimal, note: str = "") -> Allowance:
    month = month.replace(day=1)
    with transaction.atomic():
        locked = _locked_request(req)
        if not may_record_allowance(locked, by):
            raise PermissionDenied("只有基地导师、学院和学科与研究生处可以登记津贴。")
        if locked.state not in (S.APPROVED, S.COMPLETED):
            raise WorkflowError("只有已批准的专业实践可以登记津贴。")
        ends_on = locked.effective_ends_on  # Art 24: the early end when it ended early
        if month not in months_between(locked.starts_on, ends_on):
            raise WorkflowError(
                f"月份须在实践期间（{locked.starts_on:%Y年%m月} 至 {ends_on:%Y年%m月}）。"
            )
        if amount is None or amount <= 0:
            raise WorkflowError("金额必须大于 0。")
        if Allowance.objects.filter(request=locked, month=month).exists():
            raise WorkflowError(f"{month:%Y年%m月}的津贴已登记，每月一条。")
        return Allowance.objects.create(
            request=locked, month=month, amount=amount, note=(note or "").strip(), recorded_by=by
        )


# --- Art 24: the thesis -----------------------------------------------------------------


def thesis_set(*, req, file, by) -> PracticeRequest:
    """The student uploads (or replaces) the thesis while the practice is on record."""
    check_upload(file, DOCUMENT_KINDS, max_bytes=THESIS_MAX_BYTES)
    with transaction.atomic():
        locked = _locked_request(req)
        if not rules.is_the_student(locked, by):
            raise PermissionDenied("只能上传本人的学位论文。")
        if locked.state != S.APPROVED:
            raise WorkflowError(
                f"专业实践当前为“{locked.get_state_display()}”，不能上传或更换学位论文。"
            )
        old = locked.thesis.name if locked.thesis else ""
        locked.thesis = file
        locked.thesis_name = safe_display_name(file.name)
        locked.thesis_uploaded_at = timezone.now()
        locked.save(update_fields=["thesis", "thesis_name", "thesis_uploaded_at"])
        if old:
            storage = locked.thesis.storage
            transaction.on_commit(lambda: storage.delete(old))
        return locked


# --- Art 25: publication clearance ------------------------------------------------------

ASK_FIELDS = {"use", "title", "venue", "content"}


def clearance_ask(*, req, by, data: dict) -> PublicationClearance:
    unknown = set(data) - ASK_FIELDS
    if unknown:  # never state, answer or files through a question
        raise PermissionDenied("申请包含不允许的字段：" + "、".join(sorted(unknown)))
    with transaction.atomic():
        locked = _locked_request(req)
        if not rules.is_the_student(locked, by):
            raise PermissionDenied("只能为本人的专业实践申请涉密性确认。")
        if locked.state not in (S.APPROVED, S.COMPLETED):
            raise WorkflowError("只有已批准的专业实践可以申请涉密性确认。")
        if locked.base_supervisor is None or locked.base_supervisor.user_id is None:
            raise WorkflowError("该实践没有可登录的基地导师，无法由基地确认，请联系学院。")
        clearance = PublicationClearance.objects.create(request=locked, **data)
        record_transition(
            clearance, transition="ask", transition_label=CLEARANCE_LABELS["ask"], source="",
            target=clearance.state, state_labels=ClearanceState, by=by, role=RoleCode.STUDENT,
        )  # fmt: skip
        return clearance


def clearance_answer(*, clearance, by, confidential: bool, answer: str) -> PublicationClearance:
    """The base supervisor confirms, once, whether the results are confidential."""
    answer = require(answer, "确认意见")
    name = "confirm_confidential" if confidential else "confirm_open"
    with transaction.atomic():
        locked = (
            PublicationClearance.objects.select_for_update()
            .select_related("request")  # not request__base_supervisor: see _locked_request
            .get(pk=clearance.pk)
        )
        if not rules.is_base_supervisor(locked.request, by):
            raise PermissionDenied("只有该生的基地导师可以确认涉密性。")
        if locked.state != ClearanceState.PENDING:
            raise AlreadyHandled(f"该申请已确认为“{locked.get_state_display()}”，不能再次确认。")
        source = locked.state
        getattr(locked, name)()
        locked.answer = answer
        locked.answered_by = by
        locked.answered_at = timezone.now()
        locked.save()
        record_transition(
            locked, transition=name, transition_label=CLEARANCE_LABELS[name], source=source,
            target=locked.state, state_labels=ClearanceState, by=by,
            role=RoleCode.BASE_SUPERVISOR, comment=answer,
        )  # fmt: skip
        return locked


def may_file_agreement(clearance, user) -> bool:
    req = clearance.request
    return (
        rules.is_base_supervisor(req, user)
        or rules.is_college_staff(req, user)
        or access.is_office(user)
    )


def clearance_agreement_set(*, clearance, file, by) -> PublicationClearance:
    """A confidential project carries its confidentiality agreement (Art 25)."""
    check_upload(file, EVIDENCE_KINDS)
    with transaction.atomic():
        locked = (
            PublicationClearance.objects.select_for_update()
            .select_related("request__student")  # see _locked_request
            .get(pk=clearance.pk)
        )
        if not may_file_agreement(locked, by):
            raise PermissionDenied("只有基地导师、学院和学科与研究生处可以上传保密协议。")
        if locked.state != ClearanceState.CONFIDENTIAL:
            raise WorkflowError("只有确认涉密的成果需要上传保密协议。")
        old = locked.agreement_scan.name if locked.agreement_scan else ""
        locked.agreement_scan = file
        locked.agreement_scan_name = safe_display_name(file.name)
        locked.save(update_fields=["agreement_scan", "agreement_scan_name"])
        if old:
            storage = locked.agreement_scan.storage
            transaction.on_commit(lambda: storage.delete(old))
        return locked
