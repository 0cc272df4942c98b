"""Art 7(3): the graduate office, not the college, decides whether the agreement deviates from
the template, and the legal office step follows that decision. Art 7(2): the signed agreement's
term defaults to the approved draft's; another term needs a reason, stored and logged."""

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse

from agreements.models import Agreement, AgreementDraft, Base
from applications import services
from applications.choices import ApplicationState as S
from applications.models import BaseApplication
from applications.services import ApplicationError
from tests.applications.factories import (
    COMMENTS,
    advance_to,
    complete_application,
    complete_office_review,
    fresh,
    pdf_file,
    unchanged,
)
from xcu_bases.dates import add_years
from xcu_bases.models import TransitionLog

REASON = "草案第五条将研究生成果的专利申请权约定归合作单位，与模板“双方共有”的约定不同。"


@pytest.fixture
def in_office_review(people):
    def make(*, declared):
        app = complete_application(people["secretary_a"], deviates=declared)
        return complete_office_review(advance_to(app, S.OFFICE_REVIEW, people), people)

    return make


def approve(app, people, **decision):
    return services.application_office_approve(
        app=app, by=people["office"], expected=services.seen(app),
        comment=COMMENTS["office_approve"], **decision,
    )  # fmt: skip


def decided_log(app):
    return TransitionLog.objects.for_object(app).filter(transition="decide_deviation")


# --- the office decides (Art 7(3)) --------------------------------------------------------


def test_art7_office_decides_deviation_overrides_college(people, in_office_review):
    app = in_office_review(declared=False)

    app = approve(app, people, deviates=True, deviation_reason=REASON)

    app.refresh_from_db()
    draft = AgreementDraft.objects.get(application=app)
    assert (draft.deviates_from_template, draft.office_deviates) == (False, True)
    assert draft.deviation_reason == REASON and draft.deviates is True
    assert app.state == S.LEGAL_REVIEW and app.sent_to_legal is True
    assert list(BaseApplication.objects.visible_to(people["legal"])) == [app]
    row = decided_log(app).get()
    assert (row.by, row.source_state, row.target_state) == (
        people["office"], "office_review", "office_review",
    )  # fmt: skip
    assert row.comment == (
        f"学院申报：与模板内容一致；学科与研究生处认定：与模板内容不一致。理由：{REASON}"
    )
    # The decision comes before the approval in the timeline.
    transitions = [r.transition for r in TransitionLog.objects.for_object(app)]
    assert transitions[-2:] == ["decide_deviation", "office_approve"]


def test_art7_office_change_of_deviation_needs_reason(people, in_office_review):
    app = in_office_review(declared=True)
    with unchanged(app), pytest.raises(ApplicationError, match="请填写理由"):
        approve(app, people, deviates=False, deviation_reason=" \n ")
    assert AgreementDraft.objects.get(application=app).office_deviates is None
    assert not decided_log(app).exists()


@pytest.mark.parametrize(
    ("declared", "decided", "reason", "target"),
    [
        (False, None, "", S.MEETING),
        (True, None, "", S.LEGAL_REVIEW),
        (False, True, REASON, S.LEGAL_REVIEW),
        (True, False, "仅调整了联系人和送达地址，实质条款与模板一致。", S.MEETING),
        (True, True, "", S.LEGAL_REVIEW),  # kept explicitly: no reason needed
    ],
    ids=["keeps-consistent", "keeps-deviating", "to-legal", "not-to-legal", "confirms"],
)
def test_art7_legal_review_follows_office_decision(
    people, in_office_review, declared, decided, reason, target
):
    app = approve(in_office_review(declared=declared), people, deviates=decided,
                  deviation_reason=reason)  # fmt: skip
    app.refresh_from_db()
    draft = AgreementDraft.objects.get(application=app)
    assert app.state == target
    assert draft.office_deviates is (target == S.LEGAL_REVIEW)
    assert app.sent_to_legal is (target == S.LEGAL_REVIEW)
    legal_sees = BaseApplication.objects.visible_to(people["legal"]).filter(pk=app.pk).exists()
    assert legal_sees is (target == S.LEGAL_REVIEW)
    assert decided_log(app).exists() is (decided is not None and decided != declared)


def test_art7_office_decides_again_on_each_submission(people, in_office_review):
    app = approve(in_office_review(declared=False), people, deviates=True, deviation_reason=REASON)
    services.application_return(
        app=app, by=people["legal"], expected=services.seen(app), comment="请修改第五条。"
    )
    app = services.application_submit(
        app=fresh(app), by=people["secretary_a"], expected=services.seen(fresh(app))
    )
    draft = AgreementDraft.objects.get(application=app)
    assert (draft.office_deviates, draft.deviation_reason) == (None, "")
    app = complete_office_review(advance_to(app, S.OFFICE_REVIEW, people), people)
    assert approve(app, people).state == S.MEETING  # the college's corrected draft, kept


def test_art7_office_review_cannot_pass_without_a_decision(people, in_office_review):
    """The transition's condition is the office's decision: without one, no approval."""
    app = in_office_review(declared=True)
    with pytest.raises(ApplicationError, match="暂不能“论证考察通过”"):
        services.CHAIN.run(fresh(app), "office_approve", by=people["office"])
    assert fresh(app).state == S.OFFICE_REVIEW


# --- the office approve page ----------------------------------------------------------------


def office_approve_url(app):
    return reverse("applications:office_approve", args=[app.pk])


def test_art7_office_approve_page_shows_the_declaration_and_the_decision(
    client, people, in_office_review
):
    app = in_office_review(declared=True)
    client.force_login(people["office"])
    page = client.get(office_approve_url(app)).text
    assert "学院申报：" in page and "与模板内容不一致" in page
    radios = {
        re.search(r'value="(\d)"', tag).group(1): "checked" in tag
        for tag in re.findall(r'<input[^>]*name="deviates"[^>]*>', page)
    }
    assert radios == {"0": False, "1": True}  # starts from what the college declared
    assert "认定理由" in page


def test_art7_office_approve_page_refuses_a_change_without_reason(
    client, people, in_office_review
):
    app = in_office_review(declared=False)
    client.force_login(people["office"])
    post = {"seen_state": app.state, "seen_round": app.round, "deviates": "1",
            "comment": "同意。", "deviation_reason": ""}  # fmt: skip
    with unchanged(app):
        response = client.post(office_approve_url(app), post)
    assert response.status_code == 200 and "改变学院申报的认定时，请填写理由。" in response.text

    response = client.post(office_approve_url(app), {**post, "deviation_reason": REASON})
    assert response.status_code == 302
    assert fresh(app).state == S.LEGAL_REVIEW
    detail = client.get(reverse("applications:detail", args=[app.pk])).text
    assert 'data-testid="office-deviation"' in detail and REASON in detail


# Who cannot see the application gets 404; who sees it but may not act is sent back to it.
@pytest.mark.parametrize(
    ("who", "status"),
    [("secretary_a", 302), ("head_a", 302), ("expert1", 302), ("legal", 404), ("head_b", 404)],
)
def test_art7_office_approve_page_is_the_office_s(client, people, in_office_review, who, status):
    app = in_office_review(declared=False)
    client.force_login(people[who])
    post = {"seen_state": app.state, "seen_round": app.round, "deviates": "1",
            "comment": "同意。", "deviation_reason": REASON}  # fmt: skip
    with unchanged(app):
        assert client.get(office_approve_url(app)).status_code == status
        response = client.post(office_approve_url(app), post)
    assert response.status_code == status
    if status == 302:
        assert response["Location"] == reverse("applications:detail", args=[app.pk])


def test_art7_office_approve_page_sends_anonymous_to_login(client, people, in_office_review):
    app = in_office_review(declared=False)
    response = client.get(office_approve_url(app))
    assert response.status_code == 302 and response["Location"].startswith("/login/")


# --- the signed term (Art 7(2)) --------------------------------------------------------------


@pytest.fixture
def approved(people):
    """Approved by the president's meeting; the draft agreed a three-year term."""
    app = complete_application(people["secretary_a"])
    AgreementDraft.objects.filter(application=app).update(term_years=3)
    return advance_to(fresh(app), S.APPROVED, people)


def sign(app, people, **term):
    return services.application_sign(
        app=app, by=people["office"], expected=services.seen(app), signed_on=date(2026, 5, 8),
        starts_on=date(2026, 5, 10), scan=pdf_file("协议书（签字盖章）.pdf"), **term,
    )  # fmt: skip


def test_art7_signed_term_defaults_to_draft_term(people, approved):
    sign(approved, people)
    agreement = Agreement.objects.get(application=approved)
    assert (agreement.starts_on, agreement.ends_on) == (date(2026, 5, 10), date(2029, 5, 9))
    assert agreement.term_reason == ""
    row = TransitionLog.objects.for_object(approved).last()
    assert (row.transition, row.comment) == ("sign", "协议期限 2026年05月10日 至 2029年05月09日")


def test_art7_different_term_needs_reason_logged(people, approved):
    five_years = {"ends_on": add_years(date(2026, 5, 10), 5) - timedelta(days=1)}
    with unchanged(approved), pytest.raises(ApplicationError, match="请填写理由") as refused:
        sign(approved, people, **five_years)
    assert "协议书草案约定的 3 年期限" in refused.value.message

    reason = "经双方协商并报校长办公会同意，协议期限按五年签订。"
    sign(approved, people, **five_years, term_reason=reason)

    agreement = Agreement.objects.get(application=approved)
    assert agreement.ends_on == date(2031, 5, 9) and agreement.term_reason == reason
    row = TransitionLog.objects.for_object(approved).last()
    assert row.transition == "sign" and row.comment == (
        f"协议期限 2026年05月10日 至 2031年05月09日；与审核的期限不一致，理由：{reason}"
    )


def test_art7_sign_page_defaults_to_the_draft_term_and_asks_for_a_reason(client, people, approved):
    url = reverse("applications:sign", args=[approved.pk])
    client.force_login(people["office"])
    assert "约定期限为 3 年" in client.get(url).text
    post = {"seen_state": approved.state, "seen_round": approved.round,
            "signed_on": "2026-05-08", "starts_on": "2026-05-10", "ends_on": "2031-05-09"}  # fmt: skip
    with unchanged(approved):
        response = client.post(url, {**post, "scan": pdf_file()})
    assert response.status_code == 200
    assert "协议期限与协议书草案约定的 3 年不一致" in response.text

    reason = "合作单位要求按五年签订。"
    response = client.post(url, {**post, "scan": pdf_file(), "term_reason": reason})
    assert response.status_code == 302
    base = Base.objects.get(application=approved)
    assert base.agreements.get().term_reason == reason
    # The base's agreement list shows why.
    page = client.get(reverse("agreements:base_detail", args=[base.pk])).text
    assert f"期限与审核不一致：{reason}" in page


def test_art7_sign_page_keeps_the_2000_to_2099_start_date_check(client, people, approved):
    client.force_login(people["office"])
    post = {"seen_state": approved.state, "seen_round": approved.round,
            "signed_on": "2026-05-08", "starts_on": "9999-12-31", "scan": pdf_file()}  # fmt: skip
    with unchanged(approved):
        response = client.post(reverse("applications:sign", args=[approved.pk]), post)
    assert "请填写 2000 年至 2099 年之间的协议开始日期" in response.text


def test_art7_a_huge_draft_term_is_a_message_not_a_500():
    from applications.forms import SignForm

    form = SignForm(data={"signed_on": "2026-11-01", "starts_on": "2099-12-31"}, term_years=32767)
    assert not form.is_valid()
    assert "超出可登记的日期范围" in str(form.errors["starts_on"])
