"""Renewal (续签) URLs, part of the ``agreements`` namespace (agreements/urls.py)."""

from django.urls import path

from agreements import renewal_views as views


def _action(route: str, action: str):
    return path(f"renewals/<int:pk>/{route}/", views.renewal_action, {"action": action},
                name=f"renewal_{action}")  # fmt: skip


urlpatterns = [
    path("<int:pk>/renewals/new/", views.renewal_new, name="renewal_new"),
    path("renewals/<int:pk>/", views.renewal_detail, name="renewal_detail"),
    path("renewals/<int:pk>/edit/", views.renewal_edit, name="renewal_edit"),
    path("renewals/<int:pk>/submit/", views.renewal_submit, name="renewal_submit"),
    path("renewals/<int:pk>/document/", views.renewal_document, name="renewal_document"),
    _action("withdraw", "withdraw"),
    _action("college-approve", "college_approve"),
    path(
        "renewals/<int:pk>/office-approve/",
        views.renewal_office_approve,
        name="renewal_office_approve",
    ),
    _action("legal-approve", "legal_approve"),
    _action("return", "return"),
    _action("reject", "reject"),
    path("renewals/<int:pk>/meeting/", views.renewal_meeting, name="renewal_meeting"),
    path("renewals/<int:pk>/authorise/", views.renewal_authorise, name="renewal_authorise"),
    path("renewals/<int:pk>/sign/", views.renewal_sign, name="renewal_sign"),
]
