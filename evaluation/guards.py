"""The two checks every evaluation service starts with: who acts, and what they typed."""

from django.core.exceptions import PermissionDenied

from xcu_bases import access
from xcu_bases.workflow import WorkflowError


def office_only(user) -> None:
    if not access.is_office(user):
        raise PermissionDenied("只有学科与研究生处可以执行此操作。")


def clean_text(value: str, label: str, max_length: int | None = None) -> str:
    """Free text typed into a page that has no Django form: trimmed, and refused (never a
    database error) when it holds a NUL character or is longer than its column."""
    value = (value or "").strip()
    if "\x00" in value:
        raise WorkflowError(f"{label}含有不允许的空字符（\\x00），请删除后重试。")
    if max_length is not None and len(value) > max_length:
        raise WorkflowError(f"{label}不能超过 {max_length} 个字（现有 {len(value)} 个）。")
    return value
