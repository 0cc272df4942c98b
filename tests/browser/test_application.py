"""The Art 7 chain in a browser: the secretary files Annex 1, the head, the
office, an expert move it on, and the PDF prints."""

from playwright.sync_api import expect

from tests.browser.conftest import log_in, screenshot

NECESSITY = (
    "凉山州是全国重要的苦荞和马铃薯产区，合作单位长期承担区域种质资源收集与良种繁育工作，"
    "拥有完整的试验基地和检测平台。建立联合培养基地，可以把学院在作物遗传育种方面的研究优势"
    "与合作单位的生产实践条件结合起来，让农业硕士研究生在真实的育种项目中完成专业实践，"
) * 6
ART5 = "合作单位已制定相应制度并稳定运行，能够满足研究生联合培养的需要。"


def fill(page, selector, value):
    page.locator(selector).fill(str(value))


def test_secretary_files_head_and_office_move_it_on_and_pdf_prints(page, live_demo, tmp_path):
    pdf = tmp_path / "合作基础证明.pdf"
    pdf.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    url = live_demo.url

    # --- the college secretary files Annex 1 -------------------------------------------
    log_in(page, url, "secretary")
    page.get_by_role("link", name="基地申报").first.click()
    page.get_by_role("button", name="新建申报书").click()
    expect(
        page.get_by_role("heading", name="填写《西昌学院研究生联合培养基地申报书》")
    ).to_be_visible()
    fill(page, "#id_base_name", "西昌学院—凉山苦荞种业研究生联合培养基地")
    fill(page, "#id_person_in_charge", "陈志强")
    fill(page, "#id_contact_person", "杨静")
    fill(page, "#id_contact_phone", "0834-2580211")
    fill(page, "#id_necessity", NECESSITY[:200])
    expect(page.locator("#id_necessity_counter")).to_contain_text("还差")
    fill(page, "#id_necessity", NECESSITY)
    expect(page.locator("#id_necessity_counter")).to_contain_text("✓")
    page.get_by_role("button", name="添加学科").click()
    for name, value in [("name", "农业"), ("code", "0951"), ("supervisors", 18),
                        ("enrolment_1", 12), ("enrolment_2", 15), ("enrolment_3", 20)]:  # fmt: skip
        fill(page, f"#id_disciplines-0-{name}", value)
    for name, value in [
        ("national_projects", 2), ("national_funding", 120), ("provincial_projects", 9),
        ("provincial_funding", 310.5), ("contract_projects", 14), ("contract_funding", 260),
        ("avg_projects_per_supervisor", 1.2), ("avg_funding_per_supervisor", 12.5),
        ("avg_contract_funding_per_supervisor", 4.8), ("college_lead", "陈志强"),
        ("college_lead_phone", "13908140001"), ("college_contact", "杨静"),
        ("college_contact_phone", "0834-2580211"), ("college_contact_email", "yangjing@xcc.edu.cn"),
        ("achievements", "近三年与合作单位共同选育苦荞新品种2个，获省级科技进步奖1项。"),
        ("partner_name", "凉山州苦荞种业有限公司"), ("partner_credit_code", "91350100M000100Y43"),
        ("partner_address", "四川省西昌市航天大道三段"), ("partner_lead", "吉克石一"),
        ("partner_lead_phone", "13908140111"), ("partner_contact", "吉克阿依"),
        ("partner_contact_phone", "13908140203"), ("partner_contact_email", "jikeay@example.cn"),
        ("partner_main_fields", "苦荞育种、种子生产"), ("partner_students_per_year", 6),
        ("partner_total_staff", 210), ("partner_senior_staff", 26), ("partner_doctorate_staff", 5),
        ("partner_avg_rd_spend", 380),
    ]:  # fmt: skip
        fill(page, f"#id_{name}", value)
    page.locator("#id_partner_is_legal_person").check()
    for name in ["support", "representative", "staff", "management", "safety", "rules", "funding"]:
        fill(page, f"#id_art5_{name}", ART5)
    for name in ["goals", "content", "fields", "partner_duties", "college_duties", "ip_ownership"]:
        fill(page, f"#id_agreement-{name}", "按协议书模板约定。")
    page.locator("#id_agreement-document_upload").set_input_files(str(pdf))
    page.locator("#id_evidence-files").set_input_files(str(pdf))
    page.get_by_role("button", name="保存并提交").click()
    expect(page.get_by_role("heading", name="提交申报")).to_be_visible()
    page.get_by_role("button", name="确认提交").click()
    expect(page.get_by_text("申报书已提交学院审核")).to_be_visible()
    expect(page.locator(".state-badge")).to_have_text("学院审核")
    screenshot(page, "application-submitted")
    detail_url = page.url
    page.get_by_test_id("user-menu").click()
    page.get_by_role("button", name="退出登录").click()

    # --- the college head gives the college's opinion -------------------------------------
    log_in(page, url, "head")
    page.get_by_role("link", name="学院审核：西昌学院—凉山苦荞种业研究生联合培养基地").click()
    page.get_by_role("link", name="学院审核通过").click()
    page.get_by_label("学院意见").fill(
        "同意申报。该合作单位育种条件完备，可满足研究生专业实践需要。"
    )
    page.get_by_role("button", name="确认学院审核通过").click()
    expect(page.locator(".state-badge")).to_have_text("论证考察")
    _log_out(page)

    # --- the graduate office assigns an expert and inspects the site -------------------------
    log_in(page, url, "office")
    page.goto(detail_url)
    page.get_by_role("link", name="指定评审专家").click()
    page.get_by_label("王建国").check()
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("已指定评审专家")).to_be_visible()
    page.get_by_role("link", name="登记实地考察").click()
    page.get_by_label("考察日期").fill("2026-11-20")
    page.get_by_label("考察人员").fill("罗晓梅、王建国")
    page.get_by_label("已核查合作单位安全生产资质").check()
    page.get_by_label("已审查合作单位应急预案").check()
    page.get_by_label("考察意见").fill("生产与试验条件良好，安全制度健全，应急预案完备。")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("已登记实地考察情况")).to_be_visible()
    expect(page.get_by_text("以下专家尚未提交评审意见：王建国。")).to_be_visible()
    _log_out(page)

    log_in(page, url, "expert")
    page.get_by_role("link", name="专家评审：西昌学院—凉山苦荞种业研究生联合培养基地").click()
    page.get_by_label("建议批准建设").check()
    page.get_by_label("评审意见").fill("基础扎实，建设目标明确，建议批准建设。")
    page.get_by_role("button", name="提交评审意见").click()
    expect(page.get_by_text("评审意见已提交")).to_be_visible()
    _log_out(page)

    log_in(page, url, "office")
    page.goto(detail_url)
    page.get_by_role("link", name="论证考察通过").click()
    page.get_by_label("学科与研究生处审核意见").fill(
        "经专家评审和实地考察，同意提交校长办公会审定。"
    )
    page.get_by_role("button", name="确认论证考察通过").click()
    expect(page.locator(".state-badge")).to_have_text("校长办公会审定")
    page.get_by_role("link", name="登记校长办公会审定").click()
    page.get_by_label("会议日期").fill("2026-11-25")
    page.get_by_label("会议届次").fill("2026年第15次校长办公会")
    page.get_by_label("审定批准建设").check()
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".state-badge")).to_have_text("已批准建设")
    screenshot(page, "application-approved")

    # --- Annex 1 prints from the frozen submission -----------------------------------------
    response = page.request.get(f"{detail_url}annex1.pdf")
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")


def _log_out(page):
    page.get_by_test_id("user-menu").click()
    page.get_by_role("button", name="退出登录").click()
    expect(page.get_by_role("heading", name="账号登录")).to_be_visible()
