"""URLs of agreements: the model agreement now; bases and agreements with issue #4."""

from django.urls import path

from agreements import views

app_name = "agreements"
urlpatterns = [
    path("templates/", views.template_list, name="templates"),
    path("templates/<int:pk>/", views.template_download, name="template_download"),
]
