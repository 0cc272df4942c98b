"""The base page's evaluation history (Art 29): totals across years and the revocation
decisions of Unqualified term assessments, for office and college."""

from django import template

from evaluation import charts, selectors
from evaluation.models import RevocationDecision
from xcu_bases import access

register = template.Library()


@register.simple_tag(takes_context=True)
def base_history(context, base) -> dict:
    user = context["request"].user
    if not (access.is_office(user) or access.is_college_staff(user)):
        return {"visible": False, "rows": []}
    rows = selectors.history(base)
    decisions = RevocationDecision.objects.filter(base=base).select_related("evaluation__round")
    return {
        "visible": True, "rows": rows, "chart": charts.history(rows) if rows else None,
        "decisions": list(decisions),
    }  # fmt: skip
