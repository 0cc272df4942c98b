"""The college step of Annex 2 and Annex 3: 学院意见（负责人签字）.

The college head of the student's college gives the college's opinion (approve, return,
reject), as in Annex 1. The college secretary prepares: checks that the material is complete
and forwards it to the head — a note in the timeline that tells the head, not a state change.
"""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import Q

from practice import rules
from xcu_bases.choices import RoleCode
from xcu_bases.models import TransitionLog
from xcu_bases.services import record_transition
from xcu_bases.workflow import WorkflowError

FORWARD = "college_forward"
FORWARD_LABEL = "材料已核对，转学院负责人"
COLLEGE_STEP = "college_review"  # the same state name in Annex 2 and Annex 3


def _is_entry(row) -> bool:
    """A row that brings the object (back) into the college step."""
    return row.target_state == COLLEGE_STEP and row.transition != FORWARD


def _latest_forward(rows) -> TransitionLog | None:
    found = None
    for row in rows:  # oldest first
        if _is_entry(row):
            found = None
        elif row.transition == FORWARD:
            found = row
    return found


def forwarded(obj) -> TransitionLog | None:
    """The secretary's forward since ``obj`` last entered the college step, if any."""
    if obj.state != COLLEGE_STEP:
        return None
    return _latest_forward(TransitionLog.objects.for_object(obj).order_by("at", "pk"))


def forwarded_ids(objects) -> set[int]:
    """The pks among ``objects`` (all of one model, in the college step) already forwarded:
    one query for an inbox list."""
    objects = list(objects)
    if not objects:
        return set()
    content_type = ContentType.objects.get_for_model(objects[0], for_concrete_model=False)
    rows = TransitionLog.objects.filter(
        Q(target_state=COLLEGE_STEP) | Q(transition=FORWARD),
        content_type=content_type,
        object_id__in=[str(o.pk) for o in objects],
    ).order_by("at", "pk")
    by_object: dict[str, list] = {}
    for row in rows.only("object_id", "transition", "target_state"):
        by_object.setdefault(row.object_id, []).append(row)
    return {o.pk for o in objects if _latest_forward(by_object.get(str(o.pk), []))}


def may_forward(obj, req, user) -> bool:
    return obj.state == COLLEGE_STEP and rules.is_college_secretary(req, user)


def forward(obj, *, req, by, comment: str, states, noun: str) -> TransitionLog:
    """Log the secretary's check and tell the head (notifications read the FORWARD row).
    ``obj`` is locked by the caller; ``req`` is its practice request."""
    if not rules.is_college_secretary(req, by):
        raise PermissionDenied("只有该生所在学院的研究生秘书可以核对材料并转学院负责人。")
    if obj.state != COLLEGE_STEP:
        raise WorkflowError(f"{noun}当前状态为“{obj.get_state_display()}”，不能转学院负责人。")
    if forwarded(obj):
        raise WorkflowError(f"该{noun}的材料已核对并转学院负责人，无需重复转交。")
    # No states in the row: nothing moves (the timeline shows no "from → to").
    return record_transition(
        obj, transition=FORWARD, transition_label=FORWARD_LABEL, source="", target="",
        state_labels=states, by=by, role=RoleCode.COLLEGE_SECRETARY,
        comment=(comment or "").strip() or f"{FORWARD_LABEL}。",
    )  # fmt: skip
