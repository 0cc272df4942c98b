"""Annex 1 as a PDF: the form's data built from the frozen snapshot, then rendered.

``annex1_context`` turns a snapshot dict into exactly what templates/print/annex1.html
shows (every key the template reads exists, even for an old snapshot);
``render_annex1`` picks the data, numbers the copy and renders it.
"""

from django.db import IntegrityError, transaction
from django.utils import timezone

from applications import snapshot
from applications.choices import ApplicationState as S
from applications.completeness import ART5, PARTNER_OPINION
from applications.models import BaseApplication, PrintRecord
from xcu_bases.models import TransitionLog
from xcu_bases.printing import render_pdf

TITLE = "西昌学院研究生联合培养基地申报书"
TEMPLATE = "print/annex1.html"
FIELD_NAMES = snapshot.FORM_FIELDS
DISCIPLINE_KEYS = snapshot.DISCIPLINE_FIELDS
INSTRUMENT_KEYS = ["name", "model", "acquired_on"]  # the form's three columns (Annex 1 IV)
CHINESE_DIGITS = "〇一二三四五六七八九"
CHINESE_MONTHS = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二"]


class PrintError(Exception):
    """The application cannot be printed; the message is Chinese."""


def chinese_date(day) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def chinese_year_month(day) -> str:
    """2026-03-05 -> 二〇二六年三月, as on the cover's date line."""
    year = "".join(CHINESE_DIGITS[int(d)] for d in str(day.year))
    return f"{year}年{CHINESE_MONTHS[day.month - 1]}月"


def instructions(year: int) -> list[str]:
    """填表说明, word for word; the fourth with the application's three years."""
    return [
        "原则上依托专业学位类别（或一级学科）进行申报，其名称及代码按照国务院学位委员会、教育部"
        "2022年颁布的《学位授予和人才培养学科目录》填写。",
        "《申报表》中所填内容为依托学科、专业的数据，统计数据要准确无误、有据可查。",
        "文字原则上使用小四宋体。复制（复印）时，必须保持原格式不变，纸张限用A3，要求中缝装订。"
        "本表封面纸上，不得另加其它封面。",
        "除另有说明外，所填各项与时间相关的内容均为申请年度近三年内"
        f"（{year - 3}年1月1日—{year - 1}年12月31日）的材料。",
    ]


def paragraphs(text: str) -> list[str]:
    """One paragraph per non-empty line, as people type them in the form."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _values(data: dict) -> dict[str, str]:
    fields = data.get("fields", {})
    return {name: fields.get(name, {}).get("value", "") for name in FIELD_NAMES}


def _label(data: dict, name: str) -> str:
    return data.get("fields", {}).get(name, {}).get("label", "")


def _rows(rows: list[dict], keys: list[str]) -> list[dict]:
    return [{key: str(row.get(key, "") or "") for key in keys} for row in rows]


MEETING_DECISION = "经校长办公会审定，批准建设。"  # Art 7(4)
# "signatory" and "date" are written on the paper form's own lines (the partner's, typed in
# by the college); "by" and "on" are who gave an opinion in the system, and when.
NO_OPINION = {"paragraphs": [], "by": "", "on": "", "signatory": "", "date": ""}


def _opinion(entry: TransitionLog | None) -> dict:
    if entry is None:
        return {**NO_OPINION, "paragraphs": []}
    return {
        **NO_OPINION,
        "paragraphs": paragraphs(entry.comment),
        "by": entry.by.get_full_name() if entry.by else "",
        "on": chinese_date(timezone.localdate(entry.at)),
    }


def partner_opinion(values: dict[str, str]) -> dict:
    """V 基地建设合作单位意见 as the college typed it from the partner's signed paper: the
    text, the signatory and the date print on the form's lines; the seal stays for the stamp."""
    text, signatory, day = (values[name] for name in PARTNER_OPINION)
    return {**NO_OPINION, "paragraphs": paragraphs(text), "signatory": signatory, "date": day}


def application_opinions(app: BaseApplication, *, is_draft: bool) -> dict[str, dict]:
    """Section V: the opinions given on the submission being printed.

    A draft has none; otherwise only entries after the latest submit count, so a
    college opinion on an earlier, returned submission is not printed on the new one.
    """
    found = {"college_approve": None, "office_approve": None, "meeting_approve": None}
    if not is_draft:
        log = list(TransitionLog.objects.for_object(app).select_related("by").order_by("at", "pk"))
        submits = [i for i, entry in enumerate(log) if entry.transition == "submit"]
        for entry in log[submits[-1] + 1 if submits else 0 :]:
            if entry.transition in found:
                found[entry.transition] = entry
    university = _opinion(found["meeting_approve"])
    if found["meeting_approve"]:
        # The log keeps the session and date; the decision is the transition itself.
        university["paragraphs"] = [MEETING_DECISION, *university["paragraphs"]]
    return {
        "college": _opinion(found["college_approve"]),
        "office": _opinion(found["office_approve"]),
        "university": university,
    }


def annex1_context(
    app: BaseApplication,
    *,
    data: dict,
    serial: str,
    printed_at,
    is_draft: bool,
    opinions: dict | None = None,
) -> dict:
    """Everything templates/print/annex1.html shows, as strings, lists and booleans.

    ``opinions`` (section V) defaults to those in the application's timeline.
    """
    year = data["year"]
    values = _values(data)
    submitted = None if is_draft or not app.submitted_at else timezone.localdate(app.submitted_at)
    if opinions is None:
        opinions = application_opinions(app, is_draft=is_draft)
    return {
        "title": TITLE,
        "serial": serial,
        "printed_on": chinese_date(timezone.localdate(printed_at)),
        "is_draft": is_draft,
        "year": year,
        "enrolment_labels": [f"{y}年" for y in data["enrolment_years"]],
        "college": data["college"],
        "cover": [
            {"label": "基地名称", "value": values["base_name"]},
            {"label": "申报单位", "value": data["college"]},
            {"label": "合作单位", "value": values["partner_name"]},
            {"label": "负责人", "value": values["person_in_charge"]},
            {"label": "联系人", "value": values["contact_person"]},
            {"label": "联系电话", "value": values["contact_phone"]},
            {"label": "申报日期", "value": chinese_date(submitted) if submitted else ""},
        ],
        "cover_date": chinese_year_month(submitted) if submitted else "",
        "instructions": instructions(year),
        "f": values,
        "necessity": paragraphs(values["necessity"]),
        "achievements": paragraphs(values["achievements"]),
        "disciplines": _rows(data.get("disciplines", []), DISCIPLINE_KEYS),
        "art5": [
            {"heading": _label(data, name), "paragraphs": paragraphs(values[name])}
            for name in ART5
        ],
        "art6": [
            {
                "label": item.get("label", ""),
                "checked": bool(item.get("checked")),
                "mark": "☑" if item.get("checked") else "☐",
                "evidence": item.get("evidence", "") or "",
            }
            for item in data.get("art6", [])
        ],
        "instruments": _rows(data.get("instruments", []), INSTRUMENT_KEYS),
        "opinions": [
            {"title": "校内申报单位意见", "signer": "院长签章：", **opinions["college"]},
            {"title": "基地建设合作单位意见", "signer": "负责人签章：", **partner_opinion(values)},
            {"title": "学科与研究生处意见", "signer": "", **opinions["office"]},
            {"title": "学校意见", "signer": "", **opinions["university"]},
        ],
    }


def _print_data(app: BaseApplication) -> tuple[dict, int, bool]:
    """(data, round, is_draft): a draft prints as it stands, anything else as submitted."""
    if app.state == S.DRAFT:
        return snapshot.build(app), app.round, True
    latest = app.snapshots.order_by("-round").first()
    if latest is None:
        raise PrintError("该申报书没有提交版本，无法打印。")
    return snapshot.upgrade(latest.data), latest.round, False


def _new_record(app: BaseApplication, *, submission: int, is_draft: bool, by) -> PrintRecord:
    """Number the copy: XCU-JD-{year}-{pk}-{n}, n counting this application's prints.

    The application row is locked so concurrent prints take turns; the unique
    serial is the backstop (SQLite ignores FOR UPDATE but serialises writers).
    """
    with transaction.atomic():
        BaseApplication.objects.select_for_update().only("pk").get(pk=app.pk)
        n = app.prints.count() + 1
        while True:
            serial = f"XCU-JD-{app.year}-{app.pk:04d}-{n:03d}"
            try:
                with transaction.atomic():
                    return PrintRecord.objects.create(
                        application=app, serial=serial, round=submission, is_draft=is_draft,
                        printed_by=by, printed_at=timezone.now(),
                    )  # fmt: skip
            except IntegrityError:
                n += 1


def render_annex1(app: BaseApplication, *, by) -> tuple[bytes, PrintRecord]:
    """Annex 1 as a PDF and the record of this numbered copy.

    Who may print is the view's business (``visible_to``); a draft prints live with
    the 草稿 watermark, anything else from its latest submitted snapshot.
    """
    data, submission, is_draft = _print_data(app)
    record = _new_record(app, submission=submission, is_draft=is_draft, by=by)
    # Rendered outside the lock: it takes a few tenths of a second.
    context = annex1_context(
        app,
        data=data,
        serial=record.serial,
        printed_at=record.printed_at,
        is_draft=is_draft,
    )
    try:
        return render_pdf(TEMPLATE, context), record
    except Exception:
        record.delete()
        raise
