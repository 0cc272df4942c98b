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
