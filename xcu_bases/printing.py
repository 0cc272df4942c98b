"""PDF printing for every annex: a Django template rendered by WeasyPrint.

The printed forms contain user text, so WeasyPrint must never fetch anything
the text could point at: its URL fetcher serves our own static files and
refuses every other URL (http, https elsewhere, file, data). Templates link
their stylesheet relative to ``STATIC_BASE_URL`` (``href="print/print.css"``)
so the unhashed source file is found in development and production alike.
"""

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

# A host that can never resolve (RFC 2606): relative URLs in a print template
# resolve under it, and only URLs under it are served, from the static finders.
STATIC_BASE_URL = "https://print.xcu-bases.invalid/static/"


class RefusedURL(ValueError):
    """WeasyPrint asked for something that is not one of our static files."""


def static_path(url: str) -> Path:
    """The file behind one of our static URLs; RefusedURL for anything else."""
    parts = urlsplit(url)
    base = urlsplit(STATIC_BASE_URL)
    if (parts.scheme, parts.netloc) != (base.scheme, base.netloc) or not parts.path.startswith(
        base.path
    ):
        raise RefusedURL(f"PDF 打印不读取外部资源：{url[:200]}")
    name = unquote(parts.path.removeprefix(base.path))
    try:
        found = finders.find(name) if name and ".." not in name.split("/") else None
    except SuspiciousFileOperation:
        found = None
    if not found:
        raise RefusedURL(f"PDF 打印找不到静态文件：{name[:200]}")
    return Path(found)


# The print stylesheet names one system font by ``local()`` (the emoji face); WeasyPrint then
# asks for its file. Font files under the system font directory are the only files outside
# our static files that it may read.
SYSTEM_FONT_DIR = Path("/usr/share/fonts")
FONT_SUFFIXES = {".ttf", ".otf", ".ttc"}


def system_font_path(url: str) -> Path | None:
    parts = urlsplit(url)
    if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
        return None
    path = Path(unquote(parts.path)).resolve()
    if path.suffix.lower() in FONT_SUFFIXES and path.is_relative_to(SYSTEM_FONT_DIR.resolve()):
        return path if path.is_file() else None
    return None


def safe_url_fetcher(url: str, headers=None) -> URLFetcherResponse:
    """Serve our static files (and system font files) to WeasyPrint; raise for every other URL."""
    path = system_font_path(url) or static_path(url)
    content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})


class SafeURLFetcher(URLFetcher):
    """WeasyPrint 63+ wants a URLFetcher; this one only calls safe_url_fetcher."""

    def fetch(self, url, headers=None):
        return safe_url_fetcher(url, headers)


def render_html(template_name: str, context: dict) -> str:
    context = {"pdf_font_family": settings.PDF_CJK_FONT_FAMILY, **context}
    return render_to_string(template_name, context)


def render_pdf(template_name: str, context: dict) -> bytes:
    """The template as a PDF; the font family comes from PDF_CJK_FONT_FAMILY."""
    html = render_html(template_name, context)
    document = HTML(string=html, base_url=STATIC_BASE_URL, url_fetcher=SafeURLFetcher())
    return document.write_pdf()
