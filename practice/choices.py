from django.db import models


class SupervisorState(models.TextChoices):
    """Art 18(2): the partner nominates, the university certifies."""

    NOMINATED = "nominated", "待认定"
    CERTIFIED = "certified", "已认定"
    REVOKED = "revoked", "已撤销"


class RequestState(models.TextChoices):
    """Annex 2 (专业实践申请表) and its approvals."""

    DRAFT = "draft", "草稿"
    SUPERVISOR_REVIEW = "supervisor_review", "校内导师审核"
    PLAN_REVIEW = "plan_review", "基地导师确认计划"
    COLLEGE_REVIEW = "college_review", "学院审核"
    OFFICE_REVIEW = "office_review", "学科与研究生处审核"
    APPROVED = "approved", "实践中"
    COMPLETED = "completed", "已完成"
    REJECTED = "rejected", "未通过"


REQUEST_REVIEW_STATES = (
    RequestState.SUPERVISOR_REVIEW,
    RequestState.PLAN_REVIEW,
    RequestState.COLLEGE_REVIEW,
    RequestState.OFFICE_REVIEW,
)
# Art 19: the base supervisor confirms the plan or sends it back; refusing the request is not
# theirs — the campus supervisor, the college head and the office may.
REQUEST_REJECT_STATES = (
    RequestState.SUPERVISOR_REVIEW,
    RequestState.COLLEGE_REVIEW,
    RequestState.OFFICE_REVIEW,
)
# Art 18: submitted and not finished — a base supervisor who leaves may be replaced.
REQUEST_RUNNING_STATES = (*REQUEST_REVIEW_STATES, RequestState.APPROVED)


class BaseType(models.TextChoices):
    OFF_CAMPUS = "off_campus", "校外联合培养基地"
    OTHER = "other", "其他"


class Title(models.TextChoices):
    SENIOR = "senior", "正高级"
    ASSOCIATE = "associate", "副高级"
    INTERMEDIATE = "intermediate", "中级"


class ContactMode(models.TextChoices):
    """Art 20: how the two supervisors talked."""

    FACE_TO_FACE = "face_to_face", "面对面"
    PHONE = "phone", "电话"
    ONLINE = "online", "线上（视频、微信等）"


class AssessmentState(models.TextChoices):
    """Annex 3 (专业实践考核登记表) and its reviews."""

    DRAFT = "draft", "草稿"
    BASE_SUPERVISOR_REVIEW = "base_supervisor_review", "基地导师审核"
    CAMPUS_SUPERVISOR_REVIEW = "campus_supervisor_review", "校内导师审核"
    COLLEGE_REVIEW = "college_review", "学院审核"
    OFFICE_REVIEW = "office_review", "学科与研究生处审核"
    ARCHIVED = "archived", "已归档"


ASSESSMENT_REVIEW_STATES = (
    AssessmentState.BASE_SUPERVISOR_REVIEW,
    AssessmentState.CAMPUS_SUPERVISOR_REVIEW,
    AssessmentState.COLLEGE_REVIEW,
    AssessmentState.OFFICE_REVIEW,
)


class PracticeGrade(models.TextChoices):
    """The base supervisor's grade of the practice."""

    EXCELLENT = "excellent", "优秀"
    GOOD = "good", "良好"
    PASS = "pass", "合格"
    FAIL = "fail", "不合格"


class TaskStatus(models.TextChoices):
    DONE = "done", "已完成"
    PARTIAL = "partial", "部分完成"
    NOT_DONE = "not_done", "未完成"


class ClearanceUse(models.TextChoices):
    """Art 25: what the student wants to use base results for."""

    CONFERENCE = "conference", "参加学术交流"
    PAPER = "paper", "发表文章"
    THESIS = "thesis", "撰写学位论文"


class ClearanceState(models.TextChoices):
    PENDING = "pending", "待基地确认"
    OPEN = "open", "不涉密，可以使用"
    CONFIDENTIAL = "confidential", "涉密"
