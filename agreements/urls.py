from django.urls import path

from agreements import io_views, renewal_urls, views

app_name = "agreements"
urlpatterns = [
    # --- the office's model agreement (views.py) ---
    path("templates/", views.template_list, name="templates"),
    path("templates/<int:pk>/", views.template_download, name="template_download"),
    # --- registry and base pages (views.py) ---
    path("", views.base_list, name="base_list"),
    path("<int:pk>/", views.base_detail, name="base_detail"),
    path("<int:pk>/edit/", views.base_edit, name="base_edit"),
    path("<int:pk>/governance/", views.governance_edit, name="governance"),
    path(
        "<int:pk>/governance/<int:member_pk>/remove/",
        views.governance_remove,
        name="governance_remove",
    ),
    path("<int:pk>/meetings/add/", views.record_add, {"kind": "meeting"}, name="meeting_add"),
    path("<int:pk>/funding/add/", views.record_add, {"kind": "spending"}, name="spending_add"),
    path("<int:pk>/funding/allocation/", views.allocation_add, name="allocation_add"),
    path("<int:pk>/funding/<int:entry_pk>/pay/", views.allocation_pay, name="allocation_pay"),
    path("<int:pk>/courses/add/", views.record_add, {"kind": "course"}, name="course_add"),
    path("<int:pk>/projects/add/", views.record_add, {"kind": "project"}, name="project_add"),
    path("<int:pk>/level/", views.level_change, name="level_change"),
    path("<int:pk>/revoke/", views.base_revoke, name="revoke"),
    path(
        "<int:pk>/agreements/<int:agreement_pk>/scan/", views.agreement_scan, name="agreement_scan"
    ),
    path("<int:pk>/files/<str:kind>/<int:item_pk>/", views.evidence_download, name="evidence"),
    # --- Excel export/import and the plaque certificate (io_views.py) ---
    path("export.xlsx", io_views.base_export, name="base_export"),
    path("import/", io_views.base_import, name="base_import"),
    path("import/template.xlsx", io_views.import_template, name="import_template"),
    path("<int:pk>/certificate.pdf", io_views.certificate_pdf, name="certificate_pdf"),
]
# --- renewals: filed by the college, reviewed as a new agreement (renewal_urls.py) ---
urlpatterns += renewal_urls.urlpatterns
