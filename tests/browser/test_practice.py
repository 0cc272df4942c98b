"""Annex 2 in a browser: the demo student (赵雨桐, coursework confirmed) fills the practice
request and submits it; then the chain, each from the inbox: her campus supervisor approves, the
base supervisor confirms the plan (Art 19), the college secretary checks and forwards, the
college head signs the college's opinion, the graduate office approves."""

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from playwright.sync_api import expect

from agreements.models import Base
from practice import services
from practice.models import BaseSupervisor, PracticeRequest
from tests.browser.conftest import PHONE, log_in, screenshot
from xcu_bases.demo import DEMO_PASSWORD
from xcu_bases.models import User

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
PURPOSE = (
    "在基地导师指导下参与苦荞种质资源的田间鉴定与评价，掌握苦荞杂交育种、株系选择和品比试验的"
    "基本方法；结合学位论文选题，完成两百份苦荞种质农艺性状和黄酮含量的调查分析，撰写专业实践"
    "总结报告，提高解决生产实际问题的能力。"
)


def _base_and_supervisor(starts_on, ends_on):
    """An active base of the student's college whose agreement covers the period, and a
    certified supervisor there (mentor's, where it fits). The demo may not have one yet: create
    it as the people would."""
    mentor = BaseSupervisor.objects.selectable().filter(user__username="mentor").first()
    if (
        mentor
        and mentor.base.agreements.filter(starts_on__lte=starts_on, ends_on__gte=ends_on).exists()
    ):
        return mentor.base, mentor
    bases = Base.objects.filter(
        state="active",
        college__code="01",
        agreements__starts_on__lte=starts_on,
        agreements__ends_on__gte=ends_on,
    ).order_by("pk")
    for base in bases:
        supervisor = BaseSupervisor.objects.selectable().filter(base=base).first()
        if supervisor and (supervisor.valid_until is None or supervisor.valid_until >= ends_on):
            return base, supervisor
    base = bases.first()
    supervisor = services.supervisor_nominate(
        base=base,
        data={
            "name": "吉克曲布",
            "gender": "male",
            "title": "高级农艺师",
            "position": "技术研发中心副主任",
            "phone": "13882401102",
            "email": "jikeqb@example.cn",
        },
        cv=SimpleUploadedFile("简历.pdf", PDF),
        by=User.objects.get(username="secretary"),
    )
    supervisor, _ = services.supervisor_certify(
        supervisor=supervisor,
        by=User.objects.get(username="office"),
        certificate_number="XCU-JDDS-BROWSER-01",
        certified_on=timezone.localdate() - timedelta(days=30),
        valid_until=None,
    )
    return base, supervisor


def _supervisor_login(supervisor) -> str:
    """The base supervisor's account; one the office created gets the demo password here."""
    account = supervisor.user
    if account.username != "mentor":
        account.set_password(DEMO_PASSWORD)
        account.save(update_fields=["password"])
    return account.username


def test_student_files_annex2_and_it_goes_along_the_chain_from_each_inbox(
    page, browser, live_demo, tmp_path
):
    url = live_demo.url
    starts_on = timezone.localdate() + timedelta(days=14)
    ends_on = starts_on + timedelta(days=120)
    middle = starts_on + timedelta(days=60)
    base, supervisor = _base_and_supervisor(starts_on, ends_on)
    # A fresh start even if the demo already holds an unsubmitted draft of hers.
    PracticeRequest.objects.filter(student__username="student", state="draft", round=0).delete()
    scan = tmp_path / "人身意外伤害保险保单.pdf"
    scan.write_bytes(PDF)

    # --- the student fills Annex 2 -------------------------------------------------------------
    log_in(page, url, "student")
    page.get_by_role("link", name="专业实践").first.click()
    page.get_by_role("button", name="填写专业实践申请").click()
    expect(
        page.get_by_role("heading", name="填写《西昌学院硕士研究生专业实践申请表》")
    ).to_be_visible()
    expect(page.locator("#student")).to_contain_text("2024095101")
    page.locator("#id_base").select_option(str(base.pk))
    expect(page.locator("#id_base_address")).not_to_have_value("")  # offered from the partner
    page.locator("#id_base_postcode").fill("615000")
    page.locator("#id_base_contact").fill("罗永康")
    page.locator("#id_base_contact_phone").fill("0834-3212001")
    page.locator("#id_base_contact_email").fill("luoyk@lsnk.com.cn")
    page.locator("#id_base_supervisor").select_option(str(supervisor.pk))
    page.locator("#id_starts_on").fill(starts_on.isoformat())
    page.locator("#id_ends_on").fill(ends_on.isoformat())
    page.locator("#id_purpose").fill(PURPOSE[:20])
    expect(page.locator("#id_purpose_counter")).to_contain_text("还差")
    page.locator("#id_purpose").fill(PURPOSE)
    expect(page.locator("#id_purpose_counter")).to_contain_text("✓")
    page.locator("#id_tasks-0-task").fill("参加基地安全教育，熟悉苦荞种质资源圃和田间试验规程")
    page.locator("#id_tasks-0-starts_on").fill(starts_on.isoformat())
    page.locator("#id_tasks-0-ends_on").fill(middle.isoformat())
    page.get_by_role("button", name="添加任务").click()
    page.locator("#id_tasks-1-task").fill("苦荞种质农艺性状调查与黄酮含量测定，撰写实践总结")
    page.locator("#id_tasks-1-starts_on").fill(middle.isoformat())
    page.locator("#id_tasks-1-ends_on").fill(ends_on.isoformat())
    page.locator("#id_insurer").fill("中国人寿保险股份有限公司凉山分公司")
    page.locator("#id_policy_number").fill("2026513400010086")
    page.locator("#id_insured_from").fill(starts_on.isoformat())
    page.locator("#id_insured_to").fill((ends_on + timedelta(days=30)).isoformat())
    page.locator("#id_insurance_upload").set_input_files(str(scan))
    page.get_by_label("本人已阅读并承诺遵守上述事项").check()
    page.locator("#id_pledge_signature").fill("赵雨桐")
    page.locator("#id_pledge_date").fill(timezone.localdate().isoformat())
    screenshot(page, "practice-request-edit")
    page.get_by_role("button", name="保存并提交").click()
    expect(page.get_by_role("heading", name="提交专业实践申请")).to_be_visible()
    page.get_by_role("button", name="确认提交").click()
    expect(page.get_by_text("专业实践申请已提交")).to_be_visible()
    expect(page.locator(".state-badge")).to_have_text("校内导师审核")
    expect(page.get_by_text("人身意外伤害保险保单.pdf")).to_be_visible()
    screenshot(page, "practice-request-submitted")
    detail_path = page.url.removeprefix(url)
    _log_out(page)

    # --- the campus supervisor approves from the inbox --------------------------------------------
    log_in(page, url, "tutor")
    inbox_link = page.locator(f'a.inbox-item[href="{detail_path}"]')
    expect(inbox_link).to_contain_text("校内导师审核：赵雨桐 的专业实践申请")
    inbox_link.click()
    page.get_by_role("link", name="校内导师同意").click()
    page.get_by_label("导师意见").fill("实践内容与学位论文选题一致，同意赴基地开展专业实践。")
    page.get_by_role("button", name="确认校内导师同意").click()
    expect(page.get_by_text("已同意，申请已交基地导师确认实践计划。")).to_be_visible()
    expect(page.locator(".state-badge")).to_have_text("基地导师确认计划")
    expect(page.get_by_test_id("opinions")).to_contain_text("实践内容与学位论文选题一致")
    screenshot(page, "practice-request-supervisor-approved")
    _log_out(page)

    # --- Art 19: the base supervisor confirms the plan, on a phone ---------------------------------
    phone = browser.new_context(viewport=PHONE, locale="zh-CN")
    phone_page = phone.new_page()
    log_in(phone_page, url, _supervisor_login(supervisor))
    inbox_link = phone_page.locator(f'a.inbox-item[href="{detail_path}"]')
    expect(inbox_link).to_contain_text("确认实践计划：赵雨桐 的专业实践申请")
    inbox_link.click()
    phone_page.get_by_role("link", name="确认实践计划").click()
    expect(phone_page.get_by_test_id("plan")).to_contain_text("参加基地安全教育")
    screenshot(phone_page, "practice-plan-confirm-phone")
    phone_page.get_by_label("基地导师对实践计划的意见").fill(
        "实践计划与基地年度科研安排一致，同意；基地提供试验田和实验室。"
    )
    phone_page.get_by_role("button", name="同意该实践计划").click()
    expect(phone_page.get_by_text("已确认实践计划，申请已交学院负责人审核。")).to_be_visible()
    expect(phone_page.locator(".state-badge")).to_have_text("学院审核")
    screenshot(phone_page, "practice-request-detail-phone")
    phone.close()

    # --- the college: the secretary checks and forwards, the head signs ---------------------------
    log_in(page, url, "secretary")
    inbox_link = page.locator(f'a.inbox-item[href="{detail_path}"]')
    expect(inbox_link).to_contain_text("核对材料：赵雨桐 的专业实践申请")
    inbox_link.click()
    expect(page.get_by_role("link", name="学院同意")).to_have_count(0)
    page.get_by_role("link", name="材料已核对，转学院负责人").click()
    page.get_by_role("button", name="确认材料已核对，转学院负责人").click()
    expect(page.get_by_text("已记录材料核对情况，并通知学院负责人审核。")).to_be_visible()
    expect(page.get_by_test_id("forwarded")).to_contain_text("杨静")
    _log_out(page)

    log_in(page, url, "head")
    inbox_link = page.locator(f'a.inbox-item[href="{detail_path}"]')
    expect(inbox_link).to_contain_text("学院审核：赵雨桐 的专业实践申请")
    inbox_link.click()
    page.get_by_role("link", name="学院同意").click()
    page.get_by_label("学院意见").fill("经学院审核，实践计划可行，保险和安全承诺齐全，同意。")
    screenshot(page, "practice-request-college-head")
    page.get_by_role("button", name="确认学院同意").click()
    expect(page.get_by_text("学院已同意，申请已交学科与研究生处审批。")).to_be_visible()
    expect(page.locator(".state-badge")).to_have_text("学科与研究生处审核")
    _log_out(page)

    # --- the graduate office approves ------------------------------------------------------------
    log_in(page, url, "office")
    inbox_link = page.locator(f'a.inbox-item[href="{detail_path}"]')
    expect(inbox_link).to_contain_text("学科与研究生处审批：赵雨桐 的专业实践申请")
    inbox_link.click()
    page.get_by_role("link", name="学科与研究生处批准").click()
    page.get_by_label("学科与研究生处意见").fill("同意。")
    page.get_by_role("button", name="确认学科与研究生处批准").click()
    expect(page.get_by_text("已批准，该生可进入基地开展专业实践。")).to_be_visible()
    expect(page.locator(".state-badge")).to_have_text("实践中")
    opinions = page.get_by_test_id("opinions")
    expect(opinions).to_contain_text("实践计划与基地年度科研安排一致")
    expect(opinions).to_contain_text("陈志强（学院负责人）")
    screenshot(page, "practice-request-approved-timeline")


def _log_out(page):
    page.get_by_test_id("user-menu").click()
    page.get_by_role("button", name="退出登录").click()
    expect(page.get_by_role("heading", name="账号登录")).to_be_visible()
