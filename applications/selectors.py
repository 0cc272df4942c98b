"""Reads for the application pages: lists, the frozen data, what a user may do."""

import operator
from dataclasses import dataclass
from functools import reduce

from django.db.models import Q, QuerySet
from django.urls import reverse
from django_fsm import can_proceed

from applications import rules, snapshot
from applications.choices import ApplicationState as S
from applications.choices import Art6Priority
from applications.models import BaseApplication, ExpertReview
from xcu_bases import access
from xcu_bases.models import TransitionLog


def application_list(*, user, q="", state="", college=None, year=None, priority="") -> QuerySet:
    """``priority``: "1" any Art 6 condition, or one ``Art6Priority`` value."""
    qs = BaseApplication.objects.visible_to(user).select_related("college")
    if q:
        qs = qs.filter(Q(base_name__icontains=q) | Q(partner_name__icontains=q))
    if state:
        qs = qs.filter(state=state)
    if college:
        qs = qs.filter(college=college)
    if year:
        qs = qs.filter(year=year)
    if priority == "1":
        qs = qs.filter(_any_art6())
    elif priority in Art6Priority.values:
        qs = qs.filter(**{Art6Priority(priority).field: True})
    return qs.order_by("-updated_at", "-pk")


def _any_art6() -> Q:
    return reduce(operator.or_, (Q(**{item.field: True}) for item in Art6Priority))


@dataclass(frozen=True)
class Priority:
    """Art 6 priority conditions an application claims: short labels for the badge,
    the regulation's words for its title (screen readers and tooltips)."""

    labels: tuple[str, ...]
    conditions: tuple[str, ...]

    def __bool__(self) -> bool:
        return bool(self.labels)

    @property
    def text(self) -> str:
        return "、".join(self.labels)

    @property
    def title(self) -> str:
        return "第六条优先考虑条件：" + "；".join(self.conditions)


def art6_priority(app: BaseApplication) -> Priority:
    """From the row's own flags: no query, so a list can call it for every row."""
    claimed = [item for item in Art6Priority if getattr(app, item.field)]
    return Priority(
        labels=tuple(item.label for item in claimed),
        conditions=tuple(
            str(BaseApplication._meta.get_field(item.field).verbose_name) for item in claimed
        ),
    )


def frozen_data(app: BaseApplication) -> dict:
    """What reviewers see: the last submission, or the live draft."""
    if app.state != S.DRAFT and app.round:
        latest = app.snapshots.filter(round=app.round).first()
        if latest:
            return snapshot.upgrade(latest.data)
    return snapshot.build(app)


def changes(app: BaseApplication, current: dict) -> list[dict] | None:
    """Since the previous submission: for reviewers after a resubmission, and for
    the secretary editing a returned draft. None when there is nothing to compare."""
    if app.state == S.DRAFT:
        if not app.round:
            return None
        previous = app.snapshots.filter(round=app.round).first()
    else:
        if app.round < 2:
            return None
        previous = app.snapshots.filter(round=app.round - 1).first()
    return snapshot.diff(snapshot.upgrade(previous.data), current) if previous else None


def last_return(app: BaseApplication) -> TransitionLog | None:
    if app.state != S.DRAFT:
        return None
    return (
        TransitionLog.objects.for_object(app)
        .filter(transition__in=["return_to_draft", "withdraw"])
        .select_related("by")
        .order_by("-at", "-pk")
        .first()
    )


def reviews_visible_to(app: BaseApplication, user) -> list[ExpertReview]:
    """The office sees every opinion; an expert sees only their own."""
    qs = app.expert_reviews.select_related("expert").order_by("round", "assigned_at")
    if access.is_office(user):
        return list(qs)
    return list(qs.filter(expert=user))


@dataclass(frozen=True)
class Action:
    label: str
    url: str
    style: str = "primary"
    icon: str = "check2"


# (transition, url name, label, style, icon) in the order buttons appear.
_TRANSITION_ACTIONS = [
    ("submit", "submit", "提交申报", "primary", "send"),
    ("college_approve", "college_approve", "学院审核通过", "success", "check2-circle"),
    ("office_approve", "office_approve", "论证考察通过", "success", "check2-circle"),
    ("legal_approve", "legal_approve", "法律审核通过", "success", "check2-circle"),
    ("return_to_draft", "return", "退回修改", "warning", "arrow-counterclockwise"),
    ("reject", "reject", "不予通过", "danger", "x-circle"),
    ("withdraw", "withdraw", "撤回", "outline-secondary", "arrow-return-left"),
]


def _allowed(app, user, name) -> bool:
    method = getattr(app, name)
    if not can_proceed(method, check_conditions=False):
        return False
    return method._django_fsm.has_transition_perm(app, app.state, user)


def actions_for(app: BaseApplication, user) -> list[Action]:
    """Buttons on the application page; flags computed here, templates only loop."""
    actions = []
    if app.state == S.DRAFT and rules.is_own_secretary(app, user):
        actions.append(Action("编辑申报书", _url("edit", app), "primary", "pencil-square"))
    for name, url_name, label, style, icon in _TRANSITION_ACTIONS:
        if _allowed(app, user, name):
            actions.append(Action(label, _url(url_name, app), style, icon))
    if access.is_office(user):
        actions += _office_actions(app)
    review = my_pending_review(app, user)
    if review:
        actions.insert(0, Action("填写评审意见", _url("review", app), "primary", "pencil"))
    return actions


def _office_actions(app) -> list[Action]:
    if app.state == S.OFFICE_REVIEW:
        return [
            Action("指定评审专家", _url("experts", app), "outline-primary", "people"),
            Action("登记实地考察", _url("inspection", app), "outline-primary", "geo-alt"),
        ]
    if app.state == S.MEETING:
        return [Action("登记校长办公会审定", _url("meeting", app), "primary", "bank")]
    if app.state == S.APPROVED:
        return [Action("登记协议签订", _url("sign", app), "primary", "pen")]
    if app.state == S.SIGNED:
        return [Action("登记基地挂牌", _url("establish", app), "primary", "award")]
    return []


def my_pending_review(app, user) -> ExpertReview | None:
    if app.state != S.OFFICE_REVIEW:
        return None
    return app.expert_reviews.filter(
        round=app.round, expert=user, submitted_at__isnull=True
    ).first()


def _url(name, app) -> str:
    return reverse(f"applications:{name}", args=[app.pk])
