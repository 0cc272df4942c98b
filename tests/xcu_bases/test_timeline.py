from django.template.loader import render_to_string

from tests.conftest import make_user
from xcu_bases.choices import RoleCode
from xcu_bases.models import TransitionLog
from xcu_bases.services import record_transition


class States:
    choices = [("draft", "草稿"), ("college_review", "学院审核")]


def test_record_transition_keeps_labels_and_who(college_a):
    secretary = make_user("secretary", "college_secretary", college=college_a, name="杨静")
    log = record_transition(
        college_a,
        transition="submit",
        transition_label="提交申报",
        source="draft",
        target="college_review",
        state_labels=States,
        by=secretary,
        role=RoleCode.COLLEGE_SECRETARY,
        comment="请审核",
    )
    log.refresh_from_db()
    assert log.target == college_a
    assert (log.source_label, log.target_label) == ("草稿", "学院审核")
    assert list(TransitionLog.objects.for_object(college_a)) == [log]


def test_timeline_partial_renders_each_step(college_a):
    office = make_user("office", "graduate_office", name="罗晓梅")
    record_transition(
        college_a,
        transition="return",
        transition_label="退回修改",
        source="office_review",
        target="draft",
        state_labels={"office_review": "学科与研究生处审核", "draft": "草稿"},
        by=office,
        role=RoleCode.GRADUATE_OFFICE,
        comment="请补充实地考察记录<script>",
    )
    html = render_to_string(
        "partials/timeline.html",
        {"timeline": TransitionLog.objects.for_object(college_a).select_related("by")},
    )
    for text in ["退回修改", "学科与研究生处审核", "草稿", "罗晓梅", "（学科与研究生处）"]:
        assert text in html
    assert "请补充实地考察记录&lt;script&gt;" in html


def test_empty_timeline_says_so():
    assert "暂无办理记录" in render_to_string("partials/timeline.html", {"timeline": []})
