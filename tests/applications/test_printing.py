"""Annex 1 as a PDF: the form's data, the text that comes back out, and what it may fetch."""

import copy
import io
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pypdf import PdfReader

from applications import printing, snapshot
from applications.choices import ApplicationState as S
from applications.models import ApplicationSnapshot, BaseApplication, PrintRecord
from tests.applications.factories import COMMENTS, MEETING, advance_to, complete_application, fresh
from xcu_bases import printing as pdf
from xcu_bases.services import record_transition

INVALID = "@@INVALID:%s@@"
HOSTILE = '<b>x</b> <img src="file:///etc/passwd"> <link rel="stylesheet" href="http://example.com/x.css">'


@pytest.fixture(autouse=True)
def _strict_templates(settings):
    """A variable the template misspells or the context lacks shows up in the output."""
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["OPTIONS"]["string_if_invalid"] = INVALID
    settings.TEMPLATES = templates


@pytest.fixture
def secretary(people):
    return people["secretary_a"]


@pytest.fixture
def draft(secretary):
    return complete_application(secretary)


SUBMITTED_AT = datetime(2026, 3, 5, 10, 30, tzinfo=ZoneInfo("Asia/Shanghai"))


def submitted(app, by, *, on=SUBMITTED_AT):
    """Freeze ``app`` as round 1 without the full chain (the state field is protected)."""
    ApplicationSnapshot.objects.create(
        application=app, round=1, data=snapshot.build(app), submitted_by=by
    )
    BaseApplication.objects.filter(pk=app.pk).update(
        round=1, state=S.COLLEGE_REVIEW, submitted_at=on
    )
    return fresh(app)


def pdf_text(data: bytes) -> str:
    """All pages' text with whitespace removed: table cells wrap lines anywhere."""
    reader = PdfReader(io.BytesIO(data))
    return "".join("".join(page.extract_text().split()) for page in reader.pages)


def context(app, **kwargs):
    defaults = {
        "data": snapshot.build(app),
        "serial": "XCU-JD-2026-0001-001",
        "printed_at": timezone.now(),
        "is_draft": app.state == S.DRAFT,
    }
    return printing.annex1_context(app, **(defaults | kwargs))


# --- the form's data ----------------------------------------------------------


def test_context_cover_labels_and_values(draft):
    ctx = context(draft)
    assert [(c["label"], c["value"]) for c in ctx["cover"]] == [
        ("基地名称", "西昌学院—凉山州农业科学研究院研究生联合培养基地"),
        ("申报单位", "测试甲学院"),
        ("合作单位", "凉山彝族自治州农业科学研究院"),
        ("负责人", "李明华"),
        ("联系人", "杨静"),
        ("联系电话", "0834-2580123"),
        ("申报日期", ""),
    ]
    assert ctx["cover_date"] == ""
    assert ctx["is_draft"] is True
    assert ctx["title"] == "西昌学院研究生联合培养基地申报书"


def test_context_years_follow_the_application_year(draft):
    ctx = context(draft, data=snapshot.build(draft) | {"year": 2026,
                                                        "enrolment_years": [2023, 2024, 2025]})  # fmt: skip
    assert ctx["enrolment_labels"] == ["2023年", "2024年", "2025年"]
    # 填表说明 四, with the three years before the application year.
    assert ctx["instructions"][3].endswith(
        "均为申请年度近三年内（2023年1月1日—2025年12月31日）的材料。"
    )
    assert len(ctx["instructions"]) == 4


def test_context_sections_two_to_four(draft):
    ctx = context(draft)
    assert ctx["disciplines"] == [
        {"name": "农业（农艺与种业）", "code": "0951", "supervisors": "18",
         "enrolment_1": "12", "enrolment_2": "15", "enrolment_3": "20"},
    ]  # fmt: skip
    assert ctx["f"]["national_funding"] == "180"
    assert ctx["f"]["partner_is_legal_person"] == "是"
    assert ctx["necessity"][0].startswith("凉山州是全国重要的马铃薯")
    assert len(ctx["necessity"]) == 4  # one paragraph per line typed
    assert ctx["instruments"] == [
        {"name": "实时荧光定量PCR仪", "model": "Bio-Rad CFX96", "acquired_on": "2021年9月1日"}
    ]


def test_art5_answers_each_under_their_heading(draft):
    art5 = context(draft)["art5"]
    assert [item["heading"][:3] for item in art5] == [
        "（一）", "（二）", "（三）", "（四）", "（五）", "（六）", "（七）"
    ]  # fmt: skip
    assert art5[6]["paragraphs"] == [
        "每年从科研经费中安排不少于五万元用于研究生实践补助和基地运行。"
    ]


def test_art6_checked_condition_carries_its_evidence(draft):
    draft.art6_station = True
    draft.art6_station_evidence = "四川省院士（专家）工作站（川科函〔2020〕12号）"
    draft.save()
    art6 = context(draft)["art6"]
    assert [(i["mark"], i["checked"]) for i in art6] == [("☑", True), ("☐", False), ("☐", False)]
    assert art6[0]["label"] == "建有院士工作站、博士后科研工作站或博士后创新实践基地"
    assert art6[0]["evidence"].startswith("四川省院士")


def test_context_reads_an_older_snapshot_without_newer_fields(draft):
    data = snapshot.build(draft)
    del data["fields"]["art5_funding"]
    ctx = context(draft, data=data)
    assert ctx["f"]["art5_funding"] == ""
    assert ctx["art5"][6] == {"heading": "", "paragraphs": []}


def test_context_of_an_empty_draft_renders_without_invalid_variables(secretary):
    from applications.services import application_create

    app = application_create(by=secretary)
    html = pdf.render_html(printing.TEMPLATE, context(app))
    assert "@@INVALID" not in html
    assert '<td class="center" colspan="3">无</td>' in html


def test_full_context_renders_without_invalid_variables(draft):
    html = pdf.render_html(printing.TEMPLATE, context(draft))
    assert "@@INVALID" not in html


# --- section V: opinions from the timeline -------------------------------------------


def test_opinions_of_the_chain_are_printed_with_blank_seal_and_date(draft, people):
    app = advance_to(draft, S.APPROVED, people)
    ctx = context(app, data=app.snapshots.order_by("-round").first().data, is_draft=False)
    college, partner, office, university = ctx["opinions"]
    assert college["title"] == "校内申报单位意见"
    assert college["paragraphs"] == [COMMENTS["college_approve"]]
    assert college["by"] == "李明华"
    assert college["signer"] == "院长签章："
    assert partner == {"title": "基地建设合作单位意见", "signer": "负责人签章：",
                       "paragraphs": [], "by": "", "on": "", "signatory": "", "date": ""}  # fmt: skip
    assert office["paragraphs"] == [COMMENTS["office_approve"]]
    assert university["paragraphs"][0] == "经校长办公会审定，批准建设。"
    assert university["paragraphs"][1].startswith(MEETING["session"])

    data, record = printing.render_annex1(app, by=people["office"])
    text = pdf_text(data)
    assert "同意推荐。学院已组织专家论证，合作基础扎实。" in text
    assert "院长签章：" in text and "负责人签章：" in text
    assert text.count("公章") == 4
    assert text.count("年月日") == 4  # the date lines stay blank for hand signing
    assert record.round == 1 and record.is_draft is False


def test_opinion_on_an_earlier_submission_is_not_printed(draft, people):
    head = people["head_a"]
    record_transition(draft, transition="submit", source="draft", target="college_review",
                      by=people["secretary_a"])  # fmt: skip
    record_transition(draft, transition="college_approve", source="college_review",
                      target="office_review", by=head, comment="第一轮的意见")  # fmt: skip
    record_transition(draft, transition="submit", source="draft", target="college_review",
                      by=people["secretary_a"])  # fmt: skip
    assert printing.application_opinions(draft, is_draft=False)["college"]["paragraphs"] == []
    assert printing.application_opinions(draft, is_draft=True)["college"]["paragraphs"] == []


# --- the PDF ----------------------------------------------------------------------


def test_draft_pdf_text_has_the_values_and_the_watermark(draft, secretary):
    data, record = printing.render_annex1(draft, by=secretary)
    assert data.startswith(b"%PDF")
    text = pdf_text(data)
    year = draft.year
    for value in [
        "西昌学院—凉山州农业科学研究院研究生联合培养基地",
        "凉山彝族自治州农业科学研究院",
        "0951",
        f"{year - 3}年{year - 2}年{year - 1}年",
        "缺少贴近生产一线的育种、栽培和检测实践平台",
        f"（{year - 3}年1月1日—{year - 1}年12月31日）",
        "（七）稳定的经费来源",
        "实时荧光定量PCR仪",
        "凉山彝族自治州农业科学研究院是省级公益性科研机构",
    ]:
        assert value in text
    assert "草稿" in text
    assert f"编号：{record.serial}" in text
    assert re.search(r"第1页共\d+页", text)
    assert record.is_draft is True and record.round == 0 and record.printed_by == secretary


def test_every_page_has_the_footer_and_the_watermark(draft, secretary):
    data, record = printing.render_annex1(draft, by=secretary)
    pages = PdfReader(io.BytesIO(data)).pages
    assert len(pages) >= 6
    for n, page in enumerate(pages, start=1):
        text = "".join(page.extract_text().split())
        assert record.serial in text
        assert f"第{n}页共{len(pages)}页" in text
        assert "草稿" in text


def test_cjk_font_is_embedded(draft, secretary):
    data, _ = printing.render_annex1(draft, by=secretary)
    fonts = set()
    for page in PdfReader(io.BytesIO(data)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            fonts.add(str(font["/BaseFont"]))
            descendant = font["/DescendantFonts"][0].get_object()
            assert "/FontFile3" in descendant["/FontDescriptor"] or (
                "/FontFile2" in descendant["/FontDescriptor"]
            )
    assert any("Noto-Serif-CJK" in name for name in fonts), fonts


def test_submitted_prints_the_snapshot_without_watermark(draft, secretary):
    app = submitted(draft, secretary)
    # Edits after submission (e.g. by an admin) never reach the printed form.
    BaseApplication.objects.filter(pk=app.pk).update(base_name="提交后改过的名称")
    data, record = printing.render_annex1(fresh(app), by=secretary)
    text = pdf_text(data)
    assert "草稿" not in text
    assert "西昌学院—凉山州农业科学研究院研究生联合培养基地" in text
    assert "提交后改过的名称" not in text
    assert "申报日期：2026年3月5日" in text
    assert "二〇二六年三月" in text
    assert record.is_draft is False and record.round == 1


def test_submitted_without_snapshot_cannot_print(draft, secretary):
    BaseApplication.objects.filter(pk=draft.pk).update(round=1, state=S.COLLEGE_REVIEW)
    with pytest.raises(printing.PrintError):
        printing.render_annex1(fresh(draft), by=secretary)
    assert not PrintRecord.objects.exists()


def test_each_print_gets_its_own_serial(draft, secretary):
    first, one = printing.render_annex1(draft, by=secretary)
    second, two = printing.render_annex1(draft, by=secretary)
    year = draft.year
    assert one.serial == f"XCU-JD-{year}-{draft.pk:04d}-001"
    assert two.serial == f"XCU-JD-{year}-{draft.pk:04d}-002"
    assert one.serial in pdf_text(first) and two.serial in pdf_text(second)
    assert draft.prints.count() == 2


def test_serial_skips_a_number_already_taken(draft, secretary):
    taken = f"XCU-JD-{draft.year}-{draft.pk:04d}-002"
    PrintRecord.objects.create(
        application=draft, serial=taken, round=0, is_draft=True, printed_by=secretary
    )
    _, record = printing.render_annex1(draft, by=secretary)
    assert record.serial.endswith("-003")


def test_serial_is_taken_under_a_row_lock(draft, secretary):
    with CaptureQueriesContext(connection) as queries:
        printing._new_record(draft, submission=0, is_draft=True, by=secretary)
    if connection.features.has_select_for_update:
        assert any("FOR UPDATE" in q["sql"] for q in queries.captured_queries)


# --- user text is text; nothing is fetched --------------------------------------------


def test_user_html_and_urls_print_literally(draft, secretary, monkeypatch):
    draft.partner_main_fields = HOSTILE[:300]
    draft.necessity = draft.necessity + "\n参见 file:///etc/passwd 与 <b>x</b>"
    draft.save()
    fetched = []
    real = pdf.safe_url_fetcher

    def spy(url, headers=None):
        fetched.append(url)
        return real(url, headers)

    monkeypatch.setattr(pdf, "safe_url_fetcher", spy)
    data, _ = printing.render_annex1(draft, by=secretary)
    html = pdf.render_html(printing.TEMPLATE, context(draft))
    assert "&lt;b&gt;x&lt;/b&gt;" in html and "<b>x</b>" not in html
    assert '<img src="file:///etc/passwd">' not in html
    text = pdf_text(data)
    assert "<b>x</b>" in text
    assert 'src="file:///etc/passwd"' in text
    assert "参见file:///etc/passwd与<b>x</b>" in text
    # Our stylesheet and, by its local(), the emoji face's system font file: nothing else.
    assert [u for u in fetched if pdf.system_font_path(u) is None] == [
        pdf.STATIC_BASE_URL + "print/print.css"
    ]


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://example.com/x.png",
        "https://example.com/static/print/print.css",
        "data:text/css,body{color:red}",
        pdf.STATIC_BASE_URL + "../../etc/passwd",
        pdf.STATIC_BASE_URL + "..%2F..%2Fetc%2Fpasswd",
        pdf.STATIC_BASE_URL + "print/missing.css",
        pdf.STATIC_BASE_URL,
    ],
)
def test_fetcher_refuses_everything_but_our_static_files(url):
    with pytest.raises(pdf.RefusedURL):
        pdf.safe_url_fetcher(url)


def test_fetcher_serves_the_print_stylesheet():
    response = pdf.safe_url_fetcher(pdf.STATIC_BASE_URL + "print/print.css")
    assert response.content_type == "text/css"
    assert b"@page" in response.read()
