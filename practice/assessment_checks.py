"""What Annex 3 needs before the student may submit it, each reason in Chinese (Art 24)."""

from xcu_bases.text import count_chars

REPORT_MIN_CHARS = 5000  # Annex 3: 总结报告要求不少于 5000 字 (whitespace not counted)
PLAN_COMPLETION_MIN_CHARS = 20


def problems(assessment) -> list[str]:
    """Every reason ``assessment`` may not be submitted yet, in form order."""
    found = []
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
