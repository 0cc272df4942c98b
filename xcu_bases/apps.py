from django.apps import AppConfig
from django.apps import apps as global_apps
from django.db.models.signals import post_migrate


def create_roles(using="default", apps=None, **kwargs):
    """The eight roles of DESIGN.md are reference data: make sure each row exists.

    Runs after every migrate and flush, as Django does for permissions, so a
    fresh database and a flushed test database both have them.
    """
    from xcu_bases.choices import RoleCode

    Role = (apps or global_apps).get_model("xcu_bases", "Role")
    existing = set(Role.objects.using(using).values_list("code", flat=True))
    Role.objects.using(using).bulk_create(
        [Role(code=code) for code in RoleCode.values if code not in existing]
    )


class XcuBasesConfig(AppConfig):
    name = "xcu_bases"
    verbose_name = "用户与学院"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Registers the login log, system checks, inbox providers and notification rules.
        from xcu_bases import auth_log, checks, inbox, notifications  # noqa: F401

        post_migrate.connect(create_roles, sender=self)
