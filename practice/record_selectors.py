"""Reads for the practice record (an approved or completed request): contacts, allowances,
thesis, Annex 3 and clearances, with what the user may do. Templates only branch on flags."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, Sum

from practice import contacts, record_services, rules
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
    annex3_due: date | None


ANNEX3_DUE_DAYS = 30  # Annex 3 is due within 30 days of the end of the practice


def annex3_due(req: PracticeRequest) -> date | None:
    return req.ends_on + timedelta(days=ANNEX3_DUE_DAYS) if req.ends_on else None


def record_for(req: PracticeRequest, user, *, today: date) -> Record | None:
    """None before the request is approved: there is no practice to record yet."""
    if req.state not in (S.APPROVED, S.COMPLETED):
        return None
    contact_rows = list(req.contacts.select_related("recorded_by"))
    allowances = list(req.allowances.select_related("recorded_by"))
    assessment = PracticeAssessment.objects.filter(request=req).first()
    in_practice = req.state == S.APPROVED
    return Record(
        contact_record=contacts.evaluate(
            req.starts_on, req.ends_on, [(c.on, c.mode) for c in contact_rows], today=today
        ),
        contacts=contact_rows,
        allowances=allowances,
        allowance_total=sum((a.amount for a in allowances), Decimal("0")),
        assessment=assessment,
        clearances=list(req.clearances.all()),
        can_record_contact=in_practice and rules.is_either_supervisor(req, user),
        can_record_allowance=record_services.may_record_allowance(req, user),
        can_upload_thesis=in_practice and rules.is_the_student(req, user),
        can_start_assessment=in_practice
        and assessment is None
        and rules.is_the_student(req, user),
        can_ask_clearance=rules.is_the_student(req, user),
        annex3_due=annex3_due(req),
    )


def students_at(base) -> list[PracticeRequest]:
    """Art 23 per base: every student who practised here, with allowance months and total."""
    return list(
        PracticeRequest.objects.filter(base=base, state__in=[S.APPROVED, S.COMPLETED])
        .select_related("student")
        .annotate(allowance_total=Sum("allowances__amount"), allowance_months=Count("allowances"))
        .order_by("-starts_on", "pk")
    )
