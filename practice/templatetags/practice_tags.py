"""Template tags of practice on the base page: base supervisors (Art 18(2)) and the students
who practised there with their allowances (Art 23).

The base page (agreements) only includes ``practice/supervisor_panel.html``; what the panel
shows is computed here, so agreements need not know about practice.
"""

from decimal import Decimal

from django import template

from agreements.choices import BaseState
from practice import record_selectors
from practice.choices import SupervisorState
from practice.models import BaseSupervisor
from practice.supervisor_views import certificate_expired, may_manage, may_nominate

register = template.Library()

BADGE_CLASSES = {
    SupervisorState.NOMINATED: "text-bg-warning",
    SupervisorState.CERTIFIED: "text-bg-success",
    SupervisorState.REVOKED: "text-bg-secondary",
}


@register.simple_tag(takes_context=True)
def supervisor_panel(context, base) -> dict:
    """The supervisors of ``base`` the user may see: office and college staff every state with
    contacts; everyone else the certified ones only, without phone or e-mail."""
    user = context["request"].user
    supervisors = list(
        BaseSupervisor.objects.visible_to(user).filter(base=base).order_by("state", "name", "pk")
    )
    for supervisor in supervisors:
        supervisor.expired = certificate_expired(supervisor)
    return {
        "supervisors": supervisors,
        "internal": may_manage(user),
        "can_nominate": base.state == BaseState.ACTIVE and may_nominate(base, user),
        "can_list": may_manage(user),
    }


@register.simple_tag(takes_context=True)
def base_students(context, base) -> dict:
    """Art 23 per base, for the office and college staff: who practised here and what the
    partner paid them."""
    user = context["request"].user
    if not may_manage(user):
        return {"internal": False, "rows": []}
    rows = record_selectors.students_at(base)
    total = sum((row.allowance_total or Decimal("0") for row in rows), Decimal("0"))
    return {"internal": True, "rows": rows, "total": total}


@register.filter
def supervisor_badge(state: str) -> str:
    return BADGE_CLASSES.get(state, "text-bg-light")
