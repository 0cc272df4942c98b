from django.urls import path

from agreements import views

app_name = "agreements"
urlpatterns = [
    # --- the office's model agreement (views.py) ---
    path("templates/", views.template_list, name="templates"),
    path("templates/<int:pk>/", views.template_download, name="template_download"),
    # --- registry and base pages (views.py) ---
    # --- Excel export/import and the plaque certificate (io_views.py) ---
]
