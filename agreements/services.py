"""Every change to a base goes through here: check, change, log."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Exists, Max, OuterRef
from django.utils import timezone
from django_fsm import ConcurrentTransition, can_proceed

from agreements.choices import (
    AllocationState,
    BaseLevel,
    BaseState,
    FundingKind,
    GovernanceCapacity,
    GovernanceRole,
)
from agreements.compliance import (
    FUNDED_YEARS,
    YEARLY_ALLOCATION,
    allocation_due_on,
    automatic_allocations,
)
from agreements.governance_rules import inspector_candidates
from agreements.models import Agreement, AgreementTemplate, Base, BaseLevelChange, FundingEntry
from xcu_bases import access
from xcu_bases.choices import RoleCode
from xcu_bases.services import record_transition
from xcu_bases.uploads import DOCUMENT_KINDS, check_upload, safe_display_name
from xcu_bases.workflow import Chain, WorkflowError, require

TRANSITION_LABELS = {
    "award_plaque": "授予基地牌匾",
    "expire": "协议到期",
    "renew": "续签协议，恢复运行",
    "revoke": "撤销基地资格",
}
RECOMMEND_LABEL = "推荐申报省级和国家级基地"


class BaseError(WorkflowError):
    """A refusal about a base, in Chinese (``message``)."""


def can_edit(base: Base, user) -> bool:
    """Only the graduate office and the owning college edit a base."""
    return access.is_office(user) or (
        access.is_college_staff(user) and user.college_id == base.college_id
    )


def _require_editor(base, by):
    if not can_edit(base, by):
        raise PermissionDenied("只有学科与研究生处和基地所属学院可以修改基地信息。")


def _office(by):
    if by is None or not access.is_office(by):
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


def allocations_create(*, base: Base, by) -> list[FundingEntry]:
    """Art 27: at establishment, the three yearly allocations of 10,000 yuan are *planned*,
    due at the plaque and one and two years later. Not for provincial or national bases
    (Art 8) nor for bases plaqued before the regulation (``compliance.automatic_allocations``).
    """
    if not automatic_allocations(base.level, base.plaque_date):
        return []
    created = []
    for year_no in range(1, FUNDED_YEARS + 1):
        entry, new = FundingEntry.objects.get_or_create(
            base=base,
            kind=FundingKind.ALLOCATION,
            year_no=year_no,
            defaults={
                "state": AllocationState.PLANNED,
                "amount": Decimal(YEARLY_ALLOCATION),
                "due_on": allocation_due_on(base.plaque_date, year_no),
                "description": f"第 {year_no} 年基地建设经费（第二十七条）",
                "recorded_by": by,
            },
        )
        if new:
            created.append(entry)
    return created


def base_expire_due() -> list[Base]:
    """Run daily: an agreement past its end date makes the base expired unless renewed;
    an expired base whose renewal agreement has started becomes active again.

    Always "as of today": the state machine's conditions read the same clock.
    """
    today = timezone.localdate()
    in_force = Agreement.objects.filter(
        base=OuterRef("pk"), starts_on__lte=today, ends_on__gte=today
    )
    changed = []
    for base in Base.objects.filter(state=BaseState.ACTIVE).exclude(Exists(in_force)):
        with transaction.atomic():
            locked = Base.objects.select_for_update().get(pk=base.pk)
            if locked.state == BaseState.ACTIVE and locked.agreement_in_force() is None:
                ended = locked.latest_agreement()
                comment = (
                    f"协议于 {ended.ends_on:%Y年%m月%d日} 到期，未续签。"
                    if ended
                    else "没有协议书。"
                )
                changed.append(_transition(locked, "expire", by=None, comment=comment))
    for base in Base.objects.filter(Exists(in_force), state=BaseState.EXPIRED):
        with transaction.atomic():
            locked = Base.objects.select_for_update().get(pk=base.pk)
            agreement = locked.agreement_in_force()
            if locked.state == BaseState.EXPIRED and agreement is not None:
                comment = f"续签协议自 {agreement.starts_on:%Y年%m月%d日} 起生效。"
                changed.append(_transition(locked, "renew", by=None, comment=comment))
    return changed


def base_renewed(*, base: Base, agreement: Agreement, by) -> Base:
    """A renewal's signed agreement on ``base`` (locked by the caller, ``agreements.renewals``):
    an expired base whose new agreement is in force becomes active again through the Base
    machine's ``renew``; otherwise the new agreement is written on the base's timeline."""
    _office(by)
    if base.state == BaseState.REVOKED:
        raise BaseError("基地已被撤销，不能续签。")
    comment = f"新协议 {agreement.starts_on:%Y年%m月%d日} 至 {agreement.ends_on:%Y年%m月%d日}"
    if base.state == BaseState.EXPIRED and base.agreement_in_force() is not None:
        return _transition(base, "renew", by=by, comment=comment)
    record_transition(
        base, transition="add_agreement", transition_label="登记续签协议", source=base.state,
        target=base.state, state_labels=BaseState, by=by, role=RoleCode.GRADUATE_OFFICE,
        comment=comment,
    )  # fmt: skip
    return base


def base_revoke(*, base: Base, by, reason: str) -> Base:
    """Art 29: the base loses its status."""
    _office(by)
    reason = (reason or "").strip()
    if not reason:
        raise BaseError("请填写撤销理由。")
    with transaction.atomic():
        locked = Base.objects.select_for_update().get(pk=base.pk)
        return _transition(locked, "revoke", by=by, comment=reason)


def base_recommend(*, base: Base, by, comment: str) -> Base:
    """Art 29: an Excellent term assessment — "优先推荐申报省级和国家级联合培养基地"; logged once."""
    _office(by)
    with transaction.atomic():
        locked = Base.objects.select_for_update().get(pk=base.pk)
        if locked.recommended_for_higher_level:
            return locked
        locked.recommended_for_higher_level = True
        locked.save(update_fields=["recommended_for_higher_level"])
        record_transition(
            locked, transition="recommend", transition_label=RECOMMEND_LABEL, source=locked.state,
            target=locked.state, state_labels=BaseState, by=by, role=RoleCode.GRADUATE_OFFICE,
            comment=comment,
        )  # fmt: skip
        return locked


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


def base_register_existing(*, base: Base, by, plaque_date: date | None = None) -> Base:
    """Art 7(5) for a base that did not come through an application (it predates the system):
    its agreement is on file, the plaque was awarded on ``plaque_date``; the base becomes active
    and gets its Art 27 allocations planned, as at establishment (if the regulation funds it)."""
    _office(by)
    with transaction.atomic():
        locked = Base.objects.select_for_update().get(pk=base.pk)
        if locked.application_id:
            raise BaseError("该基地由申报书产生，请在申报书中办理挂牌。")
        first = locked.agreements.order_by("starts_on").first()
        if first is None:
            raise BaseError("请先登记已签订的协议书。")
        locked.plaque_date = plaque_date or locked.plaque_date
        if locked.plaque_date is None:
            raise BaseError("请填写挂牌日期。")
        comment = f"挂牌日期 {locked.plaque_date:%Y年%m月%d日}（登记已有基地）"
        _transition(locked, "award_plaque", by=by, comment=comment)
        allocations_create(base=locked, by=by)  # Art 27, from the plaque
        return locked


# --- records kept by the office and the owning college (registry and base pages) ---------


def _acting_role(by) -> str:
    if access.is_office(by):
        return RoleCode.GRADUATE_OFFICE
    if by.has_role(RoleCode.COLLEGE_SECRETARY):
        return RoleCode.COLLEGE_SECRETARY
    return RoleCode.COLLEGE_HEAD


def _locked_for_edit(base: Base, by) -> Base:
    """The base locked for a change by one of its editors; a revoked base is closed."""
    _require_editor(base, by)
    locked = Base.objects.select_for_update().get(pk=base.pk)
    if locked.state == BaseState.REVOKED:
        raise BaseError("基地已被撤销，不能再修改其信息。")
    return locked


def _log_record(base: Base, *, transition: str, label: str, by, comment: str = ""):
    """A record added or changed on the base's timeline (no state change)."""
    record_transition(
        base, transition=transition, transition_label=label, source="", target="",
        by=by, role=_acting_role(by), comment=comment,
    )  # fmt: skip


def base_profile_update(
    *, base: Base, by, responsible_college, participating_colleges, inspector,
) -> Base:  # fmt: skip
    """Art 14: the responsible college among the colleges at the base; Art 12(3): the inspector,
    a teacher account of the base's college."""
    with transaction.atomic():
        locked = _locked_for_edit(base, by)
        others = [c for c in participating_colleges if c.pk != locked.college_id]
        allowed = {locked.college_id, *(c.pk for c in others)}
        if responsible_college is not None and responsible_college.pk not in allowed:
            raise BaseError("责任学院须为基地所属学院或参与学院之一（第十四条）。")
        if (
            inspector is not None
            and not inspector_candidates(locked.college_id).filter(pk=inspector.pk).exists()
        ):
            raise BaseError(
                "督导员须从本学院的教师账号（校内导师、学院负责人）中选择（第十二条第三项）。"
            )
        locked.responsible_college = responsible_college
        locked.inspector = inspector
        if inspector is not None:
            locked.inspector_legacy = ""  # the account replaces what was typed before
        locked.save(update_fields=["responsible_college", "inspector", "inspector_legacy"])
        locked.participating_colleges.set(others)
        comment = (
            f"责任学院：{responsible_college or '未指定'}；"
            f"参与学院：{'、'.join(c.name for c in others) or '无'}；"
            f"督导员：{inspector.name if inspector else '未指定'}"
        )
        _log_record(
            locked, transition="update_profile", label="修改基本信息", by=by, comment=comment
        )
        return locked


def governance_member_add(
    *, base: Base, by, body: str, role: str, capacity: str, name: str, unit: str,
    position: str = "", phone: str = "",
):  # fmt: skip
    """Art 9 management committee, Art 10 working group (one leader each); ``capacity`` says
    whom the member represents, which the compliance panel checks (not blocking)."""
    if capacity not in GovernanceCapacity.values:
        raise BaseError("请选择成员的代表身份（第九条、第十条）。")
    with transaction.atomic():
        locked = _locked_for_edit(base, by)
        if role == GovernanceRole.LEADER:
            leader = locked.governance.filter(body=body, role=GovernanceRole.LEADER).first()
            if leader:
                raise BaseError(
                    f"{leader.get_body_display()}已有组长（{leader.name}），请先移除。"
                )
        member = locked.governance.create(
            body=body, role=role, capacity=capacity, name=name.strip(), unit=unit.strip(),
            position=position.strip(), phone=phone.strip(),
        )  # fmt: skip
        comment = (
            f"{member.get_body_display()}：{member.name}（{member.get_role_display()}，"
            f"{member.get_capacity_display()}，{member.unit}）"
        )
        _log_record(
            locked, transition="add_member", label="增加管理机构成员", by=by, comment=comment
        )
        return member


def governance_member_remove(*, member, by) -> None:
    with transaction.atomic():
        locked = _locked_for_edit(member.base, by)
        comment = f"{member.get_body_display()}：{member.name}（{member.get_role_display()}）"
        member.delete()
        _log_record(
            locked, transition="remove_member", label="移除管理机构成员", by=by, comment=comment
        )


def _record_add(base: Base, related: str, *, by, file, label: str, comment: str, **fields):
    """An evidence-backed record (meeting, spending, course, project); the file is
    checked by content before anything is written."""
    _require_editor(base, by)
    if file:
        check_upload(file)
    with transaction.atomic():
        locked = _locked_for_edit(base, by)
        row = getattr(locked, related).create(
            file=file or "", file_name=safe_display_name(file.name) if file else "", **fields
        )
        _log_record(locked, transition=f"add_{related}", label=label, by=by, comment=comment)
        return row


def meeting_add(
    *, base: Base, by, held_on: date, kind: str, title: str, participants: str, minutes: str,
    file=None,
):  # fmt: skip
    """Art 17: regular exchange meetings and seminars, with their minutes (once held)."""
    if held_on > timezone.localdate():
        raise BaseError("会议日期不能晚于今天：请在会议召开后登记纪要（第十七条）。")
    return _record_add(
        base, "meetings", by=by, file=file, label="登记交流研讨会",
        comment=f"{held_on:%Y年%m月%d日} {title.strip()}", held_on=held_on, kind=kind,
        title=title.strip(), participants=participants.strip(), minutes=minutes.strip(),
        recorded_by=by,
    )  # fmt: skip


def spending_add(
    *, base: Base, by, amount: Decimal, entry_date: date, description: str, file
):  # fmt: skip
    """Art 27: what the base spent of its funding, with the voucher."""
    if not file:
        raise BaseError("请上传支出凭证。")
    if amount <= 0:
        raise BaseError("支出金额必须大于 0。")
    return _record_add(
        base, "funding", by=by, file=file, label="登记经费支出",
        comment=f"{entry_date:%Y年%m月%d日} {description.strip()}：{amount} 元",
        kind=FundingKind.SPENDING, amount=amount, entry_date=entry_date,
        description=description.strip(), recorded_by=by,
    )  # fmt: skip


def _allocation_amount(amount: Decimal, reason: str) -> str:
    """Art 27: 10,000 yuan a year; any other amount carries its reason (returned, stripped)."""
    if amount <= 0:
        raise BaseError("拨款金额必须大于 0。")
    reason = (reason or "").strip()
    if amount == YEARLY_ALLOCATION:
        return ""
    if not reason:
        raise BaseError(
            f"第二十七条规定每年 {YEARLY_ALLOCATION:,} 元；金额为 {amount:,.2f} 元时请填写理由。"
        )
    return reason


def _amount_text(amount: Decimal, reason: str) -> str:
    return f"{amount:,.2f} 元" + (f"（金额调整理由：{reason}）" if reason else "")


def allocation_add(
    *, base: Base, by, year_no: int, amount: Decimal, due_on: date, amount_reason: str = "",
    description: str = "",
) -> FundingEntry:  # fmt: skip
    """Art 27: the office plans a yearly allocation that is missing (planned, not paid)."""
    _office(by)
    if year_no not in range(1, FUNDED_YEARS + 1):
        raise BaseError(f"学校拨款只列前 {FUNDED_YEARS} 个建设年度（第二十七条）。")
    reason = _allocation_amount(amount, amount_reason)
    with transaction.atomic():
        locked = _locked_for_edit(base, by)
        if locked.funding.filter(kind=FundingKind.ALLOCATION, year_no=year_no).exists():
            raise BaseError(f"第 {year_no} 年的拨款已列入计划。")
        entry = locked.funding.create(
            kind=FundingKind.ALLOCATION, state=AllocationState.PLANNED, year_no=year_no,
            amount=amount, amount_reason=reason, due_on=due_on, recorded_by=by,
            description=description.strip() or f"第 {year_no} 年基地建设经费（第二十七条）",
        )  # fmt: skip
        comment = (
            f"第 {year_no} 年：{_amount_text(amount, reason)}，计划于 {due_on:%Y年%m月%d日} 拨付"
        )
        _log_record(
            locked, transition="add_allocation", label="列入计划拨付", by=by, comment=comment
        )
        return entry


PAYMENT = Chain(
    noun="拨款",
    labels={"pay": "登记拨付"},
    states=AllocationState,
    acting_role=lambda entry, user, name: RoleCode.GRADUATE_OFFICE,
)


def allocation_pay(
    *, entry: FundingEntry, by, paid_on: date, voucher_number: str, amount: Decimal | None = None,
    amount_reason: str = "",
) -> FundingEntry:  # fmt: skip
    """Art 27, Art 11(4): a planned allocation counts as paid once the office records the
    payment date (never in the future) and the payment document number (拨付凭证号)."""
    _office(by)
    voucher = require(voucher_number, "拨付凭证号")
    if paid_on is None:
        raise BaseError("请填写拨付日期。")
    if paid_on > timezone.localdate():
        raise BaseError("拨付日期不能晚于今天：只登记已经拨付的经费。")
    with transaction.atomic():
        base = _locked_for_edit(entry.base, by)
        locked = FundingEntry.objects.select_for_update().get(
            pk=entry.pk, base=base, kind=FundingKind.ALLOCATION
        )
        amount = locked.amount if amount is None else amount
        locked.amount_reason = _allocation_amount(amount, amount_reason)
        locked.amount, locked.paid_on, locked.voucher_number = amount, paid_on, voucher[:100]
        comment = (
            f"第 {locked.year_no} 年：{_amount_text(amount, locked.amount_reason)}，"
            f"拨付日期 {paid_on:%Y年%m月%d日}，凭证号 {locked.voucher_number}"
        )
        PAYMENT.run(locked, "pay", by=by, comment=comment)
        _log_record(base, transition="pay_allocation", label="登记拨付", by=by, comment=comment)
        return locked


def course_add(
    *, base: Base, by, title: str, starts_on: date, ends_on: date | None, people: str,
    hours: int | None = None, file=None,
):  # fmt: skip
    """Art 28: a practice course co-built with the partner."""
    if ends_on and ends_on < starts_on:
        raise BaseError("结束日期不能早于开始日期。")
    return _record_add(
        base, "courses", by=by, file=file, label="登记共建实践课程", comment=title.strip(),
        title=title.strip(), starts_on=starts_on, ends_on=ends_on, people=people.strip(),
        hours=hours,
    )  # fmt: skip


def project_add(
    *, base: Base, by, title: str, level: str, starts_on: date, ends_on: date | None,
    people: str, funding: Decimal | None = None, file=None,
):  # fmt: skip
    """Art 28: a joint research project (city level or higher, or contract, encouraged)."""
    if ends_on and ends_on < starts_on:
        raise BaseError("结束日期不能早于开始日期。")
    return _record_add(
        base, "projects", by=by, file=file, label="登记联合科研项目", comment=title.strip(),
        title=title.strip(), level=level, starts_on=starts_on, ends_on=ends_on,
        people=people.strip(), funding=funding,
    )  # fmt: skip


# --- import of existing bases (agreements.excel reads and checks the rows) ----------------

IMPORT_DOCUMENT = "历史数据导入"


def base_import_rows(*, rows, by, source: str) -> dict[str, int]:
    """Existing bases from the office's spreadsheets, all or nothing.

    ``rows`` come from ``agreements.excel.read_rows`` (already checked). Each base is
    created as it would be by Art 7 and then moved only by its transitions: the plaque
    makes it active (Art 7(5)) with its Art 27 allocations planned where the regulation funds
    it (a school-level base plaqued once it was in force); an agreement already over
    then expires it. Returns counts for the success message.
    """
    _office(by)
    counts = dict.fromkeys(("bases", "partners_new", "partners_old", "active", "expired"), 0)
    with transaction.atomic():
        taken = set(
            Base.objects.filter(name__in={r.name for r in rows}).values_list("name", "college_id")
        )
        if any((r.name, r.college.pk) in taken for r in rows):
            raise BaseError("文件中的部分基地刚刚已被登记，请重新上传以查看详情。")
        partners = {}
        for row in rows:
            if row.credit_code not in partners:
                partners[row.credit_code], new = _import_partner(row)
                counts["partners_new" if new else "partners_old"] += 1
            base = _import_base(row, partners[row.credit_code], by=by, source=source)
            counts["bases"] += 1
            if base.state in (BaseState.ACTIVE, BaseState.EXPIRED):
                counts[base.state] += 1
    return counts


def _import_partner(row):
    from agreements.models import Partner

    defaults = {"name": row.partner_name} | ({"address": row.address} if row.address else {})
    return Partner.objects.update_or_create(credit_code=row.credit_code, defaults=defaults)


def _import_base(row, partner, *, by, source: str) -> Base:
    base = Base.objects.create(
        name=row.name, partner=partner, college=row.college, level=row.level,
        inspector=row.inspector,
    )  # fmt: skip
    record_transition(
        base, transition="import", transition_label="导入已有基地", source="", target=base.state,
        state_labels=BaseState, by=by, role=RoleCode.GRADUATE_OFFICE,
        comment=f"{IMPORT_DOCUMENT}：“{source}”第 {row.row} 行（级别：{base.get_level_display()}）",
    )  # fmt: skip
    # Historical agreements were signed on paper; the scan can be added later.
    Agreement.objects.create(
        base=base, signed_on=row.signed_on, starts_on=row.starts_on, ends_on=row.ends_on,
        recorded_by=by,
    )  # fmt: skip
    if row.level != BaseLevel.SCHOOL:  # Art 4, Art 8: the level's history starts here
        BaseLevelChange.objects.create(
            base=base, level=row.level, changed_on=row.plaque_date or row.signed_on,
            document_number=IMPORT_DOCUMENT, note=f"“{source}”第 {row.row} 行", recorded_by=by,
        )  # fmt: skip
    if row.plaque_date is None:
        return base
    base.plaque_date = row.plaque_date
    comment = f"挂牌日期 {row.plaque_date:%Y年%m月%d日}（{IMPORT_DOCUMENT}）"
    _transition(base, "award_plaque", by=by, comment=comment)
    allocations_create(base=base, by=by)  # Art 27: only if the regulation funds it
    if row.ends_on < timezone.localdate():
        comment = f"协议已于 {row.ends_on:%Y年%m月%d日} 到期，未续签（{IMPORT_DOCUMENT}）。"
        _transition(base, "expire", by=by, comment=comment)
    return base
