import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in, screenshot
from xcu_bases import demo

ROLES = [row[0] for row in demo.ACCOUNTS] + ["student", "student2", "admin"]
NAMES = (
    {row[0]: row[1] for row in demo.ACCOUNTS}
    | {row[0]: row[1] for row in demo.STUDENTS}
    | {"admin": demo.SUPERUSER[1]}
)


def test_login_page(page, live_demo):
    page.goto(f"{live_demo.url}/login/")
    expect(page.get_by_role("heading", name="账号登录")).to_be_visible()
    expect(page.locator("footer")).to_contain_text("西昌学院")
    screenshot(page, "login")


@pytest.mark.parametrize("username", ROLES)
def test_each_demo_role_logs_in_through_the_form_and_sees_inbox(page, live_demo, username):
    log_in(page, live_demo.url, username)
    expect(page.get_by_role("heading", name="我的待办", level=1)).to_be_visible()
    expect(page.get_by_test_id("user-menu")).to_contain_text(NAMES[username])
    screenshot(page, f"inbox-{username}")


def test_wrong_password_is_explained_in_chinese(page, live_demo):
    log_in(page, live_demo.url, "secretary", "not-the-password")
    expect(page.get_by_text("用户名或密码不正确")).to_be_visible()
    expect(page.get_by_label("用户名")).to_have_value("secretary")


def test_secretary_confirms_coursework_from_the_inbox_then_logs_out(page, live_demo):
    log_in(page, live_demo.url, "secretary")
    page.get_by_role("link", name="确认研究生课程学习完成情况").click()
    expect(page.get_by_role("heading", name="研究生名单")).to_be_visible()
    page.get_by_role("link", name="孙浩然").click()
    page.get_by_role("link", name="确认课程学习情况").click()
    page.get_by_label("已完成规定课程学习").check()
    page.get_by_label("说明").fill("已核对成绩单，学分满足培养方案要求。")
    page.get_by_role("button", name="确认并记录").click()
    expect(page.get_by_text("已记录 孙浩然 的课程学习情况")).to_be_visible()
    expect(page.locator(".timeline")).to_contain_text("已核对成绩单")
    screenshot(page, "student-detail-after-coursework")

    page.get_by_test_id("user-menu").click()
    page.get_by_role("button", name="退出登录").click()
    expect(page.get_by_role("heading", name="账号登录")).to_be_visible()


def test_phone_sized_screen_uses_the_collapsed_menu(phone_page, live_demo):
    log_in(phone_page, live_demo.url, "office")
    expect(phone_page.get_by_role("heading", name="我的待办", level=1)).to_be_visible()
    screenshot(phone_page, "inbox-office-phone")
    phone_page.get_by_role("button", name="展开导航").click()
    phone_page.get_by_role("link", name="研究生名单").click()
    expect(phone_page.get_by_role("heading", name="研究生名单")).to_be_visible()
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"page is {width}px wide on a 390px screen"
    screenshot(phone_page, "students-phone")
