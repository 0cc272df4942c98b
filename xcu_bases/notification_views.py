"""The notification list, opening one, marking read, and the e-mail preferences.

A user only ever sees their own notifications: another user's id is a 404.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from xcu_bases.choices import NotificationKind
from xcu_bases.models import Notification, NotificationPreference

PER_PAGE = 30
FILTERS = {"unread": "未读", "all": "全部"}


@require_GET
@never_cache
def notification_list(request):
    show = request.GET.get("show", "unread")
    show = show if show in FILTERS else "unread"
    mine = Notification.objects.filter(recipient=request.user)
    rows = mine.unread() if show == "unread" else mine
    page = Paginator(rows.only("pk", "kind", "title", "body", "url", "created_at", "read_at"),
                     PER_PAGE).get_page(request.GET.get("page"))  # fmt: skip
    return render(
        request,
        "notifications/list.html",
        {"page": page, "show": show, "filters": FILTERS, "query": f"show={show}",
         "kinds": dict(NotificationKind.choices)},
    )  # fmt: skip


def _safe_url(request, url: str) -> str:
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
        return url
    return "/notifications/"


@require_GET
def notification_open(request, pk):
    """Follow a notification's link; opening it marks it read."""
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    if notification.read_at is None:
        Notification.objects.filter(pk=pk, read_at__isnull=True).update(read_at=timezone.now())
    return redirect(_safe_url(request, notification.url))


@require_POST
def notification_read(request, pk):
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    return redirect(_back(request))


@require_POST
def notification_read_all(request):
    count = Notification.objects.filter(recipient=request.user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    messages.success(request, f"已将 {count} 条通知标为已读。" if count else "没有未读通知。")
    return redirect(_back(request))


def _back(request) -> str:
    nxt = request.POST.get("next", "")
    return _safe_url(request, nxt) if nxt.startswith("/") else "/notifications/"


@require_http_methods(["GET", "POST"])
def notification_settings(request):
    """E-mail on or off per kind; the in-app list always shows everything."""
    off = set(
        NotificationPreference.objects.filter(user=request.user, email=False).values_list(
            "kind", flat=True
        )
    )
    if request.method == "POST":
        chosen = set(request.POST.getlist("email")) & set(NotificationKind.values)
        for kind in NotificationKind.values:
            NotificationPreference.objects.update_or_create(
                user=request.user, kind=kind, defaults={"email": kind in chosen}
            )
        messages.success(request, "通知设置已保存。")
        return redirect("notification_settings")
    rows = [(kind, label, kind not in off) for kind, label in NotificationKind.choices]
    return render(
        request,
        "notifications/settings.html",
        {"rows": rows, "has_email": bool(request.user.email)},
    )
