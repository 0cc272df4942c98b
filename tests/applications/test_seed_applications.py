"""The demo applications of ``manage.py seed_demo``: every state of the Art 7 chain."""

import os
from datetime import timedelta

import pypdf
import pytest
from django.core.management import call_command
from django.utils import timezone

from agreements.choices import BaseState
from agreements.models import Partner
from applications import completeness, selectors
from applications.choices import ApplicationState as S
from applications.demo import APPLICATIONS, add_years, demo_pdf, seed_applications
from applications.models import BaseApplication
from tests.xcu_bases.test_seed import snapshot
from xcu_bases.models import TransitionLog
from xcu_bases.uploads import DOCUMENT_KINDS, EVIDENCE_KINDS, PDF, check_upload


def _seed():
    with open(os.devnull, "w") as devnull:
        call_command("seed_demo", stdout=devnull)


@pytest.fixture
def apps(db):
    _seed()
    return list(BaseApplication.objects.select_related("college").order_by("pk"))


def _log(app):
    return list(TransitionLog.objects.for_object(app))


def test_every_state_occurs(apps):
    assert {a.state for a in apps} >= set(S.values)
    assert len(apps) == len(APPLICATIONS)


def test_both_colleges_have_applications(apps):
    codes = {a.college.code for a in apps}
    assert {"01", "02"} <= codes
    for code in ("01", "02"):
        states = {a.state for a in apps if a.college.code == code}
        assert S.DRAFT in states and S.ESTABLISHED in states, code


def test_submitted_applications_are_frozen_and_complete(apps):
    for app in apps:
        if app.state == S.DRAFT and app.round == 0:
            continue
        assert app.snapshots.filter(round=app.round).exists(), app
        assert completeness.problems(app) == [], app
        assert app.partner is not None and app.submitted_at is not None
        submits = [log for log in _log(app) if log.transition == "submit"]
        assert len(submits) == app.round
        assert all(log.by.has_role("college_secretary") for log in submits)


def test_fresh_drafts_are_incomplete(apps):
    fresh = [a for a in apps if a.state == S.DRAFT and a.round == 0]
    assert {a.college.code for a in fresh} == {"01", "02"}
    for app in fresh:
        assert app.base_name and completeness.problems(app)
        assert not app.snapshots.exists() and not _log(app)


def test_a_returned_draft_shows_the_return_comment(apps):
    returned = [a for a in apps if a.state == S.DRAFT and a.round > 0]
    assert returned
    last = _log(returned[0])[-1]
    assert last.transition == "return_to_draft" and last.target_state == S.DRAFT
    assert "知识产权" in last.comment


def test_a_resubmitted_application_keeps_its_history(apps):
    resubmitted = [a for a in apps if a.round == 2]
    assert resubmitted
    app = resubmitted[0]
    assert app.snapshots.count() == 2
    assert [log.transition for log in _log(app)][:3] == ["submit", "return_to_draft", "submit"]


def test_office_review_has_experts_an_opinion_and_the_inspection(apps):
    app = next(a for a in apps if a.state == S.OFFICE_REVIEW)
    reviews = list(app.expert_reviews.filter(round=app.round))
    assert len(reviews) == 2
    assert sum(r.submitted_at is not None for r in reviews) == 1
    inspection = app.site_inspection
    assert inspection.safety_qualification_checked and inspection.emergency_plan_checked
    assert inspection.inspected_on <= timezone.localdate()


def test_art7_legal_review_only_for_agreements_the_office_found_deviating(apps):
    for app in apps:
        if app.state == S.LEGAL_REVIEW:
            assert app.sent_to_legal and app.agreement_draft.office_deviates is True
        if app.sent_to_legal:
            assert "legal_review" in {log.target_state for log in _log(app)}
        else:
            assert "legal_review" not in {log.target_state for log in _log(app)}


def test_meeting_and_approved(apps):
    today = timezone.localdate()
    waiting = next(a for a in apps if a.state == S.MEETING)
    assert not hasattr(waiting, "meeting_record")
    for app in apps:
        if app.state in (S.APPROVED, S.SIGNED, S.ESTABLISHED):
            assert app.meeting_record.decision == "approve"
            assert today - timedelta(days=365) < app.meeting_record.meeting_date <= today
            assert app.site_inspection.inspected_on < app.meeting_record.meeting_date


def test_signed_and_established_have_a_base_and_a_five_year_agreement(apps):
    today = timezone.localdate()
    for app in apps:
        if app.state not in (S.SIGNED, S.ESTABLISHED):
            assert not hasattr(app, "base") or app.base is None
            continue
        base, agreement = app.base, app.signed_agreement
        assert base.agreements.get() == agreement
        assert base.partner == app.partner and base.college == app.college
        assert app.meeting_record.meeting_date < agreement.signed_on <= today
        assert agreement.ends_on == add_years(agreement.starts_on, 5) - timedelta(days=1)
        assert agreement.in_force_on(today)
        if app.state == S.ESTABLISHED:
            assert base.state == BaseState.ACTIVE
            assert agreement.signed_on <= base.plaque_date <= today
        else:
            assert base.state == BaseState.PREPARING and base.plaque_date is None


def test_established_bases_in_both_colleges(apps):
    established = [a for a in apps if a.state == S.ESTABLISHED]
    assert {a.college.code for a in established} == {"01", "02"}


def test_demo_shows_the_partner_opinion_the_contact_row_and_art6(apps):
    """Annex 1 V's partner opinion prints on an established application, frozen with it; II's
    contact row is filled; Art 6 conditions are claimed by some and not by all."""
    with_opinion = [a for a in apps if a.state == S.ESTABLISHED and a.partner_opinion]
    assert with_opinion
    for app in with_opinion:
        fields = app.snapshots.get(round=app.round).data["fields"]
        assert fields["partner_opinion"]["value"] == app.partner_opinion
        assert app.partner_opinion_signatory == app.partner_lead
        assert app.partner_opinion_date < app.submitted_at.date()
    assert any(not a.partner_opinion for a in apps if a.round)  # blank box, signed on paper
    for app in apps:
        if app.round:
            assert app.college_contact and app.college_contact_phone and app.college_contact_email
    claimed = [a for a in apps if selectors.art6_priority(a)]
    assert claimed and len(claimed) < len(apps)
    assert any(len(selectors.art6_priority(a).labels) == 3 for a in claimed)


def test_rejected_has_a_reason(apps):
    app = next(a for a in apps if a.state == S.REJECTED)
    last = _log(app)[-1]
    assert last.transition == "reject" and "第五条" in last.comment


def test_partners_have_valid_credit_codes(apps):
    partners = list(Partner.objects.all())
    assert len(partners) >= 10
    for partner in partners:
        partner.full_clean()


def test_files_are_real_pdfs(apps):
    files = []
    for app in apps:
        files += [a.file for a in app.attachments.all()]
        if app.agreement_draft.document:
            files.append(app.agreement_draft.document)
        if hasattr(app, "signed_agreement"):
            files.append(app.signed_agreement.scan)
    assert len(files) > 20
    for stored in files:
        with stored.open("rb") as handle:
            assert check_upload(handle, EVIDENCE_KINDS) == PDF
            text = pypdf.PdfReader(handle).pages[0].extract_text()
        assert "西昌学院" in text


def test_demo_pdf_passes_the_upload_check():
    from django.core.files.base import ContentFile

    data = demo_pdf("协议书（草案）", "甲方：西昌学院")
    assert data.startswith(b"%PDF-1.4")
    assert check_upload(ContentFile(data, name="协议.pdf"), DOCUMENT_KINDS) == PDF


def test_seed_demo_twice_gives_the_same_rows(db):
    _seed()
    first = snapshot()
    assert first["applications.BaseApplication"]
    _seed()
    assert snapshot() == first
    assert seed_applications() == 0


def test_art7_demo_shows_the_office_overriding_the_college_declaration(apps):
    """邛海黑猪: the college declared the draft consistent; the office found it deviating."""
    app = next(a for a in apps if a.state == S.LEGAL_REVIEW)
    draft = app.agreement_draft
    assert (draft.deviates_from_template, draft.office_deviates) == (False, True)
    assert "专利申请权" in draft.deviation_reason
    decided = [log for log in _log(app) if log.transition == "decide_deviation"]
    assert len(decided) == 1 and draft.deviation_reason in decided[0].comment
