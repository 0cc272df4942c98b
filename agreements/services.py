"""Every change to a base goes through here: check, change, log."""

from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django_fsm import ConcurrentTransition, can_proceed

from agreements.choices import BaseLevel, BaseState, FundingKind
from agreements.compliance import FUNDED_YEARS, YEARLY_ALLOCATION
from agreements.models import Agreement, AgreementTemplate, Base, BaseLevelChange, FundingEntry
from xcu_bases import access
from xcu_bases.choices import RoleCode
from xcu_bases.dates import add_years
from xcu_bases.services import record_transition
from xcu_bases.uploads import DOCUMENT_KINDS, check_upload, safe_display_name

TRANSITION_LABELS = {
    "award_plaque": "授予基地牌匾",
    "expire": "协议到期",
    "renew": "续签协议，恢复运行",
    "revoke": "撤销基地资格",
}


class BaseError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def can_edit(base: Base, user) -> bool:
    """Only the graduate office and the owning college edit a base."""
    return access.is_office(user) or (
        access.is_college_staff(user) and user.college_id == base.college_id
    )


def _require_editor(base, by):
    if not can_edit(base, by):
        raise PermissionDenied("只有学科与研究生处和基地所属学院可以修改基地信息。")


def _office(by):
    if not access.is_office(by):
        raise PermissionDenied("只有学科与研究生处可以执行此操作。")


def _transition(
    base: Base, name: str, *, by, comment: str = "", role: str = RoleCode.GRADUATE_OFFICE
):
    method = getattr(base, name)
    if not can_proceed(method, check_conditions=False):
        raise BaseError(
            f"基地当前状态为“{base.get_state_display()}”，不能{TRANSITION_LABELS[name]}。"
        )
    if by is not None and not method._django_fsm.has_transition_perm(base, base.state, by):
        raise PermissionDenied("无权执行此操作。")
    if not method._django_fsm.conditions_met(base, base.state):
        raise BaseError(f"条件不满足，不能{TRANSITION_LABELS[name]}。")
    source = base.state
    method()
    try:
        base.save()
    except ConcurrentTransition:
        raise BaseError("该基地已被他人处理，请刷新后查看。") from None
    record_transition(
        base, transition=name, transition_label=TRANSITION_LABELS[name], source=source,
        target=base.state, state_labels=BaseState, by=by, role=role if by else "", comment=comment,
    )  # fmt: skip
    return base


def allocations_create(*, base: Base, starts_on: date, by) -> list[FundingEntry]:
    """Art 27: 10,000 yuan for each of the first three years, planned when the base is established."""
    created = []
    for year_no in range(1, FUNDED_YEARS + 1):
        entry, new = FundingEntry.objects.get_or_create(
            base=base,
            kind=FundingKind.ALLOCATION,
            year_no=year_no,
            defaults={
                "amount": Decimal(YEARLY_ALLOCATION),
                "entry_date": add_years(starts_on, year_no - 1),
                "description": f"第 {year_no} 年基地建设经费（第二十七条）",
                "recorded_by": by,
            },
        )
        if new:
            created.append(entry)
    return created


def base_expire_due(*, today: date | None = None) -> list[Base]:
    """An agreement past its end date makes the base expired unless renewed (run daily)."""
    today = today or timezone.localdate()
    expired = []
    for base in Base.objects.filter(state=BaseState.ACTIVE).exclude(
        agreements__starts_on__lte=today, agreements__ends_on__gte=today
    ):
        with transaction.atomic():
            locked = Base.objects.select_for_update().get(pk=base.pk)
            if locked.state == BaseState.ACTIVE and locked.agreement_in_force(today) is None:
                ended = locked.latest_agreement()
                comment = (
                    f"协议于 {ended.ends_on:%Y年%m月%d日} 到期，未续签。"
                    if ended
                    else "没有协议书。"
                )
                expired.append(_transition(locked, "expire", by=None, comment=comment))
    return expired


def agreement_renew(
    *, base: Base, by, signed_on: date, starts_on: date, ends_on: date | None, scan
) -> Agreement:
    """A new agreement recorded by the office; an expired base becomes active again."""
    _office(by)
    ends_on = ends_on or add_years(starts_on, 5) - timedelta(days=1)
    if ends_on <= starts_on:
        raise BaseError("协议结束日期必须晚于开始日期。")
    check_upload(scan, DOCUMENT_KINDS)
    with transaction.atomic():
        locked = Base.objects.select_for_update().get(pk=base.pk)
        if locked.state == BaseState.REVOKED:
            raise BaseError("基地已被撤销，不能续签。")
        agreement = Agreement.objects.create(
            base=locked, signed_on=signed_on, starts_on=starts_on, ends_on=ends_on,
            scan=scan, scan_name=safe_display_name(scan.name), recorded_by=by,
        )  # fmt: skip
        comment = f"新协议 {starts_on:%Y年%m月%d日} 至 {ends_on:%Y年%m月%d日}"
        if locked.state == BaseState.EXPIRED and locked.agreement_in_force() is not None:
            _transition(locked, "renew", by=by, comment=comment)
        else:
            record_transition(
                locked, transition="add_agreement", transition_label="登记续签协议", source=locked.state,
                target=locked.state, state_labels=BaseState, by=by, role=RoleCode.GRADUATE_OFFICE, comment=comment,
            )  # fmt: skip
        return agreement


def base_revoke(*, base: Base, by, reason: str) -> Base:
    """Art 29: the base loses its status."""
    reason = (reason or "").strip()
    if not reason:
        raise BaseError("请填写撤销理由。")
    with transaction.atomic():
        locked = Base.objects.select_for_update().get(pk=base.pk)
        return _transition(locked, "revoke", by=by, comment=reason)


def level_change(
    *, base: Base, by, level: str, changed_on: date, document_number: str, note: str = ""
) -> Base:
    """Art 4, Art 8: a new level with its date and document number; history kept."""
    _office(by)
    if level not in BaseLevel.values:
        raise BaseError("请选择基地级别。")
    if not document_number.strip():
        raise BaseError("请填写认定文件号。")
    with transaction.atomic():
        locked = Base.objects.select_for_update().get(pk=base.pk)
        if level == locked.level:
            raise BaseError(f"基地已是{locked.get_level_display()}。")
        BaseLevelChange.objects.create(
            base=locked, level=level, changed_on=changed_on, document_number=document_number.strip(),
            note=note, recorded_by=by,
        )  # fmt: skip
        source = locked.level
        locked.level = level
        locked.save(update_fields=["level"])
        record_transition(
            locked, transition="change_level", transition_label="级别变更", source=source, target=level,
            state_labels=BaseLevel, by=by, role=RoleCode.GRADUATE_OFFICE, comment=document_number.strip(),
        )  # fmt: skip
        return locked


def template_upload(*, file, note: str, by) -> AgreementTemplate:
    """Art 7(3): the graduate office provides the model agreement; each upload is a new version."""
    _office(by)
    check_upload(file, DOCUMENT_KINDS)
    for _ in range(3):
        try:
            with transaction.atomic():
                latest = AgreementTemplate.objects.aggregate(v=Max("version"))["v"] or 0
                return AgreementTemplate.objects.create(
                    version=latest + 1,
                    document=file,
                    original_name=safe_display_name(file.name),
                    note=note.strip()[:300],
                    uploaded_by=by,
                )
        except IntegrityError:  # two uploads at once: take the next number
            file.seek(0)
    raise IntegrityError("协议书模板版本号冲突，请重试。")
