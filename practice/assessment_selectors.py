"""Reads for the Annex 3 pages: the opinions, the last return, what a user may do."""

from django.urls import reverse

from practice import forwarding, rules
from practice.choices import AssessmentState as A
from practice.models import PracticeAssessment
from practice.selectors import Action, Opinion, allowed
from practice.selectors import last_return as last_return
from xcu_bases.models import TransitionLog

# The four opinion boxes, in the order of the chain.
OPINIONS = [
    ("base_supervisor_approve", "基地导师意见"),
    ("campus_supervisor_approve", "校内导师意见"),
    ("college_approve", "学院意见"),
    ("archive", "学科与研究生处意见"),
]


def opinions(timeline: list[TransitionLog]) -> list[Opinion]:
    """The opinions on the current submission (earlier rounds stay in the timeline)."""
    latest = {}
    for entry in timeline:
        if entry.transition == "submit":
            latest = {}
        elif entry.transition in dict(OPINIONS):
            latest[entry.transition] = entry
    return [Opinion(label, latest.get(name)) for name, label in OPINIONS]


# (transition, action key in the URL, label, style, icon) in the order buttons appear.
_ACTIONS = [
    ("base_supervisor_approve", "base_supervisor_approve", "评定成绩并同意", "success", "award"),
    ("campus_supervisor_approve", "campus_supervisor_approve", "校内导师同意", "success", "check2-circle"),
    ("college_approve", "college_approve", "学院同意", "success", "check2-circle"),
    ("archive", "archive", "审核归档", "success", "archive"),
    ("return_to_draft", "return", "退回修改", "warning", "arrow-counterclockwise"),
]  # fmt: skip


def actions_for(assessment: PracticeAssessment, user) -> list[Action]:
    actions = []
    if assessment.state == A.DRAFT and rules.assessment_is_the_student(assessment, user):
        edit = reverse("practice:assessment_edit", args=[assessment.pk])
        submit = reverse("practice:assessment_submit", args=[assessment.pk])
        actions.append(Action("填写登记表", edit, "primary", "pencil-square"))
        actions.append(Action("提交登记表", submit, "outline-primary", "send"))
    for name, key, label, style, icon in _ACTIONS:
        if allowed(assessment, user, name):
            url = reverse(f"practice:assessment_{key}", args=[assessment.pk])
            actions.append(Action(label, url, style, icon))
    req = assessment.request
    if forwarding.may_forward(assessment, req, user) and not forwarding.forwarded(assessment):
        url = reverse("practice:assessment_college_forward", args=[assessment.pk])
        actions.append(Action(forwarding.FORWARD_LABEL, url, "outline-primary", "send-check"))
    return actions


def stand_in(assessment, user) -> bool:
    """The office grading or returning in a base supervisor's place (Art 18): ask for a reason."""
    return assessment.state == A.BASE_SUPERVISOR_REVIEW and rules.stands_in_for_base_supervisor(
        assessment.request, user
    )


def may_ever(assessment, user, name) -> bool:
    """Whether ``user`` is ever the one to take step ``name`` (whatever the state now)."""
    steps = {
        "base_supervisor_approve": [A.BASE_SUPERVISOR_REVIEW],
        "campus_supervisor_approve": [A.CAMPUS_SUPERVISOR_REVIEW],
        "college_approve": [A.COLLEGE_REVIEW],
        "archive": [A.OFFICE_REVIEW],
    }.get(name, list(rules.ASSESSMENT_STEP))
    return any(rules.ASSESSMENT_STEP[step][0](assessment, user) for step in steps)
