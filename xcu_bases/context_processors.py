from django.conf import settings

from xcu_bases import navigation


def nav(request):
    user = getattr(request, "user", None)
    match = getattr(request, "resolver_match", None)
    return {
        "nav_items": navigation.items_for(user) if user is not None else [],
        "nav_current": match.view_name if match else None,
        "site_name": settings.SITE_NAME,
    }
