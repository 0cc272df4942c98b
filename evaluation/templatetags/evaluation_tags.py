"""The base page's evaluation history (Art 29): totals across years, for office and college."""

from django import template

from evaluation import selectors
from xcu_bases import access

register = template.Library()


@register.simple_tag(takes_context=True)
def base_history(context, base) -> dict:
    user = context["request"].user
    if not (access.is_office(user) or access.is_college_staff(user)):
        return {"visible": False, "rows": []}
    return {"visible": True, "rows": selectors.history(base)}
