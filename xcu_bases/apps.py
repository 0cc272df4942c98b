from django.apps import AppConfig


class XcuBasesConfig(AppConfig):
    name = "xcu_bases"
    verbose_name = "用户与学院"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from xcu_bases import checks, inbox  # noqa: F401  (register checks and inbox providers)
