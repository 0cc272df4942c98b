from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    """Annex 1 base applications and the Art 7 approval chain."""

    name = "applications"
    verbose_name = "基地申报"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from applications import inbox, notifications  # noqa: F401  (inbox, notifications)
