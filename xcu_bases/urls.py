from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from xcu_bases import notification_views, views
from xcu_bases.forms import LoginForm

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard_page, name="dashboard"),
    path(
        "login/",
        auth_views.LoginView.as_view(
            authentication_form=LoginForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("students/", views.student_list, name="student_list"),
    path("students/<int:pk>/", views.student_detail, name="student_detail"),
    path("students/<int:pk>/coursework/", views.student_coursework, name="student_coursework"),
    path("me/", views.my_profile, name="my_profile"),
    path("notifications/", notification_views.notification_list, name="notifications"),
    path(
        "notifications/<int:pk>/", notification_views.notification_open, name="notification_open"
    ),
    path(
        "notifications/<int:pk>/read/",
        notification_views.notification_read,
        name="notification_read",
    ),
    path(
        "notifications/read-all/",
        notification_views.notification_read_all,
        name="notification_read_all",
    ),
    path(
        "notifications/settings/",
        notification_views.notification_settings,
        name="notification_settings",
    ),
    path("applications/", include("applications.urls")),
    path("agreements/", include("agreements.urls")),
    path("practice/", include("practice.urls")),
    path("evaluation/", include("evaluation.urls")),
    path("admin/", admin.site.urls),
]
