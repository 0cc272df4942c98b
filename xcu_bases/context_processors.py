from django.conf import settings

from xcu_bases import navigation
from xcu_bases.models import Notification


def nav(request):
    user = getattr(request, "user", None)
    match = getattr(request, "resolver_match", None)
    return {
        "nav_items": navigation.items_for(user) if user is not None else [],
        "nav_current": match.view_name if match else None,
        "site_name": settings.SITE_NAME,
        # Counted only when a page's navigation shows the bell (one query), never for PDFs.
        "unread_notifications": _unread_counter(user),
    }


def _unread_counter(user):
    cache = {}

    def count() -> int:
        if "n" not in cache:
            cache["n"] = (
                Notification.objects.filter(recipient=user, read_at__isnull=True).count()
                if user is not None and user.is_authenticated
                else 0
            )
        return cache["n"]

    return count
