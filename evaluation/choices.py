from django.db import models


class StandardState(models.TextChoices):
    """Annex 4 per year: the office edits a draft; a standard in use is frozen."""

    DRAFT = "draft", "草稿"
    IN_USE = "in_use", "已启用"


class RoundKind(models.TextChoices):
    """Art 29: one check a year, one assessment when the agreement ends."""

    YEARLY = "yearly", "年度对标"
    TERM = "term", "期满考核"


class RoundState(models.TextChoices):
    OPEN = "open", "进行中"
    CLOSED = "closed", "已结束"


class EvaluationState(models.TextChoices):
    SELF_ASSESSMENT = "self_assessment", "学院自评"
    SCORING = "scoring", "专家评分"
    FINALISED = "finalised", "已定级"


class Grade(models.TextChoices):
    """Art 29: ≥ 85 优秀, 60–84.9 合格, < 60 不合格."""

    EXCELLENT = "excellent", "优秀"
    QUALIFIED = "qualified", "合格"
    UNQUALIFIED = "unqualified", "不合格"


class DecisionState(models.TextChoices):
    """Art 29: an Unqualified term assessment proposes the revocation; the office decides."""

    PENDING = "pending", "待学科与研究生处决定"
    CONFIRMED = "confirmed", "已确认撤销"
    DECLINED = "declined", "不予撤销"
