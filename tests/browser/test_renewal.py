"""A renewal (续签) in a browser (Art 7): the secretary files it, the head approves, the office
approves on the school's authorising document (no president's meeting) and records the signed
agreement, which becomes the base's new agreement."""

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from playwright.sync_api import expect

from agreements.choices import BaseState, RenewalState
from agreements.models import Agreement, Base, Partner, Renewal
from tests.browser.conftest import log_in, screenshot
from xcu_bases.dates import add_years
from xcu_bases.models import College, User

NAME = "西昌学院—凉山州高山草地生态研究生联合培养基地"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def make_base():
    """Our own base of college 01 whose agreement ends in two months."""
    ends = timezone.localdate() + timedelta(days=60)
    starts = add_years(ends + timedelta(days=1), -5)
    partner = Partner.objects.create(
        name="凉山州高山草地生态研究所", credit_code="12513400MB7654321X"
    )
    base = Base.objects.create(
        name=NAME, partner=partner, college=College.objects.get(code="01"), plaque_date=starts
    )
    Agreement.objects.create(
        base=base, signed_on=starts, starts_on=starts, ends_on=ends,
        scan=SimpleUploadedFile("协议.pdf", PDF), scan_name="协议.pdf",
        recorded_by=User.objects.get(username="office"),
    )  # fmt: skip
    Base.objects.filter(pk=base.pk).update(state=BaseState.ACTIVE)
    return base


def _log_out(page):
    page.get_by_test_id("user-menu").click()
    page.get_by_role("button", name="退出登录").click()


def test_secretary_files_head_approves_office_authorises_and_records_the_signing(
    page, phone_page, live_demo, tmp_path
):
    base = make_base()
    draft = tmp_path / "续签协议书（草案）.pdf"
    draft.write_bytes(PDF)
    scan = tmp_path / "续签协议书（签字盖章）.pdf"
    scan.write_bytes(PDF)
    url = live_demo.url
    base_url = f"{url}/agreements/{base.pk}/"

    # --- the college secretary files the renewal -------------------------------------------
    log_in(page, url, "secretary")
    page.goto(base_url)
    page.locator("#renewals").get_by_role("link", name="申请续签").click()
    expect(page.get_by_role("heading", name="申请续签")).to_be_visible()
    expect(page.get_by_label("续签协议开始日期")).not_to_have_value("")  # follows the current
    page.get_by_label("主要变更内容").fill("一、合作领域增加“草地碳汇监测”；二、其余条款不变。")
    page.get_by_label("续签协议书草案").set_input_files(str(draft))
    screenshot(page, "renewal-form")
    page.get_by_role("button", name="保存并提交").click()
    expect(page.get_by_role("heading", name="提交续签申请")).to_be_visible()
    page.get_by_role("button", name="确认提交").click()
    expect(page.get_by_text("续签申请已提交学院审核。")).to_be_visible()
    expect(page.locator("h1 .state-badge")).to_have_text("学院审核")
    renewal = Renewal.objects.get(base=base)
    detail = f"{url}/agreements/renewals/{renewal.pk}/"

    _log_out(page)

    # --- the college head finds it in the inbox and approves ------------------------------------
    log_in(page, url, "head")
    page.get_by_role("link", name=f"续签申请学院审核：{NAME}").click()
    page.get_by_role("link", name="学院审核通过").click()
    page.get_by_label("学院意见").fill("基地运行良好，同意续签五年。")
    page.get_by_role("button", name="确认学院审核通过").click()
    expect(page.locator("h1 .state-badge")).to_have_text("学科与研究生处审核")
    _log_out(page)

    # --- the office: base page shows it under way; approve on the authorising document --------
    log_in(page, url, "office")
    page.goto(base_url)
    under_way = page.get_by_test_id("renewal-under-way")
    expect(under_way).to_contain_text("续签办理中")
    expect(under_way).to_contain_text("学科与研究生处审核")
    screenshot(page, "renewal-base-under-way")
    phone_page.context.add_cookies(page.context.cookies())
    phone_page.goto(base_url)
    expect(phone_page.get_by_test_id("renewal-under-way")).to_be_visible()
    screenshot(phone_page, "renewal-base-under-way-phone")

    under_way.get_by_role("link", name="查看续签申请").click()
    page.get_by_role("link", name="学科与研究生处审核通过").click()
    expect(page.get_by_test_id("declared-deviation")).to_contain_text("与模板内容一致")
    expect(page.get_by_label("协议书与模板内容一致", exact=True)).to_be_checked()
    page.get_by_label("授权文件号").fill("西学院〔2026〕21号")
    page.get_by_label("授权文件日期").fill("2026-03-01")
    page.get_by_label("学科与研究生处审核意见").fill("续签协议与学校模板一致，同意续签。")
    screenshot(page, "renewal-office-approve")
    page.get_by_role("button", name="确认学科与研究生处审核通过").click()
    expect(page.locator("h1 .state-badge")).to_have_text("已批准续签")
    expect(page.locator(".timeline")).to_contain_text("登记授权文件")

    # --- the office records the signed agreement ----------------------------------------------
    page.get_by_role("link", name="登记续签协议签订").click()
    renewal.refresh_from_db()
    expect(page.get_by_label("协议开始日期")).to_have_value(renewal.starts_on.isoformat())
    page.get_by_label("签订日期").fill(timezone.localdate().isoformat())
    page.get_by_label("已签协议书扫描件").set_input_files(str(scan))
    screenshot(page, "renewal-sign")
    page.get_by_role("button", name="确认登记续签协议签订").click()
    expect(page.get_by_text("已登记续签协议签订，基地协议已更新。")).to_be_visible()
    expect(page.locator("h1 .state-badge")).to_have_text("已签订续签协议")
    screenshot(page, "renewal-detail-signed")
    phone_page.goto(detail)
    expect(phone_page.locator("h1 .state-badge")).to_have_text("已签订续签协议")
    screenshot(phone_page, "renewal-detail-signed-phone")

    renewal.refresh_from_db()
    assert renewal.state == RenewalState.SIGNED and renewal.agreement.base == base
    page.goto(base_url)
    expect(page.locator("#agreements tbody tr")).to_have_count(2)
