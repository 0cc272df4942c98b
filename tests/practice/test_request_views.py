"""Annex 2 pages: the student fills, saves and submits; the reviewers act through confirmation
pages with their opinions; everyone else gets 404/403 and nothing changes (habit 9).

People, the base, the certified supervisor and a complete draft come from tests/practice/conftest.py
(built with make_user/make_student, the coursework service, Partner/Base/Agreement and the
supervisor services). student_b is another student of the same college with another tutor.
"""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from practice import gates, services
from practice.choices import RequestState as S
from practice.forms import RequestForm
from practice.models import PlanTask, PracticeRequest
from tests.conftest import make_user
from tests.practice.factories import (
    COMMENTS,
    PURPOSE,
    TINY_PDF,
    advance_to,
    fresh,
    logs,
    pdf_file,
)
from xcu_bases.choices import RoleCode as R
from xcu_bases.inbox import tasks_for
from xcu_bases.navigation import items_for


def login(client, user):
    client.force_login(user)
    return client


def url(name, req):
    return reverse(f"practice:{name}", args=[req.pk])


def seen_post(req, **data):
    return {"seen_state": req.state, "seen_round": req.round, **data}


def form_data(req, tasks=None, **changes) -> dict:
    """What the edit page posts back for ``req`` as it stands, with ``changes``.

    ``tasks`` replaces the plan rows: a list of (task, starts_on, ends_on) strings."""
    form = RequestForm(instance=req)
    data = {}
    for name in form.fields:
        value = form.initial.get(name)
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        elif isinstance(value, date):
            data[name] = value.isoformat()
        elif hasattr(value, "pk"):
            data[name] = value.pk
        elif value is not None:
            data[name] = value
    existing = list(req.tasks.all())
    if tasks is None:
        rows = [(t.task, t.starts_on.isoformat(), t.ends_on.isoformat()) for t in existing]
    else:
        rows = tasks
    data.update({
        "tasks-TOTAL_FORMS": str(max(len(rows), len(existing))),
        "tasks-INITIAL_FORMS": str(len(existing)),
        "tasks-MIN_NUM_FORMS": "0", "tasks-MAX_NUM_FORMS": "30",
    })  # fmt: skip
    for i, task in enumerate(existing):
        data[f"tasks-{i}-id"] = task.pk
        if i >= len(rows):
            data[f"tasks-{i}-DELETE"] = "on"
    for i, (text, starts, ends) in enumerate(rows):
        data.update({f"tasks-{i}-task": text, f"tasks-{i}-starts_on": starts,
                     f"tasks-{i}-ends_on": ends})  # fmt: skip
    data.update(changes)
    return data


def stored_insurance_files(settings) -> list:
    folder = settings.MEDIA_ROOT / "practice" / "insurance"
    return list(folder.iterdir()) if folder.exists() else []


@pytest.fixture
def blank(people):
    """student_a's new, empty draft."""
    return services.request_create(by=people["student_a"])


# --- creating and drafting --------------------------------------------------------------------


def test_student_creates_a_draft_and_a_second_click_reopens_it(client, people):
    login(client, people["student_a"])
    response = client.post(reverse("practice:request_create"))
    req = PracticeRequest.objects.get()
    assert response.url == url("request_edit", req)
    assert (req.student, req.state, req.round) == (people["student_a"], S.DRAFT, 0)
    assert client.post(reverse("practice:request_create")).url == url("request_edit", req)
    assert PracticeRequest.objects.count() == 1


@pytest.mark.parametrize("who", ["tutor_a", "secretary_a", "office", "expert"])
def test_only_students_create(client, people, who):
    assert login(client, people[who]).post(reverse("practice:request_create")).status_code == 404
    assert not PracticeRequest.objects.exists()


def test_create_is_post_only(client, people):
    response = login(client, people["student_a"]).get(reverse("practice:request_create"))
    assert response.status_code == 405
    assert not PracticeRequest.objects.exists()


def test_edit_page_shows_own_data_read_only_with_a_link_to_my_profile(client, people, blank):
    page = login(client, people["student_a"]).get(url("request_edit", blank)).text
    assert "赵雨桐" in page and "2024095101" in page and "张明华" in page
    assert reverse("my_profile") in page
    assert 'name="student_number"' not in page and 'name="phone"' not in page
    assert f'data-min-chars="{gates.PURPOSE_MIN_CHARS}"' in page
    assert "保持联系" in page and "人身和财产安全" in page and "遵守纪律和规章制度" in page
    assert "添加任务" in page


def test_base_and_supervisor_selects_offer_only_active_bases_and_certified_supervisors(
    client, people, blank, base, supervisor, college_a
):
    from tests.practice.factories import active_base, nominated_supervisor

    other = active_base(college_a, people["office"])
    nominated_supervisor(other, people["secretary_a"], name="未认定的导师")
    from agreements.models import Base

    Base.objects.filter(pk=other.pk).update(state="expired")
    page = login(client, people["student_a"]).get(url("request_edit", blank)).text
    assert f'value="{base.pk}"' in page and other.name not in page
    assert f"吉克曲布（高级农艺师）· {base.name}" in page
    assert f'data-base="{base.pk}"' in page
    assert "未认定的导师" not in page


def test_draft_saves_incomplete_data(client, people, blank):
    response = login(client, people["student_a"]).post(
        url("request_edit", blank),
        form_data(blank, tasks=[("熟悉基地安全规程", "2026-03-02", "")], purpose="只写了一句话"),
    )
    assert response.status_code == 302
    req = fresh(blank)
    assert req.purpose == "只写了一句话" and req.state == S.DRAFT
    assert list(req.tasks.values_list("task", "starts_on", "ends_on")) == [
        ("熟悉基地安全规程", date(2026, 3, 2), None)
    ]


def test_typing_errors_keep_everything_typed_and_save_nothing(client, people, blank):
    response = login(client, people["student_a"]).post(
        url("request_edit", blank),
        form_data(
            blank,
            tasks=[("不会丢失的任务", "2026-05-01", "2026-04-01")],
            purpose="不会丢失的实践目的",
            base_contact_phone="电话号码",
            starts_on="2026-09-01",
            ends_on="2026-03-01",
            insured_from="明年",
        ),
    )
    assert response.status_code == 200
    page = response.text
    assert "草稿未保存" in page
    assert "不会丢失的实践目的" in page and "不会丢失的任务" in page
    assert "请输入有效的电话号码" in page
    assert "实践结束日期不能早于开始日期。" in page
    assert "结束日期不能早于开始日期。" in page
    assert "输入一个有效的日期" in page
    req = fresh(blank)
    assert (req.purpose, req.starts_on) == ("", None)
    assert not req.tasks.exists()


def test_plan_rows_keep_page_order_and_can_be_deleted(client, people, draft):
    login(client, people["student_a"])
    rows = [("第一项", "2026-03-02", "2026-04-30"), ("第二项", "2026-05-01", "2026-06-30"),
            ("第三项", "2026-07-01", "2026-08-31")]  # fmt: skip
    client.post(url("request_edit", draft), form_data(draft, tasks=rows))
    assert list(PlanTask.objects.filter(request=draft).values_list("task", "position")) == [
        ("第一项", 1), ("第二项", 2), ("第三项", 3)
    ]  # fmt: skip
    client.post(url("request_edit", draft), form_data(draft, tasks=rows[1:2]))
    # The first row now holds the second task; the other two rows are deleted.
    assert list(fresh(draft).tasks.values_list("task", flat=True)) == ["第二项"]


def test_exe_renamed_pdf_insurance_scan_is_refused_and_nothing_stored(
    client, people, blank, settings
):
    fake = SimpleUploadedFile("保单.pdf", b"MZ\x90\x00" + b"\x00" * 100)
    response = login(client, people["student_a"]).post(
        url("request_edit", blank),
        form_data(blank, insurer="中国人寿", insurance_upload=fake),
    )
    assert response.status_code == 200
    assert "不是允许的类型" in response.text and "草稿未保存" in response.text
    assert "中国人寿" in response.text
    req = fresh(blank)
    assert not req.insurance_scan and req.insurance_scan_name == "" and req.insurer == ""
    assert stored_insurance_files(settings) == []


def test_insurance_scan_is_stored_and_served_only_to_those_who_see_the_request(
    client, people, blank, settings
):
    login(client, people["student_a"]).post(
        url("request_edit", blank),
        form_data(blank, insurance_upload=pdf_file("人身意外伤害保险保单.pdf")),
    )
    req = fresh(blank)
    assert req.insurance_scan_name == "人身意外伤害保险保单.pdf"
    assert len(stored_insurance_files(settings)) == 1
    response = client.get(url("request_insurance", req))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content) == TINY_PDF
    assert login(client, people["tutor_a"]).get(url("request_insurance", req)).status_code == 200
    assert login(client, people["student_b"]).get(url("request_insurance", req)).status_code == 404


def test_a_valid_scan_is_kept_when_another_field_has_a_typing_error(client, people, blank):
    response = login(client, people["student_a"]).post(
        url("request_edit", blank),
        form_data(blank, starts_on="不是日期", insurance_upload=pdf_file("保单.pdf")),
    )
    assert response.status_code == 200 and "草稿未保存" in response.text
    assert fresh(blank).insurance_scan_name == "保单.pdf"


def test_the_whole_form_through_the_page_then_submit(client, people, blank, base, supervisor):
    login(client, people["student_a"])
    typed = {
        "base_type": "off_campus", "base": base.pk, "base_address": "四川省西昌市航天大道三段68号",
        "base_postcode": "615000", "base_contact": "罗永康", "base_contact_phone": "0834-3212001",
        "base_contact_email": "luoyk@example.cn", "base_supervisor": supervisor.pk, "starts_on": "2026-03-02", "ends_on": "2026-08-31",
        "purpose": PURPOSE, "insurer": "中国人寿保险股份有限公司凉山分公司",
        "policy_number": "2026513400010086", "insured_from": "2026-03-01",
        "insured_to": "2026-09-30", "pledge_accepted": "on", "pledge_signature": "赵雨桐",
        "pledge_date": "2026-02-16", "insurance_upload": pdf_file("保单.pdf"), "submit": "",
    }  # fmt: skip
    plan = [("参加基地安全教育", "2026-03-02", "2026-05-31"),
            ("苦荞种质农艺性状调查", "2026-06-01", "2026-08-31")]  # fmt: skip
    data = form_data(blank, tasks=plan, **typed)
    response = client.post(url("request_edit", blank), data)
    assert response.url == url("request_submit", blank)
    page = client.get(response.url).text
    assert "确认提交" in page and 'data-testid="problems"' not in page
    req = fresh(blank)
    response = client.post(url("request_submit", req), seen_post(req))
    assert response.url == url("request_detail", req)
    req = fresh(req)
    assert (req.state, req.round) == (S.SUPERVISOR_REVIEW, 1)
    fields = req.snapshots.get().data["fields"]
    assert fields["base_postcode"]["value"] == "615000"
    assert fields["base_contact_email"]["value"] == "luoyk@example.cn"
    (log,) = logs(req)
    assert (log.transition, log.by, log.role) == ("submit", people["student_a"], R.STUDENT)


def test_submit_page_lists_every_unmet_gate(client, people, blank):
    login(client, people["student_a"])
    page = client.get(url("request_submit", blank)).text
    problems = gates.problems(blank)
    assert len(problems) >= 10
    for problem in problems:
        assert problem in page, problem
    assert "请选择实践基地。" in page
    assert "请上传保单扫描件（第二十二条）。" in page
    assert "请阅读并勾选承诺书（第二十二条）。" in page
    response = client.post(url("request_submit", blank), seen_post(blank))
    assert response.status_code == 200 and "申请尚不满足条件，不能提交。" in response.text
    req = fresh(blank)
    assert (req.state, req.round) == (S.DRAFT, 0) and not logs(req)


def test_submit_page_tells_a_student_without_confirmed_coursework(
    client, people, base, supervisor
):
    req = services.request_create(by=people["student_b"])
    page = login(client, people["student_b"]).get(url("request_submit", req)).text
    assert "尚未确认你已完成规定的课程学习" in page and "第二十一条" in page


def test_submitted_request_cannot_be_edited(client, people, draft):
    req = advance_to(draft, S.SUPERVISOR_REVIEW, people)
    response = login(client, people["student_a"]).post(
        url("request_edit", req), form_data(req, purpose="提交后偷偷修改")
    )
    assert response.url == url("request_detail", req)
    assert fresh(req).purpose == PURPOSE


# --- the chain through the pages ---------------------------------------------------------------


def test_happy_path_through_the_pages_with_required_comments(client, people, draft, supervisor):
    login(client, people["student_a"]).post(url("request_submit", draft), seen_post(draft))
    req = fresh(draft)
    assert req.state == S.SUPERVISOR_REVIEW
    people = {**people, "mentor": supervisor.user}
    steps = [
        ("tutor_a", "request_supervisor_approve", "supervisor_approve", S.PLAN_REVIEW,
         R.CAMPUS_SUPERVISOR),
        ("mentor", "request_plan_confirm", "plan_confirm", S.COLLEGE_REVIEW, R.BASE_SUPERVISOR),
        ("head_a", "request_college_approve", "college_approve", S.OFFICE_REVIEW, R.COLLEGE_HEAD),
        ("office", "request_office_approve", "office_approve", S.APPROVED, R.GRADUATE_OFFICE),
    ]  # fmt: skip
    for who, url_name, name, target, role in steps:
        login(client, people[who])
        detail = client.get(url("request_detail", req)).text
        assert url(url_name, req) in detail
        assert client.get(url(url_name, req)).status_code == 200
        response = client.post(url(url_name, req), seen_post(req, comment="   "))
        assert response.status_code == 200 and "这个字段是必填项" in response.text
        assert fresh(req).state == req.state
        client.post(url(url_name, req), seen_post(req, comment=COMMENTS[name]))
        req = fresh(req)
        assert req.state == target
        (log,) = logs(req, name)
        assert (log.by, log.role, log.comment) == (people[who], role, COMMENTS[name])
    page = login(client, people["student_a"]).get(url("request_detail", req)).text
    for comment in COMMENTS.values():
        assert comment in page
    assert "实践中" in page and "办理记录" in page
    assert url("request_pdf", req) in page


def test_return_then_resubmission_shows_what_changed(client, people, draft):
    req = advance_to(draft, S.SUPERVISOR_REVIEW, people)
    login(client, people["tutor_a"]).post(
        url("request_return", req), seen_post(req, comment="请补充黄酮含量测定的具体方法。")
    )
    req = fresh(req)
    assert (req.state, req.round) == (S.DRAFT, 1)
    (log,) = logs(req, "return_to_draft")
    assert (log.by, log.comment) == (people["tutor_a"], "请补充黄酮含量测定的具体方法。")

    login(client, people["student_a"])
    edit = client.get(url("request_edit", req)).text
    assert "请补充黄酮含量测定的具体方法。" in edit
    new_purpose = PURPOSE + "黄酮含量采用分光光度法测定。"
    client.post(url("request_edit", req), form_data(req, purpose=new_purpose))
    req = fresh(req)
    client.post(url("request_submit", req), seen_post(req))
    req = fresh(req)
    assert (req.state, req.round) == (S.SUPERVISOR_REVIEW, 2)
    page = login(client, people["tutor_a"]).get(url("request_detail", req)).text
    assert "与上一次提交相比的修改（1 处）" in page
    assert "分光光度法" in page


def test_reject_ends_the_request_with_its_reason(client, people, draft):
    req = advance_to(draft, S.COLLEGE_REVIEW, people)
    login(client, people["head_a"])
    response = client.post(url("request_reject", req), seen_post(req, comment=""))
    assert "这个字段是必填项" in response.text and fresh(req).state == S.COLLEGE_REVIEW
    client.post(url("request_reject", req), seen_post(req, comment="实践内容与培养方案不符。"))
    req = fresh(req)
    assert req.state == S.REJECTED
    (log,) = logs(req, "reject")
    assert (log.by, log.role) == (people["head_a"], R.COLLEGE_HEAD)
    page = login(client, people["student_a"]).get(url("request_detail", req)).text
    assert "实践内容与培养方案不符。" in page
    assert url("request_edit", req) not in page and url("request_submit", req) not in page


@pytest.mark.parametrize(
    ("who", "status"),
    [("student_a", 403), ("head_a", 403), ("office", 403), ("tutor_b", 404),
     ("secretary_b", 404), ("student_b", 404), ("expert", 404)],
)  # fmt: skip
def test_wrong_role_cannot_approve_and_nothing_changes(client, people, draft, who, status):
    req = advance_to(draft, S.SUPERVISOR_REVIEW, people)
    target = url("request_supervisor_approve", req)
    login(client, people[who])
    assert client.get(target).status_code == status
    assert client.post(target, seen_post(req, comment="同意")).status_code == status
    after = fresh(req)
    assert (after.state, len(logs(after))) == (S.SUPERVISOR_REVIEW, 1)


@pytest.mark.parametrize("action", ["request_return", "request_reject"])
def test_student_cannot_return_or_reject_own_request(client, people, draft, action):
    req = advance_to(draft, S.SUPERVISOR_REVIEW, people)
    response = login(client, people["student_a"]).post(
        url(action, req), seen_post(req, comment="我自己退回")
    )
    assert response.status_code == 403
    assert fresh(req).state == S.SUPERVISOR_REVIEW


def test_a_stale_page_is_told_in_chinese_and_nothing_happens_twice(client, people, draft):
    req = advance_to(draft, S.SUPERVISOR_REVIEW, people)
    stale = seen_post(req, comment="同意")
    login(client, people["tutor_a"])
    client.post(url("request_supervisor_approve", req), stale)
    response = client.post(url("request_return", req), stale, follow=True)
    assert response.status_code == 200
    assert "已被他人处理" in response.text
    assert fresh(req).state == S.PLAN_REVIEW
    assert len(logs(req, "supervisor_approve")) == 1 and not logs(req, "return_to_draft")


def test_office_approval_checks_the_gates_again_and_says_why(client, people, draft):
    req = advance_to(draft, S.OFFICE_REVIEW, people)
    PracticeRequest.objects.filter(pk=req.pk).update(pledge_accepted=False)
    response = login(client, people["office"]).post(
        url("request_office_approve", req), seen_post(req, comment="同意。"), follow=True
    )
    assert response.status_code == 200
    assert "暂不能“学科与研究生处批准”" in response.text
    assert "请阅读并勾选承诺书（第二十二条）。" in response.text
    assert fresh(req).state == S.OFFICE_REVIEW


def test_another_student_gets_404_everywhere(client, people, draft):
    login(client, people["student_b"])
    names = (
        "request_detail",
        "request_edit",
        "request_submit",
        "request_insurance",
        "request_pdf",
    )
    for target in [url(name, draft) for name in names]:
        assert client.get(target).status_code == 404, target
    assert (
        client.post(url("request_edit", draft), form_data(draft, purpose="改")).status_code == 404
    )
    assert client.post(url("request_submit", draft), seen_post(draft)).status_code == 404
    assert fresh(draft).purpose == PURPOSE and fresh(draft).state == S.DRAFT


@pytest.mark.parametrize("who", ["tutor_a", "secretary_a", "office"])
def test_reviewers_see_the_draft_but_cannot_edit_or_submit_it(client, people, draft, who):
    login(client, people[who])
    assert client.get(url("request_detail", draft)).status_code == 200
    assert client.get(url("request_edit", draft)).status_code == 404
    assert client.post(url("request_submit", draft), seen_post(draft)).status_code == 404
    assert fresh(draft).state == S.DRAFT


# --- the list ----------------------------------------------------------------------------------


def test_list_shows_only_visible_requests_and_filters_by_state(client, people, draft):
    submitted = advance_to(draft, S.SUPERVISOR_REVIEW, people)
    services.request_create(by=people["student_b"])
    page = login(client, people["tutor_a"]).get(reverse("practice:requests")).text
    assert "赵雨桐" in page and "孙浩然" not in page
    login(client, people["secretary_a"])
    page = client.get(reverse("practice:requests"), {"state": "supervisor_review"}).text
    assert "赵雨桐" in page and "孙浩然" not in page
    page = client.get(reverse("practice:requests"), {"state": "draft"}).text
    assert "孙浩然" in page and url("request_detail", submitted) not in page
    assert (
        "没有符合条件"
        in login(client, people["secretary_b"]).get(reverse("practice:requests")).text
    )


def test_list_query_count_does_not_grow(client, people, django_assert_max_num_queries):
    login(client, people["office"])
    for _ in range(3):
        services.request_create(by=people["student_a"])
    # 9 = the page (8) + the notification bell's unread count.
    with django_assert_max_num_queries(9) as few:
        assert client.get(reverse("practice:requests")).status_code == 200
    for _ in range(27):
        services.request_create(by=people["student_b"])
    with django_assert_max_num_queries(9) as many:
        response = client.get(reverse("practice:requests"))
    assert len(many.captured_queries) == len(few.captured_queries)
    assert "第 1 / 2 页" in response.text and "共 30 份" in response.text


# --- inbox and navigation ----------------------------------------------------------------------


def _practice_tasks(user) -> list[str]:
    return [t.title for t in tasks_for(user) if t.category == "专业实践"]


def test_inbox_follows_the_request(people, draft):
    name = str(draft)
    assert _practice_tasks(people["student_a"]) == [f"待提交：{name}"]
    req = advance_to(draft, S.SUPERVISOR_REVIEW, people)
    assert _practice_tasks(people["student_a"]) == []
    assert _practice_tasks(people["tutor_a"]) == [f"校内导师审核：{name}"]
    assert _practice_tasks(people["tutor_b"]) == []
    services.request_return(
        req=req, by=people["tutor_a"], expected=services.seen(req), comment="请修改。"
    )
    assert _practice_tasks(people["student_a"]) == [f"退回修改：{name}"]
    req = advance_to(fresh(req), S.PLAN_REVIEW, people)
    assert _practice_tasks(req.base_supervisor.user) == [f"确认实践计划：{name}"]  # Art 19
    req = advance_to(fresh(req), S.COLLEGE_REVIEW, people)
    assert _practice_tasks(people["head_a"]) == [f"学院审核：{name}"]
    assert _practice_tasks(people["secretary_a"]) == [f"核对材料：{name}"]
    services.request_college_forward(req=req, by=people["secretary_a"])
    assert _practice_tasks(people["secretary_a"]) == []
    assert _practice_tasks(people["head_a"]) == [f"学院审核：{name}"]
    assert _practice_tasks(people["secretary_b"]) == []
    services.request_college_approve(
        req=req, by=people["head_a"], expected=services.seen(req), comment="同意。"
    )
    assert _practice_tasks(people["office"]) == [f"学科与研究生处审批：{name}"]


def test_each_inbox_provider_runs_one_query(people, draft, django_assert_num_queries):
    from practice import inbox

    tutor = people["tutor_a"]
    assert tutor.has_role(R.CAMPUS_SUPERVISOR)  # roles are read once per request
    advance_to(draft, S.SUPERVISOR_REVIEW, people)
    with django_assert_num_queries(1):
        assert len(inbox.practice_for_campus_supervisor(tutor)) == 1


def test_nav_item_for_the_people_of_annex2(people):
    base_supervisor = make_user("mentor", R.BASE_SUPERVISOR, name="吉克阿依")
    for user in (people["student_a"], people["tutor_a"], base_supervisor,
                 people["secretary_a"], people["head_a"], people["office"]):  # fmt: skip
        labels = {(i.label, i.url_name, i.icon) for i in items_for(user)}
        assert ("专业实践", "practice:requests", "briefcase") in labels, user
    assert "专业实践" not in {i.label for i in items_for(people["expert"])}
