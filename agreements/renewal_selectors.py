"""Reads for the renewal pages and the renewal card of the base page: flags computed here,
templates only branch on them."""

from dataclasses import dataclass

from django.urls import reverse

from agreements import renewal_rules as rules
from agreements.choices import BaseState
from agreements.choices import RenewalState as S
from agreements.renewal_models import Renewal
from xcu_bases import access
from xcu_bases.selectors import timeline
from xcu_bases.workflow import may


@dataclass(frozen=True)
class Action:
    label: str
    url: str
    style: str = "primary"
    icon: str = "check2"


# (transition, url name, label, style, icon) in the order the buttons appear.
_TRANSITIONS = [
    ("submit", "renewal_submit", "提交学院审核", "primary", "send"),
    ("college_approve", "renewal_college_approve", "学院审核通过", "success", "check2-circle"),
    ("office_approve", "renewal_office_approve", "学科与研究生处审核通过", "success",
     "check2-circle"),
    ("legal_approve", "renewal_legal_approve", "法律审核通过", "success", "check2-circle"),
    ("return_to_draft", "renewal_return", "退回修改", "warning", "arrow-counterclockwise"),
    ("reject", "renewal_reject", "不予续签", "danger", "x-circle"),
    ("withdraw", "renewal_withdraw", "撤回", "outline-secondary", "arrow-return-left"),
]  # fmt: skip
# The office's record of the meeting, of the authorising document, of the signing.
_OFFICE_STEPS = {
    S.MEETING: [
        ("登记校长办公会审定", "renewal_meeting", "primary", "bank"),
        ("登记授权文件（不再上会）", "renewal_authorise", "outline-primary", "file-earmark-check"),
    ],
    S.APPROVED: [("登记续签协议签订", "renewal_sign", "primary", "pen")],
}


def _url(name: str, renewal: Renewal) -> str:
    return reverse(f"agreements:{name}", args=[renewal.pk])


def actions_for(renewal: Renewal, user) -> list[Action]:
    actions = []
    if renewal.state == S.DRAFT and rules.is_own_secretary(renewal, user):
        actions.append(Action("修改续签申请", _url("renewal_edit", renewal), "primary", "pencil"))
    for name, url_name, label, style, icon in _TRANSITIONS:
        if may(renewal, name, user):
            actions.append(Action(label, _url(url_name, renewal), style, icon))
    if access.is_office(user):
        for label, url_name, style, icon in _OFFICE_STEPS.get(renewal.state, []):
            actions.append(Action(label, _url(url_name, renewal), style, icon))
    return actions


def detail_context(renewal: Renewal, user) -> dict:
    return {
        "renewal": renewal,
        "base": renewal.base,
        "actions": actions_for(renewal, user),
        "timeline": timeline(renewal),
        "last_return": _last_return(renewal),
        # Agreement scans are for the office and college staff (agreements/README.md).
        "internal": access.is_office(user) or access.is_college_staff(user),
    }


def _last_return(renewal: Renewal):
    if renewal.state != S.DRAFT or not renewal.round:
        return None
    return (
        timeline(renewal)
        .filter(transition__in=["return_to_draft", "withdraw"])
        .order_by("-at", "-pk")
        .first()
    )


def may_file(base, user) -> bool:
    """A secretary of the base's college, for an active or expired base."""
    return base.state in (BaseState.ACTIVE, BaseState.EXPIRED) and rules.is_own_secretary(
        Renewal(base=base), user
    )


def for_base(base, user) -> dict:
    """The renewal card of the base page: the renewal under way and the earlier ones, for
    those who may see renewals; whether the user may file one."""
    renewals = list(Renewal.objects.visible_to(user).filter(base=base).select_related("agreement"))
    under_way = next((r for r in renewals if r.is_open), None)
    return {
        "renewal_under_way": under_way,
        "renewals_done": [r for r in renewals if not r.is_open],
        "can_file_renewal": under_way is None and may_file(base, user),
        "show_renewals": bool(renewals) or may_file(base, user),
    }
