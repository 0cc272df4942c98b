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
    assert "登录失败 user='secretary_a' ip='10.0.0.1'" in text
    assert f"登录成功 user='secretary_a' id={secretary.pk} ip='10.0.0.1'" in text
    assert "退出登录 user='secretary_a'" in text
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


# --- password spraying: a limit per address across accounts (issue 14, item 5) ---------------


class Clock:
    """``timezone.now`` frozen at a moment the test moves; no sleeping."""

    def __init__(self, monkeypatch):
        self.now = timezone.now()
        monkeypatch.setattr(timezone, "now", lambda: self.now)

    def advance(self, **delta):
        self.now += timedelta(**delta)


@pytest.fixture
def accounts(college_a):
    users = []
    for n in range(1, 7):
        user = make_user(f"teacher{n}", R.CAMPUS_SUPERVISOR, college=college_a)
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
        users.append(user)
    return users


def spray(client, accounts, ip="10.0.0.1"):
    """4 wrong passwords on each account (never 5: axes' per-account limit never trips)."""
    return [attempt(client, u.username, f"guess-{i}", ip=ip).status_code
            for u in accounts for i in range(4)]  # fmt: skip


def test_twenty_failures_from_one_address_pause_it_for_every_account(
    client, accounts, monkeypatch
):
    clock = Clock(monkeypatch)
    statuses = spray(client, accounts)
    # 20 failures are checked; from the 21st on the address is paused, even with the right
    # password and for an account it never tried.
    assert statuses == [200] * 20 + [429] * 4
    assert AccessAttempt.objects.filter(failures_since_start__gte=5).count() == 0
    other = make_user("office", R.GRADUATE_OFFICE)
    for user in (accounts[0], other):
        refused = attempt(client, user.username, PASSWORD)
        assert refused.status_code == 429
        assert "_auth_user_id" not in client.session
    assert 'data-testid="address-paused"' in refused.text
    assert "10 分钟内已有 20 次密码错误" in refused.text
    assert "暂停从该地址登录 30 分钟" in refused.text
    # Another address is not affected.
    assert attempt(client, accounts[0].username, PASSWORD, ip="10.0.0.2").status_code == 302
    client.logout()
    # Refused attempts check no password: they do not extend the pause, which ends 30 minutes
    # after the failure that reached the limit.
    clock.advance(minutes=29, seconds=59)
    assert attempt(client, accounts[5].username, PASSWORD).status_code == 429
    clock.advance(seconds=2)
    assert attempt(client, accounts[5].username, PASSWORD).status_code == 302


def test_failures_spread_beyond_ten_minutes_do_not_pause_the_address(
    client, accounts, monkeypatch
):
    clock = Clock(monkeypatch)
    for n, user in enumerate(accounts[:5]):
        for _ in range(4):
            assert attempt(client, user.username, "wrong").status_code == 200
        if n == 1:
            clock.advance(minutes=10, seconds=1)  # 8 failures fall out of the window
    assert attempt(client, accounts[5].username, PASSWORD).status_code == 302


def test_attempts_axes_refused_are_not_counted_for_the_address(client, accounts, secretary):
    for _ in range(5):
        attempt(client, "secretary_a", "wrong")
    for _ in range(20):  # refused by axes: no password checked, nothing counted
        assert attempt(client, "secretary_a", "wrong").status_code == 429
    for _ in range(4):
        attempt(client, accounts[0].username, "wrong")
    assert attempt(client, accounts[1].username, PASSWORD).status_code == 302


# --- log forging (issue 14, item 6) -------------------------------------------------------------

FORGED = "x\n登录成功 user=admin"


def test_a_username_with_a_newline_writes_one_escaped_log_record(client, secretary, caplog):
    with caplog.at_level(logging.DEBUG):
        attempt(client, FORGED, "wrong")
    records = [r for r in caplog.records if r.name.startswith(("xcu_bases", "axes", "django"))]
    assert len(records) == 1
    message = records[0].getMessage()
    assert "\n" not in message and "\r" not in message
    assert message == "登录失败 user='x\\n登录成功 user=admin' ip='10.0.0.1'"


def test_axes_own_log_lines_escape_the_username_too(client, secretary, caplog):
    with caplog.at_level(logging.DEBUG, logger="axes"):
        for _ in range(5):
            attempt(client, FORGED, "wrong")
    axes_lines = [r.getMessage() for r in caplog.records if r.name.startswith("axes")]
    assert any("x\\n登录成功" in line for line in axes_lines)
    assert not any("\n" in line or "\r" in line for line in axes_lines)


def test_a_pause_is_logged_once_per_refusal_with_escaped_values(client, secretary, caplog):
    with caplog.at_level(logging.INFO, logger="xcu_bases.auth"):
        for _ in range(6):
            attempt(client, "secretary_a", "wrong")
    paused = [r.getMessage() for r in caplog.records if "登录已暂停" in r.getMessage()]
    assert paused == ["登录已暂停（账号） user='secretary_a' ip='10.0.0.1'"] * 2


def test_the_log_format_keeps_every_record_on_one_line():
    """The net under every logger (settings.LOGGING): control characters are escaped."""
    from xcu_bases.logs import OneLineFormatter

    formatter = OneLineFormatter("%(levelname)s %(name)s: %(message)s")
    record = logging.LogRecord("django.request", logging.WARNING, __file__, 1,
                               "Not Found: %s", ("/a\r\n登录成功 user=admin\x1b[2J",), None)  # fmt: skip
    line = formatter.format(record)
    assert line == "WARNING django.request: Not Found: /a\\r\\n登录成功 user=admin\\x1b[2J"
    try:
        raise ValueError("boom")
    except ValueError:
        import sys

        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "a\nb", (), sys.exc_info())
    text = formatter.format(record)
    assert text.startswith("ERROR x: a\\nb\nTraceback")  # the traceback still follows
