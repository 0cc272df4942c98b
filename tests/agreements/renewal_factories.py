"""Renewal (续签) test data: a registered base, its renewal filed and walked along the chain.

Everything is made through ``agreements.renewals``, so tests start from the rows the
application itself would have written.
"""

from datetime import date, timedelta

from django.utils import timezone

from agreements import renewals, services
from agreements.choices import RenewalState as S
from agreements.renewal_models import Renewal
from tests.agreements.test_compliance import make_base
from tests.applications.factories import pdf_file
from tests.conftest import make_user
from xcu_bases.choices import RoleCode as R
from xcu_bases.dates import add_years
from xcu_bases.workflow import seen

SUMMARY = "一、合作领域增加“果园智能水肥管理”；二、其余条款与现协议一致。"
COMMENTS = {
    "college_approve": "基地运行良好，同意续签五年。",
    "office_approve": "续签协议条款已核对，同意续签。",
    "legal_approve": "续签协议条款符合法律法规规定。",
}
MEETING = {"meeting_date": date(2026, 4, 15), "session": "2026年第12次校长办公会"}
AUTHORISATION = {"authorisation_number": "西学院〔2026〕21号", "authorised_on": date(2026, 3, 1)}
# The chain's order, for ``advance``.
CHAIN = [S.DRAFT, S.COLLEGE_REVIEW, S.OFFICE_REVIEW, S.LEGAL_REVIEW, S.MEETING, S.APPROVED,
         S.SIGNED]  # fmt: skip


def renewal_people(college_a, college_b) -> dict:
    """Everyone a renewal meets, named by role; college A owns the base."""
    return {
        "secretary_a": make_user("secretary_a", R.COLLEGE_SECRETARY, college=college_a,
                                 name="杨静"),
        "head_a": make_user("head_a", R.COLLEGE_HEAD, college=college_a, name="陈志强"),
        "secretary_b": make_user("secretary_b", R.COLLEGE_SECRETARY, college=college_b),
        "head_b": make_user("head_b", R.COLLEGE_HEAD, college=college_b),
        "office": make_user("office", R.GRADUATE_OFFICE, name="罗晓梅"),
        "office2": make_user("office2", R.GRADUATE_OFFICE, name="马丽"),
        "legal": make_user("legal", R.LEGAL_OFFICE, name="何志刚"),
        "expert": make_user("expert", R.EXPERT),
        "student_a": make_user("student_a", R.STUDENT, college=college_a),
    }  # fmt: skip


def registered_base(
    college, office, *, ends_on: date, name="西昌学院—凉山测试种业有限公司研究生联合培养基地"
):
    """An active base (plaque, Art 27 allocations) whose five-year agreement ends on ``ends_on``."""
    starts_on = add_years(ends_on + timedelta(days=1), -5)
    base = make_base(college, office, starts_on=starts_on, ends_on=ends_on, name=name)
    return services.base_register_existing(
        base=base, by=office, plaque_date=starts_on + timedelta(days=30)
    )


def new_term(base) -> tuple[date, date]:
    """The five years after the base's current agreement."""
    starts_on = base.latest_agreement().ends_on + timedelta(days=1)
    return starts_on, add_years(starts_on, 5) - timedelta(days=1)


def file_renewal(base, secretary, *, deviates=False, **overrides) -> Renewal:
    starts_on, ends_on = new_term(base)
    values = {"starts_on": starts_on, "ends_on": ends_on, "summary": SUMMARY,
              "deviates_from_template": deviates, "document": pdf_file("续签协议书（草案）.pdf")}  # fmt: skip
    return renewals.renewal_create(base=base, by=secretary, **{**values, **overrides})


def fresh(renewal) -> Renewal:
    return Renewal.objects.get(pk=renewal.pk)


def _staff(renewal, people, role):
    for key in (f"{role}_a", f"{role}_b"):
        if people[key].college_id == renewal.base.college_id:
            return people[key]
    raise LookupError(role)


def step(renewal, people, *, authorised=False) -> Renewal:
    """One step forward, as the right person; ``authorised``: the office records the
    authorising document instead of the president's meeting."""
    expected = seen(renewal)
    office = people["office"]
    if renewal.state == S.DRAFT:
        return renewals.renewal_submit(
            renewal=renewal, by=_staff(renewal, people, "secretary"), expected=expected
        )
    if renewal.state == S.COLLEGE_REVIEW:
        return renewals.renewal_college_approve(
            renewal=renewal, by=_staff(renewal, people, "head"), expected=expected,
            comment=COMMENTS["college_approve"],
        )  # fmt: skip
    if renewal.state == S.OFFICE_REVIEW:
        return renewals.renewal_office_approve(
            renewal=renewal, by=office, expected=expected, comment=COMMENTS["office_approve"],
            **(AUTHORISATION if authorised else {}),
        )  # fmt: skip
    if renewal.state == S.LEGAL_REVIEW:
        return renewals.renewal_legal_approve(
            renewal=renewal, by=people["legal"], expected=expected,
            comment=COMMENTS["legal_approve"],
        )  # fmt: skip
    if renewal.state == S.MEETING:
        return renewals.renewal_meeting_record(
            renewal=renewal, by=office, expected=expected, decision="approve", **MEETING
        )
    if renewal.state == S.APPROVED:
        return renewals.renewal_sign(
            renewal=renewal, by=office, expected=expected, signed_on=timezone.localdate(),
            starts_on=renewal.starts_on, ends_on=None, scan=pdf_file("续签协议（签字盖章）.pdf"),
        )  # fmt: skip
    raise ValueError(f"no step forward from {renewal.state}")


def advance(renewal, state, people, *, authorised=False) -> Renewal:
    """Walk ``renewal`` forward with the services until it is in ``state``."""
    while renewal.state != state:
        renewal = step(renewal, people, authorised=authorised)
        if CHAIN.index(renewal.state) > CHAIN.index(state):
            raise ValueError(f"stepped past {state} to {renewal.state}")
    return renewal
