import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.conftest import DEMO_PASSWORD
from xcu_bases import demo as demo_data

DEMO_USERNAMES = [row[0] for row in demo_data.ACCOUNTS] + ["student", "student2"]


@pytest.mark.parametrize("username", DEMO_USERNAMES)
def test_every_demo_role_logs_in_sees_inbox_and_logs_out(client, demo, username):
    response = client.post(reverse("login"), {"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("home")

    home = client.get(reverse("home"))
    assert home.status_code == 200
    assert "我的待办" in home.text
    assert demo[username].name in home.text

    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response.url == reverse("login")
    assert client.get(reverse("home")).status_code == 302


def test_wrong_password_shows_chinese_error_and_keeps_username(client, demo):
    response = client.post(reverse("login"), {"username": "secretary", "password": "wrong-one"})
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.text
    assert 'value="secretary"' in response.text
    assert "_auth_user_id" not in client.session


def test_inactive_account_cannot_log_in(client, demo):
    demo["expert"].is_active = False
    demo["expert"].save(update_fields=["is_active"])
    response = client.post(reverse("login"), {"username": "expert", "password": DEMO_PASSWORD})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_logout_by_get_is_refused(client, demo):
    client.force_login(demo["office"])
    assert client.get(reverse("logout")).status_code == 405
    assert "_auth_user_id" in client.session


def test_session_expires_after_30_idle_minutes(client, demo):
    client.force_login(demo["student"])
    client.get(reverse("home"))
    assert client.session.get_expiry_age() == 30 * 60


def _all_url_names(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.app_name == "admin":
                continue
            ns = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            yield from _all_url_names(entry, ns)
        elif isinstance(entry, URLPattern) and entry.name:
            yield prefix + entry.name, entry


PUBLIC = {"login"}


def _reverse_with_dummy_args(name, pattern):
    kwargs = {key: 1 for key in pattern.pattern.converters}
    return reverse(name, kwargs=kwargs)


@pytest.mark.parametrize(
    ("name", "pattern"), [p for p in _all_url_names() if p[0] not in PUBLIC], ids=lambda v: str(v)
)
def test_anonymous_is_sent_to_login_from_every_page(client, db, name, pattern):
    url = _reverse_with_dummy_args(name, pattern)
    for method in (client.get, client.post):
        response = method(url)
        assert response.status_code == 302, (name, method)
        assert response.url.startswith(reverse("login") + "?next=")


def test_admin_sends_anonymous_to_its_login(client, db):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response.url


def test_admin_is_chinese_for_superusers(client, demo):
    client.force_login(demo["admin"])
    response = client.get("/admin/xcu_bases/user/")
    assert response.status_code == 200
    assert "管理后台" in response.text
    assert "用户" in response.text


def test_admin_refuses_non_staff(client, demo):
    client.force_login(demo["office"])
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response.url


def test_password_change(client, demo):
    client.force_login(demo["tutor"])
    response = client.post(
        reverse("password_change"),
        {
            "old_password": DEMO_PASSWORD,
            "new_password1": "Anning-River-2026",
            "new_password2": "Anning-River-2026",
        },
    )
    assert response.status_code == 302
    demo["tutor"].refresh_from_db()
    assert demo["tutor"].check_password("Anning-River-2026")
    assert "密码已成功修改" in client.get(response.url).text


def test_password_change_rejects_weak_password_in_chinese(client, demo):
    client.force_login(demo["tutor"])
    response = client.post(
        reverse("password_change"),
        {"old_password": DEMO_PASSWORD, "new_password1": "12345678", "new_password2": "12345678"},
    )
    assert response.status_code == 200
    assert "密码" in response.text and "太常见" in response.text
    demo["tutor"].refresh_from_db()
    assert demo["tutor"].check_password(DEMO_PASSWORD)
