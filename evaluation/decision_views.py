"""The revocation decision's pages (Art 29): the office confirms it with the meeting or document
reference, or records why not; the base's college reads it. Views route: parse, call, render."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from evaluation import decisions
from evaluation.forms import ConfirmRevocationForm, DeclineRevocationForm
from evaluation.models import RevocationDecision
from evaluation.views import _flash, _office_only
from xcu_bases.selectors import timeline
from xcu_bases.workflow import WorkflowError


def _get_decision(request, pk) -> RevocationDecision:
    qs = RevocationDecision.objects.visible_to(request.user).select_related(
        "base", "base__college", "evaluation", "evaluation__round", "decided_by"
    )
    return get_object_or_404(qs, pk=pk)


def _page(request, decision, *, confirm_form=None, decline_form=None):
    return render(
        request,
        "evaluation/revocation_detail.html",
        {
            "decision": decision,
            "evaluation": decision.evaluation,
            "can_decide": decisions.may_decide(decision, request.user),
            "confirm_form": confirm_form or ConfirmRevocationForm(),
            "decline_form": decline_form or DeclineRevocationForm(),
            "timeline": list(timeline(decision)),
        },
    )


@require_GET
@never_cache
def revocation_detail(request, pk):
    return _page(request, _get_decision(request, pk))


@require_POST
def revocation_confirm(request, pk):
    _office_only(request)
    decision = _get_decision(request, pk)
    form = ConfirmRevocationForm(request.POST)
    if form.is_valid():
        try:
            decisions.revocation_confirm(
                decision=decision, by=request.user, reference=form.cleaned_data["reference"]
            )
        except WorkflowError as error:
            _flash(request, error)
        else:
            messages.success(request, f"已确认撤销{decision.base.name}的基地资格，已通知学院。")
            return redirect("evaluation:revocation_detail", pk=decision.pk)
    return _page(request, _get_decision(request, pk), confirm_form=form)


@require_POST
def revocation_decline(request, pk):
    _office_only(request)
    decision = _get_decision(request, pk)
    form = DeclineRevocationForm(request.POST)
    if form.is_valid():
        try:
            decisions.revocation_decline(
                decision=decision, by=request.user, reason=form.cleaned_data["reason"]
            )
        except WorkflowError as error:
            _flash(request, error)
        else:
            messages.success(
                request, f"已记录不予撤销{decision.base.name}基地资格的决定，已通知学院。"
            )
            return redirect("evaluation:revocation_detail", pk=decision.pk)
    return _page(request, _get_decision(request, pk), decline_form=form)
