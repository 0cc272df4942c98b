"""The permission matrix: every URL of the project × every demo account (and anonymous).

``MATRIX`` says, for each URL name, which demo object it is opened on, who sees it, who may
change something through it and whether it takes POST only. The tests check, on the demo data:

* anonymous visitors are sent to the login page, except for ``ANONYMOUS_ALLOWED``;
* whoever is not in ``see`` gets 404 (DESIGN.md: do not reveal that an object exists), or 403
  where the view says so on purpose (``forbid``: the object is visible, the step never theirs);
* whoever may not act gets nothing changed by a POST: not the row, not the number of rows;
* POST-only URLs answer GET with 405, and no state-changing URL takes a POST without CSRF token.

A URL added to the project without a line in ``MATRIX`` fails ``test_every_url_is_in_the_matrix``.
"""

import io
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from openpyxl import load_workbook

from agreements.models import AgreementTemplate, Base, FundingEntry, Renewal
from applications.models import ApplicationAttachment, BaseApplication, InspectionPhoto
from evaluation.models import (
    BaseEvaluation,
    EvidenceAttachment,
    ExpertAssignment,
    RevocationDecision,
    Standard,
)
from practice.models import (
    BaseSupervisor,
    PracticeAssessment,
    PracticeRequest,
    PublicationClearance,
)
from tests import seeded_demo
from tests.seeded_demo import DEMO_USERS, counts, row, user
from xcu_bases.models import Notification, StudentProfile

# The demo, seeded once for the module; ``db`` replaces pytest-django's (see seeded_demo.py).
seeded, db, _media_root = seeded_demo.seeded, seeded_demo.db, seeded_demo._media_root

ANONYMOUS = "anonymous"
ROLES = [*DEMO_USERS, ANONYMOUS]

# Who is who in the demo (xcu_bases/demo.py).
OFFICE = frozenset({"office", "admin"})
COLLEGE1 = frozenset({"secretary", "head"})
COLLEGE2 = frozenset({"secretary2", "head2"})
STAFF = COLLEGE1 | COLLEGE2
EXPERTS = frozenset({"expert", "expert2", "expert3"})
STUDENTS = frozenset({"student", "student2"})
EVERYONE = frozenset(DEMO_USERS)
NOBODY = frozenset()

# Views marked login_not_required (Django's LoginView); everything else needs a login.
ANONYMOUS_ALLOWED = {"login"}


# --- the demo objects the matrix opens, one query each, looked up once per module ----------


def _first(qs):
    obj = qs.order_by("pk").first()
    assert obj is not None, f"the demo data has no {qs.model.__name__} for {qs.query.where}"
    return obj


def _find():
    apps = BaseApplication.objects
    base = _first(Base.objects.filter(college__code="01", state="active").exclude(meetings=None))
    app_est = _first(apps.filter(college__code="01", state="established"))
    app_office = _first(apps.filter(college__code="01", state="office_review"))
    req = _first(PracticeRequest.objects.filter(student__username="student", state="approved"))
    evaluation = _first(
        BaseEvaluation.objects.filter(base__college__code="01", state="scoring").exclude(
            assignments=None
        )
    )
    return {
        # Annex 1
        "app_est": app_est,
        "app_draft": _first(apps.filter(college__code="01", state="draft")),
        "app_office": app_office,
        "app_meeting": _first(apps.filter(college__code="01", state="meeting")),
        "app_signed": _first(apps.filter(college__code="01", state="signed")),
        "app2_college": _first(apps.filter(college__code="02", state="college_review")),
        "app2_legal": _first(apps.filter(college__code="02", state="legal_review")),
        "app2_approved": _first(apps.filter(college__code="02", state="approved")),
        "app2_draft": _first(
            apps.filter(college__code="02", state="draft").exclude(attachments=None)
        ),
        "attachment": _first(ApplicationAttachment.objects.filter(application=app_est)),
        "attachment2": _first(
            ApplicationAttachment.objects.filter(
                application__college__code="02", application__state="draft"
            )
        ),
        "photo": _first(InspectionPhoto.objects.filter(inspection__application=app_office)),
        # bases
        "template": _first(AgreementTemplate.objects.all()),
        "base": base,
        "agreement": _first(base.agreements.all()),
        "member": _first(base.governance.all()),
        "meeting": _first(base.meetings.exclude(file="")),
        "allocation": _first(FundingEntry.objects.filter(kind="allocation", state="planned")),
        # renewals (Art 7): one waiting for the office, one sent to the legal office
        "renewal_office": _first(
            Renewal.objects.filter(base__college__code="01", state="office_review")
        ),
        "renewal2_legal": _first(
            Renewal.objects.filter(base__college__code="02", state="legal_review")
        ),
        # practice
        "req": req,
        "req_supervisor": _first(
            PracticeRequest.objects.filter(student__username="student", state="supervisor_review")
        ),
        "req_plan": _first(
            PracticeRequest.objects.filter(
                state="plan_review", base_supervisor__user__username="mentor"
            )
        ),
        "req_college": _first(
            PracticeRequest.objects.filter(student__college__code="01", state="college_review")
        ),
        "req2_office": _first(
            PracticeRequest.objects.filter(student__username="student2", state="office_review")
        ),
        "req_thesis": _first(
            PracticeRequest.objects.filter(student__college__code="01", state="approved").exclude(
                thesis=""
            )
        ),
        "clearance": _first(PublicationClearance.objects.filter(state="confidential")),
        "clearance_pending": _first(
            PublicationClearance.objects.filter(
                state="pending", request__base_supervisor__user__username="mentor"
            )
        ),
        "asm_base": _first(
            PracticeAssessment.objects.filter(
                state="base_supervisor_review", request__base_supervisor__user__username="mentor"
            )
        ),
        "asm_campus": _first(
            PracticeAssessment.objects.filter(
                state="campus_supervisor_review", request__student__college__code="01"
            )
        ),
        "asm2_college": _first(
            PracticeAssessment.objects.filter(
                state="college_review", request__student__college__code="02"
            )
        ),
        "asm_office": _first(
            PracticeAssessment.objects.filter(
                state="office_review", request__student__college__code="01"
            )
        ),
        "supervisor": _first(
            BaseSupervisor.objects.filter(user__username="mentor", state="certified")
        ),
        "supervisor2_nominated": _first(
            BaseSupervisor.objects.filter(base__college__code="02", state="nominated")
        ),
        # evaluation
        "round": evaluation.round,
        "evaluation": evaluation,
        "evaluation_self": _first(
            BaseEvaluation.objects.filter(base__college__code="01", state="self_assessment")
        ),
        "evidence_file": _first(EvidenceAttachment.objects.filter(evaluation=evaluation)),
        "assignment": _first(
            ExpertAssignment.objects.filter(
                evaluation=evaluation, expert__username="expert", submitted_at=None
            )
        ),
        "standard": _first(Standard.objects.all()),
        # Art 29: the demo's 不合格 term assessment (钒钛修复, college 01) waiting for the office
        "decision": _first(
            RevocationDecision.objects.filter(state="pending", base__college__code="01")
        ),
        # people
        "profile": StudentProfile.objects.get(user__username="student"),
        "notification": _first(Notification.objects.filter(recipient__username="student")),
    }


@pytest.fixture(scope="module")
def demo_objects(seeded):
    return _find()


# --- the matrix ---------------------------------------------------------------------------

GET, FORM, POST_ONLY = "get", "form", "post-only"


@dataclass(frozen=True)
class Entry:
    """One URL name: the object it is opened on, who sees it, who may change state through it.

    ``kwargs`` builds the URL arguments from the demo objects; ``see`` answer GET with a page,
    a file or a redirect to it (never to the login page); ``forbid`` get 403 (the object is
    theirs to see, the step never theirs); everyone else gets 404. ``method``: GET (reads
    only), FORM (GET shows a form, POST changes state), POST_ONLY. ``act`` may change state
    with a POST (the refusal test skips them); ``target`` names the row that must stay unchanged.
    """

    kwargs: Callable[[dict], dict] = lambda o: {}
    see: frozenset = EVERYONE
    method: str = GET
    act: frozenset = NOBODY
    target: str | None = None
    forbid: frozenset = NOBODY
    data: Callable[[dict], dict] = field(default=lambda o: {})


def pk(name, arg="pk"):
    return lambda o: {arg: o[name].pk}


def app_and(name, child, arg):
    return lambda o: {"pk": o[name].pk, arg: o[child].pk}


# Who sees the demo objects (the querysets' visible_to, xcu_bases/access.py).
SEE_APP_EST = OFFICE | COLLEGE1 | {"expert", "expert2"}  # experts who reviewed it
SEE_APP_OFFICE = SEE_APP_EST
SEE_APP2 = OFFICE | COLLEGE2
SEE_REQ = OFFICE | COLLEGE1 | {"student", "tutor", "mentor"}
SEE_REQ_SUPERVISOR = OFFICE | COLLEGE1 | {"student", "tutor"}  # student's other request
SEE_REQ_OTHER01 = OFFICE | COLLEGE1 | {"tutor"}  # another student of college 01, not mentor's
SEE_REQ_MENTOR = SEE_REQ_OTHER01 | {"mentor"}  # another student of college 01 at mentor's base
SEE_REQ2 = OFFICE | COLLEGE2 | {"student2", "tutor2"}
SEE_EVALUATION = OFFICE | COLLEGE1 | {"expert", "expert3"}  # the experts assigned to it
SEE_ROUND = OFFICE | STAFF | EXPERTS
BASE_EDITORS = OFFICE | COLLEGE1
INSIDERS = OFFICE | STAFF  # agreement scans and evidence files (agreements/README.md)
SEE_RENEWAL = OFFICE | COLLEGE1  # the legal office sees only renewals sent to it
SEE_RENEWAL2 = OFFICE | COLLEGE2 | {"legal"}

MATRIX: dict[str, Entry] = {
    # --- xcu_bases ---
    "home": Entry(),
    "dashboard": Entry(see=OFFICE),
    "login": Entry(),  # logged in: redirected home
    "logout": Entry(method=POST_ONLY, act=EVERYONE),
    "password_change": Entry(method=FORM, act=EVERYONE),
    "password_change_done": Entry(),
    "student_list": Entry(see=OFFICE | STAFF | {"tutor", "tutor2"}),
    "student_detail": Entry(pk("profile"), see=OFFICE | COLLEGE1 | {"tutor", "student"}),
    "student_coursework": Entry(
        pk("profile"),
        see=OFFICE | COLLEGE1,
        method=FORM,
        act=OFFICE | COLLEGE1,
        target="profile",
        data=lambda o: {"completed": "0", "comment": "矩阵"},
    ),
    "my_profile": Entry(see=STUDENTS, method=FORM, act=STUDENTS),
    "notifications": Entry(),
    "notification_open": Entry(pk("notification"), see={"student"}),
    "notification_read": Entry(
        pk("notification"), method=POST_ONLY, act={"student"}, target="notification"
    ),
    "notification_read_all": Entry(method=POST_ONLY, act=EVERYONE),
    "notification_settings": Entry(method=FORM, act=EVERYONE),
    # --- applications (Annex 1) ---
    "applications:list": Entry(),
    "applications:export": Entry(),
    "applications:create": Entry(method=POST_ONLY, act={"secretary", "secretary2"}),
    "applications:detail": Entry(pk("app_est"), see=SEE_APP_EST),
    "applications:pdf": Entry(pk("app_est"), see=SEE_APP_EST),
    "applications:edit": Entry(
        pk("app_draft"),
        see={"secretary"},
        method=FORM,
        act={"secretary"},
        target="app_draft",
        data=lambda o: {"partner_name": "矩阵测试单位", "state": "approved"},
    ),
    "applications:submit": Entry(
        pk("app_draft"), see={"secretary"}, method=FORM, act={"secretary"}, target="app_draft"
    ),
    "applications:withdraw": Entry(
        pk("app_office"), see=SEE_APP_OFFICE, method=FORM, act={"secretary"}, target="app_office"
    ),
    "applications:college_approve": Entry(
        pk("app2_college"), see=SEE_APP2, method=FORM, act={"head2"}, target="app2_college"
    ),
    "applications:office_approve": Entry(
        pk("app_office"), see=SEE_APP_OFFICE, method=FORM, act=OFFICE, target="app_office"
    ),
    "applications:legal_approve": Entry(
        pk("app2_legal"),
        see=SEE_APP2 | {"legal", "expert", "expert2"},
        method=FORM,
        act={"legal"},
        target="app2_legal",
    ),
    "applications:return": Entry(
        pk("app_office"), see=SEE_APP_OFFICE, method=FORM, act=OFFICE, target="app_office"
    ),
    "applications:reject": Entry(
        pk("app_office"), see=SEE_APP_OFFICE, method=FORM, act=OFFICE, target="app_office"
    ),
    "applications:experts": Entry(
        pk("app_office"), see=OFFICE, method=FORM, act=OFFICE, target="app_office"
    ),
    "applications:review": Entry(
        pk("app_office"),
        see={"expert", "expert2"},
        method=FORM,
        act={"expert2"},
        target="app_office",
        data=lambda o: {"opinion": "同意", "recommend": "on", "comments": "矩阵"},
    ),
    "applications:inspection": Entry(
        pk("app_office"), see=OFFICE, method=FORM, act=OFFICE, target="app_office"
    ),
    "applications:inspection_photo": Entry(
        app_and("app_office", "photo", "photo_pk"), see=OFFICE | COLLEGE1
    ),
    "applications:meeting": Entry(
        pk("app_meeting"), see=OFFICE, method=FORM, act=OFFICE, target="app_meeting"
    ),
    "applications:sign": Entry(
        pk("app2_approved"), see=OFFICE, method=FORM, act=OFFICE, target="app2_approved"
    ),
    "applications:establish": Entry(
        pk("app_signed"), see=OFFICE, method=FORM, act=OFFICE, target="app_signed"
    ),
    "applications:attachment": Entry(
        app_and("app_est", "attachment", "attachment_pk"), see=SEE_APP_EST
    ),
    "applications:attachment_delete": Entry(
        app_and("app2_draft", "attachment2", "attachment_pk"),
        method=POST_ONLY,
        see=SEE_APP2,
        act={"secretary2"},
        target="attachment2",
    ),
    "applications:agreement_document": Entry(pk("app_est"), see=SEE_APP_EST),
    "applications:agreement_scan": Entry(pk("app_est"), see=SEE_APP_EST),
    # --- agreements (bases) ---
    "agreements:templates": Entry(
        see=OFFICE | STAFF | {"legal"},
        method=FORM,
        act=OFFICE,
        data=lambda o: {"note": "矩阵"},
    ),
    "agreements:template_download": Entry(pk("template"), see=OFFICE | STAFF | {"legal"}),
    "agreements:base_list": Entry(),
    "agreements:base_detail": Entry(pk("base")),  # active: everyone logged in browses it
    "agreements:base_edit": Entry(
        pk("base"),
        see=BASE_EDITORS,
        method=FORM,
        act=BASE_EDITORS,
        target="base",
        data=lambda o: {
            "inspector": user("tutor").pk,
            "responsible_college": o["base"].college_id,
        },
    ),
    "agreements:governance": Entry(
        pk("base"),
        see=BASE_EDITORS,
        method=FORM,
        act=BASE_EDITORS,
        target="base",
        data=lambda o: {
            "body": "committee",
            "name": "矩阵",
            "unit": "单位",
            "role": "member",
            "capacity": "other",
        },
    ),
    "agreements:governance_remove": Entry(
        app_and("base", "member", "member_pk"),
        see=BASE_EDITORS,
        method=FORM,
        act=BASE_EDITORS,
        target="member",
    ),
    "agreements:meeting_add": Entry(
        pk("base"), see=BASE_EDITORS, method=FORM, act=BASE_EDITORS, target="base"
    ),
    "agreements:spending_add": Entry(
        pk("base"), see=BASE_EDITORS, method=FORM, act=BASE_EDITORS, target="base"
    ),
    "agreements:allocation_add": Entry(
        pk("base"), see=OFFICE, method=FORM, act=OFFICE, target="base"
    ),
    # Art 27: a planned allocation of a base born from an application, due and unpaid.
    "agreements:allocation_pay": Entry(
        lambda o: {"pk": o["allocation"].base_id, "entry_pk": o["allocation"].pk},
        see=OFFICE,
        method=FORM,
        act=OFFICE,
        target="allocation",
        data=lambda o: {"paid_on": "2026-01-05", "voucher_number": "矩阵", "amount": "10000"},
    ),
    "agreements:course_add": Entry(
        pk("base"), see=BASE_EDITORS, method=FORM, act=BASE_EDITORS, target="base"
    ),
    "agreements:project_add": Entry(
        pk("base"), see=BASE_EDITORS, method=FORM, act=BASE_EDITORS, target="base"
    ),
    "agreements:level_change": Entry(
        pk("base"),
        see=OFFICE,
        method=FORM,
        act=OFFICE,
        target="base",
        data=lambda o: {"level": "provincial", "changed_on": "2026-01-01", "document_no": "1"},
    ),
    # --- agreements: renewals (Art 7), filed by the college and reviewed as a new agreement ---
    "agreements:renewal_new": Entry(
        pk("base"),
        see={"secretary"},
        method=FORM,
        act={"secretary"},
        target="base",
        data=lambda o: {"starts_on": "2040-01-01", "ends_on": "2044-12-31", "summary": "矩阵"},
    ),
    "agreements:renewal_detail": Entry(pk("renewal_office"), see=SEE_RENEWAL),
    "agreements:renewal_document": Entry(pk("renewal_office"), see=SEE_RENEWAL),
    "agreements:renewal_edit": Entry(
        pk("renewal_office"),
        see={"secretary"},
        method=FORM,
        act=NOBODY,  # no longer a draft
        target="renewal_office",
        data=lambda o: {"summary": "矩阵", "state": "signed", "office_deviates": "1"},
    ),
    "agreements:renewal_submit": Entry(
        pk("renewal_office"), see={"secretary"}, method=FORM, act=NOBODY, target="renewal_office"
    ),
    "agreements:renewal_withdraw": Entry(
        pk("renewal_office"),
        see=SEE_RENEWAL,
        method=FORM,
        act={"secretary"},
        target="renewal_office",
    ),
    "agreements:renewal_college_approve": Entry(
        pk("renewal_office"), see=SEE_RENEWAL, method=FORM, act=NOBODY, target="renewal_office"
    ),
    "agreements:renewal_office_approve": Entry(
        pk("renewal_office"),
        see=SEE_RENEWAL,
        method=FORM,
        act=OFFICE,
        target="renewal_office",
        data=lambda o: {"deviates": "1", "deviation_reason": "矩阵"},
    ),
    "agreements:renewal_legal_approve": Entry(
        pk("renewal2_legal"),
        see=SEE_RENEWAL2,
        method=FORM,
        act={"legal"},
        target="renewal2_legal",
    ),
    "agreements:renewal_return": Entry(
        pk("renewal_office"), see=SEE_RENEWAL, method=FORM, act=OFFICE, target="renewal_office"
    ),
    "agreements:renewal_reject": Entry(
        pk("renewal_office"), see=SEE_RENEWAL, method=FORM, act=OFFICE, target="renewal_office"
    ),
    # The office's own records: others who see the renewal get 404 (as Annex 1's meeting page).
    "agreements:renewal_meeting": Entry(
        pk("renewal_office"), see=OFFICE, method=FORM, act=NOBODY, target="renewal_office"
    ),
    "agreements:renewal_authorise": Entry(
        pk("renewal_office"), see=OFFICE, method=FORM, act=NOBODY, target="renewal_office"
    ),
    "agreements:renewal_sign": Entry(
        pk("renewal_office"), see=OFFICE, method=FORM, act=NOBODY, target="renewal_office"
    ),
    "agreements:revoke": Entry(
        pk("base"),
        see=OFFICE,
        method=FORM,
        act=OFFICE,
        target="base",
        data=lambda o: {"reason": "矩阵测试"},
    ),
    "agreements:agreement_scan": Entry(app_and("base", "agreement", "agreement_pk"), see=INSIDERS),
    "agreements:evidence": Entry(
        lambda o: {"pk": o["base"].pk, "kind": "meeting", "item_pk": o["meeting"].pk},
        see=INSIDERS,
    ),
    "agreements:base_export": Entry(),
    "agreements:base_import": Entry(see=OFFICE, method=FORM, act=OFFICE),
    "agreements:import_template": Entry(see=OFFICE),
    "agreements:certificate_pdf": Entry(pk("base")),
    # --- practice: Annex 2 ---
    "practice:requests": Entry(),
    "practice:request_create": Entry(method=POST_ONLY, act=STUDENTS),
    "practice:request_detail": Entry(pk("req"), see=SEE_REQ),
    "practice:request_edit": Entry(
        pk("req"),
        see={"student"},
        method=FORM,
        act=NOBODY,
        target="req",
        data=lambda o: {"plan": "矩阵"},
    ),
    "practice:request_submit": Entry(
        pk("req"), see={"student"}, method=FORM, act=NOBODY, target="req"
    ),
    "practice:request_supervisor_approve": Entry(
        pk("req_supervisor"),
        see={"tutor"},
        forbid=SEE_REQ_SUPERVISOR - {"tutor"},
        method=FORM,
        act={"tutor"},
        target="req_supervisor",
    ),
    # Art 19: the base supervisor confirms the plan (the office only stands in for one who
    # cannot act, which is not the case here).
    "practice:request_plan_confirm": Entry(
        pk("req_plan"),
        see={"mentor"},
        forbid=SEE_REQ_MENTOR - {"mentor"},
        method=FORM,
        act={"mentor"},
        target="req_plan",
    ),
    # 学院意见（负责人签字）: the head decides; the secretary checks and forwards (logged).
    "practice:request_college_approve": Entry(
        pk("req_college"),
        see={"head"},
        forbid=SEE_REQ_OTHER01 - {"head"},
        method=FORM,
        act={"head"},
        target="req_college",
    ),
    "practice:request_college_forward": Entry(
        pk("req_college"),
        see={"secretary"},
        forbid=SEE_REQ_OTHER01 - {"secretary"},
        method=FORM,
        act={"secretary"},
        target="req_college",
    ),
    # Art 18: the student's college (or the office) replaces a base supervisor.
    "practice:request_replace_supervisor": Entry(
        pk("req"),
        see=OFFICE | COLLEGE1,
        forbid=SEE_REQ - OFFICE - COLLEGE1,
        method=FORM,
        act=OFFICE | COLLEGE1,
        target="req",
        data=lambda o: {"reason": "矩阵"},
    ),
    "practice:request_office_approve": Entry(
        pk("req2_office"),
        see=OFFICE,
        forbid=SEE_REQ2 - OFFICE,
        method=FORM,
        act=OFFICE,
        target="req2_office",
    ),
    # The college secretary reviews no step of Annex 2 any more (the head signs): 403.
    "practice:request_return": Entry(
        pk("req_supervisor"),
        see=SEE_REQ_SUPERVISOR - {"student", "secretary"},
        forbid={"student", "secretary"},
        method=FORM,
        act={"tutor"},
        target="req_supervisor",
    ),
    "practice:request_reject": Entry(
        pk("req_supervisor"),
        see=SEE_REQ_SUPERVISOR - {"student", "secretary"},
        forbid={"student", "secretary"},
        method=FORM,
        act={"tutor"},
        target="req_supervisor",
    ),
    "practice:request_insurance": Entry(pk("req"), see=SEE_REQ),
    "practice:request_pdf": Entry(pk("req"), see=SEE_REQ),
    "practice:contact_new": Entry(
        pk("req"), see={"tutor", "mentor"}, method=FORM, act={"tutor", "mentor"}, target="req"
    ),
    "practice:allowance_new": Entry(
        pk("req"),
        see=OFFICE | COLLEGE1 | {"mentor"},
        method=FORM,
        act=OFFICE | COLLEGE1 | {"mentor"},
        target="req",
    ),
    # Art 24: the student's college (secretary, head) and the office end a practice early.
    "practice:end_early": Entry(
        pk("req"),
        see=OFFICE | COLLEGE1,
        method=FORM,
        act=OFFICE | COLLEGE1,
        target="req",
        data=lambda o: {"ended_on": o["req"].starts_on.isoformat(), "reason": "矩阵"},
    ),
    "practice:thesis_upload": Entry(
        pk("req"), see=SEE_REQ, method=POST_ONLY, act={"student"}, target="req"
    ),
    "practice:thesis_file": Entry(pk("req_thesis"), see=SEE_REQ_OTHER01),
    "practice:clearance_new": Entry(
        pk("req"), see={"student"}, method=FORM, act={"student"}, target="req"
    ),
    "practice:clearance_detail": Entry(pk("clearance"), see=SEE_REQ_OTHER01),
    "practice:clearance_answer": Entry(
        pk("clearance_pending"),
        see=SEE_REQ_MENTOR,
        method=POST_ONLY,
        act={"mentor"},
        target="clearance_pending",
        data=lambda o: {"decision": "confidential", "answer": "矩阵"},
    ),
    "practice:clearance_agreement": Entry(
        pk("clearance"),
        see=SEE_REQ_OTHER01,
        method=POST_ONLY,
        act=OFFICE | COLLEGE1,
        target="clearance",
    ),
    "practice:clearance_agreement_file": Entry(pk("clearance"), see=SEE_REQ_OTHER01),
    # --- practice: base supervisors ---
    "practice:supervisors": Entry(see=OFFICE | STAFF),
    "practice:supervisor_nominate": Entry(
        lambda o: {"base_pk": o["base"].pk}, see=BASE_EDITORS, method=FORM, act=BASE_EDITORS
    ),
    # A certified supervisor is public to those who choose one (students, supervisors);
    # college staff see their own college's only.
    "practice:supervisor_detail": Entry(pk("supervisor"), see=EVERYONE - COLLEGE2),
    "practice:supervisor_file": Entry(
        lambda o: {"pk": o["supervisor"].pk, "kind": "cv"}, see=OFFICE | COLLEGE1
    ),
    "practice:supervisor_certify": Entry(
        pk("supervisor2_nominated"),
        see=OFFICE,
        forbid=COLLEGE2,
        method=FORM,
        act=OFFICE,
        target="supervisor2_nominated",
    ),
    "practice:supervisor_revoke": Entry(
        pk("supervisor"),
        see=OFFICE,
        forbid=EVERYONE - COLLEGE2 - OFFICE,
        method=FORM,
        act=OFFICE,
        target="supervisor",
        data=lambda o: {"reason": "矩阵"},
    ),
    # --- practice: Annex 3 ---
    "practice:assessment_start": Entry(
        pk("req"), see=SEE_REQ, method=POST_ONLY, act={"student"}, target="req"
    ),
    "practice:assessment_detail": Entry(pk("asm_base"), see=SEE_REQ_MENTOR),
    "practice:assessment_pdf": Entry(pk("asm_base"), see=SEE_REQ_MENTOR),
    "practice:assessment_edit": Entry(
        pk("asm_base"),
        see=NOBODY,
        method=FORM,
        target="asm_base",
        data=lambda o: {"report": "矩阵", "state": "archived"},
    ),
    "practice:assessment_submit": Entry(
        pk("asm_base"), see=NOBODY, method=FORM, target="asm_base"
    ),
    "practice:assessment_base_supervisor_approve": Entry(
        pk("asm_base"),
        see={"mentor"},
        forbid=SEE_REQ_MENTOR - {"mentor"},
        method=FORM,
        act={"mentor"},
        target="asm_base",
        data=lambda o: {"grade": "excellent", "comment": "x"},
    ),
    "practice:assessment_campus_supervisor_approve": Entry(
        pk("asm_campus"),
        see={"tutor"},
        forbid=SEE_REQ_OTHER01 - {"tutor"},
        method=FORM,
        act={"tutor"},
        target="asm_campus",
    ),
    "practice:assessment_college_approve": Entry(
        pk("asm2_college"),
        see={"head2"},
        forbid=OFFICE | {"tutor2", "secretary2"},
        method=FORM,
        act={"head2"},
        target="asm2_college",
    ),
    "practice:assessment_college_forward": Entry(
        pk("asm2_college"),
        see={"secretary2"},
        forbid=OFFICE | {"tutor2", "head2"},
        method=FORM,
        act={"secretary2"},
        target="asm2_college",
    ),
    "practice:assessment_archive": Entry(
        pk("asm_office"),
        see=OFFICE,
        forbid=SEE_REQ_OTHER01 - OFFICE,
        method=FORM,
        act=OFFICE,
        target="asm_office",
    ),
    "practice:assessment_return": Entry(
        pk("asm_office"),
        see=SEE_REQ_OTHER01 - {"secretary"},
        forbid={"secretary"},
        method=FORM,
        act=OFFICE,
        target="asm_office",
    ),
    # --- evaluation (Annex 4) ---
    "evaluation:rounds": Entry(see=SEE_ROUND),
    "evaluation:round_new": Entry(see=OFFICE, method=FORM, act=OFFICE),
    "evaluation:round_detail": Entry(pk("round"), see=SEE_ROUND),
    "evaluation:round_export": Entry(pk("round"), see=SEE_ROUND),
    "evaluation:evaluation_detail": Entry(pk("evaluation"), see=SEE_EVALUATION),
    "evaluation:evaluation_evidence": Entry(
        pk("evaluation_self"),
        see=OFFICE | COLLEGE1,
        method=POST_ONLY,
        act=COLLEGE1,
        target="evaluation_self",
    ),
    "evaluation:attachment": Entry(
        app_and("evaluation", "evidence_file", "attachment_pk"), see=SEE_EVALUATION
    ),
    "evaluation:round_close": Entry(
        pk("round"), see=OFFICE, method=POST_ONLY, act=OFFICE, target="round"
    ),
    "evaluation:round_base_add": Entry(
        pk("round"),
        see=OFFICE,
        method=POST_ONLY,
        act=OFFICE,
        target="round",
        data=lambda o: {"base": o["decision"].base_id},
    ),
    "evaluation:evaluation_remove": Entry(
        pk("evaluation_self"), see=OFFICE, method=POST_ONLY, act=OFFICE, target="evaluation_self"
    ),
    "evaluation:evaluation_assign": Entry(
        pk("evaluation"),
        see=OFFICE,
        method=POST_ONLY,
        act=OFFICE,
        target="evaluation",
        data=lambda o: {"experts": [user("expert2").pk]},
    ),
    "evaluation:evaluation_return": Entry(
        pk("evaluation"), see=OFFICE, method=POST_ONLY, act=OFFICE, target="evaluation"
    ),
    "evaluation:evaluation_finalise": Entry(
        pk("evaluation"), see=OFFICE, method=POST_ONLY, act=OFFICE, target="evaluation"
    ),
    "evaluation:standards": Entry(see=OFFICE),
    "evaluation:standard_create": Entry(
        see=OFFICE, method=POST_ONLY, act=OFFICE, data=lambda o: {"year": "2040"}
    ),
    "evaluation:standard_edit": Entry(
        pk("standard"), see=OFFICE, method=FORM, act=OFFICE, target="standard"
    ),
    "evaluation:evaluation_pdf": Entry(pk("evaluation"), see=SEE_EVALUATION),
    "evaluation:standard_blank_pdf": Entry(pk("standard"), see=OFFICE | STAFF | EXPERTS),
    "evaluation:assignment_score": Entry(
        pk("assignment"), see={"expert"}, method=POST_ONLY, act={"expert"}, target="assignment"
    ),
    # Art 29: the office decides a revocation; the base's college reads the decision.
    "evaluation:revocation_detail": Entry(pk("decision"), see=OFFICE | COLLEGE1),
    "evaluation:revocation_confirm": Entry(
        pk("decision"),
        see=OFFICE,
        method=POST_ONLY,
        act=OFFICE,
        target="decision",
        data=lambda o: {"reference": "校长办公会纪要〔2026〕8号"},
    ),
    "evaluation:revocation_decline": Entry(
        pk("decision"), see=OFFICE, method=POST_ONLY, act=OFFICE, target="decision"
    ),
}

STATE_CHANGING = sorted(name for name, e in MATRIX.items() if e.method != GET)


# --- the URL names of the project ----------------------------------------------------------


def _names(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            if p.namespace == "admin":
                continue  # Django's admin: superusers only, checked once below
            ns = f"{prefix}{p.namespace}:" if p.namespace else prefix
            yield from _names(p.url_patterns, ns)
        elif isinstance(p, URLPattern) and p.name:
            yield prefix + p.name


def _unnamed(patterns):
    for p in patterns:
        if isinstance(p, URLResolver) and p.namespace != "admin":
            yield from _unnamed(p.url_patterns)
        elif isinstance(p, URLPattern) and not p.name:
            yield str(p.pattern)


PROJECT_URLS = sorted(set(_names(get_resolver().url_patterns)))


def test_every_url_is_in_the_matrix():
    project = set(PROJECT_URLS)
    missing = sorted(project - MATRIX.keys())
    stale = sorted(MATRIX.keys() - project)
    assert not missing, f"URL(s) without a MATRIX entry: {missing}"
    assert not stale, f"MATRIX entries for URLs that no longer exist: {stale}"
    assert not list(_unnamed(get_resolver().url_patterns)), "every URL needs a name"


# --- helpers -------------------------------------------------------------------------------


def _url(name, objs):
    return reverse(name, kwargs=MATRIX[name].kwargs(objs))


def _client(role, **kwargs) -> Client:
    client = Client(**kwargs)
    if role != ANONYMOUS:
        client.force_login(user(role))
    return client


def _payload(entry, objs) -> dict:
    """Plausible data: a comment, the version the page showed, and the entry's own fields."""
    data = {"comment": "权限矩阵测试", "reason": "权限矩阵测试"}
    if entry.target:
        target = objs[entry.target]
        if hasattr(target, "state"):
            data["seen_state"] = type(target).objects.get(pk=target.pk).state
        if hasattr(target, "round") and isinstance(getattr(target, "round", None), int):
            data["seen_round"] = target.round
    data.update(entry.data(objs))
    return data


def _snapshot(entry, objs):
    return counts(), (row(objs[entry.target]) if entry.target else None)


def _assert_unchanged(before, entry, objs, why):
    after = _snapshot(entry, objs)
    changed = {k: (v, after[0][k]) for k, v in before[0].items() if after[0][k] != v}
    assert not changed, f"{why}: row counts changed {changed}"
    assert before[1] == after[1], f"{why}: {entry.target} changed"


def _login_redirect(response, url):
    return response.status_code == 302 and response["Location"].startswith(
        f"{reverse('login')}?next="
    )


def _consume(response):
    if getattr(response, "streaming", False):
        b"".join(response.streaming_content)  # closes the file (never response.close() here:
        # it would fire request_finished, and close_old_connections ends the demo transaction)


# --- GET: who sees what ----------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", PROJECT_URLS)
def test_get(name, role, demo_objects):
    entry = MATRIX[name]
    url = _url(name, demo_objects)
    response = _client(role).get(url)
    _consume(response)
    status = response.status_code
    if role == ANONYMOUS:
        if name in ANONYMOUS_ALLOWED:
            assert status == 200, url
        else:
            assert _login_redirect(response, url), f"{url}: anonymous got {status}"
            assert (
                response["Location"].endswith(url.replace("/", "%2F"))
                or "next=" in (response["Location"])
            )
        return
    if entry.method == POST_ONLY:
        assert status == 405, f"GET {url} as {role}: {status}, expected 405 (POST only)"
        return
    if role in entry.see:
        assert status in (200, 302), f"GET {url} as {role}: {status}, expected to see it"
        if status == 302:
            assert not _login_redirect(response, url), f"GET {url} as {role}: sent to login"
    elif role in entry.forbid:
        assert status == 403, f"GET {url} as {role}: {status}, expected 403"
    else:
        assert status == 404, f"GET {url} as {role}: {status}, expected 404"


# --- POST: nobody outside ``act`` changes anything ------------------------------------------


REFUSALS = [
    (name, role) for name in STATE_CHANGING for role in ROLES if role not in MATRIX[name].act
]


@pytest.mark.parametrize(("name", "role"), REFUSALS)
def test_post_refused(name, role, demo_objects):
    entry = MATRIX[name]
    url = _url(name, demo_objects)
    before = _snapshot(entry, demo_objects)
    response = _client(role).post(url, _payload(entry, demo_objects))
    status = response.status_code
    if role == ANONYMOUS:
        assert _login_redirect(response, url), f"POST {url} anonymous: {status}"
    elif role in entry.forbid:
        assert status == 403, f"POST {url} as {role}: {status}, expected 403"
    elif role not in entry.see:
        assert status == 404, f"POST {url} as {role}: {status}, expected 404"
    else:  # may see it, may not do it: refused with a message, a 403 or a 404
        assert status in (200, 302, 403, 404), f"POST {url} as {role}: {status}"
    _assert_unchanged(before, entry, demo_objects, f"POST {url} as {role}")


# --- CSRF: no state-changing URL takes a POST without the token --------------------------


@pytest.mark.parametrize("name", STATE_CHANGING)
def test_post_without_csrf_token_is_refused(name, demo_objects):
    entry = MATRIX[name]
    url = _url(name, demo_objects)
    role = sorted(entry.act)[0] if entry.act else "office"
    before = _snapshot(entry, demo_objects)
    response = _client(role, enforce_csrf_checks=True).post(url, _payload(entry, demo_objects))
    assert response.status_code == 403, f"POST {url} as {role} without CSRF token"
    _assert_unchanged(before, entry, demo_objects, f"POST {url} without CSRF token")


@pytest.mark.parametrize("name", [n for n in STATE_CHANGING if MATRIX[n].method == FORM])
def test_get_of_a_form_changes_nothing(name, demo_objects):
    """GET of a state-changing URL only shows its form (or a refusal); it never acts."""
    entry = MATRIX[name]
    url = _url(name, demo_objects)
    role = sorted(entry.act)[0] if entry.act else "office"
    before = _snapshot(entry, demo_objects)
    response = _client(role).get(url, _payload(entry, demo_objects))
    assert response.status_code in (200, 302, 403, 404)
    _assert_unchanged(before, entry, demo_objects, f"GET {url} as {role}")


# --- admin, exports ------------------------------------------------------------------------


@pytest.mark.parametrize("role", [r for r in ROLES if r != "admin"])
def test_admin_is_for_superusers_only(role, seeded):
    response = _client(role).get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_admin_opens_for_the_superuser(seeded):
    assert _client("admin").get("/admin/").status_code == 200


def _xlsx_text(response) -> str:
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    book = load_workbook(io.BytesIO(content), read_only=True)
    return "\n".join(
        str(cell) for sheet in book for values in sheet.iter_rows(values_only=True)
        for cell in values if cell is not None
    )  # fmt: skip


@pytest.mark.parametrize("role", sorted(COLLEGE2 | {"tutor2", "student2"}))
def test_excel_exports_leave_out_the_other_college(role, demo_objects):
    """A college-01 application and its evaluation are not in college 02's spreadsheets."""
    client = _client(role)
    app = demo_objects["app_est"]
    text = _xlsx_text(client.get(reverse("applications:export")))
    assert (
        app.partner_name not in text
        or BaseApplication.objects.filter(
            college__code="02", partner_name=app.partner_name
        ).exists()
    )
    if role in COLLEGE2:
        export = client.get(_url("evaluation:round_export", demo_objects))
        text = _xlsx_text(export)
        assert demo_objects["evaluation"].base.name not in text
