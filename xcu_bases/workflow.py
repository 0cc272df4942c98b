"""What every approval chain shares: the refusal types, what the user saw, the
row lock and the one way a transition runs (check, transition, save, log).

`applications` (Annex 1) and `practice` (Annex 2, 3) build their services on it.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django_fsm import ConcurrentTransition, can_proceed

from xcu_bases.services import record_transition


class WorkflowError(Exception):
    """A refusal the user can understand; the message (and the details) are Chinese."""

    def __init__(self, message: str, details: list[str] | None = None):
        super().__init__(message)
        self.message = message
        self.details = details or []


class AlreadyHandled(WorkflowError):
    """Someone else moved the object since the user looked at it."""


@dataclass(frozen=True)
class Seen:
    """What the user looked at when they acted: the state and the submission round."""

    state: str
    round: int


def seen(obj) -> Seen:
    return Seen(state=obj.state, round=obj.round)


def seen_in(post) -> Seen:
    """What the page the user submitted showed: its hidden ``seen_state``/``seen_round``."""
    try:
        return Seen(state=post["seen_state"], round=int(post["seen_round"]))
    except (KeyError, ValueError):
        raise Http404 from None


def require(text: str, what: str) -> str:
    text = (text or "").strip()
    if not text:
        raise WorkflowError(f"请填写{what}。")
    return text


def lock(queryset, pk, expected: Seen | None, noun: str):
    """The row, locked for this transaction, and still as the user saw it."""
    obj = queryset.select_for_update().get(pk=pk)
    if expected and (obj.state != expected.state or obj.round != expected.round):
        raise AlreadyHandled(
            f"该{noun}已被他人处理，当前状态为“{obj.get_state_display()}”。请查看最新内容后再操作。"
        )
    return obj


def submitted_by_id(obj) -> int | None:
    """Who submitted ``obj`` last: the person of its latest "submit" row in the timeline."""
    from xcu_bases.models import TransitionLog

    return (
        TransitionLog.objects.for_object(obj)
        .filter(transition="submit")
        .order_by("-at", "-pk")
        .values_list("by_id", flat=True)
        .first()
    )


@dataclass(frozen=True)
class Chain:
    """How one life cycle names and explains its transitions."""

    noun: str  # 申报书, 申请 …
    labels: dict[str, str]  # transition name → Chinese label
    states: type  # the TextChoices of the states
    acting_role: Callable  # (obj, user, name) → role code
    gaps: Callable = lambda obj, name: []  # (obj, name) → why a condition fails
    # Approvals the person who submitted the current round may not give, whatever roles they hold.
    not_by_submitter: frozenset = frozenset()

    def run(self, obj, name: str, *, by, comment: str = "", label: str = ""):
        """Run one transition on a locked object; save it and log it, or refuse.

        ``label`` replaces the transition's usual name in the log (e.g. someone acting in
        another's place says so).
        """
        method = getattr(obj, name)
        label = label or self.labels[name]
        if not can_proceed(method, check_conditions=False):
            raise WorkflowError(
                f"{self.noun}当前状态为“{obj.get_state_display()}”，不能执行“{label}”。"
            )
        meta = method._django_fsm
        if not meta.has_transition_perm(obj, obj.state, by):
            raise PermissionDenied("无权执行此操作。")
        if name in self.not_by_submitter and by.pk == submitted_by_id(obj):
            raise WorkflowError(f"不能审核本人提交的{self.noun}，请由其他审核人办理。")
        if not meta.conditions_met(obj, obj.state):
            raise WorkflowError(f"暂不能“{label}”。", self.gaps(obj, name))
        source = obj.state
        role = self.acting_role(obj, by, name)
        method()
        try:
            obj.save()
        except ConcurrentTransition:
            raise AlreadyHandled(f"该{self.noun}已被他人处理，请刷新后查看。") from None
        record_transition(
            obj, transition=name, transition_label=label, source=source, target=obj.state,
            state_labels=self.states, by=by, role=role, comment=comment,
        )  # fmt: skip
        return obj


def may(obj, name: str, user) -> bool:
    """Whether ``user`` may run transition ``name`` on ``obj`` in its state (conditions aside:
    ``Chain.run`` explains a failed condition). For buttons and the views that guard actions."""
    method = getattr(obj, name)
    if not can_proceed(method, check_conditions=False):
        return False
    return method._django_fsm.has_transition_perm(obj, obj.state, user)
