from django.db import models


class RoleCode(models.TextChoices):
    """The roles of DESIGN.md. A user may hold several."""

    GRADUATE_OFFICE = "graduate_office", "学科与研究生处"
    COLLEGE_SECRETARY = "college_secretary", "学院研究生秘书"
    COLLEGE_HEAD = "college_head", "学院负责人"
    LEGAL_OFFICE = "legal_office", "法治与督办科"
    EXPERT = "expert", "评审专家"
    STUDENT = "student", "研究生"
    CAMPUS_SUPERVISOR = "campus_supervisor", "校内导师"
    BASE_SUPERVISOR = "base_supervisor", "基地导师"


# Roles that act for a college and therefore need user.college set.
COLLEGE_STAFF_ROLES = (RoleCode.COLLEGE_SECRETARY, RoleCode.COLLEGE_HEAD)


class Gender(models.TextChoices):
    MALE = "male", "男"
    FEMALE = "female", "女"


class NotificationKind(models.TextChoices):
    """What a notification is about; each user turns e-mail on or off per kind."""

    TASK = "task", "待办：轮到我处理"
    RETURNED = "returned", "被退回修改"
    REJECTED = "rejected", "未获批准"
    RESULT = "result", "办理结果与进展"
    REMINDER_AGREEMENT = "reminder_agreement", "协议到期提醒"
    REMINDER_CONTACT = "reminder_contact", "双导师沟通提醒"
    REMINDER_ANNEX3 = "reminder_annex3", "考核登记表（附件3）提醒"
    REMINDER_YEARLY = "reminder_yearly", "年度对标提醒"
    REMINDER_SCORING = "reminder_scoring", "专家评分截止提醒"


class EmailStatus(models.TextChoices):
    NONE = "", "不发送"
    PENDING = "pending", "待发送"
    SENDING = "sending", "发送中"
    SENT = "sent", "已发送"
    FAILED = "failed", "发送失败"
