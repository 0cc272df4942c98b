"""Annex 2 as a plain dict: frozen on submit, read by the pages, the diff and the PDF."""

from applications.snapshot import display
from practice.choices import BaseType

FIELDS = [
    "base_type", "base_address", "base_postcode", "base_contact", "base_contact_phone",
    "base_contact_email", "starts_on", "ends_on", "purpose", "insurer", "policy_number", "insured_from", "insured_to",
    "pledge_accepted", "pledge_signature", "pledge_date",
]  # fmt: skip


def _field(req, name) -> dict:
    field = type(req)._meta.get_field(name)
    value = getattr(req, name)
    if field.choices:
        value = getattr(req, f"get_{name}_display")()
    return {"label": str(field.verbose_name), "value": display(value)}


def build(req) -> dict:
    user = req.student
    profile = getattr(user, "student_profile", None)
    tutor = profile.campus_supervisor if profile else None
    sup = req.base_supervisor
    fields = {name: _field(req, name) for name in FIELDS}
    name = (
        req.base.name if req.base_type == BaseType.OFF_CAMPUS and req.base else req.other_base_name
    )
    fields["base"] = {"label": "基地名称", "value": name}
    return {
        "student": {
            "name": user.get_full_name(),
            "gender": profile.get_gender_display() if profile else "",
            "number": profile.student_number if profile else "",
            "major": profile.major if profile else "",
            "direction": profile.research_direction if profile else "",
            "phone": user.phone,
            "email": user.email,
            "family_contact": profile.family_contact if profile else "",
            "family_phone": profile.family_phone if profile else "",
            "college": user.college.name if user.college else "",
            "tutor": tutor.get_full_name() if tutor else "",
            "tutor_phone": tutor.phone if tutor else "",
        },
        "supervisor": {
            "name": sup.name if sup else "",
            "gender": sup.get_gender_display() if sup else "",
            "title": sup.title if sup else "",
            "phone": sup.phone if sup else "",
            "email": sup.email if sup else "",
            "certificate": sup.certificate_number if sup else "",
        },
        "fields": fields,
        "tasks": [
            {"task": t.task, "starts_on": display(t.starts_on), "ends_on": display(t.ends_on)}
            for t in req.tasks.all()
        ],
        "insurance_scan": req.insurance_scan_name,
    }


def _flatten(data: dict) -> dict[str, tuple[str, str]]:
    flat = {f"f.{k}": (v["label"], v["value"]) for k, v in data.get("fields", {}).items()}
    sup = data.get("supervisor", {})
    flat["supervisor"] = (
        "基地导师",
        "，".join(v for v in (sup.get("name"), sup.get("title")) if v),
    )
    for i, task in enumerate(data.get("tasks", []), start=1):
        flat[f"task.{i}"] = (
            f"实践计划第 {i} 项",
            f"{task['task']}（{task['starts_on']}—{task['ends_on']}）",
        )
    flat["insurance_scan"] = ("保单扫描件", data.get("insurance_scan", ""))
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
