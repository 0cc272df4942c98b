"""Annex 4 in a browser: the demo expert (王建国) finds the base waiting for his scores, sees
the college's self-assessment and the facts the system knows, scores every indicator and
submits; then he sees the other experts' means. Art 29: the office opens the pending
revocation decision from its inbox and confirms it."""

from playwright.sync_api import expect

from agreements.choices import BaseState
from evaluation.choices import DecisionState
from evaluation.models import ExpertAssignment, RevocationDecision
from tests.browser.conftest import log_in, screenshot
from xcu_bases.models import TransitionLog


def test_expert_scores_a_base(page, live_demo):
    url = live_demo.url
    assignment = (
        ExpertAssignment.objects.filter(
            expert__username="expert", submitted_at__isnull=True, evaluation__state="scoring"
        )
        .select_related("evaluation__base")
        .first()
    )
    base_name = assignment.evaluation.base.name
    log_in(page, url, "expert")
    page.get_by_role("link", name="基地评估").first.click()
    tasks = page.locator("li", has_text="待评分")
    tasks.get_by_role("link", name=base_name).first.click()
    expect(page).to_have_url(f"{url}/evaluation/evaluations/{assignment.evaluation_id}/")
    expect(page.get_by_text("专家评分：每项 0 至满分，以 0.5 分为单位")).to_be_visible()
    inputs = page.locator("input[name^=points-]")
    expect(inputs.first).to_be_visible()
    for n in range(inputs.count()):
        inputs.nth(n).fill("4")
    page.locator("input[name^=comment-]").first.fill("组织机构健全，运行规范。")
    screenshot(page, "evaluation-scoring")
    page.get_by_role("button", name="提交评分").click()
    expect(page.get_by_text("评分已提交。")).to_be_visible()
    expect(page.get_by_test_id("indicator-A1")).to_contain_text("我的评分：4")
    screenshot(page, "evaluation-scored")
    assignment.refresh_from_db()
    assert assignment.submitted_at is not None


def test_office_confirms_a_revocation_from_the_inbox(page, live_demo):
    """Art 29: the demo's 不合格 term assessment (钒钛修复) waits in the office's inbox; the office
    opens it, confirms with the meeting reference, and only then is the base revoked."""
    decision = RevocationDecision.objects.select_related("base").get(state=DecisionState.PENDING)
    base = decision.base
    assert base.state == BaseState.ACTIVE
    url = live_demo.url
    log_in(page, url, "office")
    page.get_by_role("link", name=f"确认是否撤销基地资格：{base.name}").click()
    expect(page).to_have_url(f"{url}/evaluation/revocations/{decision.pk}/")
    expect(page.get_by_test_id("decision-state")).to_have_text("待学科与研究生处决定")
    screenshot(page, "evaluation-revocation-pending")
    page.get_by_role("button", name="确认撤销基地资格").click()
    expect(page.get_by_text("请填写确认撤销的会议纪要或文件号")).to_be_visible()  # nothing lost
    page.get_by_label("会议纪要或文件号").fill("校长办公会纪要〔2026〕8号")
    page.get_by_role("button", name="确认撤销基地资格").click()
    expect(page.get_by_text(f"已确认撤销{base.name}的基地资格")).to_be_visible()
    expect(page.get_by_test_id("decision-state")).to_have_text("已确认撤销")
    expect(page.get_by_test_id("reference")).to_have_text("校长办公会纪要〔2026〕8号")
    screenshot(page, "evaluation-revocation-confirmed")
    decision.refresh_from_db()
    base.refresh_from_db()
    assert decision.state == DecisionState.CONFIRMED
    assert base.state == BaseState.REVOKED
    assert TransitionLog.objects.for_object(base).filter(transition="revoke").count() == 1
    page.get_by_role("link", name="已撤销").click()
    expect(page.get_by_test_id("base-decisions")).to_contain_text("已确认撤销")
