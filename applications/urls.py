from django.urls import path

from applications import views

app_name = "applications"

urlpatterns = [
    path("", views.application_list, name="list"),
    path("export.xlsx", views.application_export, name="export"),
    path("new/", views.application_create, name="create"),
    path("<int:pk>/", views.application_detail, name="detail"),
    path("<int:pk>/edit/", views.application_edit, name="edit"),
    path("<int:pk>/submit/", views.application_submit, name="submit"),
    path("<int:pk>/withdraw/", views.application_action, {"action": "withdraw"}, name="withdraw"),
    path(
        "<int:pk>/college-approve/",
        views.application_action,
        {"action": "college_approve"},
        name="college_approve",
    ),
    path("<int:pk>/office-approve/", views.application_office_approve, name="office_approve"),
    path(
        "<int:pk>/legal-approve/",
        views.application_action,
        {"action": "legal_approve"},
        name="legal_approve",
    ),
    path("<int:pk>/return/", views.application_action, {"action": "return"}, name="return"),
    path("<int:pk>/reject/", views.application_action, {"action": "reject"}, name="reject"),
    path("<int:pk>/experts/", views.application_experts, name="experts"),
    path("<int:pk>/review/", views.application_review, name="review"),
    path("<int:pk>/inspection/", views.application_inspection, name="inspection"),
    path(
        "<int:pk>/inspection/photos/<int:photo_pk>/",
        views.inspection_photo_download,
        name="inspection_photo",
    ),
    path("<int:pk>/meeting/", views.application_meeting, name="meeting"),
    path("<int:pk>/sign/", views.application_sign, name="sign"),
    path("<int:pk>/establish/", views.application_establish, name="establish"),
    path(
        "<int:pk>/attachments/<int:attachment_pk>/", views.attachment_download, name="attachment"
    ),
    path(
        "<int:pk>/attachments/<int:attachment_pk>/delete/",
        views.attachment_delete,
        name="attachment_delete",
    ),
    path(
        "<int:pk>/agreement-draft/", views.agreement_document_download, name="agreement_document"
    ),
    path("<int:pk>/agreement-scan/", views.agreement_scan_download, name="agreement_scan"),
    path("<int:pk>/annex1.pdf", views.application_pdf, name="pdf"),
]
