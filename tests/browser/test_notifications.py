"""Notifications in a browser: the demo campus supervisor (张明华, "tutor") sees the number of
unread notifications on the bell, opens the list, clicks the newest and lands on the object it
is about; back on the list the bell shows one fewer. The list also fits a phone."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import log_in, screenshot
from xcu_bases.models import Notification


def _unread(username: str):
    return Notification.objects.filter(recipient__username=username, read_at__isnull=True)


def test_tutor_opens_a_notification_from_the_bell(page, live_demo):
    url = live_demo.url
    unread = _unread("tutor").count()
    assert unread >= 2, "the demo gives the tutor unread notifications"
    newest = _unread("tutor").first()

    log_in(page, url, "tutor")
    count = page.get_by_test_id("unread-count")
    expect(count).to_have_text(str(unread))
    page.get_by_test_id("bell").click()
    expect(page.get_by_role("heading", name="通知", exact=True)).to_be_visible()
    items = page.get_by_test_id("notification")
    expect(items).to_have_count(unread)
    expect(items.first).to_contain_text(newest.title)
    screenshot(page, "notifications")

    items.first.get_by_role("link", name=newest.title).click()
    expect(page).to_have_url(re.compile(re.escape(newest.url) + "$"))
    expect(page.get_by_test_id("unread-count")).to_have_text(str(unread - 1))

    page.get_by_test_id("bell").click()
    expect(page.get_by_test_id("notification")).to_have_count(unread - 1)
    page.get_by_role("link", name="全部", exact=True).click()
    read = page.get_by_test_id("notification").filter(has_text=newest.title)
    expect(read).not_to_contain_text("未读")

    page.get_by_role("button", name="全部标为已读").click()
    expect(page.get_by_text(f"已将 {unread - 1} 条通知标为已读。")).to_be_visible()
    expect(page.get_by_test_id("unread-count")).to_have_count(0)
    assert _unread("tutor").count() == 0


def test_notifications_fit_a_phone(phone_page, live_demo):
    unread = _unread("tutor").count()
    log_in(phone_page, live_demo.url, "tutor")
    # The bell sits beside the menu button: no need to open the menu.
    expect(phone_page.get_by_test_id("unread-count")).to_have_text(str(unread))
    phone_page.get_by_test_id("bell").click()
    expect(phone_page.get_by_test_id("notification")).to_have_count(unread)
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390  # nothing overflows sideways
    screenshot(phone_page, "notifications-phone")
