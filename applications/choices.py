from django.db import models


class ApplicationState(models.TextChoices):
    """The Art 7 procedure, in order."""

    DRAFT = "draft", "草稿"
    COLLEGE_REVIEW = "college_review", "学院审核"
    OFFICE_REVIEW = "office_review", "论证考察"
    LEGAL_REVIEW = "legal_review", "法治与督办科审核"
    MEETING = "meeting", "校长办公会审定"
    APPROVED = "approved", "已批准建设"
    SIGNED = "signed", "已签订协议"
    ESTABLISHED = "established", "已挂牌"
    REJECTED = "rejected", "未获批准"


REVIEW_STATES = (
    ApplicationState.COLLEGE_REVIEW,
    ApplicationState.OFFICE_REVIEW,
    ApplicationState.LEGAL_REVIEW,
    ApplicationState.MEETING,
)
# Art 7: the secretary may take an application back until the president's meeting.
WITHDRAWABLE_STATES = (
    ApplicationState.COLLEGE_REVIEW,
    ApplicationState.OFFICE_REVIEW,
    ApplicationState.LEGAL_REVIEW,
)


class Recommendation(models.TextChoices):
    APPROVE = "approve", "建议批准建设"
    REVISE = "revise", "修改完善后建设"
    DECLINE = "decline", "不建议建设"


class MeetingDecision(models.TextChoices):
    APPROVE = "approve", "审定批准建设"
    REJECT = "reject", "不予批准"


class Art6Priority(models.TextChoices):
    """Art 6 (一)–(三), the partner's conditions for being considered first, in short:
    the badge, the list filter and the export say which ones an application claims."""

    STATION = "station", "院士/博士后工作站"
    PLATFORM = "platform", "省级以上平台"
    PARTNERSHIP = "partnership", "长期合作关系"

    @property
    def field(self) -> str:
        """The BaseApplication flag: art6_station, art6_platform, art6_partnership."""
        return f"art6_{self.value}"
