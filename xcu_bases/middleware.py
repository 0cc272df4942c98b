"""Session lifetime beyond Django's idle timeout: a session ends 12 hours after its login,
however active it is (ASVS 7.3.2). The login time is stamped by ``xcu_bases.auth_log``."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.utils.cache import patch_cache_control

LOGIN_AT = "xcu_login_at"


class AbsoluteSessionLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            started = request.session.get(LOGIN_AT)
            if started is None:
                request.session[LOGIN_AT] = time.time()
            elif time.time() - started > settings.SESSION_ABSOLUTE_SECONDS:
                logout(request)
                messages.info(request, "登录已超过 12 小时，为保护您的账号，请重新登录。")
                return redirect_to_login(request.get_full_path())
        return self.get_response(request)


class NoStoreMiddleware:
    """Pages for a signed-in person carry personal data (phones, family contacts, contracts,
    scores): browsers and proxies must not keep them (ASVS 14.3). Static files are served before
    this by whitenoise and keep their long cache."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, no_store=True, private=True)
            response["Pragma"] = "no-cache"
        return response
