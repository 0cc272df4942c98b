"""The plaque certificate (Art 7(5)): its data, the text that comes back out of the PDF,
its numbered copies, and who may print it."""

import copy
import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from agreements import certificate
from agreements.choices import BaseState
from agreements.models import Agreement, Base, CertificatePrint, Partner
from tests.conftest import make_student, make_user
from xcu_bases.choices import RoleCode as R
from xcu_bases.creditcode import check_character
from xcu_bases.printing import render_html

INVALID = "@@INVALID:%s@@"
PARTNER = "凉山彝族自治州农业科学研究院"


@pytest.fixture(autouse=True)
def _strict_templates(settings):
    """A variable the template misspells or the context lacks shows up in the output."""
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["OPTIONS"]["string_if_invalid"] = INVALID
    settings.TEMPLATES = templates


@pytest.fixture
def people(college_a, college_b):
    return {
        "office": make_user("office", R.GRADUATE_OFFICE, name="罗晓梅"),
        "secretary_a": make_user("secretary_a", R.COLLEGE_SECRETARY, college=college_a),
        "secretary_b": make_user("secretary_b", R.COLLEGE_SECRETARY, college=college_b),
        "student_a": make_student("student_a", college_a).user,
    }


def make_base(college, by, *, state=BaseState.ACTIVE, plaque_date=date(2026, 6, 1)) -> Base:
    code = "12513400MB1234567"
    partner = Partner.objects.create(name=PARTNER, credit_code=code + check_character(code))
    base = Base.objects.create(
        name="西昌学院—凉山州农业科学研究院研究生联合培养基地", partner=partner,
        college=college, state=state, plaque_date=plaque_date,
    )  # fmt: skip
    Agreement.objects.create(
        base=base, signed_on=date(2026, 5, 20), starts_on=date(2026, 6, 1),
        ends_on=date(2031, 5, 31), scan_name="协议.pdf", recorded_by=by,
    )  # fmt: skip
    return base


@pytest.fixture
def base(people, college_a):
    return make_base(college_a, people["office"])


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "".join("".join(page.extract_text().split()) for page in reader.pages)


# --- the data ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "text"),
    [
        (date(2026, 6, 1), "二〇二六年六月一日"),
        (date(2025, 10, 10), "二〇二五年十月十日"),
        (date(2030, 12, 31), "二〇三〇年十二月三十一日"),
        (date(2027, 11, 20), "二〇二七年十一月二十日"),
    ],
)
def test_chinese_date(day, text):
    assert certificate.chinese_date(day) == text


def test_context(base):
    printed_at = datetime(2026, 6, 2, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
    ctx = certificate.certificate_context(
        base, serial="XCU-PB-2026-0001-01", printed_at=printed_at
    )
    assert ctx == {
        "title": "西昌学院研究生联合培养基地",
        "serial": "XCU-PB-2026-0001-01",
        "partner": PARTNER,
        "college": "测试甲学院",
        "body": "经学校审定，贵单位与西昌学院测试甲学院共建的研究生联合培养基地，"
        "符合《西昌学院研究生联合培养基地建设与管理办法（试行）》规定的建设条件，"
        "特授予“西昌学院研究生联合培养基地”称号。",
        "issuer": "西昌学院",
        "plaque_date": "二〇二六年六月一日",
        "printed_at": "2026-06-02T09:30:00+08:00",
    }
    html = render_html(certificate.TEMPLATE, ctx)
    assert "@@INVALID" not in html
    assert 'href="print/certificate.css"' in html


# --- the PDF ----------------------------------------------------------------------------


def test_pdf_has_the_partner_the_college_and_the_serial(client, people, base):
    client.force_login(people["student_a"])  # an active base: everyone logged in
    response = client.get(reverse("agreements:certificate_pdf", args=[base.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    record = CertificatePrint.objects.get()
    year = timezone.localdate().year
    assert record.serial == f"XCU-PB-{year}-{base.pk:04d}-01"
    assert record.printed_by == people["student_a"]
    assert record.serial in response["Content-Disposition"]
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 1
    width, height = reader.pages[0].mediabox.width, reader.pages[0].mediabox.height
    assert width > height  # A4 landscape
    text = pdf_text(response.content)
    for expected in (
        "西昌学院研究生联合培养基地",
        PARTNER,
        "测试甲学院",
        "二〇二六年六月一日",
        f"编号：{record.serial}",
    ):
        assert expected in text


def test_every_print_is_a_new_numbered_copy(client, people, base):
    client.force_login(people["office"])
    url = reverse("agreements:certificate_pdf", args=[base.pk])
    first, second = client.get(url), client.get(url)
    serials = list(CertificatePrint.objects.order_by("pk").values_list("serial", flat=True))
    assert [s[-2:] for s in serials] == ["01", "02"]
    assert serials[0] in pdf_text(first.content) and serials[1] in pdf_text(second.content)


def test_cjk_font_is_embedded(people, base):
    data, _ = certificate.render_certificate(base, by=people["office"])
    fonts = set()
    for page in PdfReader(io.BytesIO(data)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            fonts.add(str(font["/BaseFont"]))
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            assert "/FontFile3" in descriptor or "/FontFile2" in descriptor
    assert any("Noto-Serif-CJK" in name for name in fonts), fonts
    assert len(fonts) == 1, fonts  # one face: no bold (print.css)


# --- who may print ----------------------------------------------------------------------


def get(client, user, base):
    client.force_login(user)
    return client.get(reverse("agreements:certificate_pdf", args=[base.pk]))


def test_preparing_base_has_no_certificate(client, people, college_a):
    base = make_base(college_a, people["office"], state=BaseState.PREPARING, plaque_date=None)
    assert get(client, people["office"], base).status_code == 404
    assert not CertificatePrint.objects.exists()


def test_revoked_base_is_hidden_from_a_student(client, people, college_a):
    base = make_base(college_a, people["office"], state=BaseState.REVOKED)
    assert get(client, people["student_a"], base).status_code == 404
    assert get(client, people["office"], base).status_code == 404  # no longer a base
    assert not CertificatePrint.objects.exists()


def test_expired_base_prints_for_staff_only(client, people, college_a):
    base = make_base(college_a, people["office"], state=BaseState.EXPIRED)
    assert get(client, people["student_a"], base).status_code == 404
    assert get(client, people["secretary_a"], base).status_code == 200
    assert get(client, people["office"], base).status_code == 200
    assert CertificatePrint.objects.count() == 2


def test_anonymous_is_sent_to_login(client, base):
    response = client.get(reverse("agreements:certificate_pdf", args=[base.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_get_only(client, people, base):
    client.force_login(people["office"])
    response = client.post(reverse("agreements:certificate_pdf", args=[base.pk]))
    assert response.status_code == 405
