"""Every login, failed login, pause and logout is logged (ASVS 7.2, 16.3): who, from which
address, never the password. Failures are also counted by django-axes (per account and address)
and ``xcu_bases.throttle`` (per address).

Every value a visitor can type (the username above all) is logged with ``%r``: a newline or any
other control character is written as an escape, so a crafted username cannot add a fake line
to this log (issue 14, item 6). ``client_str`` does the same for axes' own lines."""

import logging
import time

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from xcu_bases.middleware import LOGIN_AT
from xcu_bases.throttle import address_of

logger = logging.getLogger("xcu_bases.auth")


def _address(request) -> str:
    return address_of(request) or "?"


@receiver(user_logged_in)
def logged_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[LOGIN_AT] = time.time()
    logger.info("登录成功 user=%r id=%s ip=%r", user.get_username(), user.pk, _address(request))


@receiver(user_login_failed)
def login_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", ""))[:150]
    logger.warning("登录失败 user=%r ip=%r", username, _address(request))


@receiver(user_locked_out)
def locked_out(sender, request=None, username=None, ip_address=None, **kwargs):
    """axes paused this account from this address, or (``address_paused``) the per-address
    limit refused the attempt; sent again for each attempt refused during the pause."""
    reason = "地址" if getattr(request, "address_paused", False) else "账号"
    logger.warning(
        "登录已暂停（%s） user=%r ip=%r", reason, str(username or "")[:150], ip_address or "?"
    )


@receiver(user_logged_out)
def logged_out(sender, request, user, **kwargs):
    name = user.get_username() if user is not None else "?"
    logger.info("退出登录 user=%r ip=%r", name, _address(request))


def client_str(username, ip_address, user_agent, path_info, request) -> str:
    """axes' description of a client in its own log lines (AXES_CLIENT_STR_CALLABLE)."""
    if isinstance(path_info, tuple | list):
        path_info = path_info[0] if path_info else ""
    return f"{{username: {username!r}, ip_address: {ip_address!r}, path_info: {path_info!r}}}"
