"""Notification e-mails: sent after the change commits, never able to break it.

``dispatch`` runs from ``transaction.on_commit``: in production in a background thread (a slow
or dead SMTP server must not hold up the person who clicked), in tests inline. A message that
cannot be sent is marked ``failed`` and retried by ``manage.py send_reminders`` (daily), at most
``MAX_ATTEMPTS`` times; the in-app notification is there either way.
"""

import logging
import threading
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import connection
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone

from xcu_bases.choices import EmailStatus
from xcu_bases.models import Notification
from xcu_bases.text import one_line

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 5


_local = threading.local()
STALE_PENDING = timedelta(minutes=15)  # a pending e-mail this old lost its thread: retry it


@contextmanager
def inline():
    """Send in this thread: for commands, whose process may end before a background thread."""
    before = getattr(_local, "inline", False)
    _local.inline = True
    try:
        yield
    finally:
        _local.inline = before


def dispatch(ids: list[int]) -> None:
    background = getattr(settings, "NOTIFY_EMAIL_IN_BACKGROUND", False)
    if background and not getattr(_local, "inline", False):
        threading.Thread(target=_send_in_thread, args=(list(ids),), daemon=True).start()
    else:
        send(ids)


def _send_in_thread(ids: list[int]) -> None:
    try:
        send(ids)
    finally:
        connection.close()


def absolute(url: str) -> str:
    return f"{settings.SITE_URL}{url}" if url.startswith("/") else url


def message_for(notification: Notification) -> EmailMessage:
    user = notification.recipient
    body = render_to_string(
        "email/notification.txt",
        {"n": notification, "user": user, "link": absolute(notification.url),
         "settings_link": absolute("/notifications/settings/"), "site": settings.SITE_NAME},
    )  # fmt: skip
    return EmailMessage(
        # A title carries names and titles people typed: a line break in a header would make
        # the message unsendable (BadHeaderError) on every retry.
        subject=one_line(f"{settings.EMAIL_SUBJECT_PREFIX}{notification.title}"),
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
    )


def send(ids: list[int]) -> int:
    """Send the pending (or failed, below MAX_ATTEMPTS) e-mails among ``ids``; return how many
    went out. Never raises."""
    try:
        rows = list(
            Notification.objects.filter(
                pk__in=ids,
                email_status__in=[EmailStatus.PENDING, EmailStatus.FAILED],
                email_attempts__lt=MAX_ATTEMPTS,
            ).select_related("recipient")
        )
    except Exception:  # the database itself is gone: nothing to do until the retry
        logger.exception("通知邮件：读取待发送邮件失败")
        return 0
    if not rows:
        return 0
    sent = 0
    try:
        with get_connection(fail_silently=False) as mail:
            for row in rows:
                # Claim the row first: a retry running at the same moment skips it.
                claimed = Notification.objects.filter(
                    pk=row.pk, email_status=row.email_status, email_attempts=row.email_attempts
                ).update(email_status=EmailStatus.SENDING, email_attempts=F("email_attempts") + 1)
                if not claimed:
                    continue
                try:
                    mail.send_messages([message_for(row)])
                except Exception as error:
                    _failed([row.pk], error)
                else:
                    Notification.objects.filter(pk=row.pk).update(
                        email_status=EmailStatus.SENT, emailed_at=timezone.now()
                    )
                    sent += 1
    except Exception as error:  # could not even connect
        _failed([r.pk for r in rows], error, connecting=True)
    return sent


def _failed(ids, error, connecting=False) -> None:
    """A claimed row that failed; or, when the connection itself failed, every row not yet
    claimed (counted as one attempt)."""
    logger.warning("通知邮件发送失败（%s 封）：%r", len(ids), error)
    try:
        qs = Notification.objects.filter(pk__in=ids)
        if connecting:
            qs.filter(email_status__in=[EmailStatus.PENDING, EmailStatus.FAILED]).update(
                email_status=EmailStatus.FAILED, email_attempts=F("email_attempts") + 1
            )
        qs.filter(email_status=EmailStatus.SENDING).update(email_status=EmailStatus.FAILED)
    except Exception:
        logger.exception("通知邮件：无法记录发送失败")


def retry_failed() -> int:
    """E-mails that could not be sent earlier (the daily reminders call this): failed ones, and
    pending ones old enough that their sending thread must have died."""
    stale = timezone.now() - STALE_PENDING
    Notification.objects.filter(email_status=EmailStatus.SENDING, created_at__lt=stale).update(
        email_status=EmailStatus.FAILED
    )
    ids = list(
        Notification.objects.filter(
            Q(email_status=EmailStatus.FAILED)
            | Q(email_status=EmailStatus.PENDING, created_at__lt=stale),
            email_attempts__lt=MAX_ATTEMPTS,
        ).values_list("pk", flat=True)[:1000]
    )
    return send(ids) if ids else 0
