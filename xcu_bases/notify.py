"""Notifications: who learns that it is their turn, that their form came back, that a date is near.

Every state change is written by ``xcu_bases.services.record_transition``; that one function
hands the new TransitionLog row to ``transition_logged`` here. Each app registers, per model, a
rule ``(obj, log) -> list[Notice]`` in its ``notifications.py`` (loaded by its AppConfig, as the
inbox providers are), saying who must act next and who should hear the outcome. The person who
acted is never notified of their own action.

A notice becomes one ``Notification`` row per recipient, in the same transaction as the change
(so a rolled-back change notifies nobody), and, where the recipient has an e-mail address and has
not turned that kind off, an e-mail sent after the transaction commits (``xcu_bases.mail``):
a mail server that is down can delay an e-mail, never the change.
"""

import threading
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from xcu_bases.choices import COLLEGE_STAFF_ROLES, EmailStatus, NotificationKind, RoleCode
from xcu_bases.models import Notification, NotificationPreference, TransitionLog, User


@dataclass
class Notice:
    recipients: Iterable
    kind: str
    title: str
    body: str = ""
    url: str = ""
    occasion: str = ""  # reminders: one per recipient per occasion
    target: object | None = field(default=None, repr=False)


Rule = Callable[..., list[Notice]]
_rules: dict[str, Rule] = {}
_local = threading.local()


@contextmanager
def without_email():
    """Notifications in the app only: for the demo data, whose events are not news to anyone."""
    before = getattr(_local, "muted", False)
    _local.muted = True
    try:
        yield
    finally:
        _local.muted = before


def settle(since) -> int:
    """Mark read the notifications written since ``since`` whose object has moved on since
    (a later entry in its timeline): what the demo's people would already have dealt with."""
    later = TransitionLog.objects.filter(
        content_type=OuterRef("content_type"), object_id=OuterRef("object_id"),
        at__gt=OuterRef("created_at"),
    )  # fmt: skip
    return Notification.objects.filter(
        Exists(later), created_at__gte=since, read_at__isnull=True
    ).update(read_at=timezone.now())


def rule(model_label: str) -> Callable[[Rule], Rule]:
    """Register the notification rule of one model (``"practice.PracticeRequest"``)."""

    def register(fn: Rule) -> Rule:
        _rules[model_label.lower()] = fn
        return fn

    return register


def transition_logged(obj, log) -> list[Notification]:
    fn = _rules.get(obj._meta.label_lower)
    if fn is None:
        return []
    return deliver(fn(obj, log), target=obj, exclude=log.by)


# --- who ---------------------------------------------------------------------------------------


def _active():
    return User.objects.filter(is_active=True)


def office() -> list:
    return list(_active().filter(Q(roles__code=RoleCode.GRADUATE_OFFICE)).distinct())


def college_staff(college_id, *roles: str) -> list:
    if not college_id:
        return []
    return list(
        _active()
        .filter(college_id=college_id, roles__code__in=roles or COLLEGE_STAFF_ROLES)
        .distinct()
    )


def with_role(role: str) -> list:
    return list(_active().filter(roles__code=role).distinct())


def people(*users) -> list:
    return [u for u in users if u is not None and u.is_active]


# --- delivering --------------------------------------------------------------------------------


def email_wanted(users: list, kinds: set[str]) -> set[tuple[int, str]]:
    """(user id, kind) pairs that should also go out by e-mail: an address and not turned off."""
    off = set(
        NotificationPreference.objects.filter(
            user__in=[u.pk for u in users], kind__in=kinds, email=False
        ).values_list("user_id", "kind")
    )
    return {(u.pk, k) for u in users if u.email for k in kinds if (u.pk, k) not in off}


def deliver(notices: Iterable[Notice], *, target=None, exclude=None) -> list[Notification]:
    """Write the notifications (skipping ``exclude`` and occasions already notified) and send
    their e-mails once the surrounding transaction commits."""
    notices = [n for n in notices if n is not None]
    if not notices:
        return []
    rows: list[Notification] = []
    recipients = {u.pk: u for n in notices for u in n.recipients if u is not None}
    muted = getattr(_local, "muted", False)
    wanted = set() if muted else email_wanted(list(recipients.values()), {n.kind for n in notices})
    for notice in notices:
        obj = notice.target if notice.target is not None else target
        content_type = ContentType.objects.get_for_model(obj) if obj is not None else None
        seen: set[int] = set()
        for user in notice.recipients:
            if user is None or user.pk in seen or (exclude is not None and user.pk == exclude.pk):
                continue
            seen.add(user.pk)
            row = Notification(
                recipient=user, kind=notice.kind, title=notice.title[:200], body=notice.body,
                url=notice.url, content_type=content_type,
                object_id=str(obj.pk) if obj is not None else "", occasion=notice.occasion,
                email_status=EmailStatus.PENDING if (user.pk, notice.kind) in wanted
                else EmailStatus.NONE,
            )  # fmt: skip
            if notice.occasion:
                if Notification.objects.filter(recipient=user, occasion=notice.occasion).exists():
                    continue
                try:
                    with transaction.atomic():
                        row.save()
                except IntegrityError:  # the same reminder, written a moment ago
                    continue
                rows.append(row)
            else:
                rows.append(row)
    Notification.objects.bulk_create([r for r in rows if r.pk is None])
    pending = [r.pk for r in rows if r.email_status == EmailStatus.PENDING and r.pk]
    if pending:
        from xcu_bases import mail

        transaction.on_commit(lambda: mail.dispatch(pending), robust=True)
    return rows


KIND_LABELS = dict(NotificationKind.choices)
