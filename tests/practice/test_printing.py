"""Annex 2 as a PDF: the form's data, the text that comes back out, and who may print it."""

import copy
import io
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from practice import printing, services, snapshot
from practice.choices import BaseType
from practice.choices import RequestState as S
from practice.models import PracticeRequest
from tests.practice.factories import COMMENTS, PURPOSE, advance_to, fresh, plan
from xcu_bases import printing as pdf
from xcu_bases.models import StudentProfile, User

INVALID = "@@INVALID:%s@@"
HOSTILE = '<b>x</b> <img src="file:///etc/passwd">'
PRINTED_AT = datetime(2026, 3, 9, 8, 5, 7, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def _strict_templates(settings):
    """A variable the template misspells or the context lacks shows up in the output."""
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["OPTIONS"]["string_if_invalid"] = INVALID
    settings.TEMPLATES = templates


@pytest.fixture
def filled(draft, people):
    """``draft`` with every field of the form filled, the student's contacts too."""
    User.objects.filter(pk=draft.student_id).update(
        phone="13980012345", email="zhaoyt@stu.example.cn"
    )
    User.objects.filter(pk=people["tutor_a"].pk).update(phone="13908150001")
    StudentProfile.objects.filter(user_id=draft.student_id).update(
        family_contact="赵建国", family_phone="13881500002", research_direction="苦荞遗传育种"
    )
    return fresh(draft)


@pytest.fixture
def approved(filled, people):
    return advance_to(filled, S.APPROVED, people)


def pdf_text(data: bytes) -> str:
    """All pages' text with whitespace removed: table cells wrap lines anywhere."""
    reader = PdfReader(io.BytesIO(data))
    return "".join("".join(page.extract_text().split()) for page in reader.pages)


def context(req, **kwargs):
    defaults = {
        "data": snapshot.build(req),
        "serial": "XCU-SJ-2026-0001-20260309080507",
        "printed_at": PRINTED_AT,
        "is_draft": req.state == S.DRAFT,
    }
    return printing.annex2_context(req, **(defaults | kwargs))


# --- the form's data ------------------------------------------------------------------------


def test_context_cover_student_and_base(filled):
    ctx = context(filled)
    assert [(c["label"], c["value"]) for c in ctx["cover"]] == [
        ("姓　名", "赵雨桐"), ("专　业", "农业硕士（农艺与种业）"), ("导　师", "张明华"),
        ("学　院", "测试甲学院"),
    ]  # fmt: skip
    assert ctx["filled_on"] == "" and ctx["is_draft"] is True
    assert ctx["student"]["major_direction"] == "农业硕士（农艺与种业）（苦荞遗传育种）"
    assert ctx["student"]["tutor_phone"] == "13908150001"
    assert (ctx["base_type_off_campus"], ctx["base_type_other"]) == (True, False)
    assert ctx["f"]["base_postcode"] == "615000"
    assert ctx["supervisor"] == {
        "name": "吉克曲布", "gender": "男", "phone": "13882401102", "email": "jikeqb@example.cn"
    }  # fmt: skip
    assert ctx["period"] == "2026年3月2日至2026年8月31日"
    assert ctx["purpose"] == [PURPOSE]
    assert ctx["tasks"][0] == {
        "task": "参加基地安全教育，熟悉苦荞种质资源圃和田间试验规程",
        "starts_on": "2026年3月2日",
        "ends_on": "2026年6月1日",
    }
    assert ctx["note"] == "备注：本申请表一式三份，学科与研究生处、学院、申请人各一份。"


def test_other_base_type_is_the_one_ticked_with_its_name(filled):
    filled.base_type = BaseType.OTHER
    filled.other_base_name = "凉山州农业农村局种子管理站"
    filled.save()
    ctx = context(filled)
    assert (ctx["base_type_off_campus"], ctx["base_type_other"]) == (False, True)
    assert ctx["f"]["base"] == "凉山州农业农村局种子管理站"


def test_serial_is_derived_from_the_print_time(filled):
    year = timezone.localtime(filled.created_at).year
    assert (
        printing.serial_for(filled, PRINTED_AT) == f"XCU-SJ-{year}-{filled.pk:04d}-20260309080507"
    )


def test_context_reads_an_older_snapshot_without_newer_keys(filled):
    data = snapshot.build(filled)
    del data["fields"]["base_postcode"]
    del data["supervisor"]["email"]
    del data["tasks"][0]["ends_on"]
    ctx = context(filled, data=data)
    assert ctx["f"]["base_postcode"] == "" and ctx["supervisor"]["email"] == ""
    assert ctx["tasks"][0]["ends_on"] == ""
    assert "@@INVALID" not in pdf.render_html(printing.TEMPLATE, ctx)


def test_empty_draft_renders_without_invalid_variables(people):
    req = services.request_create(by=people["student_a"])
    html = pdf.render_html(printing.TEMPLATE, context(req))
    assert "@@INVALID" not in html


def test_full_context_renders_without_invalid_variables(approved):
    data = approved.snapshots.get().data
    html = pdf.render_html(printing.TEMPLATE, context(approved, data=data, is_draft=False))
    assert "@@INVALID" not in html


# --- the three opinions ------------------------------------------------------------------------


def test_opinions_of_the_chain_with_who_and_when(approved):
    tutor, college, office = printing.request_opinions(approved, is_draft=False)
    today = timezone.localdate()
    assert tutor == {
        "title": "导师意见", "signer": "导师签字：", "seal": False,
        "paragraphs": [COMMENTS["supervisor_approve"]], "by": "张明华",
        "on": f"{today.year}年{today.month}月{today.day}日",
    }  # fmt: skip
    assert (college["title"], college["by"], college["seal"]) == ("学院意见", "陈志强", True)
    assert college["paragraphs"] == [COMMENTS["college_approve"]]
    assert (office["title"], office["by"]) == ("学科与研究生处意见", "罗晓梅")
    assert office["paragraphs"] == [COMMENTS["office_approve"]]


def test_an_opinion_on_an_earlier_submission_is_not_printed(filled, people):
    req = advance_to(filled, S.COLLEGE_REVIEW, people)
    req = services.request_return(
        req=req, by=people["head_a"], expected=services.seen(req), comment="请补充计划。"
    )
    req = services.request_submit(req=req, by=people["student_a"], expected=services.seen(req))
    opinions = printing.request_opinions(req, is_draft=False)
    assert [o["paragraphs"] for o in opinions] == [[], [], []]
    assert printing.plan_confirmation(req, is_draft=False)["by"] == ""
    assert printing.request_opinions(req, is_draft=True)[0]["paragraphs"] == []


# --- the PDF ----------------------------------------------------------------------------------


def test_draft_pdf_has_every_value_the_pledge_and_the_watermark_on_every_page(filled):
    data, serial = printing.render_annex2(filled, now=PRINTED_AT)
    assert data.startswith(b"%PDF")
    text = pdf_text(data)
    for value in [
        "西昌学院硕士研究生专业实践申请表", "附件2",
        "赵雨桐", "女", "2024095101", "农业硕士（农艺与种业）（苦荞遗传育种）", "13980012345",
        "zhaoyt@stu.example.cn", "赵建国", "13881500002", "张明华", "13908150001",
        "校外联合培养基地", filled.base.name, "四川省西昌市航天大道三段68号", "615000", "罗永康",
        "0834-3212001", "luoyk@example.cn", "吉克曲布", "13882401102", "jikeqb@example.cn",
        "2026年3月2日至2026年8月31日", PURPOSE,
        "参加基地安全教育，熟悉苦荞种质资源圃和田间试验规程", "2026年3月2日至2026年6月1日",
        "一、明确实践目的。", "五、保持联系。", "本人签字：赵雨桐", "2026年2月16日",
        "备注：本申请表一式三份，学科与研究生处、学院、申请人各一份。",
    ]:  # fmt: skip
        assert value.replace(" ", "") in text, value
    assert "导师签字：" in text and text.count("负责人签字：") == 2
    assert "基地导师意见（确认实践计划）" in text and "基地导师签字：" in text  # Art 19
    # cover date + the base supervisor's confirmation + 3 boxes
    assert text.count("（公章）") == 2 and text.count("年月日") == 5
    pages = PdfReader(io.BytesIO(data)).pages
    for n, page in enumerate(pages, start=1):
        page_text = "".join(page.extract_text().split())
        assert "草稿" in page_text
        assert f"编号：{serial}" in page_text and "打印日期：2026年3月9日" in page_text
        assert f"第{n}页共{len(pages)}页" in page_text


def test_submitted_pdf_prints_the_snapshot_with_opinions_and_no_watermark(approved):
    PracticeRequest.objects.filter(pk=approved.pk).update(base_contact="改过的负责人")
    data, _ = printing.render_annex2(fresh(approved))
    text = pdf_text(data)
    assert "草稿" not in text
    assert "罗永康" in text and "改过的负责人" not in text
    for comment in COMMENTS.values():
        assert comment in text
    assert "（系统记录：张明华，" in text
    submitted = timezone.localdate(approved.submitted_at)
    assert f"填表日期{submitted.year}年{submitted.month}月{submitted.day}日" in text


def test_cjk_font_is_embedded_and_only_one_face(filled):
    data, _ = printing.render_annex2(filled)
    fonts = set()
    for page in PdfReader(io.BytesIO(data)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            fonts.add(str(font["/BaseFont"]).split("+")[-1])
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            assert "/FontFile3" in descriptor or "/FontFile2" in descriptor
    assert len(fonts) == 1 and "Noto-Serif-CJK" in fonts.pop()


def test_user_text_prints_literally_and_fetches_nothing(filled, people):
    filled.purpose = f"{HOSTILE}\n{PURPOSE}"
    filled.base_address = HOSTILE[:200]
    filled.save()
    plan(filled, (HOSTILE, filled.starts_on, filled.ends_on))
    data, _ = printing.render_annex2(fresh(filled))
    text = pdf_text(data)
    expected = "".join(HOSTILE.split())
    assert text.count(expected) == 3
    assert b"/Subtype /Image" not in data


def test_long_plan_repeats_its_heading_on_the_next_page(filled):
    plan(filled, *[(f"第{n}项：苦荞品比试验田间管理与数据采集", filled.starts_on, filled.ends_on)
                   for n in range(1, 16)])  # fmt: skip
    data, _ = printing.render_annex2(fresh(filled))
    pages = ["".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(data)).pages]
    assert sum("实践计划（任务内容与时间安排）序号任务内容时间安排" in p for p in pages) >= 2


# --- the view ---------------------------------------------------------------------------------


def pdf_url(req):
    return reverse("practice:request_pdf", args=[req.pk])


@pytest.mark.parametrize("who", ["student_a", "tutor_a", "secretary_a", "head_a", "office"])
def test_who_may_see_the_request_may_print_it(client, people, filled, who):
    client.force_login(people[who])
    response = client.get(pdf_url(filled))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert re.search(r"inline; filename\*=UTF-8''.*XCU-SJ-\d{4}-\d{4}-\d{14}\.pdf",
                     response["Content-Disposition"])  # fmt: skip
    assert response.content.startswith(b"%PDF")


@pytest.mark.parametrize("who", ["student_b", "tutor_b", "secretary_b", "head_b", "expert"])
def test_everyone_else_gets_404(client, people, filled, who):
    client.force_login(people[who])
    assert client.get(pdf_url(filled)).status_code == 404


def test_base_supervisor_prints_their_students_request(client, people, approved, supervisor):
    client.force_login(supervisor.user)
    assert client.get(pdf_url(approved)).status_code == 200


def test_post_is_refused(client, people, filled):
    client.force_login(people["student_a"])
    assert client.post(pdf_url(filled)).status_code == 405
