"""The gates before a student may go to a base (Art 7(2), 12(4), 18–22).

Each gate refuses the submission with its own Chinese reason, and a refused submission
changes nothing: still a draft, round 0, no snapshot, no timeline row. The office's
approval checks the same gates again.
"""

from datetime import date, timedelta

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from agreements import services as base_services
from agreements.models import Agreement, Base
from practice import gates, services
from practice.choices import RequestState as S
from practice.models import PracticeRequest
from practice.services import PracticeError
from tests.conftest import make_student
from tests.practice.factories import (
    AGREEMENT,
    PERIOD,
    PURPOSE,
    TINY_PDF,
    active_base,
    advance_to,
    certified_supervisor,
    complete_request,
    fresh,
    logs,
    nominated_supervisor,
    plan,
)
from xcu_bases import services as people_services
from xcu_bases.models import User

COURSEWORK = (
    "学院或学科与研究生处尚未确认你已完成规定的课程学习，完成后方可申请专业实践（第二十一条）。"
)
OUTSIDE_AGREEMENT = (
    "实践期间必须在基地协议有效期内（第七条第二项）；请调整实践日期或待协议续签后再申请。"
)
DAY = timedelta(days=1)


def assert_refused(req, *messages):
    """``messages`` are exactly what the gates say, and submitting changes nothing."""
    req = fresh(req)
    assert gates.problems(req) == list(messages)
    with pytest.raises(PracticeError) as refused:
        services.request_submit(req=req, by=req.student, expected=services.seen(req))
    assert refused.value.message == "申请尚不满足条件，不能提交。"
    assert refused.value.details == list(messages)
    after = fresh(req)
    assert (after.state, after.round, after.submitted_at) == (S.DRAFT, 0, None)
    assert not after.snapshots.exists()
    assert logs(after) == []


def assert_accepted(req):
    req = fresh(req)
    assert gates.problems(req) == []
    services.request_submit(req=req, by=req.student, expected=services.seen(req))
    assert fresh(req).state == S.SUPERVISOR_REVIEW


def test_complete_request_passes_every_gate(draft):
    assert_accepted(draft)


# --- Art 21: coursework; Art 18: the campus supervisor ----------------------------------------


def test_art21_coursework_not_yet_confirmed_is_refused(people, base, supervisor):
    student_b = people["student_b"]
    assert student_b.student_profile.coursework_confirmed_at is None
    assert_refused(complete_request(student_b, base, supervisor), COURSEWORK)


def test_art21_coursework_confirmed_as_not_completed_is_refused(people, base, supervisor):
    student_b = people["student_b"]
    people_services.student_set_coursework(
        profile=student_b.student_profile, completed=False, by=people["secretary_a"]
    )
    assert_refused(complete_request(student_b, base, supervisor), COURSEWORK)


def test_art21_coursework_confirmed_as_completed_opens_the_gate(people, base, supervisor):
    student_b = people["student_b"]
    req = complete_request(student_b, base, supervisor)
    people_services.student_set_coursework(
        profile=student_b.student_profile, completed=True, by=people["head_a"]
    )
    assert_accepted(req)


def test_art18_student_without_campus_supervisor_is_refused(people, college_a, base, supervisor):
    profile = make_student("student_c", college_a, supervisor=None)
    people_services.student_set_coursework(
        profile=profile, completed=True, by=people["secretary_a"]
    )
    student_c = User.objects.get(pk=profile.user_id)
    assert_refused(
        complete_request(student_c, base, supervisor),
        "尚未确定校内导师，请联系学院研究生秘书（第十八条）。",
    )


# --- Art 12(4), Art 22: personal accident insurance over the whole period --------------------


def test_art22_insurance_ending_a_day_early_is_refused(people, base, supervisor):
    req = complete_request(people["student_a"], base, supervisor, insured_to=PERIOD[1] - DAY)
    assert_refused(
        req,
        "保险期间（2026年03月02日至2026年08月30日）未覆盖整个实践期间"
        "（2026年03月02日至2026年08月31日）（第十二条第四项、第二十二条）。",
    )


def test_art22_insurance_starting_a_day_late_is_refused(people, base, supervisor):
    req = complete_request(people["student_a"], base, supervisor, insured_from=PERIOD[0] + DAY)
    assert_refused(
        req,
        "保险期间（2026年03月03日至2026年08月31日）未覆盖整个实践期间"
        "（2026年03月02日至2026年08月31日）（第十二条第四项、第二十二条）。",
    )


def test_art22_insurance_covering_exactly_the_period_is_accepted(draft):
    assert (draft.insured_from, draft.insured_to) == (draft.starts_on, draft.ends_on)
    assert_accepted(draft)


def test_art22_insurance_without_insurer_or_policy_number_is_refused(people, base, supervisor):
    req = complete_request(people["student_a"], base, supervisor, insurer=" ", policy_number="")
    assert_refused(req, "请填写人身意外伤害保险的保险公司和保单号（第二十二条）。")


def test_art22_insurance_without_dates_is_refused(people, base, supervisor):
    req = complete_request(people["student_a"], base, supervisor, insured_to=None)
    assert_refused(req, "请填写保险起止日期（第二十二条）。")


def test_art22_insurance_without_the_policy_scan_is_refused(draft):
    PracticeRequest.objects.filter(pk=draft.pk).update(insurance_scan="", insurance_scan_name="")
    assert_refused(draft, "请上传保单扫描件（第二十二条）。")


# --- Art 18(2): a base supervisor certified by the university -----------------------------------


def test_art18_nominated_supervisor_is_refused(people, base):
    nominated = nominated_supervisor(base, people["secretary_a"], name="马海英", gender="female")
    req = complete_request(people["student_a"], base, nominated)
    assert_refused(req, "基地导师马海英尚未经学校认定，不能选择（第十八条）。")


def test_art18_revoked_supervisor_is_refused(people, draft, supervisor):
    services.supervisor_revoke(supervisor=supervisor, by=people["office"], reason="已调离合作单位")
    assert_refused(
        draft, "基地导师吉克曲布的资格已被撤销，请另选经学校认定的基地导师（第十八条）。"
    )


def test_art18_certificate_expiring_before_the_period_ends_is_refused(people, base):
    expiring = certified_supervisor(base, people, valid_until=PERIOD[1] - DAY)
    assert_refused(
        complete_request(people["student_a"], base, expiring),
        "基地导师吉克曲布的认定有效期至 2026年08月30日，不能覆盖整个实践期间（第十八条）。",
    )


def test_art18_certificate_valid_until_the_last_day_is_accepted(people, base):
    certified = certified_supervisor(base, people, valid_until=PERIOD[1])
    assert_accepted(complete_request(people["student_a"], base, certified))


def test_art18_supervisor_of_another_base_is_refused(people, college_a, base):
    other_base = active_base(college_a, people["office"])
    stranger = certified_supervisor(other_base, people, name="赵海波")
    assert_refused(
        complete_request(people["student_a"], base, stranger), "所选基地导师不属于该基地。"
    )


def test_art18_no_base_supervisor_is_refused(people, base):
    req = complete_request(people["student_a"], base, None)
    assert_refused(req, "请选择基地导师（第十八条）。")


# --- the base and Art 7(2): the practice lies inside the agreement ------------------------------


def test_art7_expired_base_is_refused(people, college_a):
    """The agreement ended yesterday; the daily job has expired the base."""
    today = timezone.localdate()
    old = active_base(college_a, people["office"], starts_on=date(2021, 1, 1), ends_on=today - DAY)
    supervisor = certified_supervisor(old, people, certified_on=date(2021, 2, 1))
    req = complete_request(
        people["student_a"], old, supervisor, starts_on=today - 100 * DAY, ends_on=today - 10 * DAY
    )
    assert gates.problems(fresh(req)) == []
    base_services.base_expire_due()
    assert Base.objects.get(pk=old.pk).state == "expired"
    assert_refused(req, "所选基地当前状态为“协议到期”，只能选择运行中的基地。")


def test_art29_revoked_base_is_refused(people, draft, base):
    base_services.base_revoke(base=base, by=people["office"], reason="年度对标检查不合格")
    assert_refused(draft, "所选基地当前状态为“已撤销”，只能选择运行中的基地。")


def test_art7_period_ending_a_day_after_the_agreement_is_refused(people, base, supervisor):
    req = complete_request(
        people["student_a"], base, supervisor,
        starts_on=date(2029, 7, 1), ends_on=AGREEMENT[1] + DAY,
    )  # fmt: skip
    assert_refused(req, OUTSIDE_AGREEMENT)


def test_art7_period_starting_before_the_agreement_is_refused(people, base, supervisor):
    req = complete_request(
        people["student_a"], base, supervisor,
        starts_on=AGREEMENT[0] - DAY, ends_on=date(2025, 6, 30),
    )  # fmt: skip
    assert_refused(req, OUTSIDE_AGREEMENT)


def test_art7_period_equal_to_the_agreement_term_is_accepted(people, base, supervisor):
    req = complete_request(
        people["student_a"], base, supervisor, starts_on=AGREEMENT[0], ends_on=AGREEMENT[1]
    )
    assert_accepted(req)


def test_practice_without_dates_is_refused(people, base, supervisor):
    req = complete_request(people["student_a"], base, supervisor)
    PracticeRequest.objects.filter(pk=req.pk).update(starts_on=None)
    assert "请填写实践起止日期。" in gates.problems(fresh(req))


def test_off_campus_practice_without_a_base_is_refused(people, base, supervisor):
    req = complete_request(people["student_a"], None, supervisor)
    assert_refused(req, "请选择实践基地。")


# --- Art 19: the practice and research plan ------------------------------------------------------


def test_art19_request_without_plan_is_refused(people, base, supervisor):
    req = complete_request(people["student_a"], base, supervisor, tasks=[])
    assert_refused(req, "请至少填写一项实践计划任务（第十九条）。")


def test_art19_task_ending_after_the_period_is_refused(people, draft):
    plan(
        draft,
        ("苦荞种质资源田间鉴定", PERIOD[0], PERIOD[0] + 60 * DAY),
        ("撰写专业实践总结报告", PERIOD[1] - 20 * DAY, PERIOD[1] + DAY),
    )
    assert_refused(draft, "实践计划第 2 项：任务时间应在实践期间内。")


def test_art19_task_starting_before_the_period_is_refused(people, draft):
    plan(draft, ("参加基地安全教育", PERIOD[0] - DAY, PERIOD[1]))
    assert_refused(draft, "实践计划第 1 项：任务时间应在实践期间内。")


def test_art19_task_without_dates_is_refused(people, draft):
    plan(draft, ("参加基地安全教育", PERIOD[0], None))
    assert_refused(draft, "实践计划第 1 项：请填写任务内容和起止日期。")


# --- Art 22: the safety pledge ----------------------------------------------------------------------


def test_art22_unchecked_pledge_is_refused(people, base, supervisor):
    req = complete_request(people["student_a"], base, supervisor, pledge_accepted=False)
    assert_refused(req, "请阅读并勾选承诺书（第二十二条）。")


def test_art22_pledge_signed_with_another_name_is_refused(people, base, supervisor):
    req = complete_request(people["student_a"], base, supervisor, pledge_signature="赵雨")
    assert_refused(req, "承诺书签名须为本人姓名“赵雨桐”。")


def test_art22_pledge_signature_may_carry_spaces_around_the_name(people, base, supervisor):
    req = complete_request(people["student_a"], base, supervisor, pledge_signature=" 赵雨桐 ")
    assert_accepted(req)


def test_art22_pledge_without_date_is_refused(people, base, supervisor):
    req = complete_request(people["student_a"], base, supervisor, pledge_date=None)
    assert_refused(req, "请填写承诺日期。")


# --- Annex 2: purpose (at least 50 characters, whitespace not counted) and the base's contact -----


def _purpose(n: int) -> str:
    """``n`` characters of the real purpose, with spaces and line breaks that do not count."""
    text = "".join(PURPOSE.split())[:n]
    assert len(text) == n
    return f"  {text[:20]}\n\n  {text[20:]} \t"


def test_annex2_purpose_of_49_characters_is_refused(people, base, supervisor):
    req = complete_request(people["student_a"], base, supervisor, purpose=_purpose(49))
    assert_refused(req, "实践目的和要求不少于 50 字，当前 49 字。")


def test_annex2_purpose_of_50_characters_is_accepted(people, base, supervisor):
    req = complete_request(people["student_a"], base, supervisor, purpose=_purpose(50))
    assert len(req.purpose) > 50
    assert_accepted(req)


@pytest.mark.parametrize(
    "field, message",
    [
        ("base_address", "请填写基地地址。"),
        ("base_contact", "请填写基地负责人。"),
        ("base_contact_phone", "请填写基地负责人联系电话。"),
        # Annex 2 基地负责人联系方式（电话、邮箱）: both.
        ("base_contact_email", "请填写基地负责人邮箱。"),
    ],
)
def test_annex2_missing_base_contact_is_refused(people, base, supervisor, field, message):
    req = complete_request(people["student_a"], base, supervisor, **{field: "  "})
    assert_refused(req, message)


def test_annex2_postcode_must_have_six_digits(people, base, supervisor):
    req = complete_request(people["student_a"], base, supervisor, base_postcode="61500A")
    assert_refused(req, "邮政编码应为 6 位数字。")


def test_every_missing_thing_is_listed_in_form_order(people):
    empty = services.request_create(by=people["student_a"])
    found = gates.problems(empty)
    assert found[:2] == ["请填写实践起止日期。", "请选择实践基地。"]
    assert "请选择基地导师（第十八条）。" in found
    assert found.index("请至少填写一项实践计划任务（第十九条）。") < found.index(
        "请阅读并勾选承诺书（第二十二条）。"
    )
    assert_refused(empty, *found)


# --- the office checks the gates again before it approves --------------------------------------------


def _assert_office_refuses(req, people, message):
    with pytest.raises(PracticeError) as refused:
        services.request_office_approve(
            req=req, by=people["office"], expected=services.seen(req), comment="同意。"
        )
    assert refused.value.message == "暂不能“学科与研究生处批准”。"
    assert message in refused.value.details
    after = fresh(req)
    assert (after.state, after.round) == (S.OFFICE_REVIEW, 1)
    assert logs(after, "office_approve") == []


def test_art18_supervisor_revoked_while_the_request_waits_stops_the_office(
    people, draft, supervisor
):
    waiting = advance_to(draft, S.OFFICE_REVIEW, people)
    services.supervisor_revoke(
        supervisor=supervisor, by=people["office"], reason="合作单位来函，该同志已离职。"
    )
    _assert_office_refuses(
        waiting,
        people,
        "基地导师吉克曲布的资格已被撤销，请另选经学校认定的基地导师（第十八条）。",
    )


def test_art29_base_revoked_while_the_request_waits_stops_the_office(people, draft, base):
    waiting = advance_to(draft, S.OFFICE_REVIEW, people)
    base_services.base_revoke(base=base, by=people["office"], reason="年度对标检查不合格")
    _assert_office_refuses(waiting, people, "所选基地当前状态为“已撤销”，只能选择运行中的基地。")


def test_art21_coursework_withdrawn_while_the_request_waits_stops_the_office(people, draft):
    waiting = advance_to(draft, S.OFFICE_REVIEW, people)
    people_services.student_set_coursework(
        profile=people["student_a"].student_profile, completed=False, by=people["office"],
        comment="复核发现一门学位课未通过。",
    )  # fmt: skip
    _assert_office_refuses(waiting, people, COURSEWORK)


def test_art7_period_running_into_the_signed_renewal_is_accepted(people, base, supervisor):
    Agreement.objects.create(
        base=base, signed_on=date(2029, 11, 20), starts_on=AGREEMENT[1] + DAY,
        ends_on=date(2034, 12, 31), scan=ContentFile(TINY_PDF, name="续签协议.pdf"),
        scan_name="续签协议.pdf", recorded_by=people["office"],
    )  # fmt: skip
    req = complete_request(
        people["student_a"],
        base,
        supervisor,
        starts_on=date(2029, 9, 1),
        ends_on=date(2030, 2, 28),
    )
    assert gates.problems(fresh(req)) == []
