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
    COLLEGE_REVIEW = "college_review", "学院审核"
    OFFICE_REVIEW = "office_review", "学科与研究生处审核"
    APPROVED = "approved", "实践中"
    COMPLETED = "completed", "已完成"
    REJECTED = "rejected", "未通过"


REQUEST_REVIEW_STATES = (
    RequestState.SUPERVISOR_REVIEW,
    RequestState.COLLEGE_REVIEW,
    RequestState.OFFICE_REVIEW,
)


class BaseType(models.TextChoices):
    OFF_CAMPUS = "off_campus", "校外联合培养基地"
    OTHER = "other", "其他"


class Title(models.TextChoices):
    SENIOR = "senior", "正高级"
    ASSOCIATE = "associate", "副高级"
    INTERMEDIATE = "intermediate", "中级"
