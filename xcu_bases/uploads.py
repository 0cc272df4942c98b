"""Uploads: one validator used everywhere.

The type is decided by the file's content (magic bytes), never by its name;
the name's extension must agree with the content; files are stored under
generated names and only ever served through permission-checked views.
A magic number alone is not enough: a PNG or JPEG must open as an image
(Pillow), a PDF must end with its ``%%EOF`` marker, so that an HTML page or
a program behind a forged header is refused.
"""

import uuid
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.deconstruct import deconstructible

MAX_UPLOAD_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class Kind:
    label: str
    extensions: tuple[str, ...]
    content_type: str


PDF = Kind("PDF", (".pdf",), "application/pdf")
JPEG = Kind("JPG", (".jpg", ".jpeg"), "image/jpeg")
PNG = Kind("PNG", (".png",), "image/png")
DOCX = Kind(
    "DOCX",
    (".docx",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
)
XLSX = Kind(
    "XLSX", (".xlsx",), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
)

EVIDENCE_KINDS = (PDF, JPEG, PNG, DOCX, XLSX)
IMAGE_KINDS = (JPEG, PNG)
DOCUMENT_KINDS = (PDF, DOCX)


def sniff(head: bytes, file) -> Kind | None:
    """What the content is, whatever the name says."""
    if head.startswith(b"%PDF-"):
        return PDF if _pdf_complete(file) else None
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG if _valid_image(file, "PNG") else None
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG if _valid_image(file, "JPEG") else None
    if head.startswith(b"PK\x03\x04"):
        return _sniff_office(file)
    return None


def _pdf_complete(file) -> bool:
    """A PDF ends with ``%%EOF`` (within the last 1024 bytes, as readers allow)."""
    try:
        file.seek(max(file.size - 1024, 0))
        return b"%%EOF" in file.read(1024)
    finally:
        file.seek(0)


def _valid_image(file, image_format: str) -> bool:
    """Pillow opens the content as ``image_format`` and (PNG) its chunk checksums hold."""
    from PIL import Image

    try:
        file.seek(0)
        with Image.open(file, formats=[image_format]) as image:
            image.verify()
    except Exception:  # any parser error on hostile content means "not an image"
        return False
    finally:
        file.seek(0)
    return True


def _sniff_office(file) -> Kind | None:
    try:
        file.seek(0)
        with zipfile.ZipFile(file) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    finally:
        file.seek(0)
    if "[Content_Types].xml" not in names:
        return None
    if "word/document.xml" in names:
        return DOCX
    if "xl/workbook.xml" in names:
        return XLSX
    return None


def check_upload(file, kinds=EVIDENCE_KINDS, max_bytes=MAX_UPLOAD_BYTES) -> Kind:
    """Raise ValidationError (in Chinese) unless ``file`` is one of ``kinds``."""
    allowed = "、".join(k.label for k in kinds)
    if file.size > max_bytes:
        raise ValidationError(
            "文件“%(name)s”大小为 %(size)s，超过 %(limit)s 的上限。",
            code="too_large",
            params={
                "name": safe_display_name(file.name),
                "size": filesizeformat(file.size),
                "limit": filesizeformat(max_bytes),
            },
        )
    if file.size == 0:
        raise ValidationError(
            "文件“%(name)s”是空文件。", code="empty", params={"name": safe_display_name(file.name)}
        )
    file.seek(0)
    head = file.read(16)
    file.seek(0)
    kind = sniff(head, file)
    if kind is None or kind not in kinds:
        raise ValidationError(
            "文件“%(name)s”的内容不是允许的类型（仅限 %(allowed)s）。请上传原始文件，不要只修改扩展名。",
            code="bad_type",
            params={"name": safe_display_name(file.name), "allowed": allowed},
        )
    if PurePath(file.name or "").suffix.lower() not in kind.extensions:
        raise ValidationError(
            "文件“%(name)s”的扩展名与内容（%(kind)s）不符。",
            code="bad_extension",
            params={"name": safe_display_name(file.name), "kind": kind.label},
        )
    return kind


def safe_display_name(name: str | None) -> str:
    """The last path component only, at most 120 characters: never a path."""
    base = PurePath((name or "").replace("\\", "/")).name.strip() or "未命名文件"
    return base[-120:]


@deconstructible
class GeneratedName:
    """``upload_to`` that keeps only the (already checked) extension: ``folder/<uuid>.pdf``."""

    def __init__(self, folder: str):
        self.folder = folder

    def __call__(self, instance, filename: str) -> str:
        suffix = PurePath(filename).suffix.lower()
        return f"{self.folder}/{uuid.uuid4().hex}{suffix}"

    def __eq__(self, other):
        return isinstance(other, GeneratedName) and other.folder == self.folder

    def __hash__(self):
        return hash(self.folder)
