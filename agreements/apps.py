from django.apps import AppConfig


class AgreementsConfig(AppConfig):
    """Partners, agreements, bases, plaques, funding, courses and joint projects."""

    name = "agreements"
    verbose_name = "基地与协议"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Registers the notification rules and the inbox tasks (allocations due, renewals).
        from agreements import inbox, notifications, renewal_inbox, renewal_notifications  # noqa: F401
