from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    """The Annex 4 standard, yearly checks, term assessments and expert scores."""

    name = "evaluation"
    verbose_name = "基地评估"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from evaluation import inbox, notifications  # noqa: F401  (inbox, notifications)
