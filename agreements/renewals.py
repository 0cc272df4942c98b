"""Every change to a renewal (续签) goes through here (Art 7 applied to a renewal).

Each action runs in one transaction: lock the row, check that it is still as the user saw it,
run the state machine's transition through ``xcu_bases.workflow.Chain`` (permission, no
self-approval, conditions, save, log), and write what goes with it. The signed agreement
becomes the base's new ``Agreement`` and, for an expired base, brings it back to active.
"""

from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from agreements import renewal_rules as rules
from agreements import review, services
from agreements.choices import BaseState
from agreements.choices import RenewalState as S
from agreements.models import Agreement, AgreementTemplate, Base
from agreements.renewal_models import Renewal
from applications.choices import MeetingDecision
from xcu_bases.choices import RoleCode
from xcu_bases.services import record_transition
from xcu_bases.uploads import DOCUMENT_KINDS, check_upload, safe_display_name
from xcu_bases.workflow import Chain, Seen, WorkflowError, lock, require

TRANSITION_LABELS = {
    "submit": "提交续签申请",
    "withdraw": "撤回续签申请",
    "college_approve": "学院审核通过",
    "office_approve": "学科与研究生处审核通过",
    "legal_approve": "法律审核通过",
    "meeting_approve": "校长办公会审定批准",
    "authorise": "依授权文件批准续签",
    "sign": "登记续签协议签订",
    "return_to_draft": "退回修改",
    "reject": "不予续签",
}
NOUN = "续签申请"


def _gaps(renewal, name) -> list[str]:
    if name == "submit":
        return rules.problems(renewal)
    if name == "office_approve":
        return ["请认定协议书是否与模板内容一致。"]
    if name == "meeting_approve":
        return ["请登记校长办公会的日期和届次。"]
    if name == "authorise":
        return ["请登记授权文件的文件号和日期。"]
    return []


CHAIN = Chain(
    noun=NOUN,
    labels=TRANSITION_LABELS,
    states=S,
    acting_role=rules.acting_role,
    gaps=_gaps,
    not_by_submitter=frozenset({"college_approve", "office_approve", "legal_approve"}),
)


def _locked(pk: int, expected: Seen | None) -> Renewal:
    return lock(Renewal.objects.select_related("base"), pk, expected, NOUN)


def _log(renewal: Renewal, *, transition: str, label: str, by, comment: str) -> None:
    """A record on the renewal's timeline that does not change its state."""
    record_transition(
        renewal, transition=transition, transition_label=label, source=renewal.state,
        target=renewal.state, state_labels=S, by=by, role=RoleCode.GRADUATE_OFFICE,
        comment=comment,
    )  # fmt: skip


def _check_term(starts_on: date, ends_on: date) -> None:
    if not (starts_on and ends_on) or ends_on <= starts_on:
        raise WorkflowError("续签协议的结束日期必须晚于开始日期。")


# --- the college files it ---------------------------------------------------------------


def renewal_create(
    *, base: Base, by, starts_on: date, ends_on: date, summary: str,
    deviates_from_template: bool, document,
) -> Renewal:  # fmt: skip
    """A secretary of the base's college drafts a renewal: the new term, the draft agreement
    (checked by its content), whether it deviates from the template, what changes."""
    probe = Renewal(base=base)
    if not rules.is_own_secretary(probe, by):
        raise PermissionDenied("只有基地所属学院的研究生秘书可以申请续签。")
    _check_term(starts_on, ends_on)
    check_upload(document, DOCUMENT_KINDS)
    with transaction.atomic():
        locked = Base.objects.select_for_update().get(pk=base.pk)
        if locked.state not in (BaseState.ACTIVE, BaseState.EXPIRED):
            raise WorkflowError(f"基地当前为“{locked.get_state_display()}”，不能申请续签。")
        if Renewal.objects.open().filter(base=locked).exists():
            raise WorkflowError("该基地已有办理中的续签申请，请在该申请中继续办理。")
        renewal = Renewal(
            base=locked, starts_on=starts_on, ends_on=ends_on, summary=summary.strip(),
            deviates_from_template=deviates_from_template, document=document,
            document_name=safe_display_name(document.name), created_by=by,
        )  # fmt: skip
        try:
            with transaction.atomic():
                renewal.save()
        except IntegrityError:  # filed by a colleague at this very moment
            raise WorkflowError("该基地已有办理中的续签申请，请在该申请中继续办理。") from None
        return renewal


def renewal_update(
    *, renewal: Renewal, by, starts_on: date, ends_on: date, summary: str,
    deviates_from_template: bool, document=None,
) -> Renewal:  # fmt: skip
    """The secretary changes a draft (a new one, or one returned to the college)."""
    _check_term(starts_on, ends_on)
    if document:
        check_upload(document, DOCUMENT_KINDS)
    with transaction.atomic():
        locked = _locked(renewal.pk, None)
        if not rules.is_own_secretary(locked, by):
            raise PermissionDenied("只有基地所属学院的研究生秘书可以修改续签申请。")
        if locked.state != S.DRAFT:
            raise WorkflowError("续签申请已提交，不能修改。如需修改，请撤回或等待退回。")
        locked.starts_on, locked.ends_on = starts_on, ends_on
        locked.summary = summary.strip()
        locked.deviates_from_template = deviates_from_template
        fields = ["starts_on", "ends_on", "summary", "deviates_from_template", "updated_at"]
        if document:
            if locked.document:
                locked.document.delete(save=False)
            locked.document = document
            locked.document_name = safe_display_name(document.name)
            fields += ["document", "document_name"]
        locked.save(update_fields=fields)
        return locked


def renewal_submit(*, renewal: Renewal, by, expected: Seen) -> Renewal:
    """The college files the renewal; each submission is reviewed afresh."""
    with transaction.atomic():
        locked = _locked(renewal.pk, expected)
        if not rules.is_own_secretary(locked, by):
            raise PermissionDenied("无权执行此操作。")
        gaps = rules.problems(locked)
        if gaps:
            raise WorkflowError("续签申请尚不完整，不能提交。", gaps)
        # What the office decided and the meeting recorded belong to the previous submission.
        locked.template = AgreementTemplate.current()
        locked.office_deviates, locked.deviation_reason = None, ""
        locked.meeting_date, locked.meeting_session, locked.meeting_notes = None, "", ""
        locked.authorisation_number, locked.authorised_on = "", None
        locked.round += 1
        locked.submitted_at = timezone.now()
        return CHAIN.run(locked, "submit", by=by)


def renewal_withdraw(*, renewal, by, expected: Seen, comment: str = "") -> Renewal:
    with transaction.atomic():
        return CHAIN.run(_locked(renewal.pk, expected), "withdraw", by=by, comment=comment.strip())


# --- the reviews ----------------------------------------------------------------------------


def renewal_college_approve(*, renewal, by, expected: Seen, comment: str) -> Renewal:
    opinion = require(comment, "学院意见")
    with transaction.atomic():
        return CHAIN.run(_locked(renewal.pk, expected), "college_approve", by=by, comment=opinion)


def _authorisation(number: str, on: date | None) -> tuple[str, date | None]:
    number = (number or "").strip()
    if bool(number) != bool(on):
        raise WorkflowError("授权文件须同时填写文件号和日期。")
    return number, on


def renewal_office_approve(
    *, renewal, by, expected: Seen, comment: str, deviates: bool | None = None,
    deviation_reason: str = "", authorisation_number: str = "", authorised_on: date | None = None,
) -> Renewal:  # fmt: skip
    """Art 7(3): the office passes the renewal and decides whether it deviates from the template
    (changing the college's declaration needs a reason); a deviating one goes to the legal office.
    With the authorising document (文件号 + date) it will not go to the president's meeting."""
    opinion = require(comment, "学科与研究生处审核意见")
    number, on = _authorisation(authorisation_number, authorised_on)
    with transaction.atomic():
        locked = _locked(renewal.pk, expected)
        if not rules.is_office(locked, by):
            raise PermissionDenied("无权执行此操作。")
        declared = locked.deviates_from_template
        decided, reason = review.deviation_decision(
            declared=declared, decided=deviates, reason=deviation_reason
        )
        locked.office_deviates, locked.deviation_reason = decided, reason
        if decided != declared:
            _log(locked, transition="decide_deviation", label="认定协议书与模板是否一致", by=by,
                 comment=review.deviation_comment(declared=declared, decided=decided,
                                                  reason=reason))  # fmt: skip
        if number:
            locked.authorisation_number, locked.authorised_on = number, on
            _log(locked, transition="record_authorisation", label="登记授权文件", by=by,
                 comment=f"{number}（{on:%Y年%m月%d日}），不再提交校长办公会审定。")  # fmt: skip
        result = CHAIN.run(locked, "office_approve", by=by, comment=opinion)
        if result.state == S.LEGAL_REVIEW and not result.sent_to_legal:
            result.sent_to_legal = True
            result.save(update_fields=["sent_to_legal"])
        return result


def renewal_legal_approve(*, renewal, by, expected: Seen, comment: str) -> Renewal:
    opinion = require(comment, "法律审核意见")
    with transaction.atomic():
        return CHAIN.run(_locked(renewal.pk, expected), "legal_approve", by=by, comment=opinion)


def renewal_return(*, renewal, by, expected: Seen, comment: str) -> Renewal:
    reason = require(comment, "退回修改的意见")
    with transaction.atomic():
        return CHAIN.run(_locked(renewal.pk, expected), "return_to_draft", by=by, comment=reason)


def renewal_reject(*, renewal, by, expected: Seen, comment: str) -> Renewal:
    reason = require(comment, "不予续签的理由")
    with transaction.atomic():
        return CHAIN.run(_locked(renewal.pk, expected), "reject", by=by, comment=reason)


# --- the president's meeting, or the document instead ------------------------------------


def renewal_meeting_record(
    *, renewal, by, expected: Seen, meeting_date: date, session: str, decision: str,
    notes: str = "",
) -> Renewal:  # fmt: skip
    """Art 7(4): the office records the president's meeting's decision."""
    if decision not in MeetingDecision.values:
        raise WorkflowError("请选择审定结果。")
    session = require(session, "会议届次")
    notes = (notes or "").strip()
    if decision == MeetingDecision.REJECT:
        require(notes, "不予批准的理由（会议纪要摘要）")
    with transaction.atomic():
        locked = _locked(renewal.pk, expected)
        locked.meeting_date, locked.meeting_session, locked.meeting_notes = (
            meeting_date, session, notes,
        )  # fmt: skip
        comment = f"{session}（{meeting_date:%Y年%m月%d日}）" + (f"：{notes}" if notes else "")
        name = "meeting_approve" if decision == MeetingDecision.APPROVE else "reject"
        return CHAIN.run(locked, name, by=by, comment=comment)


def renewal_authorise(
    *, renewal, by, expected: Seen, authorisation_number: str, authorised_on: date | None,
    comment: str = "",
) -> Renewal:  # fmt: skip
    """The meeting is skipped only with the document that authorises the renewal."""
    number, on = _authorisation(authorisation_number, authorised_on)
    if not number:
        raise WorkflowError("请填写授权文件的文件号和日期。")
    with transaction.atomic():
        locked = _locked(renewal.pk, expected)
        locked.authorisation_number, locked.authorised_on = number, on
        text = f"授权文件 {number}（{on:%Y年%m月%d日}）" + (
            f"：{comment.strip()}" if (comment or "").strip() else ""
        )
        return CHAIN.run(locked, "authorise", by=by, comment=text)


# --- signing -----------------------------------------------------------------------------


def renewal_sign(
    *, renewal, by, expected: Seen, signed_on: date, starts_on: date, ends_on: date | None,
    scan, term_reason: str = "",
) -> Renewal:  # fmt: skip
    """The office records the signed renewal: it becomes the base's new agreement (term as
    reviewed unless a reason is given), and an expired base is active again (Base ``renew``)."""
    check_upload(scan, DOCUMENT_KINDS)
    with transaction.atomic():
        locked = _locked(renewal.pk, expected)
        if not rules.is_office(locked, by):
            raise PermissionDenied("无权执行此操作。")
        if locked.state != S.APPROVED:
            raise WorkflowError(
                f"续签申请当前状态为“{locked.get_state_display()}”，不能登记签订。"
            )
        ends_on = ends_on or locked.ends_on
        reason = review.term_reason(
            term=(starts_on, ends_on), reviewed=(locked.starts_on, locked.ends_on),
            reason=term_reason, what="续签申请审核的期限",
        )  # fmt: skip
        base = Base.objects.select_for_update().get(pk=locked.base_id)
        if base.state == BaseState.REVOKED:
            raise WorkflowError("基地已被撤销，不能登记续签协议。")
        locked.agreement = Agreement.objects.create(
            base=base, signed_on=signed_on, starts_on=starts_on, ends_on=ends_on, scan=scan,
            scan_name=safe_display_name(scan.name), recorded_by=by, term_reason=reason,
        )  # fmt: skip
        result = CHAIN.run(
            locked, "sign", by=by, comment=review.term_comment(starts_on, ends_on, reason)
        )
        services.base_renewed(base=base, agreement=locked.agreement, by=by)
        return result
