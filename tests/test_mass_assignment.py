"""Mass assignment: a form view saves only the fields its form offers.

Each test opens a form page of the demo as its rightful user, posts back exactly what the page
holds (the normal, valid data) plus fields an attacker would add — ``state``, ``score``,
``total``, ``grade``, ``owner``/``created_by``/``student``/``recorded_by``, ``college``,
``round``, ``id``/``pk``, ``is_superuser``, ``roles``… — and checks that the object keeps its
state, college, owner and numbers, that new rows belong to the right parent and author, and
that nobody gained a privilege.
"""

from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse

from agreements.models import Base
from applications.models import BaseApplication
from evaluation.models import BaseEvaluation, ExpertAssignment
from practice.models import (
    Allowance,
    PracticeAssessment,
    PracticeRequest,
    PublicationClearance,
    TaskCompletion,
)
from tests import seeded_demo
from tests.seeded_demo import row, user
from xcu_bases.models import NotificationPreference, Role, StudentProfile, User

# The demo, seeded once for the module; ``db`` replaces pytest-django's (see seeded_demo.py).
seeded, db, _media_root = seeded_demo.seeded, seeded_demo.db, seeded_demo._media_root

PROTECTED = [
    "state", "college_id", "created_by_id", "owner_id", "student_id", "recorded_by_id", "round",
    "score", "points", "total", "grade", "id", "sent_to_legal", "submitted_at", "expert_id",
    "evaluation_id", "request_id", "base_id", "user_id", "is_superuser", "is_staff",
    "is_active", "username", "level", "plaque_date", "coursework_completed",
    "campus_supervisor_id", "student_number",
]  # fmt: skip


def extras(other_college, other_user) -> dict:
    """What a hand-made POST adds to the page's own fields."""
    office_role = Role.objects.get(code="graduate_office")
    return {
        "state": "approved", "status": "archived", "score": "100", "points": "100",
        "total": "100", "grade": "excellent", "owner": other_user.pk, "created_by": other_user.pk,
        "student": other_user.pk, "recorded_by": other_user.pk, "expert": other_user.pk,
        "user": other_user.pk, "college": other_college, "college_id": other_college,
        "round": "99", "id": "999999", "pk": "999999", "is_superuser": "on", "is_staff": "on",
        "roles": [office_role.pk], "sent_to_legal": "on", "submitted_at": "2020-01-01 00:00",
        "level": "national", "plaque_date": "2020-01-01", "coursework_completed": "on",
        "username": "pwned", "student_number": "0000000000", "campus_supervisor": other_user.pk,
    }  # fmt: skip


class _Forms(HTMLParser):
    """Every <form> of a page: its action, method and the values it would submit."""

    def __init__(self):
        super().__init__()
        self.forms, self._select, self._textarea = [], None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append({"action": a.get("action") or "", "method": a.get("method", "get"),
                               "data": {}})  # fmt: skip
        if not self.forms:
            return
        data = self.forms[-1]["data"]
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "button", "file", "image"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            data.setdefault(name, []).append(a.get("value", "on" if a.get("type") in (
                "checkbox", "radio") else ""))  # fmt: skip
        elif tag == "select" and name:
            self._select = name
            data.setdefault(name, [])
            if "multiple" not in a:
                self._select_first = True
        elif tag == "option" and self._select is not None and "selected" in a:
            data[self._select].append(a.get("value", ""))
        elif tag == "textarea" and name:
            self._textarea = name
            data[name] = [""]

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, text):
        if self._textarea and self.forms:
            self.forms[-1]["data"][self._textarea][0] += text


def page_data(client, url) -> dict:
    """The POST data of the page's main form (the one that posts to ``url``, the biggest)."""
    response = client.get(url)
    assert response.status_code == 200, f"GET {url}: {response.status_code}"
    parser = _Forms()
    parser.feed(response.content.decode())
    forms = [f for f in parser.forms if f["method"].lower() == "post" and f["action"] in ("", url)]
    assert forms, f"no form posting to {url}"
    data = max(forms, key=lambda f: len(f["data"]))["data"]
    return {k: v if len(v) != 1 else v[0] for k, v in data.items()}


def login(username) -> Client:
    client = Client()
    client.force_login(user(username))
    return client


def protected(obj) -> dict:
    data = row(obj)
    return {k: v for k, v in data.items() if k in PROTECTED}


def assert_no_privilege(username):
    person = User.objects.get(username=username)
    assert not person.is_superuser and not person.is_staff
    assert not person.roles.filter(code="graduate_office").exists()


def post_with_extras(client, url, data, other_college, other_user, **more):
    payload = {**data, **extras(other_college, other_user), **more}
    response = client.post(url, payload)
    assert response.status_code in (200, 302), f"POST {url}: {response.status_code}"
    return response


@pytest.fixture
def others():
    """A college and a person the attacker would like to put into the object."""
    from xcu_bases.models import College

    return College.objects.get(code="02").pk, User.objects.get(username="office")


# --- Annex 1 -------------------------------------------------------------------------------


def test_annex1_edit(others):
    app = BaseApplication.objects.filter(college__code="01", state="draft").order_by("pk").first()
    before = protected(app)
    client = login("secretary")
    url = reverse("applications:edit", args=[app.pk])
    data = page_data(client, url)
    data["base_name"] = "矩阵测试基地"
    post_with_extras(client, url, data, *others)
    app.refresh_from_db()
    assert app.base_name == "矩阵测试基地", "the normal data was saved"
    assert protected(app) == before
    assert_no_privilege("secretary")


# --- bases ---------------------------------------------------------------------------------


def _base():
    return (
        Base.objects.filter(college__code="01", state="active")
        .exclude(meetings=None)
        .order_by("pk")
        .first()
    )


def test_base_edit(others):
    base = _base()
    before = protected(base)
    client = login("secretary")
    url = reverse("agreements:base_edit", args=[base.pk])
    data = page_data(client, url)
    data["inspector"] = str(User.objects.get(username="head").pk)  # Art 12(3): a teacher of 01
    post_with_extras(client, url, data, *others)
    base.refresh_from_db()
    assert base.inspector.username == "head"
    assert protected(base) == before
    assert_no_privilege("secretary")


def test_governance_member_goes_to_this_base(others):
    base = _base()
    other = Base.objects.exclude(pk=base.pk).order_by("pk").first()
    client = login("secretary")
    url = reverse("agreements:governance", args=[base.pk])
    data = page_data(client, url)
    data.update({"body": "committee", "role": "member", "capacity": "other", "name": "矩阵成员",
                 "unit": "西昌学院", "position": "教授", "phone": "13900000000"})  # fmt: skip
    other_count = other.governance.count()
    post_with_extras(client, url, data, *others, base=other.pk)
    member = base.governance.get(name="矩阵成员")
    assert member.base_id == base.pk
    assert other.governance.count() == other_count


@pytest.mark.parametrize(
    ("name", "fields", "related"),
    [
        ("meeting_add", {"held_on": "2026-03-01", "kind": "exchange", "title": "矩阵会议",
                         "participants": "全体", "minutes": "纪要"}, "meetings"),
        ("course_add", {"title": "矩阵课程", "starts_on": "2026-03-01", "ends_on": "2026-06-01",
                        "people": "张三", "hours": "16"}, "courses"),
        ("project_add", {"title": "矩阵项目", "level": "school", "starts_on": "2026-03-01",
                         "ends_on": "2027-03-01", "people": "张三", "funding": "1"}, "projects"),
    ],
)  # fmt: skip
def test_base_records(name, fields, related, others):
    base = _base()
    before = protected(base)
    other = Base.objects.exclude(pk=base.pk).order_by("pk").first()
    client = login("secretary")
    url = reverse(f"agreements:{name}", args=[base.pk])
    data = {**page_data(client, url), **fields}
    other_count = getattr(other, related).count()
    count = getattr(base, related).count()
    post_with_extras(client, url, data, *others, base=other.pk)
    assert getattr(base, related).count() == count + 1, "the normal data was saved"
    new = getattr(base, related).order_by("-pk").first()
    if hasattr(new, "recorded_by_id"):
        assert new.recorded_by_id == user("secretary").pk
    assert getattr(other, related).count() == other_count
    assert protected(base) == before


# --- Annex 2, Annex 3 --------------------------------------------------------------------


def test_annex2_edit(others):
    req = PracticeRequest.objects.filter(state="draft", student__college__code="01").first()
    before = protected(req)
    client = login(req.student.username)
    url = reverse("practice:request_edit", args=[req.pk])
    data = page_data(client, url)
    data["purpose"] = "矩阵测试目的"
    post_with_extras(client, url, data, *others)
    req.refresh_from_db()
    assert req.purpose == "矩阵测试目的"
    assert protected(req) == before
    assert_no_privilege(req.student.username)


def test_annex3_edit(others):
    assessment = PracticeAssessment.objects.filter(state="draft").order_by("pk").first()
    before = protected(assessment)
    student = assessment.request.student
    client = login(student.username)
    url = reverse("practice:assessment_edit", args=[assessment.pk])
    data = page_data(client, url)
    data["plan_completion"] = "矩阵完成情况"
    completions = TaskCompletion.objects.count()
    # One more form in the formset than the page shows: it must not create a row.
    total = int(data["tasks-TOTAL_FORMS"])
    data.update({"tasks-TOTAL_FORMS": str(total + 1), f"tasks-{total}-status": "done",
                 f"tasks-{total}-note": "多出来的"})  # fmt: skip
    response = post_with_extras(client, url, data, *others)
    assessment.refresh_from_db()
    assert protected(assessment) == before
    assert TaskCompletion.objects.count() == completions
    if response.status_code == 302:  # saved: the normal data went in
        assert assessment.plan_completion == "矩阵完成情况"
    assert_no_privilege(student.username)


def test_annex3_formset_cannot_reach_another_assessment(others):
    mine = PracticeAssessment.objects.filter(state="draft").order_by("pk").first()
    theirs = TaskCompletion.objects.exclude(assessment=mine).order_by("pk").first()
    theirs_before = row(theirs)
    client = login(mine.request.student.username)
    url = reverse("practice:assessment_edit", args=[mine.pk])
    data = page_data(client, url)
    data.update({"tasks-0-id": theirs.pk, "tasks-0-note": "改别人的"})
    client.post(url, data)
    assert row(theirs) == theirs_before


# --- the practice record -------------------------------------------------------------------


def _req():
    return PracticeRequest.objects.get(student__username="student", state="approved")


def test_contact(others):
    req = _req()
    before = protected(req)
    client = login("tutor")
    url = reverse("practice:contact_new", args=[req.pk])
    data = {**page_data(client, url), "on": "2026-11-01", "mode": "online", "topic": "矩阵"}
    other = PracticeRequest.objects.exclude(pk=req.pk).order_by("pk").first()
    count = req.contacts.count()
    other_count = other.contacts.count()
    post_with_extras(client, url, data, *others, request=other.pk)
    assert req.contacts.count() == count + 1
    new = req.contacts.order_by("-pk").first()
    assert new.recorded_by_id == user("tutor").pk
    assert other.contacts.count() == other_count
    assert protected(req) == before


def test_allowance(others):
    req = _req()
    before = protected(req)
    client = login("mentor")
    url = reverse("practice:allowance_new", args=[req.pk])
    data = {**page_data(client, url), "month": "2026-10-01", "amount": "800", "note": "矩阵"}
    count = Allowance.objects.count()
    post_with_extras(client, url, data, *others)
    new = Allowance.objects.order_by("-pk").first()
    if Allowance.objects.count() == count + 1:
        assert new.request_id == req.pk
        assert new.recorded_by_id == user("mentor").pk
    assert protected(req) == before


def test_clearance(others):
    req = _req()
    client = login("student")
    url = reverse("practice:clearance_new", args=[req.pk])
    data = {**page_data(client, url), "use": "paper", "title": "矩阵论文", "content": "内容"}
    post_with_extras(client, url, data, *others, answer="不涉密", answered_by=others[1].pk)
    new = PublicationClearance.objects.get(title="矩阵论文")
    assert new.request_id == req.pk
    assert new.state == "pending"
    assert new.answer == "" and new.answered_by_id is None


# --- evaluation ----------------------------------------------------------------------------


def test_evaluation_evidence(others):
    evaluation = (
        BaseEvaluation.objects.filter(base__college__code="01", state="self_assessment")
        .order_by("pk")
        .first()
    )
    before = protected(evaluation)
    indicator = evaluation.evidence.order_by("pk").first().indicator_id
    client = login("secretary")
    url = reverse("evaluation:evaluation_evidence", args=[evaluation.pk])
    post_with_extras(client, url, {f"evidence-{indicator}": "矩阵自评"}, *others)
    assert evaluation.evidence.get(indicator_id=indicator).text == "矩阵自评"
    assert protected(evaluation) == before


def test_expert_scores(others):
    assignment = (
        ExpertAssignment.objects.filter(
            expert__username="expert", submitted_at=None, evaluation__state="scoring"
        )
        .order_by("pk")
        .first()
    )
    before = protected(assignment)
    evaluation_before = protected(assignment.evaluation)
    score = assignment.scores.select_related("indicator").order_by("pk").first()
    foreign = ExpertAssignment.objects.exclude(pk=assignment.pk).order_by("pk").first()
    foreign_scores = [row(s) for s in foreign.scores.all()]
    client = login("expert")
    url = reverse("evaluation:assignment_score", args=[assignment.pk])
    post_with_extras(
        client, url, {f"points-{score.indicator_id}": "1", f"comment-{score.indicator_id}": "x"},
        *others, assignment=foreign.pk, evaluation=foreign.evaluation_id,
    )  # fmt: skip
    score.refresh_from_db()
    assert protected(assignment) == before
    assert protected(assignment.evaluation) == evaluation_before
    assert [row(s) for s in foreign.scores.all()] == foreign_scores


# --- people ----------------------------------------------------------------------------------


def test_my_profile(others):
    student = user("student")
    profile = StudentProfile.objects.get(user=student)
    user_before, profile_before = protected(student), protected(profile)
    roles_before = set(student.roles.values_list("code", flat=True))
    client = login("student")
    url = reverse("my_profile")
    data = page_data(client, url)
    data["contact-phone"] = "13900001111"
    post_with_extras(
        client, url, data, *others, **{"contact-is_superuser": "on", "contact-username": "x",
                                       "family-student_number": "1", "family-user": 1,
                                       "family-coursework_completed": "on", "contact-college": 2},
    )  # fmt: skip
    student.refresh_from_db()
    profile.refresh_from_db()
    assert student.phone == "13900001111"
    assert protected(student) == user_before
    assert protected(profile) == profile_before
    assert set(student.roles.values_list("code", flat=True)) == roles_before
    assert_no_privilege("student")


def test_notification_settings(others):
    office = others[1]
    office_prefs = list(NotificationPreference.objects.filter(user=office).values())
    client = login("student")
    url = reverse("notification_settings")
    data = page_data(client, url)
    post_with_extras(client, url, data, *others)
    assert list(NotificationPreference.objects.filter(user=office).values()) == office_prefs
    assert NotificationPreference.objects.filter(user=user("student")).exists()
    assert_no_privilege("student")
