"""Reads for the Annex 2 pages: the list, the frozen data, the opinions, what a user may do."""

import calendar
from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet
from django.urls import reverse
from django_fsm import can_proceed

from practice import ending, rules, snapshot
from practice.choices import RequestState as S
from practice.models import PracticeRequest
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


# The three opinion boxes of Annex 2, in the order of the paper form.
OPINIONS = [
    ("supervisor_approve", "导师意见"),
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
    return actions


def _url(name, req) -> str:
    return reverse(f"practice:{name}", args=[req.pk])
