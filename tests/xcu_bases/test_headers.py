"""Headers and personal data (issue 8, item 4): signed-in pages are not cached, production
settings turn on HSTS and secure cookies, and phone numbers or family contacts never appear in a
URL the system builds (links, form actions), so they cannot end up in access logs."""

import re

import pytest
from django.urls import reverse

from tests.xcu_bases.test_settings import PRODUCTION_ENV, run_python
from xcu_bases.models import StudentProfile, User


def test_production_settings_turn_on_hsts_and_secure_cookies():
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'xcu_bases.settings'; "
        "django.setup(); from django.conf import settings as s; "
        "print(s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SESSION_COOKIE_SECURE,"
        " s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.SECURE_SSL_REDIRECT, s.DEBUG)"
    )
    result = run_python(code, **PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["31536000", "True", "True", "True", "True", "True", "False"]


@pytest.mark.django_db
def test_signed_in_pages_are_not_stored_and_the_login_page_has_the_security_headers(client, demo):
    login = client.get(reverse("login"))
    assert login["X-Frame-Options"] == "DENY"
    assert login["X-Content-Type-Options"] == "nosniff"
    assert login["Referrer-Policy"] == "same-origin"
    client.force_login(demo["office"])
    student = StudentProfile.objects.get(user=demo["student"])
    for url in (reverse("home"), reverse("student_detail", args=[student.pk]),
                reverse("student_list"), reverse("notifications")):  # fmt: skip
        response = client.get(url)
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"], url


PAGES = ["home", "student_list", "notifications", "agreements:base_list", "practice:supervisors",
         "applications:list", "practice:requests", "dashboard"]  # fmt: skip


@pytest.mark.django_db
def test_phones_and_family_contacts_never_appear_in_urls(client, demo):
    phones = {u.phone for u in User.objects.exclude(phone="")}
    phones |= {p.family_phone for p in StudentProfile.objects.exclude(family_phone="")}
    families = {p.family_contact for p in StudentProfile.objects.exclude(family_contact="")}
    assert phones and families
    urls = [reverse(name) for name in PAGES]
    urls += [reverse("student_detail", args=[p.pk]) for p in StudentProfile.objects.all()[:5]]
    client.force_login(demo["office"])
    checked = 0
    for url in urls:
        html = client.get(url).text
        for link in re.findall(r'(?:href|src|action)="([^"]*)"', html):
            checked += 1
            assert not any(p in link for p in phones), (url, link)
            assert not any(f in link for f in families), (url, link)
    assert checked > 100
