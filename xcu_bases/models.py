from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property

from xcu_bases import access
from xcu_bases.choices import EmailStatus, Gender, NotificationKind, RoleCode

phone_validator = RegexValidator(
    r"^[0-9+\-() ]{7,20}$", "请输入有效的电话号码（7–20 位数字，可含 +、-、括号和空格）。"
)


class College(models.Model):
    """二级培养单位: a graduate-training college; it owns bases (Art 4)."""

    code = models.CharField("单位代码", max_length=20, unique=True)
    name = models.CharField("单位名称", max_length=100, unique=True)

    class Meta:
        verbose_name = "二级培养单位"
        verbose_name_plural = "二级培养单位"
        ordering = ["code"]

    def __str__(self):
        return self.name


class Role(models.Model):
    code = models.CharField("角色代码", max_length=32, primary_key=True, choices=RoleCode.choices)

    class Meta:
        verbose_name = "角色"
        verbose_name_plural = "角色"
        ordering = ["code"]

    def __str__(self):
        return self.get_code_display()


class User(AbstractUser):
    """A person using the system. Chinese names are one field, not first/last."""

    first_name = None
    last_name = None
    name = models.CharField("姓名", max_length=50, blank=True)
    phone = models.CharField("联系电话", max_length=20, blank=True, validators=[phone_validator])
    college = models.ForeignKey(
        College,
        verbose_name="所属学院",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
    )
    roles = models.ManyToManyField(Role, verbose_name="角色", blank=True, related_name="users")

    objects = UserManager()

    REQUIRED_FIELDS = ["email"]

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"
        ordering = ["username"]

    def __str__(self):
        return self.name or self.username

    def get_full_name(self):
        return self.name or self.username

    def get_short_name(self):
        return self.name or self.username

    @cached_property
    def role_codes(self) -> frozenset[str]:
        if not self.pk:
            return frozenset()
        return frozenset(self.roles.values_list("code", flat=True))

    def has_role(self, *codes: str) -> bool:
        """True when the user holds any of ``codes``."""
        return not self.role_codes.isdisjoint(codes)

    @property
    def role_labels(self) -> list[str]:
        return [label for code, label in RoleCode.choices if code in self.role_codes]


class StudentProfileQuerySet(models.QuerySet):
    def visible_to(self, user):
        return access.student_profiles_visible_to(self, user)


class StudentProfile(models.Model):
    """A graduate student's record (Annex 2's student section)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="用户",
        on_delete=models.CASCADE,
        related_name="student_profile",
    )
    student_number = models.CharField("学号", max_length=20, unique=True)
    gender = models.CharField("性别", max_length=10, choices=Gender.choices)
    major = models.CharField("专业（领域）", max_length=100)
    research_direction = models.CharField("研究方向", max_length=100, blank=True)
    family_contact = models.CharField("家庭联系人", max_length=50, blank=True)
    family_phone = models.CharField(
        "家庭联系人电话", max_length=20, blank=True, validators=[phone_validator]
    )
    campus_supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="校内导师",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supervised_students",
    )
    # Art 21: a student may apply for practice only after the required coursework.
    # Set by the college or the graduate office through a service, never by the student.
    coursework_completed = models.BooleanField("已完成规定课程学习", default=False)
    coursework_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="课程学习确认人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    coursework_confirmed_at = models.DateTimeField("课程学习确认时间", null=True, blank=True)

    objects = StudentProfileQuerySet.as_manager()

    class Meta:
        verbose_name = "研究生信息"
        verbose_name_plural = "研究生信息"
        ordering = ["student_number"]

    def __str__(self):
        return f"{self.user}（{self.student_number}）"

    @property
    def missing_contact_fields(self) -> list[str]:
        """Labels of the contact items a student still has to fill in."""
        missing = []
        if not self.user.phone:
            missing.append("联系电话")
        if not self.user.email:
            missing.append("电子邮箱")
        if not self.family_contact:
            missing.append("家庭联系人")
        if not self.family_phone:
            missing.append("家庭联系人电话")
        return missing


class AppendOnly(Exception):
    """The transition log is evidence: rows are added, never changed or removed."""


class TransitionLogQuerySet(models.QuerySet):
    def for_object(self, obj):
        return self.filter(
            content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
            object_id=str(obj.pk),
        )

    def update(self, **kwargs):
        raise AppendOnly("办理记录不能修改。")

    def delete(self):
        raise AppendOnly("办理记录不能删除。")


class TransitionLog(models.Model):
    """One state change of any object: who, which role, from, to, why, when."""

    content_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, verbose_name="对象类型"
    )
    object_id = models.CharField("对象编号", max_length=64)
    target = GenericForeignKey("content_type", "object_id")
    transition = models.CharField("操作", max_length=64)
    transition_label = models.CharField("操作名称", max_length=100, blank=True)
    source_state = models.CharField("原状态", max_length=64, blank=True)
    target_state = models.CharField("新状态", max_length=64, blank=True)
    # Labels are frozen at the time of the change, so renaming a state later
    # does not rewrite history.
    source_label = models.CharField("原状态名称", max_length=100, blank=True)
    target_label = models.CharField("新状态名称", max_length=100, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    role = models.CharField("身份", max_length=32, choices=RoleCode.choices, blank=True)
    comment = models.TextField("意见", blank=True)
    at = models.DateTimeField("时间", default=timezone.now, db_index=True)

    objects = TransitionLogQuerySet.as_manager()

    class Meta:
        verbose_name = "状态变更记录"
        verbose_name_plural = "状态变更记录"
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["content_type", "object_id", "at"])]

    def __str__(self):
        return f"{self.transition}: {self.source_state} → {self.target_state}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnly("办理记录不能修改。")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnly("办理记录不能删除。")


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """Something a person should know: it is their turn, their form came back, a deadline.

    Reminders carry an ``occasion`` (e.g. ``agreement-ends:3m:12:2027-01-26``): one
    notification per person per occasion, so running the daily reminders twice sends nothing new.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications",
        verbose_name="接收人",
    )  # fmt: skip
    kind = models.CharField("类型", max_length=32, choices=NotificationKind.choices)
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    url = models.CharField("链接", max_length=500, blank=True)
    content_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    object_id = models.CharField(max_length=64, blank=True)
    target = GenericForeignKey("content_type", "object_id")
    occasion = models.CharField("提醒事由", max_length=200, blank=True)
    created_at = models.DateTimeField("时间", default=timezone.now, db_index=True)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)
    email_status = models.CharField(
        "邮件", max_length=10, choices=EmailStatus.choices, blank=True, default=EmailStatus.NONE
    )
    email_attempts = models.PositiveSmallIntegerField("发送次数", default=0)
    emailed_at = models.DateTimeField("邮件发送时间", null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = "通知"
        verbose_name_plural = "通知"
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "read_at"]),
            models.Index(fields=["email_status"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "occasion"],
                condition=~models.Q(occasion=""),
                name="one_reminder_per_occasion",
            )
        ]

    def __str__(self):
        return f"{self.recipient}：{self.title}"


class NotificationPreference(models.Model):
    """E-mail on or off for one kind of notification (no row: on). In-app always shows."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField("类型", max_length=32, choices=NotificationKind.choices)
    email = models.BooleanField("发送邮件", default=True)

    class Meta:
        verbose_name = "通知设置"
        verbose_name_plural = "通知设置"
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="one_preference_per_kind")
        ]

    def __str__(self):
        return f"{self.user} {self.get_kind_display()}：{'邮件' if self.email else '仅站内'}"


class LoginFailure(models.Model):
    """One failed password check, by client address: the per-address limit across accounts
    (``xcu_bases.throttle``). Rows older than the rule looks back are deleted as new ones come."""

    address = models.CharField("地址", max_length=45)
    at = models.DateTimeField("时间", db_index=True)

    class Meta:
        verbose_name = "登录失败（按地址）"
        verbose_name_plural = "登录失败（按地址）"
        indexes = [models.Index(fields=["address", "at"], name="loginfailure_address_at")]

    def __str__(self):
        return f"{self.address} {self.at:%Y-%m-%d %H:%M:%S}"
