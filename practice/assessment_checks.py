"""What Annex 3 needs before the student may submit it (Art 24) and before the office may
archive it (Art 24, 25), each reason in Chinese."""

from datetime import date

from django.utils import timezone

from practice import ending
from practice.choices import ClearanceState, ClearanceUse
from xcu_bases.text import count_chars

REPORT_MIN_CHARS = 5000  # Annex 3: 总结报告要求不少于 5000 字 (whitespace not counted)
PLAN_COMPLETION_MIN_CHARS = 20


def problems(assessment, *, today: date | None = None) -> list[str]:
    """Every reason ``assessment`` may not be submitted yet: the practice not over yet (Art 24),
    then the form, in form order."""
    today = today or timezone.localdate()
    too_early = ending.annex3_too_early(assessment.request, today)
    found = [too_early] if too_early else []
    completions = list(assessment.completions.all())
    if not completions:
        found.append("专业实践申请表中没有实践计划任务，无法对照填写完成情况，请联系学院。")
    missing = [c for c in completions if not c.status]
    if missing:
        found.append(f"实践计划中有 {len(missing)} 项任务尚未选择完成情况。")
    if count_chars(assessment.plan_completion) < PLAN_COMPLETION_MIN_CHARS:
        found.append(f"请概述实践计划完成情况（不少于 {PLAN_COMPLETION_MIN_CHARS} 字）。")
    written = count_chars(assessment.report)
    if written < REPORT_MIN_CHARS:
        found.append(
            f"实践总结报告不少于 {REPORT_MIN_CHARS} 字（不计空白），目前 {written} 字，"
            f"还差 {REPORT_MIN_CHARS - written} 字。"
        )
    student = assessment.request.student
    if not assessment.signature.strip():
        found.append("请在“研究生签名”处输入本人姓名。")
    elif assessment.signature.strip() != student.name:
        found.append(f"研究生签名须与本人姓名“{student.name}”一致。")
    if assessment.signed_on is None:
        found.append("请填写签名日期。")
    return found


def clearance_problems(req) -> list[str]:
    """Art 25: before the practice is archived, the base has answered the confidentiality
    clearance (涉密性确认) of the thesis — every thesis clearance answered by the base supervisor,
    none pending — and every result it found confidential (for any use: the project is
    confidential) has the confidentiality agreement (保密协议) scan on file."""
    clearances = list(req.clearances.all())
    thesis = [c for c in clearances if c.use == ClearanceUse.THESIS]
    found = []
    if not thesis:
        found.append(
            "尚未申请学位论文涉密性确认：运用在基地期间的研究内容及成果撰写学位论文，"
            "须经基地确认其涉密性（第二十五条），基地答复后方可归档。"
        )
    pending = [c for c in thesis if c.state == ClearanceState.PENDING]
    if pending:
        titles = "、".join(f"《{c.title}》" for c in pending)
        found.append(f"学位论文涉密性确认{titles}尚待基地导师答复（第二十五条），答复后方可归档。")
    for c in clearances:
        if c.state == ClearanceState.CONFIDENTIAL and not c.agreement_scan:
            found.append(
                f"《{c.title}》经基地确认涉密，须上传保密协议扫描件（第二十五条）后方可归档。"
            )
    return found


def archive_problems(req) -> list[str]:
    """Every reason the office may not archive the Annex 3 of ``req`` yet (Art 24, 25)."""
    found = [] if req.thesis else ["学位论文尚未上传（第二十四条），上传后方可归档。"]
    return found + clearance_problems(req)
