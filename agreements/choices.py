from django.db import models


class BaseLevel(models.TextChoices):
    """Art 4, Art 8: one level at a time; the history is kept."""

    SCHOOL = "school", "校级"
    PROVINCIAL = "provincial", "省级"
    NATIONAL = "national", "国家级"


class BaseState(models.TextChoices):
    PREPARING = "preparing", "待挂牌"  # agreement signed, plaque not yet awarded (Art 7(5))
    ACTIVE = "active", "运行中"
    EXPIRED = "expired", "协议到期"
    REVOKED = "revoked", "已撤销"


class GovernanceBody(models.TextChoices):
    COMMITTEE = "committee", "基地建设管理委员会（第九条）"
    WORKING_GROUP = "working_group", "基地工作小组（第十条）"


class GovernanceCapacity(models.TextChoices):
    """Whom a member represents: Art 9 names who sits on the management committee, Art 10 who
    leads the working group (the college head) and who is its deputy (a partner department head)."""

    SCHOOL_LEADER = "school_leader", "分管研究生教育校领导"
    PARTNER = "partner", "合作单位"
    PARTNER_DEPT_HEAD = "partner_dept_head", "合作单位部门负责人"
    GRADUATE_OFFICE = "graduate_office", "学科与研究生处"
    COLLEGE_HEAD = "college_head", "学院负责人"
    COLLEGE_STAFF = "college_staff", "学院工作人员"
    OTHER = "other", "其他"


class GovernanceRole(models.TextChoices):
    LEADER = "leader", "组长"
    DEPUTY = "deputy", "副组长"
    MEMBER = "member", "成员"


class MeetingKind(models.TextChoices):
    EXCHANGE = "exchange", "交流会"
    SEMINAR = "seminar", "研讨会"


class FundingKind(models.TextChoices):
    ALLOCATION = "allocation", "学校拨款"
    SPENDING = "spending", "经费支出"


class AllocationState(models.TextChoices):
    """Art 27: a yearly allocation is planned at establishment and paid when the office records
    its payment date and document number. Spending rows have no state ("")."""

    PLANNED = "planned", "计划拨付"
    PAID = "paid", "已拨付"


class ProjectLevel(models.TextChoices):
    """Art 28: city level or higher, or contract projects, are encouraged."""

    NATIONAL = "national", "国家级"
    PROVINCIAL = "provincial", "省部级"
    CITY = "city", "市厅级"
    CONTRACT = "contract", "横向"
    OTHER = "other", "其他"


class RenewalState(models.TextChoices):
    """A renewal (续签) is a new agreement and is reviewed as one (Art 7(2)–(4))."""

    DRAFT = "draft", "草稿"
    COLLEGE_REVIEW = "college_review", "学院审核"
    OFFICE_REVIEW = "office_review", "学科与研究生处审核"
    LEGAL_REVIEW = "legal_review", "法治与督办科审核"
    MEETING = "meeting", "校长办公会审定"
    APPROVED = "approved", "已批准续签"
    SIGNED = "signed", "已签订续签协议"
    REJECTED = "rejected", "未获批准"


RENEWAL_REVIEW_STATES = (
    RenewalState.COLLEGE_REVIEW,
    RenewalState.OFFICE_REVIEW,
    RenewalState.LEGAL_REVIEW,
    RenewalState.MEETING,
)
# The secretary may take a renewal back until the president's meeting (as Annex 1).
RENEWAL_WITHDRAWABLE_STATES = RENEWAL_REVIEW_STATES[:3]
RENEWAL_OPEN_STATES = (RenewalState.DRAFT, *RENEWAL_REVIEW_STATES, RenewalState.APPROVED)
