"""URLs of practice: Annex 2 practice requests, base supervisors and printing."""

from django.urls import path

from practice import assessment_views, college_views, record_views, supervisor_views, views

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
        "requests/<int:pk>/plan-confirm/",
        views.request_action,
        {"action": "plan_confirm"},
        name="request_plan_confirm",
    ),
    path(
        "requests/<int:pk>/college-forward/",
        college_views.request_college_forward,
        name="request_college_forward",
    ),
    path(
        "requests/<int:pk>/replace-supervisor/",
        college_views.request_replace_supervisor,
        name="request_replace_supervisor",
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

# --- the practice record: contacts, allowances, thesis, clearances (record_views.py) ---
urlpatterns += [
    path("requests/<int:pk>/contacts/new/", record_views.contact_new, name="contact_new"),
    path("requests/<int:pk>/allowances/new/", record_views.allowance_new, name="allowance_new"),
    path("requests/<int:pk>/end-early/", record_views.end_early, name="end_early"),
    path("requests/<int:pk>/thesis/", record_views.thesis_upload, name="thesis_upload"),
    path("requests/<int:pk>/thesis/file/", record_views.thesis_file, name="thesis_file"),
    path("requests/<int:pk>/clearances/new/", record_views.clearance_new, name="clearance_new"),
    path("clearances/<int:pk>/", record_views.clearance_detail, name="clearance_detail"),
    path("clearances/<int:pk>/answer/", record_views.clearance_answer, name="clearance_answer"),
    path(
        "clearances/<int:pk>/agreement/",
        record_views.clearance_agreement,
        name="clearance_agreement",
    ),
    path(
        "clearances/<int:pk>/agreement/file/",
        record_views.clearance_agreement_file,
        name="clearance_agreement_file",
    ),
]

# --- Annex 3 (assessment_views.py) ---
urlpatterns += [
    path(
        "requests/<int:pk>/assessment/", assessment_views.assessment_start, name="assessment_start"
    ),
    path("assessments/<int:pk>/", assessment_views.assessment_detail, name="assessment_detail"),
    path("assessments/<int:pk>/edit/", assessment_views.assessment_edit, name="assessment_edit"),
    path(
        "assessments/<int:pk>/submit/",
        assessment_views.assessment_submit,
        name="assessment_submit",
    ),
    path(
        "assessments/<int:pk>/annex3.pdf", assessment_views.assessment_pdf, name="assessment_pdf"
    ),
    path(
        "assessments/<int:pk>/college-forward/",
        assessment_views.assessment_college_forward,
        name="assessment_college_forward",
    ),
] + [
    path(
        f"assessments/<int:pk>/{key.replace('_', '-')}/",
        assessment_views.assessment_action,
        {"action": key},
        name=f"assessment_{key}",
    )
    for key in assessment_views.ACTIONS
]
