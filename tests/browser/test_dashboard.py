"""The graduate office's dashboard (统计看板) in a browser: the office opens it from the
navigation, clicks a college's bar and lands on the registry filtered to that college's active
bases, as many as the bar said; the page also fits a phone."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import log_in, screenshot


def test_office_opens_the_dashboard_and_follows_a_bar(page, live_demo):
    url = live_demo.url
    log_in(page, url, "office")
    page.get_by_role("link", name="统计看板").first.click()
    expect(page.get_by_role("heading", name="统计看板")).to_be_visible()
    expect(page.get_by_test_id("month-chart")).to_be_visible()
    screenshot(page, "dashboard")

    bar = page.get_by_test_id("college-chart").locator("a.dash-bar").first
    count = bar.get_attribute("data-count")
    college = bar.locator(".dash-bar-label").inner_text()
    bar.click()
    expect(page.get_by_role("heading", name="基地名录")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/agreements/\?college=\d+&state=active$"))
    expect(page.get_by_text(f"共 {count} 个基地")).to_be_visible()
    expect(page.locator("#id_college option:checked")).to_have_text(college)
    expect(page.locator("#id_state option:checked")).to_have_text("运行中")


def test_dashboard_fits_a_phone(phone_page, live_demo):
    log_in(phone_page, live_demo.url, "office")
    phone_page.get_by_role("button", name="Toggle navigation").or_(
        phone_page.locator(".navbar-toggler")
    ).first.click()
    phone_page.get_by_role("link", name="统计看板").first.click()
    expect(phone_page.get_by_role("heading", name="统计看板")).to_be_visible()
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390  # nothing overflows sideways
    screenshot(phone_page, "dashboard-phone")
