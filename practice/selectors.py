"""Reads for the Annex 2 pages: the list, the frozen data, the opinions, what a user may do."""

import calendar
from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django_fsm import can_proceed

from agreements.models import Base
from practice import ending, forwarding, rules, services, snapshot
from practice.choices import REQUEST_RUNNING_STATES, SupervisorState
from practice.choices import RequestState as S
from practice.models import BaseSupervisor, PracticeRequest
from xcu_bases import access
from xcu_bases.choices import RoleCode
from xcu_bases.models import TransitionLog

IN_PRACTICE_STATES = (S.APPROVED, S.COMPLETED)


def month_span(month: date) -> tuple[date, date]:
    """The first and last day of ``month``'s calendar month."""
    first = month.replace(day=1)
    return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])


def in_practice_during(first: date, last: date) -> Q:
    """Requests approved (in practice) or completed whose period overlaps [first, last]; a
    practice ended early ends on its early end (Art 24). The list's month filter and the
    dashboard's monthly counts both use this one rule."""
    return Q(state__in=IN_PRACTICE_STATES, starts_on__lte=last) & ending.ends_on_or_after(first)


def request_list(*, user, q: str = "", state: str = "", month: date | None = None) -> QuerySet:
    qs = PracticeRequest.objects.visible_to(user).select_related(
        "student", "student__college", "student__student_profile", "base"
    )
    if q:
        qs = qs.filter(
            Q(student__name__icontains=q)
            | Q(student__student_profile__student_number__icontains=q)
            | Q(base__name__icontains=q)
        )
    if state:
        qs = qs.filter(state=state)
    if month:
        qs = qs.filter(in_practice_during(*month_span(month)))
    return qs.order_by("-updated_at", "-pk")


def can_create(user) -> bool:
    return user.has_role(RoleCode.STUDENT) and hasattr(user, "student_profile")


def open_draft(user) -> PracticeRequest | None:
    """A student's unsubmitted request, so a second click does not start another one."""
    return PracticeRequest.objects.filter(student=user, state=S.DRAFT, round=0).first()


def frozen_data(req: PracticeRequest) -> dict:
    """What reviewers see: the last submission, or the live draft."""
    if req.state != S.DRAFT and req.round:
        latest = req.snapshots.filter(round=req.round).first()
        if latest:
            return latest.data
    return snapshot.build(req)


def changes(req: PracticeRequest, current: dict) -> list[dict] | None:
    """Since the previous submission: for reviewers after a resubmission, and for the
    student editing a returned draft. None when there is nothing to compare."""
    if req.state == S.DRAFT:
        if not req.round:
            return None
        previous = req.snapshots.filter(round=req.round).first()
    else:
        if req.round < 2:
            return None
        previous = req.snapshots.filter(round=req.round - 1).first()
    return snapshot.diff(previous.data, current) if previous else None


def last_return(req) -> TransitionLog | None:
    """The comment a draft came back with (Annex 2 or Annex 3): none before any submission."""
    if req.state != S.DRAFT or not req.round:
        return None
    return (
        TransitionLog.objects.for_object(req)
        .filter(transition="return_to_draft")
        .select_related("by")
        .order_by("-at", "-pk")
        .first()
    )


# The opinions on Annex 2, in the order of the chain: the campus supervisor's box, the base
# supervisor's confirmation of the plan (Art 19), the college head's box, the office's box.
OPINIONS = [
    ("supervisor_approve", "导师意见"),
    ("plan_confirm", "基地导师确认实践计划"),
    ("college_approve", "学院意见"),
    ("office_approve", "学科与研究生处意见"),
]


@dataclass(frozen=True)
class Opinion:
    label: str
    entry: TransitionLog | None


def opinions(timeline: list[TransitionLog]) -> list[Opinion]:
    """The opinions given on the current submission (earlier rounds stay in the timeline)."""
    latest = {}
    for entry in timeline:
        if entry.transition == "submit":
            latest = {}
        elif entry.transition in dict(OPINIONS):
            latest[entry.transition] = entry
    return [Opinion(label, latest.get(name)) for name, label in OPINIONS]


@dataclass(frozen=True)
class Action:
    label: str
    url: str
    style: str = "primary"
    icon: str = "check2"


# (transition, url name, label, style, icon) in the order buttons appear.
_TRANSITION_ACTIONS = [
    ("supervisor_approve", "request_supervisor_approve", "校内导师同意", "success", "check2-circle"),
    ("plan_confirm", "request_plan_confirm", "确认实践计划", "success", "clipboard-check"),
    ("college_approve", "request_college_approve", "学院同意", "success", "check2-circle"),
    ("office_approve", "request_office_approve", "学科与研究生处批准", "success", "check2-circle"),
    ("return_to_draft", "request_return", "退回修改", "warning", "arrow-counterclockwise"),
    ("reject", "request_reject", "不予批准", "danger", "x-circle"),
]  # fmt: skip


def allowed(req, user, name) -> bool:
    method = getattr(req, name)
    if not can_proceed(method, check_conditions=False):
        return False
    return method._django_fsm.has_transition_perm(req, req.state, user)


def actions_for(req: PracticeRequest, user) -> list[Action]:
    """Buttons on the request page; flags computed here, templates only loop."""
    actions = []
    if req.state == S.DRAFT and rules.is_the_student(req, user):
        actions.append(Action("填写申请表", _url("request_edit", req), "primary", "pencil-square"))
        actions.append(Action("提交申请", _url("request_submit", req), "outline-primary", "send"))
    for name, url_name, label, style, icon in _TRANSITION_ACTIONS:
        if allowed(req, user, name):
            actions.append(Action(label, _url(url_name, req), style, icon))
    if forwarding.may_forward(req, req, user) and not forwarding.forwarded(req):
        actions.append(Action(forwarding.FORWARD_LABEL, _url("request_college_forward", req),
                              "outline-primary", "send-check"))  # fmt: skip
    if replace_url(req, user) and rules.base_supervisor_unavailable(req):
        actions.append(Action("更换基地导师", _url("request_replace_supervisor", req),
                              "warning", "person-gear"))  # fmt: skip
    return actions


def replace_url(req, user) -> str:
    """Art 18: the college may replace the base supervisor of a running practice — a task when
    the supervisor cannot act, otherwise a link beside the print button."""
    if req.state in REQUEST_RUNNING_STATES and services.may_replace_supervisor(req, user):
        return _url("request_replace_supervisor", req)
    return ""


def stand_in(req, user) -> bool:
    """The office is acting for a base supervisor who cannot act (Art 18): ask for a reason."""
    return req.state == S.PLAN_REVIEW and rules.stands_in_for_base_supervisor(req, user)


def replacement_choices(req):
    """Art 18: the other supervisors of the same base — certified and valid today, or
    nominated (the office certifies them later)."""
    today = timezone.localdate()
    return (
        BaseSupervisor.objects.filter(base_id=services.replacement_base_id(req))
        .exclude(pk=req.base_supervisor_id)
        .filter(
            Q(state=SupervisorState.NOMINATED)
            | Q(state=SupervisorState.CERTIFIED, valid_until__isnull=True)
            | Q(state=SupervisorState.CERTIFIED, valid_until__gte=today)
        )
        .order_by("-state", "name")
    )


def supervisor_notice(req) -> str:
    """What the request page says when its base supervisor cannot act (Art 18)."""
    if req.state not in REQUEST_RUNNING_STATES or not rules.base_supervisor_unavailable(req):
        return ""
    sup = req.base_supervisor
    if sup is None:
        return "该专业实践没有基地导师，请学院更换（第十八条）。"
    if sup.state == SupervisorState.NOMINATED:
        return f"基地导师{sup.name}待学科与研究生处认定资格；认定前由学科与研究生处代为办理基地导师环节（第十八条）。"
    why = {SupervisorState.REVOKED: "资格已被撤销"}.get(sup.state, "认定已过有效期或账号已停用")
    return (
        f"基地导师{sup.name}{why}。请学院更换为本基地其他基地导师；更换前，由学科与研究生处代为办理"
        "基地导师环节（第十八条）。"
    )


def _url(name, req) -> str:
    return reverse(f"practice:{name}", args=[req.pk])


def return_url(req, user) -> str:
    """The plan confirmation page's way to send the plan back instead (Art 19)."""
    return _url("request_return", req) if allowed(req, user, "return_to_draft") else ""


def nominate_url(req, user) -> str:
    """Where the college nominates a new supervisor for the request's base (Art 18(2))."""
    base_id = services.replacement_base_id(req)
    if base_id is None:
        return ""
    from_base = access.is_office(user) or (
        access.is_college_staff(user)
        and Base.objects.filter(pk=base_id, college_id=user.college_id).exists()
    )
    return reverse("practice:supervisor_nominate", args=[base_id]) if from_base else ""


def replaced_supervisor(req, data: dict):
    """The request's current base supervisor when it is not the one submitted (Art 18)."""
    sup = req.base_supervisor
    submitted = data.get("supervisor", {}).get("name", "")
    if req.state == S.DRAFT or sup is None or not submitted or sup.name == submitted:
        return None
    return sup


def supervisor_unavailable_q(prefix: str = "", today: date | None = None) -> Q:
    """``rules.base_supervisor_unavailable`` as a filter (``prefix`` leads to the request)."""
    today = today or timezone.localdate()
    sup = f"{prefix}base_supervisor"
    return (
        Q(**{f"{sup}__isnull": True})
        | ~Q(**{f"{sup}__state": SupervisorState.CERTIFIED})
        | Q(**{f"{sup}__valid_until__lt": today})
        | Q(**{f"{sup}__user__isnull": True})
        | Q(**{f"{sup}__user__is_active": False})
    )
