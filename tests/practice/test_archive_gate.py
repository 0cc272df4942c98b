"""Art 25 as a gate of archiving Annex 3: the office archives (and so completes the practice)
only once the base has answered the confidentiality clearance (涉密性确认) of the thesis — a
PublicationClearance for 撰写学位论文 answered by the base supervisor, none pending — and every
result the base found confidential has its confidentiality agreement (保密协议) scan on file.
The same rule lists the missing conditions on the Annex 3 page, the request page and the
student's home before the office's turn.
"""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from practice import assessment_services, home, record_services
from practice.choices import AssessmentState as A
from practice.choices import ClearanceState, ClearanceUse
from practice.choices import RequestState as S
from tests.practice.factories import (
    ASSESSMENT_COMMENTS,
    THESIS_CLEARANCE,
    advance_assessment_to,
    advance_to,
    clear_thesis,
    complete_assessment,
    fresh,
    logs,
    pdf_file,
    thesis_file,
)
from xcu_bases.workflow import WorkflowError, seen

NO_CLEARANCE = (
    "尚未申请学位论文涉密性确认：运用在基地期间的研究内容及成果撰写学位论文，"
    "须经基地确认其涉密性（第二十五条），基地答复后方可归档。"
)


@pytest.fixture
def waiting(people, draft):
    """student_a's Annex 3 waiting for the office, the thesis uploaded, no clearance yet."""
    approved = advance_to(draft, S.APPROVED, people)
    assessment = advance_assessment_to(complete_assessment(approved), A.OFFICE_REVIEW, people)
    record_services.thesis_set(req=approved, file=thesis_file(), by=people["student_a"])
    return fresh(assessment)


def _archive(assessment, people):
    return assessment_services.assessment_archive(
        assessment=assessment, by=people["office"], expected=seen(assessment),
        comment=ASSESSMENT_COMMENTS["archive"],
    )  # fmt: skip


def _refused(assessment, people) -> list[str]:
    """Archiving is refused with the gaps; nothing changes, nothing is logged."""
    with pytest.raises(WorkflowError) as refused:
        _archive(assessment, people)
    assert refused.value.message == "暂不能“学科与研究生处审核归档”。"
    after = fresh(assessment)
    assert (after.state, after.request.state) == (A.OFFICE_REVIEW, S.APPROVED)
    assert logs(after, "archive") == [] and logs(after.request, "complete") == []
    return refused.value.details


def _ask(req, use=ClearanceUse.THESIS, title="苦荞种质黄酮含量数据"):
    data = {**THESIS_CLEARANCE, "use": use, "title": title}
    return record_services.clearance_ask(req=req, by=req.student, data=data)


def test_art25_archive_waits_for_thesis_clearance(people, waiting):
    assert _refused(waiting, people) == [NO_CLEARANCE]
    # A paper's clearance, answered 不涉密, is not the thesis's.
    paper = _ask(waiting.request, use=ClearanceUse.PAPER, title="苦荞黄酮的田间变异")
    record_services.clearance_answer(
        clearance=paper, by=waiting.request.base_supervisor.user, confidential=False,
        answer="不涉密，同意投稿。",
    )  # fmt: skip
    assert _refused(waiting, people) == [NO_CLEARANCE]


def test_art25_pending_clearance_blocks_archive(people, waiting):
    pending = _ask(waiting.request)
    assert fresh(pending).state == ClearanceState.PENDING
    assert _refused(waiting, people) == [
        "学位论文涉密性确认《苦荞种质黄酮含量数据》尚待基地导师答复（第二十五条），答复后方可归档。"
    ]
    # One thesis clearance answered, another still pending: the base has not answered yet.
    clear_thesis(waiting.request)
    assert len(_refused(waiting, people)) == 1


def test_art25_confidential_needs_agreement_scan(people, waiting):
    clearance = clear_thesis(
        waiting.request, confidential=True, answer="生产线工艺参数涉密，须签订保密协议。"
    )
    assert _refused(waiting, people) == [
        f"《{clearance.title}》经基地确认涉密，须上传保密协议扫描件（第二十五条）后方可归档。"
    ]
    record_services.clearance_agreement_set(
        clearance=clearance, file=pdf_file("保密协议.pdf"), by=people["secretary_a"]
    )
    _archive(waiting, people)
    archived = fresh(waiting)
    assert (archived.state, archived.request.state) == (A.ARCHIVED, S.COMPLETED)
    assert len(logs(archived, "archive")) == 1


def test_art25_confidential_paper_also_needs_its_agreement(people, waiting):
    """A confidential project (Art 25: 对于涉密项目……应签订保密协议) — whatever the use."""
    clear_thesis(waiting.request)
    paper = _ask(waiting.request, use=ClearanceUse.PAPER, title="焙烤工艺参数优化")
    record_services.clearance_answer(
        clearance=paper, by=waiting.request.base_supervisor.user, confidential=True,
        answer="涉密。",
    )  # fmt: skip
    assert _refused(waiting, people) == [
        "《焙烤工艺参数优化》经基地确认涉密，须上传保密协议扫描件（第二十五条）后方可归档。"
    ]


def test_art25_open_clearance_allows_archive(people, waiting):
    clearance = clear_thesis(waiting.request)
    assert (clearance.state, clearance.answered_by) == (
        ClearanceState.OPEN, waiting.request.base_supervisor.user,
    )  # fmt: skip
    _archive(waiting, people)
    archived = fresh(waiting)
    assert (archived.state, archived.request.state) == (A.ARCHIVED, S.COMPLETED)
    (log,) = logs(archived, "archive")
    assert (log.by, log.comment) == (people["office"], ASSESSMENT_COMMENTS["archive"])


def test_art25_thesis_and_clearance_both_listed(people, draft):
    """Both gaps (Art 24 and Art 25) at once, in that order."""
    approved = advance_to(draft, S.APPROVED, people)
    assessment = advance_assessment_to(complete_assessment(approved), A.OFFICE_REVIEW, people)
    assert _refused(assessment, people) == [
        "学位论文尚未上传（第二十四条），上传后方可归档。",
        NO_CLEARANCE,
    ]


# --- shown before the office's turn ------------------------------------------------------------


def test_art25_annex3_page_lists_the_missing_clearance(client, people, waiting):
    url = reverse("practice:assessment_detail", args=[waiting.pk])
    ask = reverse("practice:clearance_new", args=[waiting.request_id]) + "?use=thesis"
    client.force_login(people["office"])
    page = client.get(url).text
    assert "归档前还须" in page and NO_CLEARANCE in page
    assert ask not in page  # only the student asks
    client.force_login(people["student_a"])
    assert ask in client.get(url).text
    clear_thesis(waiting.request)
    client.force_login(people["office"])
    assert "归档前还须" not in client.get(url).text


def test_art25_clearance_form_starts_with_the_thesis_use(client, people, waiting):
    client.force_login(people["student_a"])
    url = reverse("practice:clearance_new", args=[waiting.request_id])
    checked = re.compile(r'<input[^>]*name="use"[^>]*value="thesis"[^>]*checked')
    assert checked.search(client.get(url + "?use=thesis").text)
    bogus = client.get(url + "?use=bogus").text
    assert not re.search(r'<input[^>]*name="use"[^>]*checked', bogus)


def test_art25_student_home_asks_for_the_thesis_clearance(people, waiting):
    req = fresh(waiting.request)
    today = timezone.localdate()
    steps = {s["title"]: s for s in home._steps(req, today)}
    step = steps["申请学位论文涉密性确认"]
    assert step["status"] == "todo" and "第二十五条" in step["detail"]
    assert step["url"] == reverse("practice:clearance_new", args=[req.pk]) + "?use=thesis"
    pending = _ask(req)
    steps = {s["title"]: s for s in home._steps(fresh(req), today)}
    assert steps["学位论文涉密性确认等待基地导师答复"]["status"] == "wait"
    record_services.clearance_answer(
        clearance=pending, by=req.base_supervisor.user, confidential=True, answer="涉密。"
    )
    steps = {s["title"]: s for s in home._steps(fresh(req), today)}
    assert steps["学位论文涉密性已经基地确认"]["status"] == "done"
    assert steps[f"《{pending.title}》涉密：保密协议扫描件待上传"]["status"] == "wait"


def test_art25_request_page_lists_the_archive_conditions(client, people, waiting):
    client.force_login(people["tutor_a"])
    page = client.get(reverse("practice:request_detail", args=[waiting.request_id])).text
    assert "归档前还须" in page and NO_CLEARANCE in page
