"""What the Art 7 review decides about an agreement, for a new base (Annex 1) and a renewal alike.

Art 7(3): the college declares whether its agreement differs from the office's model agreement
(协议书内容与模板不一致); the graduate office, reviewing it, keeps or changes that declaration, with
a reason when it changes it, and the legal office reviews what the office found deviating.
Art 7(2): the agreement states its term; the agreement signed afterwards keeps the reviewed
term unless the office records why not.
"""

from datetime import date, timedelta

from xcu_bases.dates import add_years
from xcu_bases.workflow import WorkflowError

DEVIATES = "与模板内容不一致"
CONFORMS = "与模板内容一致"


def deviation_label(deviates: bool | None) -> str:
    if deviates is None:
        return "尚未认定"
    return DEVIATES if deviates else CONFORMS


def deviation_decision(*, declared: bool, decided: bool | None, reason: str) -> tuple[bool, str]:
    """Art 7(3): the office's decision (``None``: it keeps the college's) and its reason.

    Changing what the college declared needs a reason."""
    reason = (reason or "").strip()
    if decided is None or decided == declared:
        return declared, reason
    if not reason:
        raise WorkflowError(
            f"学院申报协议书{deviation_label(declared)}，认定为{deviation_label(decided)}时请填写理由。"
        )
    return decided, reason


def deviation_comment(*, declared: bool, decided: bool, reason: str) -> str:
    """The timeline's words for a changed declaration."""
    return (
        f"学院申报：{deviation_label(declared)}；学科与研究生处认定：{deviation_label(decided)}。"
        f"理由：{reason}"
    )


def term_end(starts_on: date, years: int) -> date:
    """Art 7(2): a term of ``years`` years from ``starts_on`` (its last day)."""
    try:
        return add_years(starts_on, years) - timedelta(days=1)
    except (ValueError, OverflowError):
        raise WorkflowError(f"协议期限 {years} 年超出可登记的日期范围。") from None


def term_reason(*, term: tuple[date, date], reviewed: tuple[date, date], reason: str,
                what: str) -> str:  # fmt: skip
    """Art 7(2): a signed term other than the reviewed one needs a reason (returned, stripped).

    ``what`` names the reviewed term in the message (协议书草案约定的 5 年 …)."""
    starts_on, ends_on = term
    if ends_on <= starts_on:
        raise WorkflowError("协议结束日期必须晚于开始日期。")
    reason = (reason or "").strip()
    if term != reviewed and not reason:
        raise WorkflowError(
            f"协议期限与{what}（{reviewed[0]:%Y年%m月%d日}至{reviewed[1]:%Y年%m月%d日}）"
            "不一致，请填写理由。"
        )
    return reason if term != reviewed else ""


def term_comment(starts_on: date, ends_on: date, reason: str) -> str:
    text = f"协议期限 {starts_on:%Y年%m月%d日} 至 {ends_on:%Y年%m月%d日}"
    return f"{text}；与审核的期限不一致，理由：{reason}" if reason else text
