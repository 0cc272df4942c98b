"""URLs of practice: Annex 2 practice requests, base supervisors and printing."""

from django.urls import path

from practice import supervisor_views, views

app_name = "practice"

urlpatterns = [
    # --- practice requests (views.py) ---
    path("requests/", views.request_list, name="requests"),
    path("requests/new/", views.request_create, name="request_create"),
    path("requests/<int:pk>/", views.request_detail, name="request_detail"),
    path("requests/<int:pk>/edit/", views.request_edit, name="request_edit"),
    path("requests/<int:pk>/submit/", views.request_submit, name="request_submit"),
    path(
        "requests/<int:pk>/supervisor-approve/",
        views.request_action,
        {"action": "supervisor_approve"},
        name="request_supervisor_approve",
    ),
    path(
        "requests/<int:pk>/college-approve/",
        views.request_action,
        {"action": "college_approve"},
        name="request_college_approve",
    ),
    path(
        "requests/<int:pk>/office-approve/",
        views.request_action,
        {"action": "office_approve"},
        name="request_office_approve",
    ),
    path(
        "requests/<int:pk>/return/",
        views.request_action,
        {"action": "return"},
        name="request_return",
    ),
    path(
        "requests/<int:pk>/reject/",
        views.request_action,
        {"action": "reject"},
        name="request_reject",
    ),
    path("requests/<int:pk>/insurance/", views.request_insurance, name="request_insurance"),
    # --- base supervisors and printing (supervisor_views.py) ---
    path("supervisors/", supervisor_views.supervisor_list, name="supervisors"),
    path(
        "bases/<int:base_pk>/supervisors/new/",
        supervisor_views.supervisor_nominate,
        name="supervisor_nominate",
    ),
    path("supervisors/<int:pk>/", supervisor_views.supervisor_detail, name="supervisor_detail"),
    path(
        "supervisors/<int:pk>/files/<str:kind>/",
        supervisor_views.supervisor_file,
        name="supervisor_file",
    ),
    path(
        "supervisors/<int:pk>/certify/",
        supervisor_views.supervisor_certify,
        name="supervisor_certify",
    ),
    path(
        "supervisors/<int:pk>/revoke/",
        supervisor_views.supervisor_revoke,
        name="supervisor_revoke",
    ),
    path("requests/<int:pk>/annex2.pdf", supervisor_views.request_pdf, name="request_pdf"),
]
