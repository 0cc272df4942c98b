"""The practice record in a browser: the demo mentor (base supervisor 吉克阿依) records a contact
from her home page (Art 20); the college secretary ends the demo student's (赵雨桐) practice
early (Art 24: Annex 3 only after the practice), she files Annex 3 with a 5000-character report
and the mentor grades it from her inbox."""

from django.utils import timezone
from playwright.sync_api import expect

from practice.choices import RequestState as S
from practice.models import PracticeAssessment, PracticeRequest
from tests.browser.conftest import log_in, screenshot
from tests.practice.factories import PLAN_COMPLETION, report_of


def _mentors_practice_of(username: str) -> PracticeRequest:
    return PracticeRequest.objects.get(
        student__username=username, state=S.APPROVED, base_supervisor__user__username="mentor"
    )


def _log_out(page):
    page.get_by_test_id("user-menu").click()
    page.get_by_role("button", name="退出登录").click()
    expect(page.get_by_role("heading", name="账号登录")).to_be_visible()


def test_mentor_records_a_contact_from_her_home(page, phone_page, live_demo):
    url = live_demo.url
    req = _mentors_practice_of("student")
    day = min(timezone.localdate(), req.ends_on)

    log_in(page, url, "mentor")
    panel = page.get_by_test_id("home-supervised")
    expect(panel).to_contain_text("赵雨桐")
    screenshot(page, "practice-home-mentor")
    row = panel.locator("tr", has_text="赵雨桐")
    row.get_by_role("link", name="登记沟通").click()
    expect(page.get_by_role("heading", name="登记导师沟通")).to_be_visible()
    page.locator("#id_on").fill(day.isoformat())
    page.get_by_label("面对面").check()
    page.get_by_label("沟通主题").fill("浏览器测试：苦荞品比试验数据复核")
    page.get_by_label("沟通内容").fill(
        "双方导师商定由基地导师复核田间记载本，校内导师审阅统计方法。"
    )
    screenshot(page, "practice-contact-new")
    page.get_by_role("button", name="登记").click()
    expect(page.get_by_text("沟通记录已登记。")).to_be_visible()
    contacts = page.locator("#contacts")
    expect(contacts).to_contain_text("浏览器测试：苦荞品比试验数据复核")
    expect(contacts).to_contain_text("面对面")
    screenshot(page, "practice-record")

    log_in(phone_page, url, "mentor")
    expect(phone_page.get_by_test_id("home-supervised")).to_contain_text("赵雨桐")
    screenshot(phone_page, "practice-home-mentor-phone")


def test_student_files_annex3_and_the_mentor_grades_it(page, live_demo):
    url = live_demo.url
    req = _mentors_practice_of("student")
    # A fresh start whatever the demo holds for this practice.
    PracticeAssessment.objects.filter(request=req).delete()
    today = timezone.localdate()

    # Art 24: her practice is still running, so Annex 3 waits …
    log_in(page, url, "student")
    expect(page.get_by_test_id("home-student-practice")).to_contain_text("实践结束")
    page.goto(f"{url}/practice/requests/{req.pk}/")
    expect(page.get_by_test_id("annex3-waits")).to_contain_text("第二十四条")
    expect(page.get_by_role("button", name="填写考核登记表")).to_have_count(0)
    _log_out(page)

    # … until the college secretary ends it early, with the reason.
    log_in(page, url, "secretary")
    page.goto(f"{url}/practice/requests/{req.pk}/")
    page.get_by_role("link", name="提前结束实践").click()
    expect(page.get_by_role("heading", name="提前结束实践")).to_be_visible()
    page.locator("#id_ended_on").fill(today.isoformat())
    page.get_by_label("提前结束原因").fill(
        "应研究生本人申请，经双方导师同意：第一阶段任务已提前完成。"
    )
    screenshot(page, "practice-end-early")
    page.get_by_role("button", name="确认提前结束").click()
    expect(page.get_by_text("已提前结束实践")).to_be_visible()
    expect(page.get_by_test_id("practice-period")).to_contain_text("提前结束")
    screenshot(page, "practice-record-ended-early")
    _log_out(page)

    log_in(page, url, "student")
    expect(page.get_by_test_id("home-student-practice")).to_contain_text("填写专业实践考核登记表")
    expect(page.get_by_test_id("home-student-practice")).to_contain_text("申请学位论文涉密性确认")
    screenshot(page, "practice-home-student")
    page.goto(f"{url}/practice/requests/{req.pk}/")
    page.get_by_role("button", name="填写考核登记表").click()
    expect(
        page.get_by_role("heading", name="填写《西昌学院硕士研究生专业实践考核登记表》")
    ).to_be_visible()
    for n in range(req.tasks.count()):
        page.locator(f"#id_tasks-{n}-status").select_option("done")
    page.locator("#id_plan_completion").fill(PLAN_COMPLETION)
    report = page.locator("#id_report")
    report.fill(report_of(4999))
    expect(page.locator("#id_report_counter")).to_contain_text("还差 1 字")
    report.fill(report_of(5000))
    expect(page.locator("#id_report_counter")).to_contain_text("✓")
    page.locator("#id_signature").fill("赵雨桐")
    page.locator("#id_signed_on").fill(today.isoformat())
    screenshot(page, "practice-annex3-edit")
    page.get_by_role("button", name="保存并提交").click()
    expect(page.get_by_role("heading", name="提交专业实践考核登记表")).to_be_visible()
    page.get_by_role("button", name="确认提交").click()
    expect(page.get_by_text("考核登记表已提交，等待基地导师评定。")).to_be_visible()
    expect(page.locator(".state-badge")).to_have_text("基地导师审核")
    expect(page.get_by_test_id("report-count")).to_have_text("5000 字")
    detail_path = page.url.removeprefix(url)
    _log_out(page)

    log_in(page, url, "mentor")
    inbox_link = page.locator(f'a.inbox-item[href="{detail_path}"]')
    expect(inbox_link).to_contain_text("基地导师评定：赵雨桐")
    inbox_link.click()
    page.get_by_role("link", name="评定成绩并同意").click()
    page.get_by_label("良好").check()
    page.get_by_label("基地导师意见").fill("该生实践期间工作认真，较好地完成了实践计划。")
    page.get_by_role("button", name="确认基地导师评定").click()
    expect(page.get_by_text("已评定，登记表已交校内导师审核。")).to_be_visible()
    expect(page.locator(".state-badge")).to_have_text("校内导师审核")
    expect(page.get_by_test_id("opinions")).to_contain_text("成绩评定：良好")
    screenshot(page, "practice-annex3-detail")
