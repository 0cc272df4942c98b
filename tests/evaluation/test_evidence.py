"""Self-assessment attachments (Annex 4 evidence), the facts beside them, closing a round and
two office users finalising the same base at once."""

import threading
from datetime import date
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from agreements.choices import AllocationState, BaseState, FundingKind
from agreements.models import FundingEntry
from evaluation import selectors, services
from evaluation.choices import EvaluationState as E
from evaluation.choices import RoundKind, RoundState
from evaluation.models import EvidenceAttachment, RevocationDecision
from tests.conftest import threads_share_the_test_database
from tests.evaluation.test_services import scored
from tests.practice.factories import TINY_PDF, fresh, logs
from xcu_bases.workflow import AlreadyHandled, WorkflowError

pytestmark = pytest.mark.django_db


@pytest.fixture
def evaluation(people, standard, base):
    evaluation_round = services.round_open(
        year=2026, kind=RoundKind.YEARLY, standard=standard, deadline=date(2026, 12, 20),
        bases=[base], by=people["office"],
    )  # fmt: skip
    return evaluation_round.evaluations.get()


def leaf(evaluation, code="B1"):
    return evaluation.round.standard.indicators.get(code=code)


def pdf(name="实践记录.pdf"):
    return SimpleUploadedFile(name, TINY_PDF, content_type="application/pdf")


def texts_of(evaluation, text="自评说明"):
    return {f"evidence-{e.indicator_id}": f"{e.indicator.code} {text}"
            for e in evaluation.evidence.select_related("indicator")}  # fmt: skip


# --- the service ------------------------------------------------------------------------------


def test_college_attaches_a_file_to_one_indicator(people, evaluation):
    b1 = leaf(evaluation)
    attachment = services.evidence_attach(
        evaluation=evaluation, indicator_id=b1.pk, file=pdf(), by=people["secretary_a"]
    )
    assert (attachment.indicator, attachment.original_name, attachment.kind) == (
        b1, "实践记录.pdf", "PDF"
    )  # fmt: skip
    assert attachment.size == len(TINY_PDF)
    assert attachment.file.name.startswith("evaluation/evidence/")
    assert "实践记录" not in attachment.file.name  # stored under a generated name


def test_a_file_whose_content_is_not_allowed_is_refused_with_its_name(people, evaluation):
    fake = SimpleUploadedFile("总结.pdf", b"MZ\x90\x00 not a pdf at all", "application/pdf")
    with pytest.raises(WorkflowError, match=r"B1：文件“总结\.pdf”的内容不是允许的类型"):
        services.evidence_attach(evaluation=evaluation, indicator_id=leaf(evaluation).pk,
                                 file=fake, by=people["secretary_a"])  # fmt: skip
    assert not EvidenceAttachment.objects.exists()


def test_a_too_large_file_is_refused(people, evaluation):
    big = SimpleUploadedFile("大.pdf", TINY_PDF + b"\0" * (21 * 1024 * 1024), "application/pdf")
    with pytest.raises(WorkflowError, match=r"超过 20\.0\sMB 的上限"):
        services.evidence_attach(evaluation=evaluation, indicator_id=leaf(evaluation).pk,
                                 file=big, by=people["secretary_a"])  # fmt: skip
    assert not EvidenceAttachment.objects.exists()


def test_first_level_or_foreign_indicators_are_refused(people, evaluation, standard):
    first_level = evaluation.round.standard.indicators.get(code="B")
    with pytest.raises(WorkflowError, match="不属于本次评估"):
        services.evidence_attach(evaluation=evaluation, indicator_id=first_level.pk,
                                 file=pdf(), by=people["secretary_a"])  # fmt: skip


def test_at_most_ten_files_per_indicator(people, evaluation):
    b1 = leaf(evaluation).pk
    for n in range(services.MAX_ATTACHMENTS_PER_INDICATOR):
        services.evidence_attach(evaluation=evaluation, indicator_id=b1, file=pdf(f"{n}.pdf"),
                                 by=people["secretary_a"])  # fmt: skip
    with pytest.raises(WorkflowError, match="每项指标最多 10 个附件"):
        services.evidence_attach(evaluation=evaluation, indicator_id=b1, file=pdf("11.pdf"),
                                 by=people["secretary_a"])  # fmt: skip
    assert EvidenceAttachment.objects.count() == 10


def test_other_college_and_submitted_evaluations_take_no_files(people, evaluation):
    b1 = leaf(evaluation).pk
    with pytest.raises(PermissionDenied):
        services.evidence_attach(evaluation=evaluation, indicator_id=b1, file=pdf(),
                                 by=people["secretary_b"])  # fmt: skip
    services.evidence_save(
        evaluation=evaluation, by=people["secretary_a"],
        texts={e.indicator_id: "说明" for e in evaluation.evidence.all()},
    )  # fmt: skip
    services.self_assessment_submit(evaluation=evaluation, by=people["secretary_a"])
    with pytest.raises(WorkflowError, match="已提交，不能修改"):
        services.evidence_attach(evaluation=evaluation, indicator_id=b1, file=pdf(),
                                 by=people["secretary_a"])  # fmt: skip
    assert not EvidenceAttachment.objects.exists()


def test_removing_an_attachment_deletes_the_row_and_the_file(
    people, evaluation, django_capture_on_commit_callbacks
):
    attachment = services.evidence_attach(evaluation=evaluation, indicator_id=leaf(evaluation).pk,
                                          file=pdf(), by=people["secretary_a"])  # fmt: skip
    path = settings.MEDIA_ROOT / attachment.file.name
    assert path.exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.evidence_save(evaluation=evaluation, by=people["secretary_a"], texts={},
                               remove={attachment.pk})  # fmt: skip
    assert not EvidenceAttachment.objects.exists()
    assert not path.exists()


# --- the page ---------------------------------------------------------------------------------


def test_college_uploads_files_with_its_texts_and_experts_download_them(
    client, people, evaluation
):
    b1, d4 = leaf(evaluation, "B1"), leaf(evaluation, "D4")
    client.force_login(people["secretary_a"])
    post = texts_of(evaluation) | {
        f"files-{b1.pk}": [pdf("导师名单.pdf"), pdf("课程表.pdf")],
        f"files-{d4.pk}": pdf("项目合同.pdf"),
    }
    response = client.post(reverse("evaluation:evaluation_evidence", args=[evaluation.pk]), post)
    assert response.status_code == 302
    names = set(EvidenceAttachment.objects.values_list("indicator__code", "original_name"))
    assert names == {("B1", "导师名单.pdf"), ("B1", "课程表.pdf"), ("D4", "项目合同.pdf")}
    page = client.get(reverse("evaluation:evaluation_detail", args=[evaluation.pk])).text
    assert "导师名单.pdf" in page and 'enctype="multipart/form-data"' in page

    client.post(reverse("evaluation:evaluation_evidence", args=[evaluation.pk]),
                texts_of(evaluation) | {"submit": ""})  # fmt: skip
    client.force_login(people["office"])
    client.post(reverse("evaluation:evaluation_assign", args=[evaluation.pk]),
                {"experts": [people["expert"].pk]})  # fmt: skip
    client.force_login(people["expert"])
    page = client.get(reverse("evaluation:evaluation_detail", args=[evaluation.pk])).text
    assert "项目合同.pdf" in page and 'name="remove"' not in page
    attachment = EvidenceAttachment.objects.get(original_name="项目合同.pdf")
    url = reverse("evaluation:attachment", args=[evaluation.pk, attachment.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == TINY_PDF
    assert "attachment" in response["Content-Disposition"]


def test_a_refused_file_keeps_the_texts_and_says_why(client, people, evaluation):
    b1 = leaf(evaluation)
    client.force_login(people["secretary_a"])
    post = texts_of(evaluation, "新写的说明") | {
        f"files-{b1.pk}": SimpleUploadedFile("名单.pdf", b"just text", "application/pdf"),
        "submit": "",
    }
    response = client.post(
        reverse("evaluation:evaluation_evidence", args=[evaluation.pk]), post, follow=True
    )
    page = response.text
    assert "自评说明已保存，以下附件未上传" in page and "名单.pdf" in page
    assert "B1 新写的说明" in page
    assert fresh(evaluation).state == E.SELF_ASSESSMENT  # not submitted with a refused file
    assert not EvidenceAttachment.objects.exists()


def test_the_college_removes_a_file_by_ticking_it(client, people, evaluation):
    attachment = services.evidence_attach(evaluation=evaluation, indicator_id=leaf(evaluation).pk,
                                          file=pdf(), by=people["secretary_a"])  # fmt: skip
    client.force_login(people["secretary_a"])
    client.post(reverse("evaluation:evaluation_evidence", args=[evaluation.pk]),
                texts_of(evaluation) | {"remove": [str(attachment.pk)]})  # fmt: skip
    assert not EvidenceAttachment.objects.exists()


def test_attachment_downloads_are_permission_checked(client, people, evaluation):
    attachment = services.evidence_attach(evaluation=evaluation, indicator_id=leaf(evaluation).pk,
                                          file=pdf(), by=people["secretary_a"])  # fmt: skip
    url = reverse("evaluation:attachment", args=[evaluation.pk, attachment.pk])
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    for name in ("secretary_b", "expert"):  # other college; an expert not assigned
        client.force_login(people[name])
        assert client.get(url).status_code == 404
    client.force_login(people["office"])
    assert client.get(url).status_code == 200
    other = services.round_open(
        year=2027, kind=RoundKind.YEARLY, standard=evaluation.round.standard,
        deadline=date(2027, 12, 20), bases=[evaluation.base], by=people["office"],
    ).evaluations.get()  # fmt: skip
    wrong = reverse("evaluation:attachment", args=[other.pk, attachment.pk])
    assert client.get(wrong).status_code == 404


def test_the_facts_show_funding_paid_planned_and_spent(people, evaluation, base):
    """Art 27: only allocations the office recorded as paid count as paid."""
    office = people["office"]
    for year_no, paid_on in ((1, date(2025, 6, 20)), (2, None)):
        FundingEntry.objects.create(
            base=base, kind=FundingKind.ALLOCATION, year_no=year_no, amount=Decimal("10000"),
            due_on=date(2024 + year_no, 6, 1), paid_on=paid_on,
            state=AllocationState.PAID if paid_on else AllocationState.PLANNED,
            voucher_number="财拨〔2025〕8号" if paid_on else "", description="经费", recorded_by=office,
        )  # fmt: skip
    for amount in ("3250.5", "1200"):
        FundingEntry.objects.create(
            base=base, kind=FundingKind.SPENDING, amount=Decimal(amount),
            entry_date=date(2025, 7, 1), description="经费", recorded_by=office,
        )  # fmt: skip
    facts = dict(selectors.facts(evaluation, today=date(2026, 11, 29)))
    assert facts["经费拨付与使用"] == (
        "已拨付 10,000.00 元，计划拨付 10,000.00 元，已登记支出 4,450.50 元"
    )


# --- closing a round --------------------------------------------------------------------------


def test_a_round_closes_only_when_every_base_is_graded(client, people, standard, base):
    evaluation = scored(people, standard, base, [Decimal("80")])
    url = reverse("evaluation:round_close", args=[evaluation.round_id])
    client.force_login(people["office"])
    detail = client.get(reverse("evaluation:round_detail", args=[evaluation.round_id])).text
    assert "还有 1 个基地尚未定级" in detail
    response = client.post(url, follow=True)
    assert "还有 1 个基地尚未定级，不能结束本批次" in response.text
    assert fresh(evaluation.round).state == RoundState.OPEN
    services.evaluation_finalise(evaluation=evaluation, by=people["office"])
    response = client.post(url, follow=True)
    assert "已结束" in response.text
    assert fresh(evaluation.round).state == RoundState.CLOSED


def test_only_the_office_closes_a_round(client, people, standard, base):
    evaluation = scored(people, standard, base, [Decimal("80")])
    services.evaluation_finalise(evaluation=evaluation, by=people["office"])
    url = reverse("evaluation:round_close", args=[evaluation.round_id])
    assert client.post(url).status_code == 302  # anonymous → login
    for name in ("secretary_a", "expert"):
        client.force_login(people[name])
        assert client.post(url).status_code == 404
    client.force_login(people["office"])
    assert client.get(url).status_code == 405
    assert fresh(evaluation.round).state == RoundState.OPEN


# --- two office users finalising at once ------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_office_users_finalising_at_once_make_one_transition(people, standard, base):
    shared, reason = threads_share_the_test_database()
    if not shared:
        pytest.skip(reason)
    from tests.conftest import make_user
    from xcu_bases.choices import RoleCode

    second = make_user("office2", RoleCode.GRADUATE_OFFICE, name="陈静")
    evaluation = scored(people, standard, base, [Decimal("50")])
    users = [people["office"], second]
    pages = [fresh(evaluation) for _ in users]
    barrier = threading.Barrier(len(users))
    outcomes: dict[str, str] = {}

    def finalise(user, page):
        try:
            barrier.wait(timeout=10)
            services.evaluation_finalise(evaluation=page, by=user)
            outcomes[user.username] = "finalised"
        except AlreadyHandled:
            outcomes[user.username] = "already handled"
        except Exception as error:  # reported by the assertion below
            outcomes[user.username] = repr(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=finalise, args=p) for p in zip(users, pages, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes.values()) == ["already handled", "finalised"], outcomes
    assert fresh(evaluation).state == E.FINALISED
    assert len(logs(evaluation, "finalise")) == 1
    # Art 29: the consequence (a revocation decision for the office) lands once.
    assert fresh(base).state == BaseState.ACTIVE and logs(base, "revoke") == []
    assert RevocationDecision.objects.filter(evaluation=evaluation).count() == 1
