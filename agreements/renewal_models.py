"""续签: a renewal is a new agreement for an existing base and is reviewed as one (Art 7).

The college files it, its head approves, the graduate office reviews it and decides whether the
agreement deviates from the model agreement, the legal office reviews a deviating one, the
president's meeting approves it (or the office records the document that authorises the renewal
without it), and the office records the signed agreement, which becomes the base's new
``Agreement``. One state machine; services in ``agreements/renewals.py`` move it.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django_fsm import RETURN_VALUE, ConcurrentTransitionMixin, FSMField, transition

from agreements import renewal_rules as rules
from agreements.choices import (
    RENEWAL_OPEN_STATES,
    RENEWAL_REVIEW_STATES,
    RENEWAL_WITHDRAWABLE_STATES,
)
from agreements.choices import RenewalState as S
from xcu_bases import access
from xcu_bases.choices import RoleCode
from xcu_bases.uploads import GeneratedName


class RenewalQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Office: all; college staff: their college's bases; legal office: those sent to it."""
        if not user.is_authenticated:
            return self.none()
        if access.is_office(user):
            return self
        condition = Q(pk__in=[])
        if access.is_college_staff(user):
            condition |= Q(base__college_id=user.college_id)
        if user.has_role(RoleCode.LEGAL_OFFICE):
            condition |= Q(sent_to_legal=True)
        return self.filter(condition)

    def open(self):
        return self.filter(state__in=RENEWAL_OPEN_STATES)


class Renewal(ConcurrentTransitionMixin, models.Model):
    """One renewal of one base's agreement, from the college's filing to the signed agreement."""

    base = models.ForeignKey(
        "agreements.Base", on_delete=models.PROTECT, related_name="renewals", verbose_name="基地"
    )
    state = FSMField("状态", choices=S.choices, default=S.DRAFT, protected=True)
    # What the college files.
    starts_on = models.DateField("续签协议开始日期")
    ends_on = models.DateField("续签协议结束日期")
    summary = models.TextField("主要变更内容", help_text="与现协议相比的主要变化，简要列出。")
    document = models.FileField(
        "续签协议书草案", upload_to=GeneratedName("renewal-drafts"), blank=True
    )
    document_name = models.CharField("原文件名", max_length=200, blank=True)
    deviates_from_template = models.BooleanField(
        "学院申报：与模板内容不一致",
        default=False,
        help_text="与学科与研究生处现行协议书模板内容不一致的，须经法治与督办科审核（第七条第三项）。",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="填报人"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("最后保存", auto_now=True)
    # Set by services, never by a form.
    round = models.PositiveSmallIntegerField("提交轮次", default=0)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    template = models.ForeignKey(
        "agreements.AgreementTemplate", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name="依据的模板版本",
    )  # fmt: skip
    office_deviates = models.BooleanField(
        "学科与研究生处认定与模板内容不一致", null=True, blank=True
    )
    deviation_reason = models.TextField("认定理由", blank=True)
    sent_to_legal = models.BooleanField("已送法治与督办科", default=False)
    meeting_date = models.DateField("校长办公会日期", null=True, blank=True)
    meeting_session = models.CharField("会议届次", max_length=100, blank=True)
    meeting_notes = models.TextField("会议纪要摘要", blank=True)
    authorisation_number = models.CharField("授权文件号", max_length=100, blank=True)
    authorised_on = models.DateField("授权文件日期", null=True, blank=True)
    agreement = models.OneToOneField(
        "agreements.Agreement", on_delete=models.PROTECT, null=True, blank=True,
        related_name="renewal", verbose_name="签订的续签协议",
    )  # fmt: skip

    objects = RenewalQuerySet.as_manager()

    class Meta:
        verbose_name = "协议续签"
        verbose_name_plural = "协议续签"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_on__lt=F("ends_on")), name="renewal_starts_before_it_ends"
            ),
            # One renewal under way per base at a time.
            models.UniqueConstraint(
                fields=["base"],
                condition=Q(state__in=list(RENEWAL_OPEN_STATES)),
                name="one_open_renewal_per_base",
            ),
            models.CheckConstraint(
                condition=~Q(state=S.SIGNED) | Q(agreement__isnull=False),
                name="signed_renewal_has_its_agreement",
            ),
        ]

    def __str__(self):
        return f"{self.base} 续签（{self.starts_on:%Y-%m-%d} 至 {self.ends_on:%Y-%m-%d}）"

    @property
    def deviates(self) -> bool:
        """Art 7(3): the office's decision once made, until then the college's declaration."""
        if self.office_deviates is None:
            return self.deviates_from_template
        return self.office_deviates

    @property
    def is_open(self) -> bool:
        return self.state in RENEWAL_OPEN_STATES

    # --- the chain: no side effects here; services save and log -------------------------

    @transition(field=state, source=S.DRAFT, target=S.COLLEGE_REVIEW,
                permission=rules.is_own_secretary, conditions=[rules.is_complete])  # fmt: skip
    def submit(self):
        pass

    @transition(field=state, source=RENEWAL_WITHDRAWABLE_STATES, target=S.DRAFT,
                permission=rules.is_own_secretary)  # fmt: skip
    def withdraw(self):
        pass

    @transition(field=state, source=S.COLLEGE_REVIEW, target=S.OFFICE_REVIEW,
                permission=rules.is_own_head)  # fmt: skip
    def college_approve(self):
        pass

    # Art 7(3): the office's decision, not the college's declaration, sends it to the legal office.
    @transition(field=state, source=S.OFFICE_REVIEW,
                target=RETURN_VALUE(S.LEGAL_REVIEW, S.MEETING, S.APPROVED),
                permission=rules.is_office, conditions=[rules.deviation_decided])  # fmt: skip
    def office_approve(self):
        return S.LEGAL_REVIEW if self.office_deviates else rules.after_review(self)

    @transition(field=state, source=S.LEGAL_REVIEW, target=RETURN_VALUE(S.MEETING, S.APPROVED),
                permission=rules.is_legal)  # fmt: skip
    def legal_approve(self):
        return rules.after_review(self)

    # Art 7(4): the president's meeting approves …
    @transition(field=state, source=S.MEETING, target=S.APPROVED,
                permission=rules.is_office, conditions=[rules.meeting_recorded])  # fmt: skip
    def meeting_approve(self):
        pass

    # … or the office records the document that authorises the renewal without it.
    @transition(field=state, source=S.MEETING, target=S.APPROVED,
                permission=rules.is_office, conditions=[rules.has_authorising_document])  # fmt: skip
    def authorise(self):
        pass

    @transition(field=state, source=S.APPROVED, target=S.SIGNED,
                permission=rules.is_office, conditions=[rules.has_signed_agreement])  # fmt: skip
    def sign(self):
        pass

    @transition(field=state, source=RENEWAL_REVIEW_STATES, target=S.DRAFT,
                permission=rules.is_current_reviewer)  # fmt: skip
    def return_to_draft(self):
        pass

    @transition(field=state, source=RENEWAL_REVIEW_STATES, target=S.REJECTED,
                permission=rules.is_current_reviewer)  # fmt: skip
    def reject(self):
        pass
