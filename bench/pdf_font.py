"""How long a one-page Chinese PDF takes with the CJK font WeasyPrint finds here.

    .venv/bin/python bench/pdf_font.py [runs] [--fonttools]

--fonttools simulates a machine without libharfbuzz-subset0 (WeasyPrint's fallback).

Prints whether HarfBuzz subsetting is available and the median render time.
Not run by CI; figures go in bench/README.md.
"""

import os
import statistics
import sys
import time

import django

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xcu_bases.settings")
django.setup()

from django.conf import settings  # noqa: E402
from weasyprint import HTML  # noqa: E402

from xcu_bases.checks import harfbuzz_subset_available, matched_font_family  # noqa: E402

PARAGRAPH = "依据第七条，二级培养单位结合自身研究生培养的优势和特色填报申报书，并附已有建设基础的证明材料。"
HTML_TEXT = f"""<html><head><style>
@page {{ size: A4; margin: 2cm; }}
body {{ font-family: '{settings.PDF_CJK_FONT_FAMILY}'; font-size: 12pt; line-height: 1.6; }}
</style></head><body><h1>西昌学院研究生联合培养基地申报书</h1>
{("<p>" + PARAGRAPH * 4 + "</p>") * 6}</body></html>"""


def main(runs: int = 10, fonttools: bool = False):
    if fonttools:
        import weasyprint.pdf.fonts

        weasyprint.pdf.fonts.harfbuzz_subset = None
    family = settings.PDF_CJK_FONT_FAMILY
    print(f"font: {family!r} -> fontconfig picks {matched_font_family(family)!r}")
    print(f"harfbuzz subsetting: {harfbuzz_subset_available() and not fonttools}")
    HTML(string=HTML_TEXT).write_pdf()  # warm-up: font cache
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        pdf = HTML(string=HTML_TEXT).write_pdf()
        times.append(time.perf_counter() - started)
    print(
        f"{runs} runs: median {statistics.median(times):.3f} s, max {max(times):.3f} s, "
        f"{len(pdf) // 1024} KiB"
    )


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    main(int(args[0]) if args else 10, fonttools="--fonttools" in sys.argv)
