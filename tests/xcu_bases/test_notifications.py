"""Notifications: the e-mail that follows a committed change (and never breaks it), the list,
opening and marking read, the bell, and the per-kind e-mail settings."""

import email
import email.policy
import smtplib
from datetime import timedelta

import pytest
from django.core import mail as outbox
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from tests.conftest import make_student, make_user
from xcu_bases import mail, notify
from xcu_bases import services as people_services
from xcu_bases.choices import EmailStatus, NotificationKind
from xcu_bases.choices import RoleCode as R
from xcu_bases.models import Notification, NotificationPreference, StudentProfile, User

K = NotificationKind
PREFIX = "【研究生联合培养基地】"
SITE = "https://jd.xcc.edu.cn"


class RefusingBackend(BaseEmailBackend):
    """A mail server that is down: the connection is refused."""

    def open(self):
        raise ConnectionRefusedError(111, "Connection refused")

    def send_messages(self, messages):
        raise ConnectionRefusedError(111, "Connection refused")


class FailingBackend(BaseEmailBackend):
    """A mail server that answers, then refuses every message."""

    def send_messages(self, messages):
        raise smtplib.SMTPException("554 Transaction failed")


BROKEN = [
    pytest.param(f"{__name__}.RefusingBackend", id="connection-refused"),
    pytest.param(f"{__name__}.FailingBackend", id="smtp-error"),
]


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def office(college_a):
    return make_user("office", R.GRADUATE_OFFICE, name="罗晓梅", email="yjsc@xcc.edu.cn")


@pytest.fixture
def student(college_a):
    profile = make_student("student", college_a)
    User.objects.filter(pk=profile.user_id).update(email="student@stu.xcc.edu.cn")
    return StudentProfile.objects.select_related("user").get(pk=profile.pk)


def confirm(profile, by, comment="依据成绩单确认。"):
    """A real transition: the office confirms the coursework, the student hears (Art 21)."""
    return people_services.student_set_coursework(
        profile=profile, completed=True, by=by, comment=comment
    )


def notice_for(*users, kind=K.TASK, title="请审核基地申报书：测试基地", url="/applications/1/"):
    return notify.deliver([notify.Notice(list(users), kind, title, "请填写学院意见。", url)])


# --- e-mail ---------------------------------------------------------------------------------------


def test_an_email_goes_out_after_the_change_commits(
    office, student, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        confirm(student, office)
        assert outbox.outbox == []  # not before the commit
    assert len(callbacks) == 1
    [message] = outbox.outbox
    assert message.to == ["student@stu.xcc.edu.cn"]
    assert message.subject == f"{PREFIX}课程学习情况已确认：已完成"
    assert message.subject.startswith(PREFIX)
    assert "您好" in message.body
    assert "依据成绩单确认" in message.body
    assert f"{SITE}{reverse('my_profile')}" in message.body
    assert f"{SITE}/notifications/settings/" in message.body
    row = Notification.objects.get(recipient=student.user)
    assert (row.email_status, row.email_attempts) == (EmailStatus.SENT, 1)
    assert row.emailed_at is not None


def test_no_email_to_a_user_without_an_address(
    office, college_a, django_capture_on_commit_callbacks
):
    profile = make_student("noemail", college_a)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        confirm(profile, office)
    assert callbacks == []
    assert outbox.outbox == []
    row = Notification.objects.get(recipient=profile.user)
    assert row.email_status == EmailStatus.NONE  # in-app only


def test_no_email_of_a_kind_the_user_turned_off(
    office, student, college_a, django_capture_on_commit_callbacks
):
    NotificationPreference.objects.create(user=student.user, kind=K.RESULT, email=False)
    NotificationPreference.objects.create(user=student.user, kind=K.TASK, email=True)
    other = make_user("other", R.COLLEGE_SECRETARY, college=college_a, email="other@xcc.edu.cn")
    with django_capture_on_commit_callbacks(execute=True):
        confirm(student, office)
        notice_for(student.user, other, kind=K.TASK)
    assert sorted(m.to[0] for m in outbox.outbox) == ["other@xcc.edu.cn", "student@stu.xcc.edu.cn"]
    result = Notification.objects.get(recipient=student.user, kind=K.RESULT)
    assert result.email_status == EmailStatus.NONE
    task = Notification.objects.get(recipient=student.user, kind=K.TASK)
    assert task.email_status == EmailStatus.SENT


def test_nothing_is_sent_or_kept_when_the_transaction_rolls_back(
    office, student, django_capture_on_commit_callbacks
):
    class Abandon(Exception):
        pass

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(Abandon),
        transaction.atomic(),
    ):
        confirm(student, office)
        assert Notification.objects.filter(recipient=student.user).exists()
        raise Abandon
    assert callbacks == []
    assert outbox.outbox == []
    assert not Notification.objects.exists()
    assert StudentProfile.objects.get(pk=student.pk).coursework_confirmed_at is None


@pytest.mark.parametrize("backend", BROKEN)
def test_a_failing_mail_server_does_not_undo_the_change(
    backend, office, student, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = backend
    with django_capture_on_commit_callbacks(execute=True):
        confirm(student, office)  # no exception reaches the caller
    profile = StudentProfile.objects.get(pk=student.pk)
    assert profile.coursework_completed and profile.coursework_confirmed_at is not None
    row = Notification.objects.get(recipient=student.user)
    assert (row.email_status, row.email_attempts) == (EmailStatus.FAILED, 1)
    assert row.read_at is None and row.title == "课程学习情况已确认：已完成"

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert mail.retry_failed() == 1
    row.refresh_from_db()
    assert (row.email_status, row.email_attempts) == (EmailStatus.SENT, 2)
    [message] = outbox.outbox
    assert message.subject.startswith(PREFIX)
    assert mail.retry_failed() == 0  # sent once, never again
    assert len(outbox.outbox) == 1


def test_a_title_with_line_breaks_goes_out_on_one_subject_line(
    office, college_a, django_capture_on_commit_callbacks
):
    """Issue 14: a clearance title or a supervisor's name with a line break made the subject
    an invalid header, and the e-mail failed on every retry. The subject is cleaned where every
    notification e-mail is built; the in-app title keeps what was typed."""
    head = make_user("head", R.COLLEGE_HEAD, college=college_a, email="head@xcc.edu.cn")
    title = "请确认成果涉密性：《马铃薯脱毒\r\n种薯繁育》\t吉克\n阿依\x0b"
    with django_capture_on_commit_callbacks(execute=True):
        [row] = notice_for(head, title=title)
    [message] = outbox.outbox
    subject = f"{PREFIX}请确认成果涉密性：《马铃薯脱毒 种薯繁育》 吉克 阿依"
    assert message.subject == subject
    sent = email.message_from_bytes(message.message().as_bytes(), policy=email.policy.default)
    assert sent["Subject"].strip() == subject  # what the mail server received, read back
    row.refresh_from_db()
    assert (row.email_status, row.email_attempts) == (EmailStatus.SENT, 1)
    assert row.title == title


def test_one_failing_message_does_not_stop_the_others(office, college_a, settings):
    """A server that rejects one recipient still delivers to the rest."""
    good = make_user("good", R.COLLEGE_HEAD, college=college_a, email="good@xcc.edu.cn")
    bad = make_user("bad", R.COLLEGE_HEAD, college=college_a, email="bad@xcc.edu.cn")
    rows = notice_for(good, bad)
    settings.EMAIL_BACKEND = f"{__name__}.PickyBackend"
    assert mail.send([r.pk for r in rows]) == 1
    status = dict(Notification.objects.values_list("recipient__username", "email_status"))
    assert status == {"good": EmailStatus.SENT, "bad": EmailStatus.FAILED}


class PickyBackend(BaseEmailBackend):
    def send_messages(self, messages):
        for message in messages:
            if message.to == ["bad@xcc.edu.cn"]:
                raise smtplib.SMTPRecipientsRefused({"bad@xcc.edu.cn": (550, b"no such user")})
            outbox.outbox.append(message)
        return len(messages)


@pytest.mark.parametrize("backend", BROKEN)
def test_retries_stop_at_max_attempts(backend, student, settings):
    [row] = notice_for(student.user)
    settings.EMAIL_BACKEND = backend
    assert mail.send([row.pk]) == 0  # the first try, after the commit
    for _ in range(mail.MAX_ATTEMPTS + 2):
        assert mail.retry_failed() == 0
    row.refresh_from_db()
    assert (row.email_status, row.email_attempts) == (EmailStatus.FAILED, mail.MAX_ATTEMPTS)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert mail.retry_failed() == 0
    assert outbox.outbox == []
    row.refresh_from_db()
    assert row.email_attempts == mail.MAX_ATTEMPTS


def test_retry_picks_up_a_pending_email_whose_thread_died_but_not_a_fresh_one(student, alice):
    [stale] = notice_for(student.user)
    [fresh] = notice_for(alice)
    Notification.objects.filter(pk=stale.pk).update(
        created_at=timezone.now() - mail.STALE_PENDING - timedelta(minutes=1)
    )
    assert mail.retry_failed() == 1
    assert [m.to for m in outbox.outbox] == [["student@stu.xcc.edu.cn"]]
    fresh.refresh_from_db()
    assert fresh.email_status == EmailStatus.PENDING


def test_dispatch_in_the_background_sends_from_a_thread(student, settings, monkeypatch):
    """In production the e-mail goes out from a thread, so the click never waits for SMTP."""
    started = []

    class FakeThread:
        def __init__(self, target, args, daemon):
            started.append((target, args, daemon))

        def start(self):
            pass

    monkeypatch.setattr(mail.threading, "Thread", FakeThread)
    settings.NOTIFY_EMAIL_IN_BACKGROUND = True
    mail.dispatch([1, 2])
    assert started == [(mail._send_in_thread, ([1, 2],), True)]
    assert outbox.outbox == []


# --- the pages -----------------------------------------------------------------------------------


@pytest.fixture
def alice(college_a):
    return make_user("alice", R.COLLEGE_SECRETARY, college=college_a, email="alice@xcc.edu.cn")


@pytest.fixture
def bob(college_a):
    return make_user("bob", R.COLLEGE_HEAD, college=college_a)


def make_rows(user, n, *, read=False, url="/bases/", start=0):
    Notification.objects.bulk_create(
        Notification(
            recipient=user, kind=K.TASK, title=f"通知{start + i:03d}", body="请处理。", url=url,
            read_at=timezone.now() if read else None,
        )
        for i in range(n)
    )  # fmt: skip
    return list(Notification.objects.filter(recipient=user).order_by("pk"))


def titles(response) -> list[str]:
    return [n.title for n in response.context["page"].object_list]


def test_the_list_shows_unread_by_default_and_everything_on_request(client, alice, bob):
    make_rows(alice, 2, read=True)
    make_rows(alice, 3, start=10)
    make_rows(bob, 4, start=50)
    client.force_login(alice)
    unread = client.get(reverse("notifications"))
    assert unread.status_code == 200
    assert sorted(titles(unread)) == ["通知010", "通知011", "通知012"]
    everything = client.get(reverse("notifications"), {"show": "all"})
    assert sorted(titles(everything)) == ["通知000", "通知001", "通知010", "通知011", "通知012"]
    assert "通知05" not in everything.text  # bob's
    assert client.get(reverse("notifications"), {"show": "nonsense"}).context["show"] == "unread"


def test_the_list_is_paginated(client, alice):
    make_rows(alice, 45)
    client.force_login(alice)
    first = client.get(reverse("notifications"), {"show": "all"})
    assert len(titles(first)) == 30
    assert "第 1 / 2 页" in first.text
    assert "?show=all&amp;page=2" in first.text
    second = client.get(reverse("notifications"), {"show": "all", "page": 2})
    assert len(titles(second)) == 15
    assert not set(titles(first)) & set(titles(second))


def test_an_empty_list_says_so(client, alice):
    client.force_login(alice)
    assert "没有未读通知" in client.get(reverse("notifications")).text
    assert "还没有通知" in client.get(reverse("notifications"), {"show": "all"}).text


def test_the_list_query_count_does_not_grow(client, alice, django_assert_max_num_queries):
    client.force_login(alice)
    make_rows(alice, 5)
    with django_assert_max_num_queries(20) as few:
        assert client.get(reverse("notifications")).status_code == 200
    make_rows(alice, 55, start=5)
    with django_assert_max_num_queries(len(few.captured_queries)):
        many = client.get(reverse("notifications"))
    assert len(titles(many)) == 30


def test_opening_marks_read_and_follows_the_link(client, alice):
    [row] = make_rows(alice, 1, url="/applications/7/")
    client.force_login(alice)
    response = client.get(reverse("notification_open", args=[row.pk]))
    assert response.status_code == 302
    assert response.url == "/applications/7/"
    row.refresh_from_db()
    assert row.read_at is not None
    first_read = row.read_at
    client.get(reverse("notification_open", args=[row.pk]))
    row.refresh_from_db()
    assert row.read_at == first_read  # the first time it was read is kept


@pytest.mark.parametrize(
    "url", ["https://evil.example/phish", "//evil.example/phish", "javascript:alert(1)", ""]
)
def test_an_off_site_link_is_not_followed(client, alice, url):
    [row] = make_rows(alice, 1, url=url)
    client.force_login(alice)
    response = client.get(reverse("notification_open", args=[row.pk]))
    assert response.status_code == 302
    assert response.url == "/notifications/"


def test_another_users_notification_is_404(client, alice, bob):
    [row] = make_rows(bob, 1)
    client.force_login(alice)
    assert client.get(reverse("notification_open", args=[row.pk])).status_code == 404
    assert client.post(reverse("notification_read", args=[row.pk])).status_code == 404
    row.refresh_from_db()
    assert row.read_at is None


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("notifications", []),
        ("notification_open", [1]),
        ("notification_settings", []),
    ],
)
def test_anonymous_is_sent_to_login(client, alice, name, args):
    make_rows(alice, 1)
    response = client.get(reverse(name, args=args))
    assert response.status_code == 302
    assert response.url.startswith("/login/")


def test_marking_read_is_post_only(client, alice):
    [row] = make_rows(alice, 1)
    client.force_login(alice)
    assert client.get(reverse("notification_read", args=[row.pk])).status_code == 405
    assert client.get(reverse("notification_read_all")).status_code == 405
    row.refresh_from_db()
    assert row.read_at is None


def test_mark_one_read(client, alice):
    one, other = make_rows(alice, 2)
    client.force_login(alice)
    response = client.post(
        reverse("notification_read", args=[one.pk]), {"next": "/notifications/?show=all"}
    )
    assert (response.status_code, response.url) == (302, "/notifications/?show=all")
    one.refresh_from_db()
    other.refresh_from_db()
    assert one.read_at is not None and other.read_at is None


def test_mark_all_read_only_marks_mine(client, alice, bob):
    make_rows(alice, 3)
    make_rows(bob, 2)
    client.force_login(alice)
    response = client.post(
        reverse("notification_read_all"), {"next": "https://evil.example/"}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/notifications/"
    assert "已将 3 条通知标为已读" in response.text
    assert not Notification.objects.filter(recipient=alice).unread().exists()
    assert Notification.objects.filter(recipient=bob).unread().count() == 2


def test_the_bell_shows_the_unread_count(client, alice):
    make_rows(alice, 2, read=True)
    make_rows(alice, 3)
    client.force_login(alice)
    html = client.get(reverse("home")).text
    assert 'data-testid="unread-count">3</span>' in html
    assert "通知：3 条未读" in html


def test_the_bell_has_no_badge_when_nothing_is_unread(client, alice):
    make_rows(alice, 2, read=True)
    client.force_login(alice)
    html = client.get(reverse("home")).text
    assert 'data-testid="bell"' in html
    assert 'data-testid="unread-count"' not in html


def test_the_bell_caps_at_99(client, alice):
    make_rows(alice, 120)
    client.force_login(alice)
    assert 'data-testid="unread-count">99+</span>' in client.get(reverse("home")).text


def test_settings_save_the_chosen_kinds(client, alice):
    client.force_login(alice)
    page = client.get(reverse("notification_settings"))
    assert page.status_code == 200
    assert "尚未登记邮箱" not in page.text
    assert all(on for _, _, on in page.context["rows"])  # everything on by default
    response = client.post(
        reverse("notification_settings"), {"email": [K.TASK, K.RETURNED, "bogus"]}, follow=True
    )
    assert "通知设置已保存" in response.text
    saved = dict(NotificationPreference.objects.filter(user=alice).values_list("kind", "email"))
    assert saved == {kind: kind in (K.TASK, K.RETURNED) for kind in K.values}
    shown = {kind: on for kind, _, on in response.context["rows"]}
    assert shown == saved
    # and the choice is honoured
    assert notify.email_wanted([alice], {K.TASK, K.RESULT}) == {(alice.pk, K.TASK)}


def test_settings_warn_a_user_without_an_email_address(client, bob):
    client.force_login(bob)
    page = client.get(reverse("notification_settings"))
    assert "您的账号尚未登记邮箱" in page.text
