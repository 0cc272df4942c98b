"""Renewal (续签) pages: who sees and does what on each, input handling, the base page."""

from datetime import timedelta

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from agreements import renewals
from agreements.choices import BaseState
from agreements.choices import RenewalState as S
from agreements.models import Agreement, Base
from agreements.renewal_models import Renewal
from tests.agreements.renewal_factories import (
    advance,
    file_renewal,
    fresh,
    registered_base,
    renewal_people,
)
from tests.applications.factories import pdf_file
from xcu_bases.models import TransitionLog
from xcu_bases.workflow import seen

EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64


@pytest.fixture
def people(college_a, college_b):
    return renewal_people(college_a, college_b)


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def base(people, college_a, today):
    return registered_base(college_a, people["office"], ends_on=today + timedelta(days=60))


def url(name, obj) -> str:
    return reverse(f"agreements:{name}", args=[obj.pk])


def seen_post(renewal, **data) -> dict:
    row = fresh(renewal)
    return {"seen_state": row.state, "seen_round": row.round, **data}


def footprint(renewal) -> tuple:
    row = fresh(renewal)
    return (row.state, row.round, row.office_deviates, row.agreement_id, Agreement.objects.count(),
            TransitionLog.objects.for_object(row).count())  # fmt: skip


# Each renewal page, the state its renewal is in for the test, who acts on it.
PAGES = {
    "renewal_detail": (S.OFFICE_REVIEW, None),
    "renewal_document": (S.OFFICE_REVIEW, None),
    "renewal_edit": (S.DRAFT, "secretary_a"),
    "renewal_submit": (S.DRAFT, "secretary_a"),
    "renewal_withdraw": (S.OFFICE_REVIEW, "secretary_a"),
    "renewal_college_approve": (S.COLLEGE_REVIEW, "head_a"),
    "renewal_office_approve": (S.OFFICE_REVIEW, "office"),
    "renewal_legal_approve": (S.LEGAL_REVIEW, "legal"),
    "renewal_return": (S.OFFICE_REVIEW, "office"),
    "renewal_reject": (S.OFFICE_REVIEW, "office"),
    "renewal_meeting": (S.MEETING, "office"),
    "renewal_authorise": (S.MEETING, "office"),
    "renewal_sign": (S.APPROVED, "office"),
}


@pytest.mark.parametrize("name", sorted(PAGES))
def test_art7_renewal_pages_are_404_for_outsiders_and_login_for_anonymous(
    client, people, base, name
):
    state, actor = PAGES[name]
    renewal = advance(file_renewal(base, people["secretary_a"], deviates=True), state, people)
    target = url(name, renewal)
    before = footprint(renewal)
    response = client.get(target)
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    # Other college, a student, an expert; the legal office before it is sent the renewal.
    outsiders = ["secretary_b", "head_b", "student_a", "expert"]
    if not fresh(renewal).sent_to_legal:
        outsiders.append("legal")
    for who in outsiders:
        client.force_login(people[who])
        assert client.get(target).status_code == 404, (who, target)
        if actor:  # the GET-only pages (detail, document) answer a POST with 405
            assert client.post(target, seen_post(renewal, comment="x")).status_code == 404, who
    assert footprint(renewal) == before


@pytest.mark.parametrize("name", sorted(n for n, (_, actor) in PAGES.items() if actor))
def test_art7_renewal_action_pages_open_for_their_actor_only(client, people, base, name):
    state, actor = PAGES[name]
    renewal = advance(file_renewal(base, people["secretary_a"], deviates=True), state, people)
    client.force_login(people[actor])
    response = client.get(url(name, renewal))
    assert response.status_code == 200 and "<form" in response.text
    # Who sees the renewal but is not its actor: sent back to it (or 404 for office-only pages).
    for who in {"secretary_a", "head_a", "office"} - {actor}:
        client.force_login(people[who])
        before = footprint(renewal)
        response = client.post(url(name, renewal), seen_post(renewal, comment="x", reason="x"))
        assert response.status_code in (302, 404), (who, response.status_code)
        assert footprint(renewal) == before, who


# --- filing ---------------------------------------------------------------------------------


def new_renewal_post(base, **overrides):
    starts = base.latest_agreement().ends_on + timedelta(days=1)
    data = {"starts_on": starts.isoformat(), "ends_on": (starts + timedelta(days=1825)).isoformat(),
            "summary": "合作领域增加智能水肥管理。", "document": pdf_file("续签草案.pdf")}  # fmt: skip
    return {**data, **overrides}


def test_art7_secretary_files_a_renewal_and_submits_it(client, people, base):
    client.force_login(people["secretary_a"])
    page = client.get(url("renewal_new", base))
    assert page.status_code == 200 and "续签协议书草案" in page.text
    response = client.post(url("renewal_new", base), {**new_renewal_post(base), "submit": "1"})
    renewal = Renewal.objects.get()
    assert response.status_code == 302 and response["Location"] == url("renewal_submit", renewal)
    assert (renewal.state, renewal.document_name, renewal.created_by) == (
        S.DRAFT, "续签草案.pdf", people["secretary_a"],
    )  # fmt: skip
    response = client.post(url("renewal_submit", renewal), seen_post(renewal))
    assert response.status_code == 302
    assert fresh(renewal).state == S.COLLEGE_REVIEW
    assert TransitionLog.objects.for_object(renewal).get().transition == "submit"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"document": None}, "这个字段是必填项"),
        ({"ends_on": "2020-01-01"}, "协议结束日期必须晚于开始日期"),
        ({"starts_on": "9999-12-31"}, "请填写 2000 年至 2099 年之间的日期"),
        ({"summary": ""}, "这个字段是必填项"),
    ],
    ids=["no-draft", "ends-first", "far-future", "no-summary"],
)
def test_art7_invalid_renewal_shows_the_form_again_and_saves_nothing(
    client, people, base, data, message
):
    client.force_login(people["secretary_a"])
    post = {k: v for k, v in {**new_renewal_post(base), **data}.items() if v is not None}
    response = client.post(url("renewal_new", base), post)
    assert response.status_code == 200 and message in response.text
    assert "合作领域增加智能水肥管理" in response.text or not post.get("summary")
    assert not Renewal.objects.exists()


def test_art7_renewal_draft_is_checked_by_content_in_the_form(client, people, base):
    client.force_login(people["secretary_a"])
    fake = pdf_file("续签草案.pdf", EXE)
    response = client.post(url("renewal_new", base), new_renewal_post(base, document=fake))
    assert response.status_code == 200 and "内容不是允许的类型" in response.text
    assert not Renewal.objects.exists()


def test_art7_only_the_base_college_secretary_opens_the_renewal_form(client, people, base):
    for who in ["head_a", "office", "secretary_b", "legal", "student_a"]:
        client.force_login(people[who])
        assert client.get(url("renewal_new", base)).status_code == 404, who
        assert client.post(url("renewal_new", base), new_renewal_post(base)).status_code == 404
    assert not Renewal.objects.exists()
    client.logout()
    response = client.get(url("renewal_new", base))
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_art7_a_second_renewal_leads_to_the_one_under_way(client, people, base):
    renewal = file_renewal(base, people["secretary_a"])
    client.force_login(people["secretary_a"])
    response = client.get(url("renewal_new", base))
    assert response.status_code == 302 and response["Location"] == url("renewal_detail", renewal)


def test_art7_secretary_edits_a_returned_renewal(client, people, base):
    renewal = advance(file_renewal(base, people["secretary_a"]), S.OFFICE_REVIEW, people)
    client.force_login(people["office"])
    client.post(url("renewal_return", renewal), seen_post(renewal, comment="请补充变更说明。"))
    client.force_login(people["secretary_a"])
    assert "请补充变更说明。" in client.get(url("renewal_detail", renewal)).text
    post = new_renewal_post(base, summary="补充：增加实践课程一门。")
    del post["document"]  # the draft on file is kept
    response = client.post(url("renewal_edit", renewal), post)
    assert response.status_code == 302
    row = fresh(renewal)
    assert (row.state, row.summary, row.document_name) == (
        S.DRAFT, "补充：增加实践课程一门。", "续签协议书（草案）.pdf",
    )  # fmt: skip


# --- the office ---------------------------------------------------------------------------


def test_art7_office_approve_page_decides_deviation_with_reason(client, people, base):
    renewal = advance(file_renewal(base, people["secretary_a"]), S.OFFICE_REVIEW, people)
    client.force_login(people["office"])
    page = client.get(url("renewal_office_approve", renewal)).text
    assert 'data-testid="declared-deviation"' in page and "与模板内容一致" in page
    post = seen_post(renewal, deviates="1", comment="同意。")
    before = footprint(renewal)
    response = client.post(url("renewal_office_approve", renewal), post)
    assert response.status_code == 200 and "改变学院申报的认定时，请填写理由。" in response.text
    assert footprint(renewal) == before
    response = client.post(
        url("renewal_office_approve", renewal), {**post, "deviation_reason": "第五条与模板不同。"}
    )
    assert response.status_code == 302
    row = fresh(renewal)
    assert (row.state, row.office_deviates, row.sent_to_legal) == (S.LEGAL_REVIEW, True, True)
    client.force_login(people["legal"])
    detail = client.get(url("renewal_detail", renewal)).text
    assert "第五条与模板不同。" in detail
    assert url("renewal_legal_approve", renewal) in detail  # the legal office's button


def test_art7_office_approves_with_the_authorising_document_and_records_the_signing(
    client, people, base, today
):
    renewal = advance(file_renewal(base, people["secretary_a"]), S.OFFICE_REVIEW, people)
    client.force_login(people["office"])
    post = seen_post(renewal, deviates="0", comment="同意。",
                     authorisation_number="西学院〔2026〕21号")  # fmt: skip
    response = client.post(url("renewal_office_approve", renewal), post)
    assert response.status_code == 200 and "授权文件须同时填写文件号和日期" in response.text
    post["authorised_on"] = "2026-03-01"
    assert client.post(url("renewal_office_approve", renewal), post).status_code == 302
    renewal = fresh(renewal)
    assert renewal.state == S.APPROVED

    sign = url("renewal_sign", renewal)
    page = client.get(sign).text
    assert f'value="{renewal.starts_on:%Y-%m-%d}"' in page  # defaults to the reviewed term
    later = (renewal.ends_on + timedelta(days=365)).isoformat()
    data = seen_post(renewal, signed_on=today.isoformat(),
                     starts_on=renewal.starts_on.isoformat(), ends_on=later)  # fmt: skip
    response = client.post(sign, {**data, "scan": pdf_file()})
    assert response.status_code == 200 and "请填写理由" in response.text
    assert fresh(renewal).agreement_id is None
    response = client.post(sign, {**data, "scan": pdf_file(), "term_reason": "延长一年。"})
    assert response.status_code == 302
    agreement = fresh(renewal).agreement
    assert (agreement.ends_on.isoformat(), agreement.term_reason) == (later, "延长一年。")
    assert "期限与审核不一致：延长一年。" in client.get(url("base_detail", base)).text


def test_art7_office_records_the_meeting(client, people, base):
    renewal = advance(file_renewal(base, people["secretary_a"]), S.MEETING, people)
    client.force_login(people["office"])
    post = seen_post(renewal, meeting_date="2026-04-15", session="2026年第12次校长办公会",
                     decision="reject", notes="")  # fmt: skip
    response = client.post(url("renewal_meeting", renewal), post)
    assert response.status_code == 200 and "不予批准时请填写理由" in response.text
    response = client.post(url("renewal_meeting", renewal), {**post, "decision": "approve"})
    assert response.status_code == 302
    row = fresh(renewal)
    assert (row.state, row.meeting_session) == (S.APPROVED, "2026年第12次校长办公会")


# --- the base page ------------------------------------------------------------------------


def test_art7_base_page_shows_the_renewal_under_way(client, people, base):
    renewal = advance(file_renewal(base, people["secretary_a"]), S.OFFICE_REVIEW, people)
    for who in ["secretary_a", "head_a", "office"]:
        client.force_login(people[who])
        page = client.get(url("base_detail", base)).text
        assert 'data-testid="renewal-under-way"' in page, who
        assert "学科与研究生处审核" in page and url("renewal_detail", renewal) in page
        assert "申请续签</a>" not in page  # one renewal at a time
    client.force_login(people["student_a"])
    page = client.get(url("base_detail", base)).text
    assert "renewal-under-way" not in page and url("renewal_detail", renewal) not in page
    assert Base.objects.get(pk=base.pk).state == BaseState.ACTIVE


def test_art7_base_page_offers_the_secretary_to_file_a_renewal(client, people, base):
    client.force_login(people["secretary_a"])
    assert url("renewal_new", base) in client.get(url("base_detail", base)).text
    for who in ["head_a", "office", "secretary_b"]:
        client.force_login(people[who])
        assert url("renewal_new", base) not in client.get(url("base_detail", base)).text, who


def test_art7_the_office_only_renew_shortcut_is_gone(client, people, base):
    with pytest.raises(NoReverseMatch):
        reverse("agreements:renew", args=[base.pk])
    client.force_login(people["office"])
    assert client.get(f"/agreements/{base.pk}/renew/").status_code == 404
    assert "登记续签协议" not in client.get(url("base_detail", base)).text


def test_art7_base_page_query_count_with_renewals(
    client, people, base, django_assert_max_num_queries
):
    """One signed renewal, one refused, one under way: the renewal card adds one query."""
    advance(file_renewal(base, people["secretary_a"]), S.SIGNED, people)
    refused = advance(file_renewal(base, people["secretary_a"]), S.OFFICE_REVIEW, people)
    renewals.renewal_reject(renewal=refused, by=people["office"], expected=seen(refused),
                            comment="重复申请。")  # fmt: skip
    advance(file_renewal(base, people["secretary_a"]), S.OFFICE_REVIEW, people)
    client.force_login(people["office"])
    client.get(url("base_detail", base))  # warm the caches
    # The base page's panels (agreements, governance, Art 27 money, compliance, supervisors,
    # students, evaluations with Art 29 decisions, timeline) take 32; renewals add one.
    with django_assert_max_num_queries(33):
        assert client.get(url("base_detail", base)).status_code == 200
