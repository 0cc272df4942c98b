"""Reads for the practice record (an approved or completed request): contacts, allowances,
thesis, Annex 3 and clearances, with what the user may do. Templates only branch on flags."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, Sum

from practice import assessment_checks, contacts, ending, record_services, rules
from practice.choices import RequestState as S
from practice.models import PracticeAssessment, PracticeRequest


@dataclass(frozen=True)
class Record:
    contact_record: contacts.Record | None
    contacts: list
    allowances: list
    allowance_total: Decimal
    assessment: PracticeAssessment | None
    clearances: list
    can_record_contact: bool
    can_record_allowance: bool
    can_upload_thesis: bool
    can_start_assessment: bool
    can_ask_clearance: bool
    can_end_early: bool
    annex3_due: date | None
    annex3_rule: str  # the school rule behind the due date (not Art 24)
    annex3_waits: str | None  # Art 24: why Annex 3 cannot be filled in yet
    archive_gaps: list[str]  # Art 24, 25: what archiving Annex 3 still needs


def annex3_due(req: PracticeRequest) -> date | None:
    return ending.annex3_due(req)


def record_for(req: PracticeRequest, user, *, today: date) -> Record | None:
    """None before the request is approved: there is no practice to record yet."""
    if req.state not in (S.APPROVED, S.COMPLETED):
        return None
    contact_rows = list(req.contacts.select_related("recorded_by"))
    allowances = list(req.allowances.select_related("recorded_by"))
    assessment = PracticeAssessment.objects.filter(request=req).first()
    clearances = list(req.clearances.all())
    in_practice = req.state == S.APPROVED
    waits = ending.annex3_too_early(req, today) if in_practice else None
    talks = [(c.on, c.mode) for c in contact_rows]
    return Record(
        contact_record=contacts.evaluate(req.starts_on, req.effective_ends_on, talks, today=today),
        contacts=contact_rows,
        allowances=allowances,
        allowance_total=sum((a.amount for a in allowances), Decimal("0")),
        assessment=assessment,
        clearances=clearances,
        can_record_contact=in_practice and rules.is_either_supervisor(req, user),
        can_record_allowance=record_services.may_record_allowance(req, user),
        can_upload_thesis=in_practice and rules.is_the_student(req, user),
        can_start_assessment=in_practice
        and waits is None
        and assessment is None
        and rules.is_the_student(req, user),
        can_ask_clearance=rules.is_the_student(req, user),
        can_end_early=ending.may_end_early(req, user),
        annex3_due=annex3_due(req),
        annex3_rule=ending.annex3_rule(),
        annex3_waits=waits,
        archive_gaps=assessment_checks.archive_problems(req) if in_practice else [],
    )


def students_at(base) -> list[PracticeRequest]:
    """Art 23 per base: every student who practised here, with allowance months and total."""
    return list(
        PracticeRequest.objects.filter(base=base, state__in=[S.APPROVED, S.COMPLETED])
        .select_related("student")
        .annotate(allowance_total=Sum("allowances__amount"), allowance_months=Count("allowances"))
        .order_by("-starts_on", "pk")
    )
