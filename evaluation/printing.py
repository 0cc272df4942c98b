"""Annex 4 as a PDF: 西昌学院研究生联合培养基地建设评价标准, the scoring table.

``annex4_context`` builds what templates/print/annex4.html shows for one base in one round:
the standard's indicators laid out like the paper form, the actual score of each second-level
indicator (the mean of the submitted experts' points to 0.1, rounded so that the column adds
up to the printed total: ``grading.shown_means``) once the evaluation is finalised, the total
(Art 29: the mean of the experts' totals), the grade and the experts' signature lines.
``blank_annex4_context`` is the same table for a standard with nothing filled in, for experts
scoring on paper.

Numbering: nothing is stored; the serial is derived from the print time,
``XCU-PG-{round year}-{evaluation pk:04d}-{YYYYMMDDhhmmss, Asia/Shanghai}``; a blank form
numbers as ``XCU-PG-{standard year}-0000-{…}``.
"""

from collections import defaultdict
from decimal import Decimal

from django.utils import timezone

from applications.printing import chinese_date
from evaluation import selectors
from evaluation.choices import EvaluationState
from evaluation.models import BaseEvaluation, Standard
from xcu_bases.printing import render_pdf

TITLE = "西昌学院研究生联合培养基地建设评价标准"
TEMPLATE = "print/annex4.html"
NOTE = "备注：评价方式为组织有关专家根据基地建设情况及相关材料进行赋分。"
# Printed under a filled-in table: how 实际得分 and 总分 agree (grading.shown_means).
ROUNDING_NOTE = (
    "实际得分为各评审专家评分的平均值，保留一位小数；总分为各专家总分的平均值（四舍五入保留一位"
    "小数），各项实际得分的尾数按最大余数法取舍，使其合计等于总分。"
)
BLANK_EXPERTS = 3  # signature lines when no expert is assigned yet, and on the blank form


def points_text(value: Decimal | None) -> str:
    """15.0 → "15", 2.5 → "2.5"; None → ""."""
    if value is None:
        return ""
    return f"{value.normalize():f}"


def _stamp(printed_at) -> str:
    return timezone.localtime(printed_at).strftime("%Y%m%d%H%M%S")


def serial_for(evaluation: BaseEvaluation, printed_at) -> str:
    return f"XCU-PG-{evaluation.round.year}-{evaluation.pk:04d}-{_stamp(printed_at)}"


def blank_serial_for(standard: Standard, printed_at) -> str:
    return f"XCU-PG-{standard.year}-0000-{_stamp(printed_at)}"


def mean_scores(evaluation: BaseEvaluation) -> dict[int, Decimal]:
    """Indicator id → 实际得分: the submitted experts' mean to 0.1, the column adding up to the
    printed total (``grading.shown_means``: largest remainder, each mean rounded down or up)."""
    return selectors.indicator_means(evaluation)


def indicator_groups(standard: Standard, scores: dict[int, Decimal] | None = None) -> list[dict]:
    """First-level indicators in order, each with its second-level ones and their scores."""
    scores = scores or {}
    indicators = list(standard.indicators.order_by("position", "pk"))
    children = defaultdict(list)
    for indicator in indicators:
        if indicator.parent_id is not None:
            children[indicator.parent_id].append(indicator)
    groups = []
    for parent in (i for i in indicators if i.parent_id is None):
        points = points_text(parent.max_points)
        groups.append(
            {
                "code": parent.code,
                "name": parent.name,
                "points": points,
                "label": f"{parent.code}. {parent.name} {points}",
                "children": [
                    {
                        "code": child.code,
                        "name": child.name,
                        "description": child.description,
                        "points": points_text(child.max_points),
                        "score": f"{scores[child.pk]:f}" if child.pk in scores else "",
                    }
                    for child in children[parent.pk]
                ],
            }
        )
    return groups


def _standard_total(standard: Standard) -> str:
    parents = standard.indicators.filter(parent__isnull=True)
    return points_text(sum((i.max_points for i in parents), Decimal("0")))


def _signature_lines(names: list[str]) -> list[dict]:
    names = names or [""] * BLANK_EXPERTS
    return [{"number": n, "name": name} for n, name in enumerate(names, start=1)]


def _common(standard: Standard, *, serial: str, printed_at) -> dict:
    return {
        "title": TITLE,
        "annex_no": "附件4",
        "serial": serial,
        "printed_on": chinese_date(timezone.localdate(printed_at)),
        "standard_year": str(standard.year),
        "max_total": _standard_total(standard),
        "note": NOTE,
    }


def annex4_context(evaluation: BaseEvaluation, *, serial: str, printed_at) -> dict:
    """Everything templates/print/annex4.html shows, as strings, lists and booleans.

    The actual scores, total and grade are printed only once the evaluation is finalised.
    """
    standard = evaluation.round.standard
    finalised = evaluation.state == EvaluationState.FINALISED
    scores = mean_scores(evaluation) if finalised else {}
    assignments = evaluation.assignments.select_related("expert").order_by("pk")
    return _common(standard, serial=serial, printed_at=printed_at) | {
        "is_blank": False,
        "base_name": evaluation.base.name,
        "round": str(evaluation.round),
        "groups": indicator_groups(standard, scores),
        "total": points_text(evaluation.total) if finalised else "",
        "grade": evaluation.get_grade_display() if finalised else "",
        "rounding_note": ROUNDING_NOTE if finalised else "",
        "experts": _signature_lines([a.expert.get_full_name() for a in assignments]),
    }


def blank_annex4_context(standard: Standard, *, serial: str = "", printed_at=None) -> dict:
    """The same table for ``standard`` with nothing filled in, for scoring on paper."""
    printed_at = printed_at or timezone.now()
    serial = serial or blank_serial_for(standard, printed_at)
    return _common(standard, serial=serial, printed_at=printed_at) | {
        "is_blank": True,
        "base_name": "",
        "round": "",
        "groups": indicator_groups(standard),
        "total": "",
        "grade": "",
        "rounding_note": "",
        "experts": _signature_lines([]),
    }


def render_annex4(evaluation: BaseEvaluation, *, now=None) -> tuple[bytes, str]:
    """Annex 4 for one base as a PDF and its serial. Who may print is the view's business
    (``BaseEvaluation.objects.visible_to``)."""
    printed_at = now or timezone.now()
    serial = serial_for(evaluation, printed_at)
    context = annex4_context(evaluation, serial=serial, printed_at=printed_at)
    return render_pdf(TEMPLATE, context), serial


def render_blank_annex4(standard: Standard, *, now=None) -> tuple[bytes, str]:
    """Annex 4 for ``standard`` with empty scores, base and expert lines, and its serial."""
    printed_at = now or timezone.now()
    serial = blank_serial_for(standard, printed_at)
    context = blank_annex4_context(standard, serial=serial, printed_at=printed_at)
    return render_pdf(TEMPLATE, context), serial
