"""Every change to base supervisors and practice requests goes through here."""

import secrets
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django_fsm import ConcurrentTransition, can_proceed

from agreements.choices import BaseState
from practice import forwarding, gates, rules, snapshot
from practice.choices import REQUEST_RUNNING_STATES, SupervisorState
from practice.choices import RequestState as S
from practice.models import BaseSupervisor, PracticeRequest, PracticeSnapshot
from xcu_bases import access
from xcu_bases.choices import RoleCode
from xcu_bases.models import Role, User
from xcu_bases.services import record_transition
from xcu_bases.uploads import DOCUMENT_KINDS, EVIDENCE_KINDS, check_upload, safe_display_name
from xcu_bases.workflow import AlreadyHandled as AlreadyHandled
from xcu_bases.workflow import Chain, WorkflowError, lock, require
from xcu_bases.workflow import Seen as Seen
from xcu_bases.workflow import seen as seen

TRANSITION_LABELS = {
    "submit": "提交申请",
    "supervisor_approve": "校内导师同意",
    "plan_confirm": "基地导师确认实践计划",
    "college_approve": "学院同意",
    "office_approve": "学科与研究生处批准",
    "return_to_draft": "退回修改",
    "reject": "不予批准",
    "complete": "专业实践完成",
    "certify": "认定基地导师资格",
    "revoke": "撤销基地导师资格",
    "college_forward": forwarding.FORWARD_LABEL,
    "replace_supervisor": "更换基地导师",
}
# Art 18: the office acting in the base supervisor's place says so in the timeline.
STAND_IN = "学科与研究生处代基地导师"


# Annex 2's name for a refusal; views and tests catch it.
PracticeError = WorkflowError
_require = require


# --- base supervisors (Art 18(2)) ----------------------------------------------------------


def supervisor_nominate(*, base, data: dict, cv, evidence=None, by) -> BaseSupervisor:
    """The college nominates, for its base, a supervisor proposed by the partner."""
    if not (
        access.is_office(by) or (access.is_college_staff(by) and by.college_id == base.college_id)
    ):
        raise PermissionDenied("只有基地所属学院和学科与研究生处可以提名基地导师。")
    if base.state != BaseState.ACTIVE:
        raise PracticeError("只能为运行中的基地提名基地导师。")
    check_upload(cv, DOCUMENT_KINDS)
    if evidence:
        check_upload(evidence, EVIDENCE_KINDS)
    with transaction.atomic():
        unknown = set(data) - NOMINATION_FIELDS
        if unknown:  # never state, certificate or account through a nomination
            raise PermissionDenied("提名信息包含不允许的字段：" + "、".join(sorted(unknown)))
        supervisor = BaseSupervisor.objects.create(
            base=base, nominated_by=by, cv=cv, cv_name=safe_display_name(cv.name),
            evidence=evidence or "", evidence_name=safe_display_name(evidence.name) if evidence else "",
            **data,
        )  # fmt: skip
        record_transition(
            supervisor, transition="nominate", transition_label="提名基地导师", source="",
            target=supervisor.state, state_labels=SupervisorState, by=by,
            role=_nominating_role(by),
        )  # fmt: skip
        return supervisor


NOMINATION_FIELDS = {"name", "gender", "title", "position", "phone", "email"}


def _nominating_role(user) -> str:
    if access.is_office(user):
        return RoleCode.GRADUATE_OFFICE
    return (
        RoleCode.COLLEGE_SECRETARY
        if user.has_role(RoleCode.COLLEGE_SECRETARY)
        else RoleCode.COLLEGE_HEAD
    )


def supervisor_certify(*, supervisor, by, certificate_number: str, certified_on: date,
                       valid_until: date | None, account: User | None = None,
                       ) -> tuple[BaseSupervisor, str | None]:  # fmt: skip
    """The office certifies; the supervisor gets an account with the base_supervisor role.

    Returns the supervisor and, for a new account, its initial password (shown once).
    """
    number = _require(certificate_number, "认定证书编号")
    if valid_until and valid_until <= certified_on:
        raise PracticeError("有效期必须晚于认定日期。")
    with transaction.atomic():
        locked = BaseSupervisor.objects.select_for_update().get(pk=supervisor.pk)
        if BaseSupervisor.objects.filter(certificate_number=number).exclude(pk=locked.pk).exists():
            raise PracticeError(f"认定证书编号“{number}”已被使用。")
        _check(locked, "certify", by)
        locked.certificate_number = number
        locked.certified_on = certified_on
        locked.valid_until = valid_until
        password = None
        if account is not None:  # the person already has an account
            if BaseSupervisor.objects.filter(user=account).exclude(pk=locked.pk).exists():
                raise PracticeError(f"账号“{account.username}”已关联其他基地导师记录。")
            locked.user = account
            account.roles.add(Role.objects.get(code=RoleCode.BASE_SUPERVISOR))
        elif locked.user_id is None:
            locked.user, password = _account_for(locked)
        locked.certify()
        _save(locked)
        record_transition(
            locked, transition="certify", transition_label=TRANSITION_LABELS["certify"],
            source=SupervisorState.NOMINATED, target=locked.state, state_labels=SupervisorState, by=by,
            role=RoleCode.GRADUATE_OFFICE, comment=f"证书编号 {number}",
        )  # fmt: skip
        return locked, password


def _account_for(supervisor) -> tuple[User, str]:
    base_name = f"bs{supervisor.pk:04d}"
    username, n = base_name, 1
    while User.objects.filter(username=username).exists():
        n += 1
        username = f"{base_name}-{n}"
    password = secrets.token_urlsafe(9)
    user = User.objects.create_user(
        username=username, password=password, name=supervisor.name, email=supervisor.email,
        phone=supervisor.phone,
    )  # fmt: skip
    user.roles.add(Role.objects.get(code=RoleCode.BASE_SUPERVISOR))
    return user, password


def supervisor_revoke(*, supervisor, by, reason: str) -> BaseSupervisor:
    reason = _require(reason, "撤销理由")
    with transaction.atomic():
        locked = BaseSupervisor.objects.select_for_update().get(pk=supervisor.pk)
        _check(locked, "revoke", by)
        source = locked.state
        locked.revoke()
        _save(locked)
        if locked.user_id:
            User.objects.filter(pk=locked.user_id).update(is_active=False)
        record_transition(
            locked, transition="revoke", transition_label=TRANSITION_LABELS["revoke"], source=source,
            target=locked.state, state_labels=SupervisorState, by=by, role=RoleCode.GRADUATE_OFFICE,
            comment=reason,
        )  # fmt: skip
        return locked


def _check(obj, name, by):
    method = getattr(obj, name)
    if not can_proceed(method, check_conditions=False):
        raise PracticeError(
            f"当前状态为“{obj.get_state_display()}”，不能{TRANSITION_LABELS[name]}。"
        )
    if not method._django_fsm.has_transition_perm(obj, obj.state, by):
        raise PermissionDenied("无权执行此操作。")


def _save(obj):
    try:
        obj.save()
    except ConcurrentTransition:
        raise AlreadyHandled("已被他人处理，请刷新后查看。") from None


# --- the practice request (Annex 2) ------------------------------------------------------------


def request_create(*, by) -> PracticeRequest:
    if not by.has_role(RoleCode.STUDENT) or not hasattr(by, "student_profile"):
        raise PermissionDenied("只有研究生可以填写专业实践申请。")
    return PracticeRequest.objects.create(student=by, pledge_signature="", pledge_date=None)


def check_editable(req, by) -> None:
    if not rules.is_the_student(req, by):
        raise PermissionDenied("只能修改本人的申请。")
    if req.state != S.DRAFT:
        raise PracticeError("申请已提交，不能修改。")


def insurance_scan_set(*, req, file, by) -> None:
    check_upload(file, EVIDENCE_KINDS)
    with transaction.atomic():
        locked = PracticeRequest.objects.select_for_update().get(pk=req.pk)
        check_editable(locked, by)  # on the row as it is now, not as the page saw it
        old = locked.insurance_scan.name if locked.insurance_scan else ""
        locked.insurance_scan = file
        locked.insurance_scan_name = safe_display_name(file.name)
        locked.save(update_fields=["insurance_scan", "insurance_scan_name"])
        if old:
            storage = locked.insurance_scan.storage
            transaction.on_commit(lambda: storage.delete(old))
    req.insurance_scan = locked.insurance_scan
    req.insurance_scan_name = locked.insurance_scan_name


CHAIN = Chain(
    noun="申请", labels=TRANSITION_LABELS, states=S, acting_role=rules.acting_role,
    gaps=lambda req, name: (
        ["学位论文尚未上传（第二十四条）。"] if name == "complete" else gates.problems(req)
    ),
    not_by_submitter=frozenset(
        {"supervisor_approve", "plan_confirm", "college_approve", "office_approve"}
    ),
)  # fmt: skip


def _locked(pk, expected: Seen | None) -> PracticeRequest:
    return lock(PracticeRequest.objects.select_related("student"), pk, expected, "申请")


def _transition(req, name: str, *, by, comment: str = ""):
    return CHAIN.run(req, name, by=by, comment=comment)


def request_submit(*, req, by, expected: Seen) -> PracticeRequest:
    """Art 19–22: every gate met, then what is submitted is frozen."""
    with transaction.atomic():
        locked = _locked(req.pk, expected)
        if not rules.is_the_student(locked, by):
            raise PermissionDenied("只能提交本人的申请。")
        found = gates.problems(locked)
        if found:
            raise PracticeError("申请尚不满足条件，不能提交。", found)
        locked.round += 1
        locked.submitted_at = timezone.now()
        locked.save(update_fields=["round", "submitted_at"])
        PracticeSnapshot.objects.create(
            request=locked, round=locked.round, data=snapshot.build(locked)
        )
        return _transition(locked, "submit", by=by)


def stand_in(label: str, comment: str, reason: str) -> tuple[str, str]:
    """Art 18: the office acting for a base supervisor who cannot act (revoked, expired, not
    yet certified) gives its reason; the timeline's label and comment say so."""
    why = _require(reason, "代基地导师办理的理由")
    return f"{label}（{STAND_IN}）", f"{comment}\n代基地导师办理的理由：{why}"


def _review(name, what):
    def service(*, req, by, expected: Seen, comment: str, reason: str = "") -> PracticeRequest:
        text = _require(comment, what)
        with transaction.atomic():
            locked = _locked(req.pk, expected)
            label = ""
            if locked.state == S.PLAN_REVIEW and rules.stands_in_for_base_supervisor(locked, by):
                label, text = stand_in(TRANSITION_LABELS[name], text, reason)
            return CHAIN.run(locked, name, by=by, comment=text, label=label)

    service.__name__ = f"request_{name}"
    service.__doc__ = f"{TRANSITION_LABELS[name]}: requires {what}."
    return service


request_supervisor_approve = _review("supervisor_approve", "校内导师意见")
# Art 19: the base supervisor (合作导师) confirms the plan, or returns it with comments.
request_plan_confirm = _review("plan_confirm", "基地导师对实践计划的意见")
request_college_approve = _review("college_approve", "学院意见")
request_office_approve = _review("office_approve", "学科与研究生处意见")
request_return = _review("return_to_draft", "退回修改的意见")
request_reject = _review("reject", "不予批准的理由")


def request_college_forward(*, req, by, comment: str = "") -> PracticeRequest:
    """The secretary has checked the material and forwards it to the college head (logged)."""
    with transaction.atomic():
        locked = _locked(req.pk, None)
        forwarding.forward(locked, req=locked, by=by, comment=comment, states=S, noun="申请")
        return locked


# --- Art 18: a base supervisor who leaves never leaves a student stuck ------------------------


def may_replace_supervisor(req, user) -> bool:
    """The student's college (or the office) names another supervisor of the same base."""
    return rules.is_college_staff(req, user) or access.is_office(user)


def replacement_base_id(req) -> int | None:
    if req.base_id:
        return req.base_id
    return req.base_supervisor.base_id if req.base_supervisor_id else None


def request_replace_supervisor(*, req, by, supervisor, reason: str) -> PracticeRequest:
    """Art 18: the request's base supervisor is replaced by another supervisor of the same base
    — certified and valid, or nominated now and certified later by the office. Whatever waits on
    the base supervisor (the plan confirmation, Annex 3's grade, contacts, clearances) follows
    the request to the new one once certified; the change is logged on the timeline."""
    why = _require(reason, "更换理由")
    with transaction.atomic():
        locked = _locked(req.pk, None)
        if not may_replace_supervisor(locked, by):
            raise PermissionDenied("只有该生所在学院和学科与研究生处可以更换基地导师。")
        if locked.state not in REQUEST_RUNNING_STATES:
            raise PracticeError(
                f"申请当前为“{locked.get_state_display()}”，只有已提交且未结束的专业实践可以更换基地导师。"
            )
        old = locked.base_supervisor
        new = BaseSupervisor.objects.get(pk=supervisor.pk)
        _check_replacement(locked, old, new)
        locked.base_supervisor = new
        locked.save(update_fields=["base_supervisor", "updated_at"])
        before = f"{old.name}（{old.get_state_display()}）" if old else "（无）"
        after = f"{new.name}（{new.get_state_display()}）"
        record_transition(  # no states: the request does not move, its supervisor changes
            locked, transition="replace_supervisor",
            transition_label=TRANSITION_LABELS["replace_supervisor"], source="", target="",
            state_labels=S, by=by, role=_nominating_role(by),
            comment=f"原基地导师：{before}；新基地导师：{after}。更换理由：{why}",
        )  # fmt: skip
        return locked


def _check_replacement(req, old, new) -> None:
    if old is not None and new.pk == old.pk:
        raise PracticeError("新基地导师与原基地导师相同。")
    if new.base_id != replacement_base_id(req):
        raise PracticeError("只能选择本基地的基地导师（第十八条）。")
    if new.state == SupervisorState.REVOKED:
        raise PracticeError(f"{new.name}的基地导师资格已被撤销，不能选择。")
    if new.state == SupervisorState.CERTIFIED and not new.is_valid_on(timezone.localdate()):
        raise PracticeError(f"{new.name}的基地导师认定已过有效期，不能选择。")
