"""Annex 2 as a PDF: the form's data built from the frozen snapshot, then rendered.

``annex2_context`` turns a snapshot dict (practice.snapshot.build) into exactly what
templates/print/annex2.html shows — every key exists, even for an older snapshot;
``render_annex2`` picks the data, numbers the copy and renders it.

Numbering: practice has no print record, so the serial is derived from the print time,
``XCU-SJ-{year the request was created}-{pk:04d}-{YYYYMMDDhhmmss, Asia/Shanghai}``.
Two prints of one request in the same second share a serial; nothing is stored.
"""

from django.utils import timezone

from applications.printing import chinese_date, paragraphs
from practice import snapshot
from practice.choices import BaseType
from practice.choices import RequestState as S
from practice.models import PracticeRequest
from xcu_bases.models import TransitionLog
from xcu_bases.printing import render_pdf

TITLE = "西昌学院硕士研究生专业实践申请表"
TEMPLATE = "print/annex2.html"
NOTE = "备注：本申请表一式三份，学科与研究生处、学院、申请人各一份。"

# The three opinion boxes of the paper form: (transition, title, signer, with a seal).
OPINION_BOXES = [
    ("supervisor_approve", "导师意见", "导师签字：", False),
    ("college_approve", "学院意见", "负责人签字：", True),
    ("office_approve", "学科与研究生处意见", "负责人签字：", True),
]

STUDENT_KEYS = [
    "name", "gender", "number", "major", "direction", "phone", "email",
    "family_contact", "family_phone", "college", "tutor", "tutor_phone",
]  # fmt: skip
SUPERVISOR_KEYS = ["name", "gender", "phone", "email"]
FIELD_KEYS = [
    "base_type", "base", "base_address", "base_postcode", "base_contact", "base_contact_phone",
    "base_contact_email", "starts_on", "ends_on", "purpose", "pledge_signature", "pledge_date",
]  # fmt: skip


class PrintError(Exception):
    """The request cannot be printed; the message is Chinese."""


def serial_for(req: PracticeRequest, printed_at) -> str:
    year = timezone.localtime(req.created_at).year
    stamp = timezone.localtime(printed_at).strftime("%Y%m%d%H%M%S")
    return f"XCU-SJ-{year}-{req.pk:04d}-{stamp}"


def _strings(source: dict, keys: list[str]) -> dict[str, str]:
    return {key: str(source.get(key) or "") for key in keys}


def _values(data: dict) -> dict[str, str]:
    fields = data.get("fields", {})
    return {key: str(fields.get(key, {}).get("value") or "") for key in FIELD_KEYS}


def _opinion(entry: TransitionLog | None) -> dict:
    if entry is None:
        return {"paragraphs": [], "by": "", "on": ""}
    return {
        "paragraphs": paragraphs(entry.comment),
        "by": entry.by.get_full_name() if entry.by else "",
        "on": chinese_date(timezone.localdate(entry.at)),
    }


# Art 19: the base supervisor's confirmation of the plan, printed next to 导师意见.
PLAN_CONFIRM = "plan_confirm"
PLAN_BOX = {
    "title": "基地导师意见",
    "lines": ["基地导师", "意见"],
    "hint": "（确认实践计划）",
    "signer": "基地导师签字：",
    "seal": False,
}


def _latest(req: PracticeRequest, *, is_draft: bool) -> dict[str, TransitionLog | None]:
    """Per box, the latest entry after the latest submission. A draft has none: an opinion
    on an earlier, returned submission is not printed."""
    found = dict.fromkeys([PLAN_CONFIRM, *(name for name, *_ in OPINION_BOXES)])
    if not is_draft:
        log = TransitionLog.objects.for_object(req).select_related("by").order_by("at", "pk")
        for entry in log:
            if entry.transition == "submit":
                found = dict.fromkeys(found)
            elif entry.transition in found:
                found[entry.transition] = entry
    return found


def request_opinions(req: PracticeRequest, *, is_draft: bool) -> list[dict]:
    """The three boxes of the paper form (导师, 学院 — the head's —, 学科与研究生处)."""
    found = _latest(req, is_draft=is_draft)
    return [
        {"title": title, "signer": signer, "seal": seal, **_opinion(found[name])}
        for name, title, signer, seal in OPINION_BOXES
    ]


def plan_confirmation(req: PracticeRequest, *, is_draft: bool) -> dict:
    """Art 19: who confirmed the plan for the base, what they wrote and when."""
    return PLAN_BOX | _opinion(_latest(req, is_draft=is_draft)[PLAN_CONFIRM])


def _period(values: dict) -> str:
    if not (values["starts_on"] or values["ends_on"]):
        return ""
    return f"{values['starts_on']}至{values['ends_on']}"


def _major(student: dict) -> str:
    if student["direction"]:
        return f"{student['major']}（{student['direction']}）"
    return student["major"]


def _tasks(data: dict) -> list[dict]:
    return [_strings(task, ["task", "starts_on", "ends_on"]) for task in data.get("tasks", [])]


def annex2_context(
    req: PracticeRequest,
    *,
    data: dict,
    serial: str,
    printed_at,
    is_draft: bool,
    filled_on=None,
    opinions: list[dict] | None = None,
    plan_confirmed: dict | None = None,
) -> dict:
    """Everything templates/print/annex2.html shows, as strings, lists and booleans.

    ``filled_on`` is the cover's 填表日期 (the submission date; blank on a draft);
    ``opinions`` default to those in the request's timeline.
    """
    student = _strings(data.get("student", {}), STUDENT_KEYS)
    values = _values(data)
    if opinions is None:
        opinions = request_opinions(req, is_draft=is_draft)
    if plan_confirmed is None:
        plan_confirmed = plan_confirmation(req, is_draft=is_draft)
    return {
        "title": TITLE,
        "serial": serial,
        "printed_on": chinese_date(timezone.localdate(printed_at)),
        "is_draft": is_draft,
        "cover": [
            {"label": "姓　名", "value": student["name"]},
            {"label": "专　业", "value": student["major"]},
            {"label": "导　师", "value": student["tutor"]},
            {"label": "学　院", "value": student["college"]},
        ],
        "filled_on": chinese_date(filled_on) if filled_on else "",
        "student": student | {"major_direction": _major(student)},
        "base_type_off_campus": values["base_type"] == BaseType.OFF_CAMPUS.label,
        "base_type_other": values["base_type"] == BaseType.OTHER.label,
        "f": values,
        "supervisor": _strings(data.get("supervisor", {}), SUPERVISOR_KEYS),
        "period": _period(values),
        "purpose": paragraphs(values["purpose"]),
        "tasks": _tasks(data),
        "plan_confirmed": plan_confirmed,
        "opinions": opinions,
        "opinion_rows": [opinions[0], plan_confirmed, *opinions[1:]],
        "note": NOTE,
    }


def _print_data(req: PracticeRequest):
    """(data, is_draft, filled_on): a draft prints as it stands, anything else as submitted."""
    if req.state == S.DRAFT:
        return snapshot.build(req), True, None
    latest = req.snapshots.order_by("-round").first()
    if latest is None:
        raise PrintError("该申请没有提交版本，无法打印。")
    return latest.data, False, timezone.localdate(latest.submitted_at)


def render_annex2(req: PracticeRequest, *, now=None) -> tuple[bytes, str]:
    """Annex 2 as a PDF and its serial. Who may print is the view's business
    (``PracticeRequest.objects.visible_to``)."""
    data, is_draft, filled_on = _print_data(req)
    printed_at = now or timezone.now()
    serial = serial_for(req, printed_at)
    context = annex2_context(
        req, data=data, serial=serial, printed_at=printed_at, is_draft=is_draft,
        filled_on=filled_on,
    )  # fmt: skip
    return render_pdf(TEMPLATE, context), serial
