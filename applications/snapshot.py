"""The frozen form: a plain dict built from an application, stored on submit.

The detail page, the diff after a resubmission and the Annex 1 PDF all read
this dict, never the live rows, once an application has left the draft.
"""

from datetime import date
from decimal import Decimal

from applications import completeness as rules

COLLEGE_FIELDS = [*rules.COVER, *rules.SECTION2, "necessity", "achievements"]
PARTNER_FIELDS = [
    "partner_name",
    "partner_credit_code",
    "partner_is_legal_person",
    *rules.SECTION3[1:],
]
DISCIPLINE_FIELDS = ["name", "code", "supervisors", "enrolment_1", "enrolment_2", "enrolment_3"]
INSTRUMENT_FIELDS = ["name", "model", "acquired_on", "unit_price"]
AGREEMENT_FIELDS = [*rules.AGREEMENT, "term_years", "deviates_from_template"]
FORM_FIELDS = COLLEGE_FIELDS + PARTNER_FIELDS + rules.ART5 + rules.PARTNER_OPINION


def display(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal):
        text = f"{value:f}"
        return text.rstrip("0").rstrip(".") if "." in text else text
    if isinstance(value, date):
        return f"{value.year}年{value.month}月{value.day}日"
    return str(value)


def _fields(obj, names) -> dict:
    meta = type(obj)._meta
    return {
        name: {
            "label": str(meta.get_field(name).verbose_name),
            "value": display(getattr(obj, name)),
        }
        for name in names
    }


def _rows(queryset, names) -> list[dict]:
    return [{name: display(getattr(row, name)) for name in names} for row in queryset]


def build(app) -> dict:
    """The whole of Annex 1 as submitted (or as it stands, for a draft)."""
    draft = getattr(app, "agreement_draft", None)
    return {
        "year": app.year,
        "enrolment_years": list(app.enrolment_years),
        "college": app.college.name,
        "fields": _fields(app, FORM_FIELDS),
        "art6": [
            {
                "label": str(type(app)._meta.get_field(flag).verbose_name),
                "checked": getattr(app, flag),
                "evidence": getattr(app, evidence),
            }
            for flag, evidence in rules.ART6
        ],
        "disciplines": _rows(app.disciplines.all(), DISCIPLINE_FIELDS),
        "instruments": _rows(app.instruments.all(), INSTRUMENT_FIELDS),
        "attachments": [
            {
                "id": a.pk,
                "name": a.original_name,
                "kind": a.kind,
                "size": a.size,
                "description": a.description,
            }
            for a in app.attachments.all()
        ],
        "agreement": (
            _fields(draft, AGREEMENT_FIELDS)
            | {"document": {"label": "协议书草案文件", "value": draft.document_name}}
            if draft
            else {}
        ),
    }


# Snapshots frozen before migration 0003 kept one E-mail on the lead's row of II; it belongs
# to the second row, which then named the lead as contact (as the migration does live rows).
_LEGACY_CONTACT = {
    "college_contact": ("基地建设联系人（申报单位）", "college_lead"),
    "college_contact_phone": ("联系人联系电话（申报单位）", "college_lead_phone"),
    "college_contact_email": ("联系人 E-mail（申报单位）", "college_lead_email"),
}


def upgrade(data: dict) -> dict:
    """A stored snapshot in today's shape; the stored row itself is never changed."""
    fields = data.get("fields", {})
    legacy = fields.get("college_lead_email")
    if legacy is None or "college_contact_email" in fields:
        return data
    upgraded = {k: v for k, v in fields.items() if k != "college_lead_email"}
    if legacy["value"]:
        for name, (label, source) in _LEGACY_CONTACT.items():
            upgraded[name] = {"label": label, "value": fields.get(source, {}).get("value", "")}
    return {**data, "fields": upgraded}


def _flatten(data: dict) -> dict[str, tuple[str, str]]:
    """key -> (label, value) for every item of the form, rows included."""
    flat = {f"f.{k}": (v["label"], v["value"]) for k, v in data.get("fields", {}).items()}
    for i, item in enumerate(data.get("art6", []), start=1):
        flat[f"art6.{i}"] = (f"优先条件：{item['label']}", "是" if item["checked"] else "否")
        flat[f"art6.{i}.e"] = (f"优先条件证明：{item['label']}", item["evidence"])
    for kind, label in (("disciplines", "学科专业"), ("instruments", "支撑条件")):
        for i, row in enumerate(data.get(kind, []), start=1):
            flat[f"{kind}.{i}"] = (f"{label}第 {i} 行", "，".join(v for v in row.values() if v))
    for k, v in data.get("agreement", {}).items():
        flat[f"a.{k}"] = (f"协议书草案：{v['label']}", v["value"])
    names = sorted(a["name"] for a in data.get("attachments", []))
    flat["attachments"] = ("证明材料", "、".join(names))
    return flat


def diff(old: dict, new: dict) -> list[dict]:
    """What changed between two submissions, in form order."""
    before, after = _flatten(old), _flatten(new)
    changes = []
    for key in list(after) + [k for k in before if k not in after]:
        old_label, old_value = before.get(key, ("", ""))
        new_label, new_value = after.get(key, (old_label, ""))
        if old_value != new_value:
            changes.append({"label": new_label or old_label, "old": old_value, "new": new_value})
    return changes
