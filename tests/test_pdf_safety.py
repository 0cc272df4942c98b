"""Issue 8 item 6: WeasyPrint fetches nothing but our own static files; user text containing
HTML or ``file:///etc/passwd`` prints as text.

The fetcher of ``xcu_bases.printing`` is tested on its own (every other URL raises), inside a
real WeasyPrint render of hostile markup (nothing fetched, no image), and through every annex
with hostile text in the fields users fill in: the PDF shows the text literally and embeds no
image, and the only URLs asked for are our print stylesheets.
"""

import io
from datetime import date
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from pypdf import PdfReader
from weasyprint import HTML

from agreements import certificate
from agreements.models import Base, Partner
from applications import printing as annex1
from evaluation import printing as annex4
from evaluation import services as eval_services
from evaluation.choices import RoundKind
from practice import assessment_printing as annex3
from practice import printing as annex2
from practice.choices import RequestState as RS
from practice.models import PlanTask, PracticeAssessment
from tests.applications import factories as app_factories
from tests.conftest import make_student, make_user
from tests.practice import factories as practice_factories
from xcu_bases import printing
from xcu_bases import services as people_services
from xcu_bases.choices import RoleCode as R
from xcu_bases.models import User

pytestmark = pytest.mark.django_db

HOSTILE = (
    '<img src="file:///etc/passwd"> file:///etc/passwd <b>粗体</b> '
    '<link rel="stylesheet" href="http://127.0.0.1:9/x.css">'
    "<style>@import url(http://127.0.0.1:9/y.css);</style>"
    "<script>alert(1)</script>"
)
HOSTILE_TEXT = "".join(HOSTILE.split())
SHORT = '<img src="file:///etc/passwd">'  # fits a 100-character name


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "".join("".join(page.extract_text().split()) for page in reader.pages)


def images(data: bytes) -> int:
    reader = PdfReader(io.BytesIO(data))
    return sum(len(page.images) for page in reader.pages)


# --- the fetcher on its own --------------------------------------------------------------------

REFUSED = [
    "file:///etc/passwd",
    "FILE:///etc/passwd",
    "file://localhost/etc/passwd",
    "http://127.0.0.1/",
    "http://169.254.169.254/latest/meta-data/",
    "https://example.com/print/print.css",
    "ftp://127.0.0.1/x",
    "data:text/css,body{}",
    "data:image/png;base64,iVBORw0KGgo=",
    "../../etc/passwd",
    "/etc/passwd",
    "//127.0.0.1/static/print/print.css",
    f"{printing.STATIC_BASE_URL}../../etc/passwd",
    f"{printing.STATIC_BASE_URL}%2e%2e/%2e%2e/etc/passwd",
    f"{printing.STATIC_BASE_URL}print/../../settings.py",
    f"{printing.STATIC_BASE_URL}/etc/passwd",
    f"{printing.STATIC_BASE_URL}print/no-such-file.css",
    f"{printing.STATIC_BASE_URL}",
    "https://print.xcu-bases.invalid.evil.example/static/print/print.css",
    "https://user@print.xcu-bases.invalid/static/print/print.css",
    "https://print.xcu-bases.invalid:8443/static/print/print.css",
    "http://print.xcu-bases.invalid/static/print/print.css",
    "https://print.xcu-bases.invalid/staticx/print/print.css",
]


@pytest.mark.parametrize("url", REFUSED)
def test_fetcher_refuses_everything_but_our_static_files(url):
    with pytest.raises(printing.RefusedURL):
        printing.safe_url_fetcher(url)
    with pytest.raises(printing.RefusedURL):
        printing.SafeURLFetcher().fetch(url)


@pytest.mark.parametrize("name", ["print/print.css", "print/certificate.css"])
def test_fetcher_serves_our_print_stylesheets(name):
    response = printing.safe_url_fetcher(printing.STATIC_BASE_URL + name)
    body = response.read() if hasattr(response, "read") else response.string
    with open(finders.find(name), "rb") as source:
        assert body == source.read()
    assert "text/css" in str(response.headers.get("Content-Type", ""))


def test_a_real_render_of_hostile_markup_fetches_nothing(monkeypatch, tmp_path):
    """Defence in depth: even markup that escaped the template cannot reach a file or a host."""
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"\x89PNG\r\n\x1a\n")
    asked, served = [], []
    real = printing.safe_url_fetcher

    def spy(url, headers=None):
        asked.append(url)
        response = real(url, headers)
        served.append(url)
        return response

    monkeypatch.setattr(printing, "safe_url_fetcher", spy)
    html = f"""<html><head><link rel="stylesheet" href="print/print.css">
      <link rel="stylesheet" href="http://127.0.0.1:9/x.css">
      <style>@import url("file:///etc/passwd"); body {{ background: url("{secret.as_uri()}") }}
      @font-face {{ font-family: x; src: url("http://127.0.0.1:9/f.woff") }}</style></head>
      <body><img src="{secret.as_uri()}"><img src="file:///etc/passwd">
      <img src="../../../etc/passwd"><iframe src="http://127.0.0.1:9/"></iframe>
      <object data="file:///etc/passwd"></object><p>正文</p></body></html>"""
    data = HTML(
        string=html, base_url=printing.STATIC_BASE_URL, url_fetcher=printing.SafeURLFetcher()
    ).write_pdf()

    assert "正文" in pdf_text(data)
    assert images(data) == 0
    # Our stylesheet, and the emoji face it names by local() — a system font file, nothing else.
    assert [u for u in served if printing.system_font_path(u) is None] == [
        printing.STATIC_BASE_URL + "print/print.css"
    ]
    assert all(u.startswith("file:///usr/share/fonts/") for u in served[1:])
    assert any("passwd" in url for url in asked)  # asked, and refused


# --- every annex with hostile user text --------------------------------------------------------


@pytest.fixture
def people(college_a, college_b):
    tutor_a = make_user("tutor_a", R.CAMPUS_SUPERVISOR, college=college_a, name="张明华")
    found = {
        "office": make_user("office", R.GRADUATE_OFFICE, name="罗晓梅"),
        "legal": make_user("legal", R.LEGAL_OFFICE, name="何志刚"),
        "secretary_a": make_user("secretary_a", R.COLLEGE_SECRETARY, college=college_a),
        "head_a": make_user("head_a", R.COLLEGE_HEAD, college=college_a, name="李明华"),
        "expert1": make_user("expert1", R.EXPERT, name="赵国庆"),
        "expert2": make_user("expert2", R.EXPERT, name="孙晓燕"),
        "tutor_a": tutor_a,
    }
    profile = make_student("student_a", college_a, supervisor=tutor_a, number="2024095101")
    people_services.student_set_coursework(
        profile=profile, completed=True, by=found["secretary_a"], comment="依据成绩单确认。"
    )
    found["student_a"] = User.objects.get(pk=profile.user_id)
    return found


@pytest.fixture
def fetched(monkeypatch):
    """Every URL WeasyPrint asks for while the test renders."""
    asked = []
    real = printing.safe_url_fetcher

    def spy(url, headers=None):
        asked.append(url)
        return real(url, headers)

    monkeypatch.setattr(printing, "safe_url_fetcher", spy)
    return asked


def assert_printed_literally(data: bytes, fetched: list, times: int = 1):
    text = pdf_text(data)
    assert text.count(HOSTILE_TEXT) >= times, text[:2000]
    assert images(data) == 0
    assert b"/Subtype /Image" not in data
    assert fetched and all(
        (url.startswith(printing.STATIC_BASE_URL + "print/") and url.endswith(".css"))
        or printing.system_font_path(url) is not None  # the emoji face, by local()
        for url in fetched
    ), fetched


def test_annex1_fields_print_as_text(people, fetched):
    app = app_factories.complete_application(
        people["secretary_a"], necessity=f"{HOSTILE}\n{app_factories.NECESSITY}",
        achievements=HOSTILE, base_name=f"基地{HOSTILE}", partner_opinion=HOSTILE,
        partner_opinion_signatory=SHORT,
    )  # fmt: skip
    data, _ = annex1.render_annex1(app, by=people["secretary_a"])
    assert_printed_literally(data, fetched, times=4)
    assert "负责人签章：" + "".join(SHORT.split()) in pdf_text(data)


def test_annex2_plan_task_prints_as_text(people, college_a, fetched):
    base = practice_factories.active_base(college_a, people["office"])
    supervisor = practice_factories.certified_supervisor(base, people)
    req = practice_factories.complete_request(
        people["student_a"], base, supervisor, purpose=f"{HOSTILE}\n{practice_factories.PURPOSE}"
    )
    PlanTask.objects.filter(request=req).update(task=HOSTILE)
    data, _ = annex2.render_annex2(practice_factories.fresh(req))
    assert_printed_literally(data, fetched, times=2)


def test_annex3_report_prints_as_text(people, college_a, fetched):
    base = practice_factories.active_base(college_a, people["office"])
    supervisor = practice_factories.certified_supervisor(base, people)
    req = practice_factories.complete_request(people["student_a"], base, supervisor)
    req = practice_factories.advance_to(req, RS.APPROVED, people)
    assessment = practice_factories.complete_assessment(req, report_chars=3000)
    PracticeAssessment.objects.filter(pk=assessment.pk).update(
        report=f"{HOSTILE}\n\n{assessment.report}", plan_completion=HOSTILE
    )
    data, _ = annex3.render_annex3(practice_factories.fresh(assessment))
    assert_printed_literally(data, fetched, times=2)


def test_annex4_indicator_text_and_base_name_print_as_text(people, college_a, fetched):
    base = practice_factories.active_base(college_a, people["office"])
    Base.objects.filter(pk=base.pk).update(name=f"基地{HOSTILE}")
    standard = eval_services.standard_create(year=2026, by=people["office"])
    indicator = standard.indicators.get(code="B1")
    eval_services.indicator_update(
        indicator=indicator, by=people["office"], name=f"指标{SHORT}",
        description=HOSTILE, max_points=indicator.max_points,
    )  # fmt: skip
    blank, _ = annex4.render_blank_annex4(standard)
    assert_printed_literally(blank, fetched, times=1)
    assert f"指标{SHORT}".replace(" ", "") in pdf_text(blank)
    evaluation_round = eval_services.round_open(
        year=2026, kind=RoundKind.YEARLY, standard=standard, deadline=date(2026, 12, 20),
        bases=[base], by=people["office"],
    )  # fmt: skip
    data, _ = annex4.render_annex4(evaluation_round.evaluations.get())
    assert_printed_literally(data, fetched, times=2)


def test_certificate_prints_partner_and_base_names_as_text(people, college_a, fetched):
    base = practice_factories.active_base(college_a, people["office"])
    Partner.objects.filter(pk=base.partner_id).update(name=f"单位{HOSTILE}")
    Base.objects.filter(pk=base.pk).update(name=f"基地{HOSTILE}", plaque_date=date(2025, 3, 1))
    base = Base.objects.get(pk=base.pk)
    if not certificate.printable(base):
        pytest.skip("this base cannot print a certificate")
    data, _ = certificate.render_certificate(base, by=people["office"])
    text = pdf_text(data)
    assert "file:///etc/passwd" in text or "file:///etc/passwd" in text.replace(" ", "")
    assert images(data) == 0
    assert all(
        url.startswith(printing.STATIC_BASE_URL + "print/")
        or printing.system_font_path(url) is not None
        for url in fetched
    )


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "file:///usr/share/fonts/../../../etc/passwd",
        "file:///usr/share/fonts/truetype/noto/none.ttf",  # not there
        "file:///tmp/evil.ttf",
        "file://example.com/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf",
        "file:///usr/share/fonts/truetype/noto/NotoColorEmoji.ttf.txt",
    ],
)
def test_only_existing_font_files_under_the_system_font_directory_are_read(url):
    assert printing.system_font_path(url) is None
    with pytest.raises(printing.RefusedURL):
        printing.safe_url_fetcher(url)


@pytest.mark.skipif(
    not Path("/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf").exists(),
    reason="Debian fonts-noto-color-emoji is not installed",
)
def test_emoji_print_from_the_emoji_face_and_the_rest_from_the_cjk_serif(caplog):
    data = HTML(
        string='<html><head><link rel="stylesheet" href="print/print.css"><style>html '
        '{ font-family: "Noto Serif CJK SC", "XCU Emoji", serif; }</style></head>'
        "<body><p>实践总结 🌾 完成 ✅ 共 12 项 # * 2026年</p><p>☐ 否 ☑ 是 ★</p></body></html>",
        base_url=printing.STATIC_BASE_URL, url_fetcher=printing.SafeURLFetcher(),
    ).write_pdf()  # fmt: skip
    fonts = {
        str(font.get("/BaseFont"))
        for page in PdfReader(io.BytesIO(data)).pages
        for font in page["/Resources"]["/Font"].values()
        for font in [font.get_object()]
    }
    assert any("Noto-Serif-CJK-SC" in f for f in fonts)
    assert any("Noto-Color-Emoji" in f for f in fonts)
    assert "实践总结🌾完成✅共12项#*2026年" in pdf_text(data)  # pdf_text drops whitespace
    # Annex 1's check boxes are symbols, not emoji: they must not fall into the emoji face
    # (which has no glyph for them) and print as a blank box.
    assert "☐否☑是★" in pdf_text(data)
    assert ".notdef" not in caplog.text
