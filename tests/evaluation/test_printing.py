"""Annex 4 as a PDF: the scoring table for one base with the experts' mean points, the total and
the grade; the blank form for scoring on paper; one embedded CJK face; user text as text."""

import copy
import io
import random
import re
from datetime import datetime
from decimal import Decimal
from fractions import Fraction
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader

from evaluation import grading, printing, services
from evaluation.choices import EvaluationState as E
from tests.evaluation.test_services import scored
from tests.practice.factories import fresh
from xcu_bases import printing as pdf

pytestmark = pytest.mark.django_db

INVALID = "@@INVALID:%s@@"
HOSTILE = "<b>x</b>"
PRINTED_AT = datetime(2026, 3, 9, 8, 5, 7, tzinfo=ZoneInfo("Asia/Shanghai"))
EXPERTS = ["王建国", "李秀英", "周国强"]


@pytest.fixture(autouse=True)
def _strict_templates(settings):
    """A variable the template misspells or the context lacks shows up in the output."""
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["OPTIONS"]["string_if_invalid"] = INVALID
    settings.TEMPLATES = templates


@pytest.fixture
def scoring(people, standard, base):
    """Three experts have submitted totals of 90, 80 and 85.5; not yet finalised."""
    return scored(people, standard, base, [90, 80, "85.5"])


@pytest.fixture
def finalised(scoring, people):
    services.evaluation_finalise(evaluation=scoring, by=people["office"])
    return fresh(scoring)


def pdf_text(data: bytes) -> str:
    """All pages' text with whitespace removed: table cells wrap lines anywhere."""
    reader = PdfReader(io.BytesIO(data))
    return "".join("".join(page.extract_text().split()) for page in reader.pages)


def context(evaluation):
    serial = printing.serial_for(evaluation, PRINTED_AT)
    return printing.annex4_context(evaluation, serial=serial, printed_at=PRINTED_AT)


def children(ctx) -> dict[str, dict]:
    return {c["code"]: c for g in ctx["groups"] for c in g["children"]}


# --- the form's data ------------------------------------------------------------------------


def test_context_of_a_finalised_evaluation(finalised, base):
    ctx = context(finalised)
    assert ctx["title"] == "西昌学院研究生联合培养基地建设评价标准" and ctx["annex_no"] == "附件4"
    assert ctx["base_name"] == base.name and ctx["round"] == "2029 年期满考核"
    assert ctx["printed_on"] == "2026年3月9日" and ctx["is_blank"] is False
    assert [(g["label"], len(g["children"])) for g in ctx["groups"]] == [
        ("A. 组织管理 15", 3), ("B. 研究生培养 30", 3), ("C. 条件保障 15", 3),
        ("D. 合作成效 35", 6), ("E. 特色与创新 5", 1),
    ]  # fmt: skip
    a1 = children(ctx)["A1"]
    assert a1 == {
        "code": "A1", "name": "组织机构", "points": "5", "score": "0.0",
        "description": "管理委员会、工作小组健全，职责明确，定期研究基地工作。",
    }  # fmt: skip
    # A3: 5, 0 and 0.5 → 1.8333…; B1: 10, 5, 10 → 8.3333…; the rest full marks. Rounded on
    # their own (1.8 + 8.3 + 75) the column would say 85.1 under a total of 85.2 (the mean of
    # 90, 80 and 85.5): the tenth still missing goes to the largest remainder, a tie won by the
    # earlier row (grading.shown_means).
    scores = {code: c["score"] for code, c in children(ctx).items()}
    assert (scores["A3"], scores["B1"], scores["B2"], scores["E"]) == ("1.9", "8.3", "10.0", "5.0")
    assert sum(Decimal(v) for v in scores.values()) == Decimal("85.2")
    assert (ctx["max_total"], ctx["total"], ctx["grade"]) == ("100", "85.2", "优秀")
    assert [e["name"] for e in ctx["experts"]] == EXPERTS
    assert ctx["note"] == "备注：评价方式为组织有关专家根据基地建设情况及相关材料进行赋分。"
    assert ctx["rounding_note"] == printing.ROUNDING_NOTE


def test_scores_total_and_grade_stay_blank_until_finalised(scoring):
    assert scoring.state == E.SCORING
    ctx = context(scoring)
    assert all(c["score"] == "" for c in children(ctx).values())
    assert (ctx["total"], ctx["grade"]) == ("", "")
    assert [e["name"] for e in ctx["experts"]] == EXPERTS


def test_only_submitted_experts_count(finalised):
    first = finalised.assignments.order_by("pk").first()
    first.scores.update(points=0)
    type(first).objects.filter(pk=first.pk).update(submitted_at=None)
    scores = {code: c["score"] for code, c in children(context(finalised)).items()}
    assert (scores["A3"], scores["E"]) == ("0.3", "5.0")  # (0 + 0.5) / 2 = 0.25 → 0.3


def test_serial_is_derived_from_the_round_and_the_print_time(finalised):
    assert (
        printing.serial_for(finalised, PRINTED_AT)
        == f"XCU-PG-2029-{finalised.pk:04d}-20260309080507"
    )


def test_points_text():
    assert [printing.points_text(Decimal(v)) for v in ["15.0", "10", "2.5", "0.0"]] == [
        "15", "10", "2.5", "0",
    ]  # fmt: skip
    assert printing.points_text(None) == ""


def test_blank_context_has_the_standard_and_nothing_filled(standard):
    ctx = printing.blank_annex4_context(standard, printed_at=PRINTED_AT)
    assert ctx["serial"] == "XCU-PG-2026-0000-20260309080507"
    assert (ctx["base_name"], ctx["round"], ctx["total"], ctx["grade"]) == ("", "", "", "")
    assert ctx["is_blank"] is True and ctx["max_total"] == "100"
    assert len(children(ctx)) == 16 and all(c["score"] == "" for c in children(ctx).values())
    assert [e["name"] for e in ctx["experts"]] == ["", "", ""]


def test_contexts_render_without_invalid_variables(finalised, standard):
    assert "@@INVALID" not in pdf.render_html(printing.TEMPLATE, context(finalised))
    blank = printing.blank_annex4_context(standard, printed_at=PRINTED_AT)
    assert "@@INVALID" not in pdf.render_html(printing.TEMPLATE, blank)


# --- the PDF ----------------------------------------------------------------------------------


def test_pdf_has_the_indicators_scores_total_grade_and_experts(finalised, base, standard):
    data, serial = printing.render_annex4(finalised, now=PRINTED_AT)
    assert data.startswith(b"%PDF")
    text = pdf_text(data)
    for value in [
        "附件4", "西昌学院研究生联合培养基地建设评价标准", base.name, "2029年期满考核",
        "一级指标", "二级指标", "分值", "实际得分", "A.组织管理15", "D.合作成效35",
        "备注：评价方式为组织有关专家根据基地建设情况及相关材料进行赋分。",
        "总分10085.2", "等次优秀", *EXPERTS,
    ]:  # fmt: skip
        assert value in text, value
    for indicator in standard.indicators.filter(parent__isnull=False):
        assert f"{indicator.code}{indicator.name}" in text, indicator.code
    assert "1.9" in text and "8.3" in text
    assert printing.ROUNDING_NOTE in text
    assert text.count("年月日") == 3
    pages = PdfReader(io.BytesIO(data)).pages
    for n, page in enumerate(pages, start=1):
        page_text = "".join(page.extract_text().split())
        assert f"编号：{serial}" in page_text and "打印日期：2026年3月9日" in page_text
        assert f"第{n}页共{len(pages)}页" in page_text


def test_blank_pdf_has_the_standard_and_no_scores(standard):
    data, serial = printing.render_blank_annex4(standard, now=PRINTED_AT)
    assert serial == "XCU-PG-2026-0000-20260309080507"
    text = pdf_text(data)
    for indicator in standard.indicators.all():
        assert indicator.name in text, indicator.code
    assert "A.组织管理15" in text and "总分100等次" in text
    assert "实际得分" in text and text.count("年月日") == 3
    for score in ["0.0", "5.0", "10.0", "优秀", "合格"]:
        assert score not in text, score


def test_cjk_font_is_embedded_and_only_one_face(finalised):
    data, _ = printing.render_annex4(finalised)
    fonts = set()
    for page in PdfReader(io.BytesIO(data)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            fonts.add(str(font["/BaseFont"]).split("+")[-1])
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            assert "/FontFile3" in descriptor or "/FontFile2" in descriptor
    assert len(fonts) == 1 and "Noto-Serif-CJK" in fonts.pop()


def test_indicator_names_print_literally(people, standard, base):
    a1 = standard.indicators.get(code="A1")
    services.indicator_update(indicator=a1, by=people["office"], name=HOSTILE,
                              description=HOSTILE, max_points=a1.max_points)  # fmt: skip
    blank, _ = printing.render_blank_annex4(standard)
    assert pdf_text(blank).count(HOSTILE) == 2
    evaluation = scored(people, standard, base, [90])
    services.evaluation_finalise(evaluation=evaluation, by=people["office"])
    data, _ = printing.render_annex4(fresh(evaluation))
    assert f"A1{HOSTILE}{HOSTILE}5" in pdf_text(data)


# --- the printed column adds up to the printed total ----------------------------------------


def printed_scores_and_total(data: bytes, standard) -> tuple[dict[str, Decimal], Decimal]:
    """实际得分 of each second-level row and 总分, read back from the PDF's text: each row reads
    code, name, description, points, then the score."""
    text = pdf_text(data)
    scores = {}
    for i in standard.indicators.filter(parent__isnull=False):
        row = "".join(
            f"{i.code}{i.name}{i.description}{printing.points_text(i.max_points)}".split()
        )
        found = re.search(re.escape(row) + r"(\d+\.\d)", text)
        assert found, i.code
        scores[i.code] = Decimal(found.group(1))
    total = re.search(r"总分100(\d+\.\d)", text)
    assert total
    return scores, Decimal(total.group(1))


def test_annex4_printed_means_sum_to_printed_total(finalised, standard):
    data, _ = printing.render_annex4(finalised, now=PRINTED_AT)
    scores, total = printed_scores_and_total(data, standard)
    assert len(scores) == 16
    assert total == finalised.total == Decimal("85.2")
    assert sum(scores.values()) == total  # rounded on their own they would sum to 85.1
    assert (scores["A3"], scores["B1"]) == (Decimal("1.9"), Decimal("8.3"))


@pytest.mark.parametrize("experts", [2, 3, 4, 6, 7])
def test_annex4_shown_means_always_sum_to_the_total_and_stay_within_a_tenth(experts):
    """grading.shown_means on many random score sheets over Annex 4's points: the column sums to
    the rounded mean of the experts' totals, and each shown mean is its exact mean rounded
    down or up to 0.1, never above the indicator's points."""
    maxima = [5, 5, 5, 10, 10, 10, 5, 5, 5, 5, 5, 5, 10, 5, 5, 5]
    rng = random.Random(experts)
    for _ in range(200):
        sheets = [[Decimal(rng.randint(0, 2 * m)) / 2 for m in maxima] for _ in range(experts)]
        total = grading.mean_total([sum(sheet) for sheet in sheets])
        points = {n: [sheet[n] for sheet in sheets] for n in range(len(maxima))}
        shown = grading.shown_means(points, total)
        assert sum(shown.values()) == total
        for n, value in shown.items():
            exact = Fraction(sum(points[n])) / experts
            assert abs(Fraction(value) - exact) < Fraction(1, 10)
            assert value == value.quantize(Decimal("0.1")) and value <= maxima[n]
