from django.apps import AppConfig


class PracticeConfig(AppConfig):
    """Annex 2 practice requests, Annex 3 assessments, base supervisors and the contact log."""

    name = "practice"
    verbose_name = "专业实践"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from practice import home, inbox, notifications  # noqa: F401  (inbox, panels, notices)
