"""The base registry in a browser: the office finds a base, reads its compliance
panel (each line citing its article) and records a co-built course (Art 28)."""

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from playwright.sync_api import expect

from agreements import services
from agreements.choices import BaseLevel, BaseState
from agreements.models import Agreement, Base, Partner
from tests.browser.conftest import log_in, screenshot
from xcu_bases.creditcode import check_character
from xcu_bases.dates import add_years
from xcu_bases.models import College, User

NAME = "西昌学院—凉山州现代林业研究生联合培养基地"


def make_base():
    """Our own base, so the test does not depend on what the demo seeds."""
    starts = timezone.localdate() - timedelta(days=500)
    partner = Partner.objects.create(name="凉山州现代林业研究所", credit_code="12513400MB1234567X")
    # Provincial (Art 8): no Art 27 allocations, so the row's worst line is amber, not red.
    base = Base.objects.create(
        name=NAME,
        partner=partner,
        college=College.objects.get(code="01"),
        plaque_date=starts,
        level=BaseLevel.PROVINCIAL,
    )
    Agreement.objects.create(
        base=base, signed_on=starts, starts_on=starts, ends_on=add_years(starts, 5) - timedelta(days=1),
        scan=SimpleUploadedFile("协议.pdf", b"%PDF-1.4\n%%EOF"), scan_name="协议.pdf",
        recorded_by=User.objects.get(username="office"),
    )  # fmt: skip
    Base.objects.filter(pk=base.pk).update(state=BaseState.ACTIVE)
    return base


def test_office_filters_opens_a_base_and_adds_a_course(page, live_demo, tmp_path):
    make_base()
    outline = tmp_path / "课程大纲.pdf"
    outline.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")

    log_in(page, live_demo.url, "office")
    page.get_by_role("link", name="基地名录").click()
    expect(page.get_by_role("heading", name="基地名录")).to_be_visible()
    screenshot(page, "base-registry")

    page.get_by_label("基地名称").fill("现代林业")
    page.get_by_label("状态").select_option("active")
    page.get_by_role("button", name="筛选").click()
    rows = page.locator("table.registry-table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("凉山州现代林业研究所")
    expect(rows.first).to_contain_text("需关注")  # no course, project, yearly check, committee…
    rows.first.get_by_role("link", name=NAME).click()

    panel = page.locator("#compliance")
    expect(panel.get_by_role("heading", name="合规检查")).to_be_visible()
    course_line = page.get_by_test_id("compliance-course")
    expect(course_line).to_contain_text("第二十八条")
    expect(course_line).to_contain_text("尚无共建实践课程")
    expect(page.get_by_test_id("compliance-agreement")).to_contain_text("第七条")
    expect(page.get_by_test_id("compliance-funding")).to_contain_text("第二十七条")
    screenshot(page, "base-detail")

    page.get_by_role("link", name="添加课程").click()
    expect(page.get_by_role("heading", name="登记共建实践课程")).to_be_visible()
    page.get_by_label("课程名称").fill("林下经济与森林康养实践")
    page.get_by_label("开始日期").fill(timezone.localdate().isoformat())
    page.get_by_label("授课人员").fill("阿西木呷、张明华")
    page.get_by_label("学时").fill("32")
    page.get_by_label("证明材料").set_input_files(str(outline))
    page.get_by_role("button", name="保存").click()

    expect(page.get_by_text("已登记共建实践课程。")).to_be_visible()
    expect(page.locator("#obligations")).to_contain_text("林下经济与森林康养实践")
    expect(course_line).to_contain_text("协议期内已有 1 门。")
    expect(page.locator("#obligations").get_by_role("link", name="课程大纲.pdf")).to_be_visible()
    screenshot(page, "base-course-added")


def test_registry_and_base_page_on_a_phone(phone_page, live_demo):
    base = make_base()
    log_in(phone_page, live_demo.url, "office")
    phone_page.goto(f"{live_demo.url}/agreements/")
    expect(phone_page.get_by_role("heading", name="基地名录")).to_be_visible()
    # The table stacks: no horizontal scrolling on a 390 px screen.
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone_page, "base-registry-phone")
    phone_page.goto(f"{live_demo.url}/agreements/{base.pk}/")
    expect(phone_page.get_by_test_id("compliance-project")).to_contain_text("第二十八条")
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone_page, "base-detail-phone")


def test_art27_office_records_the_payment_of_a_planned_allocation(page, live_demo):
    """Planned at the plaque, due 100 days ago: red on the panel; the office records the
    payment with its document number and the totals move from 计划拨付 to 已拨付."""
    plaque = timezone.localdate() - timedelta(days=100)
    code17 = "91513400MA6XCU027"
    partner = Partner.objects.create(
        name="凉山州测试经费单位", credit_code=code17 + check_character(code17)
    )
    base = Base.objects.create(
        name="西昌学院—凉山州测试经费单位研究生联合培养基地",
        partner=partner,
        college=College.objects.get(code="01"),
        plaque_date=plaque,
    )
    Base.objects.filter(pk=base.pk).update(state=BaseState.ACTIVE)
    services.allocations_create(base=base, by=User.objects.get(username="office"))

    log_in(page, live_demo.url, "office")
    page.goto(f"{live_demo.url}/agreements/{base.pk}/")
    expect(page.get_by_test_id("compliance-funding")).to_contain_text("尚未登记拨付")
    totals = page.get_by_test_id("funding-totals")
    expect(totals).to_contain_text("30000.00 元")
    page.locator("#funding").get_by_role("link", name="登记拨付").first.click()
    expect(page.get_by_role("heading", name="登记拨付")).to_be_visible()
    page.get_by_label("拨付凭证号").fill("财拨〔2026〕15号")
    screenshot(page, "allocation-pay")
    page.get_by_role("button", name="确认登记拨付").click()

    expect(page.get_by_text("已登记第 1 年建设经费拨付。")).to_be_visible()
    expect(page.locator("#funding")).to_contain_text("财拨〔2026〕15号")
    expect(totals).to_contain_text("10000.00 元")
    expect(page.get_by_test_id("compliance-funding")).to_contain_text("已拨付：第 1 年")
    screenshot(page, "base-funding-paid")
