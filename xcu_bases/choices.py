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
