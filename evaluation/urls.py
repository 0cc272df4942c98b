"""URLs of evaluation: rounds, base evaluations, expert scoring (Annex 4, Art 29)."""

from django.urls import path

from evaluation import decision_views, views

app_name = "evaluation"

urlpatterns = [
    path("", views.round_list, name="rounds"),
    path("rounds/new/", views.round_new, name="round_new"),
    path("rounds/<int:pk>/", views.round_detail, name="round_detail"),
    path("rounds/<int:pk>/results.xlsx", views.round_export, name="round_export"),
    path("evaluations/<int:pk>/", views.evaluation_detail, name="evaluation_detail"),
    path("evaluations/<int:pk>/evidence/", views.evaluation_evidence, name="evaluation_evidence"),
    path(
        "evaluations/<int:pk>/files/<int:attachment_pk>/",
        views.attachment_download,
        name="attachment",
    ),
    path("rounds/<int:pk>/close/", views.round_close, name="round_close"),
    path("rounds/<int:pk>/add/", views.round_base_add, name="round_base_add"),
    path("evaluations/<int:pk>/remove/", views.evaluation_remove, name="evaluation_remove"),
    path("evaluations/<int:pk>/assign/", views.evaluation_assign, name="evaluation_assign"),
    path("evaluations/<int:pk>/return/", views.evaluation_return, name="evaluation_return"),
    path("evaluations/<int:pk>/finalise/", views.evaluation_finalise, name="evaluation_finalise"),
    path("standards/", views.standard_list, name="standards"),
    path("standards/new/", views.standard_create, name="standard_create"),
    path("standards/<int:pk>/", views.standard_edit, name="standard_edit"),
    path("evaluations/<int:pk>/annex4.pdf", views.evaluation_pdf, name="evaluation_pdf"),
    path("standards/<int:pk>/annex4.pdf", views.standard_blank_pdf, name="standard_blank_pdf"),
    path("assignments/<int:pk>/scores/", views.assignment_score, name="assignment_score"),
    # Art 29: the office's decision on an Unqualified term assessment
    path("revocations/<int:pk>/", decision_views.revocation_detail, name="revocation_detail"),
    path(
        "revocations/<int:pk>/confirm/",
        decision_views.revocation_confirm,
        name="revocation_confirm",
    ),
    path(
        "revocations/<int:pk>/decline/",
        decision_views.revocation_decline,
        name="revocation_decline",
    ),
]
