"""Login and sessions (issue 8, ASVS 6.3 / 7): throttling per account and address with a cool-off
(never a permanent lock), every login and failure logged without the password, sessions ending
after 12 hours however active, on logout and when an account is deactivated; the CSP header."""

import logging
import time
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.urls import reverse
from django.utils import timezone

from tests.conftest import make_user
from xcu_bases.choices import RoleCode as R
from xcu_bases.middleware import LOGIN_AT

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-电池-staple"


@pytest.fixture
def secretary(college_a):
    user = make_user("secretary_a", R.COLLEGE_SECRETARY, college=college_a, name="杨静")
    user.set_password(PASSWORD)
    user.save()
    return user


def attempt(client, username, password, ip="10.0.0.1"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def test_five_failures_lock_that_account_from_that_address_for_30_minutes(client, secretary):
    for _ in range(5):
        response = attempt(client, "secretary_a", "wrong")
        assert response.status_code in (200, 429)
    locked = attempt(client, "secretary_a", PASSWORD)  # even the right password
    assert locked.status_code == 429
    assert "登录已暂停" in locked.text and "30 分钟" in locked.text
    assert "_auth_user_id" not in client.session
    # Another address, or another account from this address, is not locked.
    assert attempt(client, "secretary_a", PASSWORD, ip="10.0.0.2").status_code == 302
    client.logout()
    # After the cool-off the account logs in again: never a permanent lock.
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=31))
    assert attempt(client, "secretary_a", PASSWORD).status_code == 302


def test_four_failures_then_success_clears_the_count(client, secretary):
    for _ in range(4):
        attempt(client, "secretary_a", "wrong")
    assert attempt(client, "secretary_a", PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        attempt(client, "secretary_a", "wrong")
    assert attempt(client, "secretary_a", PASSWORD).status_code == 302


def test_logins_and_failures_are_logged_without_the_password(client, secretary, caplog):
    with caplog.at_level(logging.INFO, logger="xcu_bases.auth"):
        attempt(client, "secretary_a", "wrong-secret")
        attempt(client, "secretary_a", PASSWORD)
        client.post(reverse("logout"))
    text = caplog.text
    assert "登录失败 user=secretary_a ip=10.0.0.1" in text
    assert f"登录成功 user=secretary_a id={secretary.pk} ip=10.0.0.1" in text
    assert "退出登录 user=secretary_a" in text
    assert "wrong-secret" not in text and PASSWORD not in text


def test_a_session_ends_twelve_hours_after_login_however_active(client, secretary):
    attempt(client, "secretary_a", PASSWORD)
    assert client.get(reverse("home")).status_code == 200
    session = client.session
    session[LOGIN_AT] = time.time() - 12 * 3600 + 60  # 11 h 59 min ago
    session.save()
    assert client.get(reverse("home")).status_code == 200
    session = client.session
    session[LOGIN_AT] = time.time() - 12 * 3600 - 1
    session.save()
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert "_auth_user_id" not in client.session


def test_idle_timeout_is_30_minutes_and_renewed_by_each_request(settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60 and settings.SESSION_SAVE_EVERY_REQUEST


def test_logout_ends_the_session_on_the_server(client, secretary):
    attempt(client, "secretary_a", PASSWORD)
    cookie = client.cookies["sessionid"].value
    client.post(reverse("logout"))
    client.cookies["sessionid"] = cookie  # replaying the old cookie
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_deactivating_a_user_ends_their_sessions(client, secretary):
    attempt(client, "secretary_a", PASSWORD)
    assert client.get(reverse("home")).status_code == 200
    secretary.is_active = False
    secretary.save(update_fields=["is_active"])
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_every_page_sends_a_content_security_policy_without_unsafe_inline(client, secretary):
    for response in (client.get(reverse("login")), client.get("/nope/")):
        policy = response["Content-Security-Policy"]
        assert "default-src 'self'" in policy and "script-src 'self'" in policy
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
        assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
