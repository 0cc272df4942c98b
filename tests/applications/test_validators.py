"""Credit codes (GB 32100-2015), the partner registry, uploads and character counts."""

import io
import os
import re
import zipfile
from datetime import date
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from PIL import Image

from agreements.models import Partner
from applications import services
from applications.choices import ApplicationState as S
from applications.models import ApplicationAttachment
from tests.applications.factories import (
    CREDIT_CODE,
    OTHER_CREDIT_CODE,
    TINY_PDF,
    advance_to,
    complete_application,
    fresh,
    office_file,
    pdf_file,
)
from xcu_bases.creditcode import check_character, normalize, validate_credit_code
from xcu_bases.text import count_chars
from xcu_bases.uploads import MAX_UPLOAD_BYTES, safe_display_name


def _image(image_format: str) -> bytes:
    """A real 2×2 image: a bare magic number is no longer accepted as a PNG or JPEG."""
    buffer = io.BytesIO()
    Image.new("RGB", (2, 2), (200, 10, 10)).save(buffer, image_format)
    return buffer.getvalue()


PNG = _image("PNG")
JPEG = _image("JPEG")


def media_files(settings) -> list[str]:
    root = Path(settings.MEDIA_ROOT)
    return [os.path.join(d, f) for d, _, files in os.walk(root) for f in files]


# --- 统一社会信用代码 ------------------------------------------------------------


@pytest.mark.parametrize(
    "code",
    [
        CREDIT_CODE,
        OTHER_CREDIT_CODE,
        "12513400452000000C",  # a public institution (事业单位)
        "52513401MJQ1234561",  # a social organisation, check character a digit
        CREDIT_CODE.lower(),
        f"  {CREDIT_CODE}\n",
    ],
)
def test_valid_credit_codes_pass(code):
    validate_credit_code(code)


def test_check_character_follows_gb_32100():
    assert check_character("91350100M000100Y4") == "3"
    assert normalize(" 91350100m000100y43 ") == CREDIT_CODE


def _message(code) -> str:
    with pytest.raises(ValidationError) as refused:
        validate_credit_code(code)
    return refused.value.messages[0]


@pytest.mark.parametrize(("code", "n"), [("", 0), (CREDIT_CODE[:17], 17), (CREDIT_CODE + "0", 19)])
def test_credit_code_of_the_wrong_length_is_refused(code, n):
    assert _message(code) == f"统一社会信用代码应为 18 位，当前为 {n} 位。"


@pytest.mark.parametrize("bad", ["I", "O", "S", "V", "Z"])
def test_credit_code_with_a_letter_not_in_the_charset_is_refused(bad):
    code = CREDIT_CODE[:9] + bad + CREDIT_CODE[10:]

    assert _message(code) == f"统一社会信用代码含有无效字符：{bad}（不使用 I、O、S、V、Z）。"


def test_credit_code_with_punctuation_is_refused():
    assert _message("91350100-000100Y43").startswith("统一社会信用代码含有无效字符：-")


@pytest.mark.parametrize("last", ["0", "4", "Y"])
def test_credit_code_with_a_wrong_check_character_is_refused(last):
    assert (
        _message(CREDIT_CODE[:17] + last)
        == "统一社会信用代码校验不通过（GB 32100-2015），请对照营业执照逐位核对。"
    )


def test_credit_code_with_two_swapped_characters_is_refused():
    swapped = CREDIT_CODE[:2] + CREDIT_CODE[3] + CREDIT_CODE[2] + CREDIT_CODE[4:]
    assert swapped != CREDIT_CODE

    assert "校验不通过" in _message(swapped)


# --- the partner registry: one row per credit code ----------------------------------------


def test_partner_credit_code_is_unique_in_the_database(db):
    Partner.objects.create(name="凉山州农科院", credit_code=CREDIT_CODE)

    with pytest.raises(IntegrityError), transaction.atomic():
        Partner.objects.create(name="同一单位的另一名称", credit_code=CREDIT_CODE)

    assert Partner.objects.count() == 1


def test_partner_model_validates_the_credit_code(db):
    partner = Partner(name="凉山州农科院", credit_code="91350100M000100Y44")

    with pytest.raises(ValidationError) as refused:
        partner.full_clean()

    assert "credit_code" in refused.value.message_dict


def test_art7_1_submit_reuses_the_partner_with_the_same_credit_code(people):
    existing = Partner.objects.create(
        name="凉山州农业科学研究院（旧称）", credit_code=CREDIT_CODE, total_staff=150
    )
    app = complete_application(people["secretary_a"], partner_credit_code=CREDIT_CODE.lower())

    app = advance_to(app, S.COLLEGE_REVIEW, people)

    assert Partner.objects.count() == 1
    assert fresh(app).partner == existing
    existing.refresh_from_db()
    assert existing.credit_code == CREDIT_CODE
    assert existing.name == "凉山彝族自治州农业科学研究院"
    assert existing.total_staff == 180
    assert existing.students_per_year == 6


def test_art7_1_two_colleges_with_the_same_partner_share_one_row(people):
    first = advance_to(complete_application(people["secretary_a"]), S.COLLEGE_REVIEW, people)
    second = complete_application(people["secretary_b"], partner_total_staff=210)

    second = advance_to(second, S.COLLEGE_REVIEW, people)

    assert Partner.objects.count() == 1
    assert fresh(first).partner == fresh(second).partner
    assert Partner.objects.get().total_staff == 210


def test_art7_1_another_credit_code_is_another_partner(people):
    advance_to(complete_application(people["secretary_a"]), S.COLLEGE_REVIEW, people)
    other = complete_application(
        people["secretary_a"],
        partner_name="西昌市农业农村局",
        partner_credit_code=OTHER_CREDIT_CODE,
    )

    advance_to(other, S.COLLEGE_REVIEW, people)

    assert sorted(Partner.objects.values_list("credit_code", flat=True)) == sorted(
        [CREDIT_CODE, OTHER_CREDIT_CODE]
    )


# --- uploads: content decides, the name must agree, nothing left behind ----------------------


@pytest.fixture
def draft(people):
    """An empty draft: no attachment and no file in MEDIA_ROOT yet."""
    return services.application_create(by=people["secretary_a"])


REFUSED = [
    ("an exe renamed .pdf", lambda: SimpleUploadedFile("证明.pdf", b"MZ\x90\x00" + b"\x00" * 60),
     "bad_type", "内容不是允许的类型"),
    ("21 MB", lambda: SimpleUploadedFile("大文件.pdf", b"%PDF-" + b"0" * (21 * 1024 * 1024 - 5)),
     "too_large", "超过 20.0\xa0MB 的上限"),
    ("html named png", lambda: SimpleUploadedFile("照片.png", b"<!DOCTYPE html><html><script>"),
     "bad_type", "内容不是允许的类型"),
    ("png named pdf", lambda: SimpleUploadedFile("证明.pdf", PNG),
     "bad_extension", "扩展名与内容（PNG）不符"),
    ("pdf named docx", lambda: SimpleUploadedFile("协议.docx", TINY_PDF),
     "bad_extension", "扩展名与内容（PDF）不符"),
    ("empty", lambda: SimpleUploadedFile("空.pdf", b""), "empty", "是空文件"),
    ("zip that is no office file", lambda: SimpleUploadedFile("证明.docx", _plain_zip()),
     "bad_type", "内容不是允许的类型"),
]  # fmt: skip


def _plain_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "not a document")
    return buffer.getvalue()


@pytest.mark.parametrize(("what", "make", "code", "message"), REFUSED, ids=[r[0] for r in REFUSED])
def test_upload_refused_leaves_no_row_and_no_file(
    what, make, code, message, draft, people, settings
):
    with pytest.raises(ValidationError) as refused:
        services.attachment_add(app=draft, file=make(), by=people["secretary_a"])

    assert refused.value.code == code
    assert message in refused.value.messages[0]
    assert not ApplicationAttachment.objects.exists()
    assert media_files(settings) == []


def test_upload_limit_is_20_mb():
    assert MAX_UPLOAD_BYTES == 20 * 1024 * 1024


@pytest.mark.parametrize(
    ("make", "kind", "suffix"),
    [
        (lambda: pdf_file("证明.pdf"), "PDF", ".pdf"),
        (lambda: pdf_file("SCAN.PDF"), "PDF", ".pdf"),
        (lambda: SimpleUploadedFile("现场.png", PNG), "PNG", ".png"),
        (lambda: SimpleUploadedFile("现场.jpeg", JPEG), "JPG", ".jpeg"),
        (lambda: office_file("合作协议.docx", "docx"), "DOCX", ".docx"),
        (lambda: office_file("经费明细.xlsx", "xlsx"), "XLSX", ".xlsx"),
    ],
)
def test_upload_accepted_is_stored_under_a_generated_name(make, kind, suffix, draft, people):
    upload = make()

    attachment = services.attachment_add(
        app=draft, file=upload, description="合作证明", by=people["secretary_a"]
    )

    attachment.refresh_from_db()
    assert attachment.kind == kind
    assert attachment.original_name == upload.name
    assert attachment.size == upload.size
    assert attachment.uploaded_by == people["secretary_a"]
    assert re.fullmatch(
        rf"applications/evidence/[0-9a-f]{{32}}{re.escape(suffix)}", attachment.file.name
    )
    assert Path(attachment.file.path).stem not in upload.name
    assert Path(attachment.file.path).is_file()


def test_upload_keeps_only_the_safe_base_name(draft, people):
    attachment = services.attachment_add(
        app=draft, file=pdf_file("../../x.pdf"), by=people["secretary_a"]
    )

    assert attachment.original_name == "x.pdf"
    assert ".." not in attachment.file.name
    assert attachment.file.name.startswith("applications/evidence/")


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("../../x.pdf", "x.pdf"),
        ("C:\\fakepath\\证明.pdf", "证明.pdf"),
        ("/etc/passwd", "passwd"),
        ("", "未命名文件"),
        (None, "未命名文件"),
        ("a" * 200 + ".pdf", "a" * 116 + ".pdf"),
    ],
)
def test_safe_display_name(name, shown):
    assert safe_display_name(name) == shown


def test_upload_stored_content_is_the_uploaded_content(draft, people):
    attachment = services.attachment_add(app=draft, file=pdf_file(), by=people["secretary_a"])

    with attachment.file.open("rb") as stored:
        assert stored.read() == TINY_PDF


def test_attachment_delete_removes_the_file(draft, people, settings):
    attachment = services.attachment_add(app=draft, file=pdf_file(), by=people["secretary_a"])
    assert len(media_files(settings)) == 1

    services.attachment_delete(attachment=attachment, by=people["secretary_a"])

    assert not ApplicationAttachment.objects.exists()
    assert media_files(settings) == []


@pytest.mark.parametrize(
    "make",
    [lambda: SimpleUploadedFile("协议.png", PNG), lambda: office_file("协议.xlsx", "xlsx")],
    ids=["png", "xlsx"],
)
def test_agreement_document_must_be_pdf_or_docx(make, draft, people, settings):
    with pytest.raises(ValidationError):
        services.agreement_document_set(
            draft=draft.agreement_draft, file=make(), by=people["secretary_a"]
        )

    agreement = fresh(draft).agreement_draft
    assert (agreement.document.name, agreement.document_name) == ("", "")
    assert media_files(settings) == []


def test_agreement_document_replacement_removes_the_old_file(draft, people, settings):
    secretary = people["secretary_a"]
    services.agreement_document_set(
        draft=draft.agreement_draft, file=pdf_file("草案一.pdf"), by=secretary
    )
    services.agreement_document_set(
        draft=fresh(draft).agreement_draft, file=office_file("草案二.docx"), by=secretary
    )

    agreement = fresh(draft).agreement_draft
    assert agreement.document_name == "草案二.docx"
    assert re.fullmatch(r"agreement-drafts/[0-9a-f]{32}\.docx", agreement.document.name)
    assert [Path(p).suffix for p in media_files(settings)] == [".docx"]


def test_art7_3_inspection_photo_must_be_an_image(people, settings):
    app = advance_to(complete_application(people["secretary_a"]), S.OFFICE_REVIEW, people)
    before = media_files(settings)

    with pytest.raises(ValidationError):
        services.inspection_record(
            app=app,
            by=people["office"],
            expected=services.seen(app),
            data={
                "inspected_on": date(2026, 3, 20),
                "inspectors": "罗晓梅",
                "findings": "良好",
                "safety_qualification_checked": True,
                "emergency_plan_checked": True,
            },
            photos=[pdf_file("现场照片.jpg")],
        )

    assert not hasattr(fresh(app), "site_inspection")
    assert media_files(settings) == before


# --- characters as the regulation counts them ------------------------------------------


@pytest.mark.parametrize(
    ("text", "n"),
    [
        (None, 0),
        ("", 0),
        ("   \n\t\r\n\u3000\xa0", 0),
        ("西昌学院", 4),
        ("西昌 学院\n研究生", 7),
        ("GB 32100-2015", 12),
        ("基地\u3000建设", 4),
        ("成果🎉", 3),
        ("第一段。\n\n第二段。", 8),
    ],
)
def test_count_chars_counts_characters_not_bytes_and_skips_whitespace(text, n):
    assert count_chars(text) == n


def test_invisible_characters_do_not_pad_a_count():
    """Zero-width spaces, joiners and a BOM are not characters a reader sees (Annex 3: 5000 字)."""
    assert count_chars("字\u200b字\u200c\u200d字\u2060字\ufeff") == 4
