"""Helpers for the notification tests: what a block of code notified, and to whom."""

from contextlib import contextmanager

from django.contrib.contenttypes.models import ContentType

from xcu_bases.models import Notification


@contextmanager
def captured():
    """Collect the notifications written inside the block (a list, filled when it ends)."""
    last = Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    rows: list[Notification] = []
    try:
        yield rows
    finally:
        rows.extend(
            Notification.objects.filter(pk__gt=last).select_related("recipient").order_by("pk")
        )


def who(rows) -> list[tuple[str, str]]:
    """(username, kind) of each notification, sorted."""
    return sorted((n.recipient.username, n.kind) for n in rows)


def to(rows, username) -> list[Notification]:
    return [n for n in rows if n.recipient.username == username]


def about(rows, obj) -> list[Notification]:
    """The notifications whose target is ``obj``."""
    content_type = ContentType.objects.get_for_model(obj)
    return [n for n in rows if n.content_type_id == content_type.pk and n.object_id == str(obj.pk)]
