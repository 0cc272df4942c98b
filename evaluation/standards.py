"""The evaluation standard (Annex 4), versioned per year: created as a copy of the latest (or of
``annex4``), reworded and re-pointed by the office while a draft, checked before a round uses
it. The first-level blocks keep the regulation's points (A 15, B 30, C 15, D 35, E 5)."""

from decimal import Decimal

from django.db import transaction

from evaluation import annex4, grading
from evaluation.guards import clean_text as _text
from evaluation.guards import office_only as _office
from evaluation.models import Indicator, Standard
from xcu_bases.workflow import WorkflowError


def standard_create(*, year: int, by) -> Standard:
    """A new year's standard starts as a copy of the latest one (or of Annex 4)."""
    _office(by)
    with transaction.atomic():
        if Standard.objects.filter(year=year).exists():
            raise WorkflowError(f"{year} 年度的评价标准已存在。")
        previous = Standard.objects.filter(year__lt=year).order_by("-year").first()
        standard = Standard.objects.create(year=year, copied_from=previous)
        if previous:
            _copy_indicators(previous, standard)
        else:
            _annex4_indicators(standard)
        return standard


def _annex4_indicators(standard):
    position = 0
    for code, name, description, points, children in annex4.INDICATORS:
        position += 1
        parent = Indicator.objects.create(
            standard=standard, code=code, name=name, description=description,
            max_points=Decimal(points), position=position,
        )  # fmt: skip
        for child_code, child_name, child_description, child_points in children:
            position += 1
            Indicator.objects.create(
                standard=standard, parent=parent, code=child_code, name=child_name,
                description=child_description, max_points=Decimal(child_points), position=position,
            )  # fmt: skip


def _copy_indicators(source, standard):
    parents = {}
    for indicator in source.indicators.filter(parent__isnull=True):
        parents[indicator.pk] = Indicator.objects.create(
            standard=standard, code=indicator.code, name=indicator.name,
            description=indicator.description, max_points=indicator.max_points,
            position=indicator.position,
        )  # fmt: skip
    for indicator in source.indicators.filter(parent__isnull=False):
        Indicator.objects.create(
            standard=standard, parent=parents[indicator.parent_id], code=indicator.code,
            name=indicator.name, description=indicator.description,
            max_points=indicator.max_points, position=indicator.position,
        )  # fmt: skip


def standard_problems(standard) -> list[str]:
    """Annex 4: the first-level blocks keep the regulation's points (A 15, B 30, C 15, D 35,
    E 5) and each block's second-level indicators add up to it."""
    found = []
    indicators = list(standard.indicators.all())
    parents = [i for i in indicators if i.parent_id is None]
    for parent in parents:
        fixed = annex4.FIXED_TOTALS.get(parent.code)
        if fixed is None:
            found.append(f"一级指标 {parent.code} 不在附件4中（附件4规定 {annex4.FIXED_TEXT}）。")
        elif parent.max_points != fixed:
            found.append(
                f"一级指标 {parent.code} 分值为 {parent.max_points}，附件4规定为 {fixed} 分。"
            )
        children = [i for i in indicators if i.parent_id == parent.pk]
        if not children:
            found.append(f"一级指标 {parent.code} 没有二级指标。")
            continue
        total = sum((c.max_points for c in children), Decimal("0"))
        if total != parent.max_points:
            found.append(
                f"一级指标 {parent.code} 分值为 {parent.max_points}，其二级指标合计 {total}。"
            )
    total = sum((p.max_points for p in parents), Decimal("0"))
    if total != annex4.TOTAL:
        found.append(f"一级指标合计 {total} 分，应为 100 分。")
    return found


def _blocks_keep_their_totals(standard) -> None:
    """Annex 4: second-level points may move within a block, never out of it."""
    found = standard_problems(standard)
    if found:
        raise WorkflowError(
            f"附件4规定一级指标分值为 {annex4.FIXED_TEXT}，调整二级指标分值后各一级指标合计须"
            "保持不变；评价标准未保存。",
            found,
        )


def _indicator_apply(indicator, *, name: str, description: str, max_points: Decimal):
    """One row's new name, description and points, each checked (the totals are checked by
    the caller, once every row of the save is applied)."""
    if not name.strip():
        raise WorkflowError("请填写指标名称。")
    if max_points is None or max_points <= 0 or not grading.valid_points(max_points, annex4.TOTAL):
        raise WorkflowError("分值须为大于 0 的数，以 0.5 分为单位。")
    if indicator.parent_id is None and max_points != indicator.max_points:
        raise WorkflowError(
            f"一级指标分值由附件4规定（{annex4.FIXED_TEXT}），不能修改；"
            "可在本一级指标内调整二级指标的分值。"
        )
    indicator.name = _text(name, "指标名称", Indicator._meta.get_field("name").max_length)
    indicator.description = _text(description, "评价要点")
    indicator.max_points = max_points
    indicator.save(update_fields=["name", "description", "max_points"])


def _editable(standard) -> Standard:
    locked = Standard.objects.select_for_update().get(pk=standard.pk)
    if not locked.editable:
        raise WorkflowError("评价标准已启用，不能修改；请新建下一年度的标准。")
    return locked


def indicator_update(*, indicator, by, name: str, description: str, max_points: Decimal):
    """One indicator reworded (or re-pointed, if its block still adds up: Annex 4)."""
    _office(by)
    with transaction.atomic():
        standard = _editable(indicator.standard)
        _indicator_apply(indicator, name=name, description=description, max_points=max_points)
        _blocks_keep_their_totals(standard)
        return indicator


def standard_update(*, standard, by, rows: dict) -> Standard:
    """``rows``: indicator id → (name, description, points); all or nothing. Points move
    between the second-level indicators of a block; each block keeps its Annex 4 total."""
    _office(by)
    with transaction.atomic():
        locked = _editable(standard)
        for indicator in locked.indicators.all():
            if indicator.pk in rows:
                name, description, points = rows[indicator.pk]
                try:
                    _indicator_apply(
                        indicator, name=name, description=description, max_points=points
                    )
                except WorkflowError as error:
                    raise WorkflowError(f"{indicator.code}：{error.message}") from None
        _blocks_keep_their_totals(locked)
        return locked
