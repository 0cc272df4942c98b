"""Every login, failed login and logout is logged (ASVS 7.2, 16.3): who, from which address,
never the password. Failures are also counted by django-axes for the throttling."""

import logging
import time

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from xcu_bases.middleware import LOGIN_AT

logger = logging.getLogger("xcu_bases.auth")


def _address(request) -> str:
    return request.META.get("REMOTE_ADDR", "?") if request is not None else "?"


@receiver(user_logged_in)
def logged_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[LOGIN_AT] = time.time()
    logger.info("登录成功 user=%s id=%s ip=%s", user.get_username(), user.pk, _address(request))


@receiver(user_login_failed)
def login_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", ""))[:150]
    logger.warning("登录失败 user=%s ip=%s", username, _address(request))


@receiver(user_logged_out)
def logged_out(sender, request, user, **kwargs):
    name = user.get_username() if user is not None else "?"
    logger.info("退出登录 user=%s ip=%s", name, _address(request))
