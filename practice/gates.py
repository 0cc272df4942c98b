"""The gates before a student may go to a base. Each refusal says why, in Chinese,
with the article it comes from. Checked on submit and again when the office approves."""

from datetime import timedelta

from agreements.choices import BaseState
from practice.choices import BaseType, SupervisorState
from xcu_bases.text import count_chars

PURPOSE_MIN_CHARS = 50


def problems(req) -> list[str]:
    """Every reason ``req`` may not go ahead yet, in form order."""
    found = []
    found += _coursework(req)
    found += _period_and_base(req)
    found += _supervisor(req)
    found += _plan(req)
    found += _insurance(req)
    found += _pledge(req)
    return found


def _coursework(req) -> list[str]:
    """Art 21: only after the required coursework, as confirmed by the college or the office."""
    profile = getattr(req.student, "student_profile", None)
    if profile is None:
        return ["缺少研究生学籍信息，请联系学院研究生秘书。"]
    if profile.campus_supervisor_id is None:
        return ["尚未确定校内导师，请联系学院研究生秘书（第十八条）。"]
    if not (profile.coursework_completed and profile.coursework_confirmed_at):
        return [
            "学院或学科与研究生处尚未确认你已完成规定的课程学习，完成后方可申请专业实践（第二十一条）。"
        ]
    return []


def _period_and_base(req) -> list[str]:
    found = []
    if req.starts_on is None or req.ends_on is None:
        found.append("请填写实践起止日期。")
    elif req.ends_on < req.starts_on:
        found.append("实践结束日期不能早于开始日期。")
    if req.base_type == BaseType.OTHER and not req.other_base_name.strip():
        found.append("基地类型为“其他”时，请填写实践单位名称。")
    if req.base_type == BaseType.OFF_CAMPUS:
        if req.base is None:
            found.append("请选择实践基地。")
        elif req.base.state != BaseState.ACTIVE:
            found.append(
                f"所选基地当前状态为“{req.base.get_state_display()}”，只能选择运行中的基地。"
            )
        elif req.starts_on and req.ends_on and not _covered_by_agreement(req):
            found.append(
                "实践期间必须在基地协议有效期内（第七条第二项）；请调整实践日期或待协议续签后再申请。"
            )
    for name, label in (
        ("base_address", "基地地址"),
        ("base_contact", "基地负责人"),
        ("base_contact_phone", "基地负责人联系电话"),
        ("base_contact_email", "基地负责人邮箱"),  # Annex 2: 联系方式（电话、邮箱）
    ):
        if not getattr(req, name).strip():
            found.append(f"请填写{label}。")
    if req.base_postcode and not (req.base_postcode.isdigit() and len(req.base_postcode) == 6):
        found.append("邮政编码应为 6 位数字。")
    if count_chars(req.purpose) < PURPOSE_MIN_CHARS:
        found.append(
            f"实践目的和要求不少于 {PURPOSE_MIN_CHARS} 字，当前 {count_chars(req.purpose)} 字。"
        )
    return found


def _covered_by_agreement(req) -> bool:
    """The whole period lies within the base's agreements; a renewal that starts the
    day after the previous agreement ends continues the cover."""
    cursor = req.starts_on
    agreements = req.base.agreements.filter(ends_on__gte=req.starts_on, starts_on__lte=req.ends_on)
    for agreement in agreements.order_by("starts_on"):
        if agreement.starts_on > cursor:
            return False
        cursor = max(cursor, agreement.ends_on + timedelta(days=1))
        if cursor > req.ends_on:
            return True
    return False


def _supervisor(req) -> list[str]:
    """Art 18(2): a base supervisor certified by the university."""
    sup = req.base_supervisor
    if sup is None:
        return ["请选择基地导师（第十八条）。"]
    if req.base_id and sup.base_id != req.base_id:
        return ["所选基地导师不属于该基地。"]
    if sup.state == SupervisorState.REVOKED:
        return [f"基地导师{sup.name}的资格已被撤销，请另选经学校认定的基地导师（第十八条）。"]
    if sup.state != SupervisorState.CERTIFIED:
        return [f"基地导师{sup.name}尚未经学校认定，不能选择（第十八条）。"]
    if sup.valid_until and req.ends_on and sup.valid_until < req.ends_on:
        return [
            f"基地导师{sup.name}的认定有效期至 {sup.valid_until:%Y年%m月%d日}，不能覆盖整个实践期间（第十八条）。"
        ]
    return []


def _plan(req) -> list[str]:
    """Art 19: a practice and research plan before entering the base."""
    tasks = list(req.tasks.all())
    if not tasks:
        return ["请至少填写一项实践计划任务（第十九条）。"]
    found = []
    for i, task in enumerate(tasks, start=1):
        if not task.task.strip() or task.starts_on is None or task.ends_on is None:
            found.append(f"实践计划第 {i} 项：请填写任务内容和起止日期。")
        elif task.ends_on < task.starts_on:
            found.append(f"实践计划第 {i} 项：结束日期不能早于开始日期。")
        elif (
            req.starts_on
            and req.ends_on
            and not (req.starts_on <= task.starts_on and task.ends_on <= req.ends_on)
        ):
            found.append(f"实践计划第 {i} 项：任务时间应在实践期间内。")
    return found


def _insurance(req) -> list[str]:
    """Art 12(4), Art 22: personal accident insurance covering the whole period."""
    found = []
    if not (req.insurer.strip() and req.policy_number.strip()):
        found.append("请填写人身意外伤害保险的保险公司和保单号（第二十二条）。")
    if req.insured_from is None or req.insured_to is None:
        found.append("请填写保险起止日期（第二十二条）。")
    elif (
        req.starts_on
        and req.ends_on
        and not (req.insured_from <= req.starts_on and req.insured_to >= req.ends_on)
    ):
        found.append(
            f"保险期间（{req.insured_from:%Y年%m月%d日}至{req.insured_to:%Y年%m月%d日}）未覆盖整个实践期间"
            f"（{req.starts_on:%Y年%m月%d日}至{req.ends_on:%Y年%m月%d日}）（第十二条第四项、第二十二条）。"
        )
    if not req.insurance_scan:
        found.append("请上传保单扫描件（第二十二条）。")
    return found


def _pledge(req) -> list[str]:
    """Art 22: the safety pledge, signed."""
    found = []
    if not req.pledge_accepted:
        found.append("请阅读并勾选承诺书（第二十二条）。")
    name = req.student.get_full_name()
    if req.pledge_signature.strip() != name:
        found.append(f"承诺书签名须为本人姓名“{name}”。")
    if req.pledge_date is None:
        found.append("请填写承诺日期。")
    return found
