"""Annex 3 as a PDF: the form's data, the four opinions, and the text that comes back out."""

import copy
import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from pypdf import PdfReader

from practice import assessment_printing as printing
from practice import assessment_services as a
from practice import services
from practice.choices import AssessmentState as A
from practice.choices import BaseType
from practice.choices import RequestState as S
from practice.models import PracticeAssessment, TaskCompletion
from tests.practice.factories import (
    ASSESSMENT_COMMENTS,
    PLAN_COMPLETION,
    advance_assessment_to,
    advance_to,
    complete_assessment,
    fresh,
    report_of,
)
from xcu_bases import printing as pdf
from xcu_bases.models import StudentProfile, User

INVALID = "@@INVALID:%s@@"
HOSTILE = '<b>x</b> <img src="file:///etc/passwd">'
PRINTED_AT = datetime(2026, 9, 20, 16, 30, 5, tzinfo=ZoneInfo("Asia/Shanghai"))
# Short and unlike the filler between them, so each is found whole in the extracted text.
FIRST_SENTENCE = "实践之初我先参加了基地安全教育。"
LAST_SENTENCE = "今后我将继续完善学位论文的田间数据。"
TASKS = [
    "参加基地安全教育，熟悉苦荞种质资源圃和田间试验规程",
    "苦荞种质农艺性状调查与黄酮含量测定，整理数据并撰写实践总结",
]


@pytest.fixture(autouse=True)
def _strict_templates(settings):
    """A variable the template misspells or the context lacks shows up in the output."""
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["OPTIONS"]["string_if_invalid"] = INVALID
    settings.TEMPLATES = templates


@pytest.fixture
def approved(draft, people):
    """student_a's approved practice, with the phones and research direction filled in."""
    User.objects.filter(pk=draft.student_id).update(phone="13980012345")
    User.objects.filter(pk=people["tutor_a"].pk).update(phone="13908150001")
    StudentProfile.objects.filter(user_id=draft.student_id).update(
        research_direction="苦荞遗传育种"
    )
    return advance_to(fresh(draft), S.APPROVED, people)


@pytest.fixture
def assessment(approved):
    """Annex 3, ready to submit: a 5000-character report with a distinctive first and last line."""
    assessment = complete_assessment(approved, report_chars=5000)
    assessment.report = f"{FIRST_SENTENCE}\n\n{assessment.report}\n\n{LAST_SENTENCE}"
    assessment.save(update_fields=["report"])
    return fresh(assessment)


@pytest.fixture
def archived(assessment, people):
    return advance_assessment_to(assessment, A.ARCHIVED, people, grade="good")


def pdf_text(data: bytes) -> str:
    """All pages' text with whitespace removed: table cells wrap lines anywhere."""
    reader = PdfReader(io.BytesIO(data))
    return "".join("".join(page.extract_text().split()) for page in reader.pages)


def context(assessment, **kwargs):
    defaults = {
        "serial": "XCU-KH-2026-0001-20260920163005",
        "printed_at": PRINTED_AT,
        "is_draft": assessment.state == A.DRAFT,
    }
    return printing.annex3_context(assessment, **(defaults | kwargs))


def chinese_today() -> str:
    today = timezone.localdate()
    return f"{today.year}年{today.month}月{today.day}日"


# --- the form's data ------------------------------------------------------------------------


def test_context_student_base_plan_and_report(assessment, base):
    ctx = context(assessment)
    assert (ctx["title"], ctx["is_draft"]) == ("西昌学院硕士研究生专业实践考核登记表", True)
    assert ctx["printed_on"] == "2026年9月20日"
    assert ctx["student"] == {
        "name": "赵雨桐", "number": "2024095101", "phone": "13980012345",
        "college_major": "测试甲学院／农业硕士（农艺与种业）（苦荞遗传育种）",
        "tutor": "张明华", "tutor_phone": "13908150001",
    }  # fmt: skip
    assert ctx["base"] == {
        "name": base.name, "starts_on": "2026年3月2日", "ends_on": "2026年8月31日",
        "ended_early": False, "supervisor": "吉克曲布", "supervisor_phone": "13882401102",
    }  # fmt: skip
    assert ctx["tasks"] == [
        {"task": TASKS[0], "starts_on": "2026年3月2日", "ends_on": "2026年6月1日",
         "status": "已完成", "note": "按计划完成"},
        {"task": TASKS[1], "starts_on": "2026年6月1日", "ends_on": "2026年8月31日",
         "status": "已完成", "note": "按计划完成"},
    ]  # fmt: skip
    assert ctx["plan_completion"] == [PLAN_COMPLETION]
    # The blank lines between paragraphs are not paragraphs.
    assert ctx["report"] == [FIRST_SENTENCE, *report_of(5000).split("\n\n"), LAST_SENTENCE]
    assert ctx["report_requirement"].endswith("总结报告要求不少于 5000 字。")
    assert (ctx["signature"], ctx["signed_on"]) == ("赵雨桐", "2026年8月31日")


def test_an_unanswered_task_and_an_empty_draft_print_blank(approved):
    assessment = a.assessment_create(req=approved, by=approved.student)
    ctx = context(assessment)
    assert ctx["tasks"][0]["status"] == "" and ctx["tasks"][0]["note"] == ""
    assert (ctx["plan_completion"], ctx["report"]) == ([], [])
    assert (ctx["signature"], ctx["signed_on"]) == ("", "")


def test_other_base_type_prints_its_own_name(assessment):
    req = assessment.request
    req.base_type, req.other_base_name = BaseType.OTHER, "凉山州农业农村局种子管理站"
    req.save(update_fields=["base_type", "other_base_name"])
    assert context(fresh(assessment))["base"]["name"] == "凉山州农业农村局种子管理站"


def test_serial_is_derived_from_the_print_time(assessment):
    year = timezone.localtime(assessment.created_at).year
    expected = f"XCU-KH-{year}-{assessment.pk:04d}-20260920163005"
    assert printing.serial_for(assessment, PRINTED_AT) == expected


def test_empty_draft_renders_without_invalid_variables(approved):
    assessment = a.assessment_create(req=approved, by=approved.student)
    assert "@@INVALID" not in pdf.render_html(printing.TEMPLATE, context(assessment))


def test_full_context_renders_without_invalid_variables(archived):
    assert "@@INVALID" not in pdf.render_html(printing.TEMPLATE, context(archived))


# --- the four opinions ------------------------------------------------------------------------


def test_opinions_of_the_chain_with_who_when_and_the_grade(archived):
    base, campus, college, office = printing.assessment_opinions(archived, is_draft=False)
    assert base == {
        "title": "基地导师意见", "label": ["基地导师", "意见"], "signer": "基地导师签字：",
        "seal": False, "paragraphs": [ASSESSMENT_COMMENTS["base_supervisor_approve"]],
        "by": "吉克曲布", "on": chinese_today(),
        "grades": [
            {"label": "优秀", "checked": False}, {"label": "良好", "checked": True},
            {"label": "合格", "checked": False}, {"label": "不合格", "checked": False},
        ],
    }  # fmt: skip
    assert (campus["title"], campus["by"], campus["seal"]) == ("校内导师意见", "张明华", False)
    assert campus["paragraphs"] == [ASSESSMENT_COMMENTS["campus_supervisor_approve"]]
    assert (college["title"], college["by"], college["seal"]) == ("学院意见", "陈志强", True)
    assert college["paragraphs"] == [ASSESSMENT_COMMENTS["college_approve"]]
    assert (office["title"], office["by"], office["seal"]) == (
        "学科与研究生处意见",
        "罗晓梅",
        True,
    )
    assert office["paragraphs"] == [ASSESSMENT_COMMENTS["archive"]]
    assert campus["grades"] == college["grades"] == office["grades"] == []


def test_an_opinion_on_an_earlier_submission_is_not_printed(assessment, people):
    assessment = advance_assessment_to(assessment, A.CAMPUS_SUPERVISOR_REVIEW, people)
    returned = a.assessment_return(
        assessment=assessment, by=people["tutor_a"], expected=services.seen(assessment),
        comment="请补充实践中遇到的问题及解决办法。",
    )  # fmt: skip
    draft_boxes = printing.assessment_opinions(returned, is_draft=True)
    assert [box["paragraphs"] for box in draft_boxes] == [[], [], [], []]
    resubmitted = a.assessment_submit(
        assessment=returned, by=people["student_a"], expected=services.seen(returned)
    )
    assert resubmitted.grade == ""  # the return cleared it: this round is graded afresh
    base, *others = printing.assessment_opinions(resubmitted, is_draft=False)
    assert base["paragraphs"] == [] and base["by"] == ""
    assert not any(g["checked"] for g in base["grades"])
    assert all(box["paragraphs"] == [] for box in others)


# --- the PDF ----------------------------------------------------------------------------------


def test_archived_pdf_has_every_value_the_whole_report_and_the_opinions(archived, base):
    data, serial = printing.render_annex3(archived, now=PRINTED_AT)
    assert data.startswith(b"%PDF")
    assert serial.endswith(f"-{archived.pk:04d}-20260920163005")
    text = pdf_text(data)
    for value in [
        "附件3", "西昌学院硕士研究生专业实践考核登记表",
        "赵雨桐", "2024095101", "13980012345", "测试甲学院／农业硕士（农艺与种业）（苦荞遗传育种）",
        "张明华", "13908150001", base.name, "2026年3月2日至2026年8月31日",
        "吉克曲布", "13882401102", *TASKS, "2026年3月2日至2026年6月1日", "已完成按计划完成",
        PLAN_COMPLETION, "总结报告要求不少于5000字。", FIRST_SENTENCE, LAST_SENTENCE,
        "研究生签名：赵雨桐2026年8月31日",
        *ASSESSMENT_COMMENTS.values(),
        "（系统记录：吉克曲布，", "（系统记录：张明华，", "（系统记录：陈志强，", "（系统记录：罗晓梅，",
        "成绩评定：优秀良好√合格不合格",
    ]:  # fmt: skip
        assert value.replace(" ", "") in text, value
    assert "成绩评定：良好。" not in text  # the grade is the ticked box, not a prefix
    assert "基地导师签字：" in text and "校内导师签字：" in text
    assert text.count("负责人签字：") == 2 and text.count("（公章）") == 2
    assert "草稿" not in text
    pages = PdfReader(io.BytesIO(data)).pages
    assert len(pages) > 2
    for n, page in enumerate(pages, start=1):
        page_text = "".join(page.extract_text().split())
        assert f"编号：{serial}" in page_text and "打印日期：2026年9月20日" in page_text
        assert f"第{n}页共{len(pages)}页" in page_text


def test_draft_pdf_has_the_watermark_on_every_page_and_no_opinions(assessment):
    data, _ = printing.render_annex3(assessment, now=PRINTED_AT)
    pages = ["".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(data)).pages]
    assert len(pages) > 2
    assert all("草稿" in page for page in pages)
    text = "".join(pages)
    assert LAST_SENTENCE in text and "系统记录" not in text
    assert "成绩评定：优秀良好合格不合格" in text  # four empty boxes, left to tick by hand


def test_cjk_font_is_embedded_and_only_one_face(assessment):
    data, _ = printing.render_annex3(assessment)
    fonts = set()
    for page in PdfReader(io.BytesIO(data)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            fonts.add(str(font["/BaseFont"]).split("+")[-1])
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            assert "/FontFile3" in descriptor or "/FontFile2" in descriptor
    assert len(fonts) == 1 and "Noto-Serif-CJK" in fonts.pop()


def test_user_text_prints_literally_and_fetches_nothing(assessment):
    PracticeAssessment.objects.filter(pk=assessment.pk).update(
        report=f"{HOSTILE}\n\n{report_of(5000)}", plan_completion=f"{HOSTILE}\n{PLAN_COMPLETION}"
    )
    TaskCompletion.objects.filter(assessment=assessment).update(note=HOSTILE)
    data, _ = printing.render_annex3(fresh(assessment))
    text = pdf_text(data)
    assert text.count("".join(HOSTILE.split())) == 4  # report, plan text, two task notes
    assert b"/Subtype /Image" not in data
