"""The base page's evaluation history (Art 29): totals across years, for office and college."""

from django import template

from evaluation import charts, selectors
from xcu_bases import access

register = template.Library()


@register.simple_tag(takes_context=True)
def base_history(context, base) -> dict:
    user = context["request"].user
    if not (access.is_office(user) or access.is_college_staff(user)):
        return {"visible": False, "rows": []}
    rows = selectors.history(base)
    return {"visible": True, "rows": rows, "chart": charts.history(rows) if rows else None}
