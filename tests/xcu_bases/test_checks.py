"""The PDF font check (and a real Chinese PDF rendered with the font it checks)."""

import io
import time

import pytest
from django.core import checks
from pypdf import PdfReader

from xcu_bases import checks as pdf_checks


def run_checks(deploy=False):
    return [
        m
        for m in checks.run_checks(include_deployment_checks=deploy)
        if m.id and m.id.startswith("xcu_bases.")
    ]


def test_font_check_passes_on_this_machine():
    """Fails when fonts-noto-cjk or libharfbuzz-subset0 is missing here."""
    assert pdf_checks.pdf_problems() == []
    assert run_checks() == []
    assert run_checks(deploy=True) == []


def test_missing_font_warns_in_development_and_errors_on_deploy(settings):
    settings.PDF_CJK_FONT_FAMILY = "No Such CJK Font"
    (warning,) = run_checks()
    assert warning.id == "xcu_bases.W001"
    assert warning.level == checks.WARNING
    assert "找不到中文衬线字体" in warning.msg and "cannot find the CJK serif font" in warning.msg
    assert "fonts-noto-cjk" in warning.hint
    errors = [m for m in run_checks(deploy=True) if m.level == checks.ERROR]
    assert [e.id for e in errors] == ["xcu_bases.E001"]


def test_missing_harfbuzz_subset_warns(monkeypatch):
    monkeypatch.setattr(pdf_checks, "harfbuzz_subset_available", lambda: False)
    (warning,) = run_checks()
    assert warning.id == "xcu_bases.W002"
    assert "7 s" in warning.msg and "libharfbuzz-subset0" in warning.hint


def test_chinese_pdf_embeds_the_cjk_font_and_renders_fast(settings):
    pytest.importorskip("weasyprint")
    from weasyprint import HTML

    html = f"""<html><head><style>
      body {{ font-family: '{settings.PDF_CJK_FONT_FAMILY}'; font-size: 12pt; }}
    </style></head><body><h1>西昌学院研究生联合培养基地申报书</h1>
    <p>{"依据第七条，二级培养单位填报申报书并附已有建设基础的证明材料。" * 20}</p></body></html>"""
    HTML(string=html).write_pdf()  # warm up fontconfig and the font cache
    started = time.perf_counter()
    pdf = HTML(string=html).write_pdf()
    elapsed = time.perf_counter() - started
    reader = PdfReader(io.BytesIO(pdf))
    text = reader.pages[0].extract_text()
    assert "西昌学院研究生联合培养基地申报书" in text
    fonts = {
        str(font.get_object()["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert any("NotoSerifCJK" in name.replace("-", "") for name in fonts), fonts
    # HarfBuzz subsetting: ~0.3 s; the fontTools fallback takes ~7 s.
    assert elapsed < 3, f"a one-page Chinese PDF took {elapsed:.2f} s"
