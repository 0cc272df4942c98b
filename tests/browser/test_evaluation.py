"""Annex 4 in a browser: the demo expert (王建国) finds the base waiting for his scores, sees
the college's self-assessment and the facts the system knows, scores every indicator and
submits; then he sees the other experts' means."""

from playwright.sync_api import expect

from evaluation.models import ExpertAssignment
from tests.browser.conftest import log_in, screenshot


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
