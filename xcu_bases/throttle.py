"""Password spraying (issue 14, item 5; ASVS 6.3): a limit per address across accounts.

django-axes pauses one account from one address after 5 failures (settings.AXES_*). It has one
failure limit for all its parameter combinations, so "20 failures from one address in 10 minutes,
whatever the accounts" cannot be said in axes; it is this module instead: the login backend
refuses every login from a paused address before looking at the password, and counts each
failed password check by address. The pause is axes' cool-off (30 minutes) from the failure that
reached the limit; a refused attempt checks no password, so it neither counts nor extends it.
"""

import logging
from datetime import datetime, timedelta

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from xcu_bases.models import LoginFailure

logger = logging.getLogger("xcu_bases.auth")


def limit() -> int:
    return settings.XCU_ADDRESS_FAILURE_LIMIT


def window() -> timedelta:
    return settings.XCU_ADDRESS_FAILURE_WINDOW


def cool_off() -> timedelta:
    return settings.AXES_COOLOFF_TIME


def _minutes(span: timedelta) -> int:
    return int(span.total_seconds() // 60)


def address_of(request) -> str:
    """The client's address as axes sees it (behind the proxy: X-Forwarded-For)."""
    if request is None:
        return ""
    address = getattr(request, "axes_ip_address", None) or get_client_ip_address(request)
    return str(address or "")[:45]


def paused_until(address: str, now: datetime | None = None) -> datetime | None:
    """When the pause of ``address`` ends, or None: some ``limit()`` failures within
    ``window()`` whose last one is less than ``cool_off()`` ago."""
    if not address:
        return None
    now = now or timezone.now()
    times = list(
        LoginFailure.objects.filter(address=address, at__gt=now - window() - cool_off())
        .order_by("at")
        .values_list("at", flat=True)
    )
    until = None
    for first, last in zip(times, times[limit() - 1 :], strict=False):
        if last - first <= window() and now < last + cool_off():
            until = last + cool_off()
    return until


def record_failure(address: str, now: datetime | None = None) -> None:
    """One failed password check from ``address``; forgets what no pause can need any more."""
    if not address:
        return
    now = now or timezone.now()
    LoginFailure.objects.filter(at__lt=now - window() - cool_off()).delete()
    LoginFailure.objects.create(address=address, at=now)
    recent = LoginFailure.objects.filter(address=address, at__gt=now - window()).count()
    if recent == limit():
        logger.warning(
            "地址登录已暂停 ip=%r：%s 分钟内 %s 次密码错误，暂停 %s 分钟",
            address, _minutes(window()), recent, _minutes(cool_off()),
        )  # fmt: skip


class AddressThrottledBackend(ModelBackend):
    """Django's ModelBackend, behind the per-address limit. It comes after axes' backend in
    AUTHENTICATION_BACKENDS, so an attempt axes refused never reaches it (and is not counted)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        address = address_of(request)
        if paused_until(address) is not None:
            request.axes_locked_out = True  # AxesMiddleware answers with the lockout page (429)
            # …which then names the address and the rule, not the account.
            request.address_paused = {"failures": limit(), "minutes": _minutes(window()),
                                      "pause": _minutes(cool_off())}  # fmt: skip
            raise PermissionDenied("too many failed logins from this address")
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None and request is not None and password is not None:
            record_failure(address)
        return user
