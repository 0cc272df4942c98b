"""Evaluation pages (Annex 4, Art 29). Views route: parse input, call one service, render."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import F
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from evaluation import annex4, charts, eligibility, printing, selectors, services
from evaluation.choices import EvaluationState as E
from evaluation.choices import Grade, RoundKind
from evaluation.exports import RoundExporter
from evaluation.forms import AddBaseForm, AssignForm, CommentForm, RoundForm, parse_points
from evaluation.models import (
    BaseEvaluation,
    EvaluationRound,
    EvidenceAttachment,
    ExpertAssignment,
    Standard,
)
from xcu_bases import access
from xcu_bases.exports import xlsx_response
from xcu_bases.selectors import timeline
from xcu_bases.workflow import WorkflowError


def _office_only(request):
    if not access.is_office(request.user):
        raise Http404


def _flash(request, error: WorkflowError):
    messages.error(request, error.message)
    for detail in error.details:
        messages.warning(request, detail)


@require_GET
def round_list(request):
    user = request.user
    if not (access.is_office(user) or access.is_college_staff(user) or user.has_role("expert")):
        raise Http404
    rounds = selectors.rounds_visible_to(user)
    assignments = (
        ExpertAssignment.objects.filter(expert=request.user)
        .select_related("evaluation__base", "evaluation__round")
        # Waiting ones first on every database (NULL sorts first on SQLite, last on PostgreSQL).
        .order_by(F("submitted_at").asc(nulls_first=True), "-evaluation__round__year")[:100]
    )
    return render(
        request,
        "evaluation/round_list.html",
        {
            "rounds": rounds,
            "assignments": assignments,
            "is_office": access.is_office(request.user),
        },
    )


def _year_and_kind(data, today) -> tuple[int, str]:
    kind = data.get("kind", RoundKind.YEARLY)
    year = data.get("year", "")
    return (
        int(year) if year.isdigit() and 2000 <= int(year) <= 2100 else today.year,
        kind if kind in RoundKind.values else RoundKind.YEARLY,
    )


@require_http_methods(["GET", "POST"])
def round_new(request):
    """发起评估 in two steps: the year and kind (GET), then the standard, the deadline and the
    bases, each shown with its agreement end and why it qualifies or not (Art 29, Art 8)."""
    _office_only(request)
    year, kind = _year_and_kind(request.POST or request.GET, timezone.localdate())
    candidates = eligibility.candidates(kind, year)
    initial = {
        "year": year, "kind": kind,
        "standard": Standard.objects.filter(year__lte=year).order_by("-year").first(),
    }  # fmt: skip
    form = RoundForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            evaluation_round = services.round_open(by=request.user, **form.cleaned_data)
        except WorkflowError as error:
            _flash(request, error)
        else:
            messages.success(request, f"已发起{evaluation_round}，请为各基地分配评审专家。")
            return redirect("evaluation:round_detail", pk=evaluation_round.pk)
    same_year = list(EvaluationRound.objects.filter(year=year, kind=kind).order_by("number"))
    ticked = (
        {int(pk) for pk in request.POST.getlist("bases") if pk.isdigit()}
        if request.method == "POST"
        else {c.base.pk for c in candidates if c.verdict.proposed}
    )
    return render(
        request,
        "evaluation/round_new.html",
        {
            "form": form, "year": year, "kind": RoundKind(kind), "kinds": RoundKind.choices,
            "candidates": candidates, "ticked": ticked,
            "n_eligible": sum(1 for c in candidates if c.verdict.eligible),
            "same_year": same_year,
            # Art 29: one yearly check a year — bases join the open one instead.
            "blocked": kind == RoundKind.YEARLY and bool(same_year),
        },
    )  # fmt: skip


def _get_round(request, pk) -> EvaluationRound:
    return get_object_or_404(selectors.rounds_visible_to(request.user), pk=pk)


@require_GET
@never_cache
def round_detail(request, pk):
    evaluation_round = _get_round(request, pk)
    rows = selectors.evaluations_of(evaluation_round, request.user)
    grade = request.GET.get("grade", "")
    grade = grade if grade in Grade.values else ""  # an unknown grade shows every base
    is_office = access.is_office(request.user)
    editable = is_office and evaluation_round.is_open
    scored = selectors.scored_evaluation_ids(evaluation_round) if editable else set()
    for row in rows:
        row.removable = editable and row.state != E.FINALISED and row.pk not in scored
    candidates = (
        eligibility.candidates(
            evaluation_round.kind, evaluation_round.year, evaluation_round=evaluation_round
        )
        if editable
        else []
    )
    return render(
        request,
        "evaluation/round_detail.html",
        {
            "round": evaluation_round,
            "rows": [row for row in rows if row.grade == grade] if grade else rows,
            "grade": Grade(grade) if grade else None,
            "bars": charts.distribution(rows),
            "unfinished": sum(1 for row in rows if row.state != E.FINALISED),
            "is_office": is_office,
            "editable": editable,
            "addable": [c for c in candidates if c.verdict.eligible],
            "not_addable": [c for c in candidates if not c.verdict.eligible],
            "timeline": list(timeline(evaluation_round)) if is_office else [],
        },
    )


@require_POST
def round_base_add(request, pk):
    """Art 29: the office adds a base to an open round (same rule as when it was opened)."""
    _office_only(request)
    evaluation_round = _get_round(request, pk)
    form = AddBaseForm(request.POST)
    try:
        if not form.is_valid():
            raise WorkflowError("请选择要加入的基地。")
        evaluation = services.round_base_add(
            evaluation_round=evaluation_round, base=form.cleaned_data["base"], by=request.user
        )
    except WorkflowError as error:
        _flash(request, error)
    else:
        messages.success(
            request, f"已将{evaluation.base.name}加入{evaluation_round}，已通知学院填写自评材料。"
        )
    return redirect("evaluation:round_detail", pk=evaluation_round.pk)


@require_POST
def evaluation_remove(request, pk):
    """The office takes a base out of an open round while no expert has scored it."""
    _office_only(request)
    evaluation = _get_evaluation(request, pk)
    try:
        services.round_base_remove(evaluation=evaluation, by=request.user)
    except WorkflowError as error:
        _flash(request, error)
    else:
        messages.success(request, f"已将{evaluation.base.name}移出{evaluation.round}。")
    return redirect("evaluation:round_detail", pk=evaluation.round_id)


def _get_evaluation(request, pk) -> BaseEvaluation:
    qs = BaseEvaluation.objects.visible_to(request.user).select_related(
        "base", "base__college", "round", "round__standard"
    )
    return get_object_or_404(qs, pk=pk)


@require_GET
@never_cache
def evaluation_detail(request, pk):
    evaluation = _get_evaluation(request, pk)
    user = request.user
    mine = selectors.my_assignment(evaluation, user)
    indicators = list(evaluation.round.standard.indicators.select_related("parent"))
    evidence = {e.indicator_id: e for e in evaluation.evidence.all()}
    files: dict[int, list] = {}
    for attachment in evaluation.attachments.all():
        files.setdefault(attachment.indicator_id, []).append(attachment)
    my_scores = {s.indicator_id: s for s in mine.scores.all()} if mine else {}
    show_all = selectors.others_visible(evaluation, user, mine)
    means = selectors.indicator_means(evaluation) if show_all else {}
    rows = [
        {"indicator": i, "evidence": evidence.get(i.pk), "mine": my_scores.get(i.pk),
         "mean": means.get(i.pk), "files": files.get(i.pk, [])}
        for i in indicators
    ]  # fmt: skip
    return render(
        request,
        "evaluation/evaluation_detail.html",
        {
            "evaluation": evaluation,
            "rows": rows,
            "mine": mine,
            "show_all": show_all,
            "assignments": list(evaluation.assignments.select_related("expert"))
            if show_all or access.is_office(user)
            else [],
            "facts": selectors.facts(evaluation, today=timezone.localdate()),
            "can_self_assess": evaluation.state == E.SELF_ASSESSMENT
            and services.may_self_assess(evaluation, user),
            "can_score": mine is not None
            and mine.submitted_at is None
            and evaluation.state == E.SCORING,
            "is_office": access.is_office(user),
            "assign_form": AssignForm() if access.is_office(user) else None,
            "return_form": CommentForm(),
            "timeline": list(timeline(evaluation)),
            "decision": selectors.decision_of(evaluation, user),
        },
    )


@require_POST
def evaluation_evidence(request, pk):
    evaluation = _get_evaluation(request, pk)
    if not services.may_self_assess(evaluation, request.user):
        raise Http404
    texts = {
        row.indicator_id: request.POST.get(f"evidence-{row.indicator_id}", row.text)
        for row in evaluation.evidence.all()
    }
    remove = {int(pk) for pk in request.POST.getlist("remove") if pk.isdigit()}
    try:
        services.evidence_save(evaluation=evaluation, by=request.user, texts=texts, remove=remove)
        # Texts are saved first: a refused file never costs the college what it typed.
        refused = []
        for indicator_id in texts:
            for file in request.FILES.getlist(f"files-{indicator_id}"):
                try:
                    services.evidence_attach(
                        evaluation=evaluation, indicator_id=indicator_id, file=file,
                        by=request.user,
                    )  # fmt: skip
                except WorkflowError as error:
                    refused.append(error.message)
        if refused:
            raise WorkflowError("自评说明已保存，以下附件未上传：", refused)
        if "submit" in request.POST:
            services.self_assessment_submit(evaluation=evaluation, by=request.user)
            messages.success(request, "自评材料已提交，等待专家评分。")
        else:
            messages.success(request, "自评材料已保存。")
    except WorkflowError as error:
        _flash(request, error)
    return redirect("evaluation:evaluation_detail", pk=evaluation.pk)


@require_GET
def attachment_download(request, pk, attachment_pk):
    """Self-assessment files: whoever may see the evaluation (experts included)."""
    evaluation = _get_evaluation(request, pk)
    attachment = get_object_or_404(EvidenceAttachment, evaluation=evaluation, pk=attachment_pk)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404("文件不存在。") from None
    return FileResponse(handle, as_attachment=True, filename=attachment.original_name)


@require_POST
def round_close(request, pk):
    _office_only(request)
    evaluation_round = _get_round(request, pk)
    try:
        services.round_close(evaluation_round=evaluation_round, by=request.user)
    except WorkflowError as error:
        _flash(request, error)
    else:
        messages.success(request, f"{evaluation_round}已结束，结果已归档。")
    return redirect("evaluation:round_detail", pk=evaluation_round.pk)


@require_POST
def evaluation_assign(request, pk):
    _office_only(request)
    evaluation = _get_evaluation(request, pk)
    form = AssignForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择评审专家。")
        return redirect("evaluation:evaluation_detail", pk=evaluation.pk)
    try:
        created = services.experts_assign(
            evaluation=evaluation, experts=form.cleaned_data["experts"], by=request.user
        )
    except WorkflowError as error:
        _flash(request, error)
    else:
        messages.success(request, f"已分配 {len(created)} 位专家。")
    return redirect("evaluation:evaluation_detail", pk=evaluation.pk)


@require_POST
def evaluation_return(request, pk):
    _office_only(request)
    evaluation = _get_evaluation(request, pk)
    form = CommentForm(request.POST)
    try:
        if not form.is_valid():
            raise WorkflowError("请填写退回理由。")
        services.evaluation_return(
            evaluation=evaluation, by=request.user, comment=form.cleaned_data["comment"]
        )
    except WorkflowError as error:
        _flash(request, error)
    else:
        messages.success(request, "已退回学院补充自评材料。")
    return redirect("evaluation:evaluation_detail", pk=evaluation.pk)


@require_POST
def evaluation_finalise(request, pk):
    _office_only(request)
    evaluation = _get_evaluation(request, pk)
    try:
        evaluation = services.evaluation_finalise(evaluation=evaluation, by=request.user)
    except WorkflowError as error:
        _flash(request, error)
    else:
        messages.success(
            request, f"已定级：总分 {evaluation.total}，{evaluation.get_grade_display()}。"
        )
    return redirect("evaluation:evaluation_detail", pk=evaluation.pk)


@require_POST
def assignment_score(request, pk):
    """The expert's own scores: save, or save and submit (then read-only)."""
    assignment = get_object_or_404(
        ExpertAssignment.objects.select_related("evaluation"), pk=pk, expert=request.user
    )
    values, errors = {}, []
    for score in assignment.scores.select_related("indicator"):
        try:
            points = parse_points(request.POST.get(f"points-{score.indicator_id}", ""))
        except ValidationError as error:
            errors.append(f"{score.indicator.code}：{error.messages[0]}")
            continue
        values[score.indicator_id] = (
            points,
            request.POST.get(f"comment-{score.indicator_id}", ""),
        )
    try:
        if errors:
            raise WorkflowError("评分未保存。", errors)
        services.scores_save(assignment=assignment, by=request.user, values=values)
        if "submit" in request.POST:
            services.scores_submit(assignment=assignment, by=request.user)
            messages.success(request, "评分已提交。")
        else:
            messages.success(request, "评分已保存，提交前可继续修改。")
    except WorkflowError as error:
        _flash(request, error)
    return redirect("evaluation:evaluation_detail", pk=assignment.evaluation_id)


def _pdf(data: bytes, serial: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{serial}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def evaluation_pdf(request, pk):
    """Annex 4 filled in for one base: whoever may see the evaluation."""
    evaluation = _get_evaluation(request, pk)
    return _pdf(*printing.render_annex4(evaluation))


@require_GET
def standard_blank_pdf(request, pk):
    """A blank Annex 4 for experts who score on paper."""
    user = request.user
    if not (access.is_office(user) or access.is_college_staff(user) or user.has_role("expert")):
        raise Http404
    standard = get_object_or_404(Standard, pk=pk)
    return _pdf(*printing.render_blank_annex4(standard))


# --- the standard (Annex 4) ----------------------------------------------------------------


@require_GET
def standard_list(request):
    _office_only(request)
    standards = list(Standard.objects.prefetch_related("indicators"))
    for standard in standards:
        standard.problems = services.standard_problems(standard)
    latest = standards[0].year if standards else timezone.localdate().year - 1
    return render(
        request, "evaluation/standard_list.html", {"standards": standards, "next_year": latest + 1}
    )


@require_POST
def standard_create(request):
    _office_only(request)
    try:
        year = int(request.POST.get("year", ""))
        if not 2000 <= year <= 2999:  # a year the column (and a person) can hold
            raise ValueError(year)
        standard = services.standard_create(year=year, by=request.user)
    except ValueError:
        messages.error(request, "请填写年度。")
        return redirect("evaluation:standards")
    except WorkflowError as error:
        _flash(request, error)
        return redirect("evaluation:standards")
    messages.success(request, f"已新建{standard}（复制自上一年度），可修改后用于评估。")
    return redirect("evaluation:standard_edit", pk=standard.pk)


@require_http_methods(["GET", "POST"])
def standard_edit(request, pk):
    """Names, descriptions and points of a draft standard; a standard in use is read-only.
    Annex 4: the first-level points are fixed; second-level points move within their block."""
    _office_only(request)
    standard = get_object_or_404(Standard, pk=pk)
    indicators = list(standard.indicators.select_related("parent"))
    errors = []
    if request.method == "POST" and standard.editable:
        rows = {}
        for i in indicators:
            try:
                # First-level points are Annex 4's (no field on the page): kept unless posted.
                points = parse_points(request.POST.get(f"points-{i.pk}", str(i.max_points)))
            except ValidationError as error:
                errors.append(f"{i.code}：{error.messages[0]}")
                continue
            rows[i.pk] = (request.POST.get(f"name-{i.pk}", i.name),
                          request.POST.get(f"description-{i.pk}", i.description), points)  # fmt: skip
            i.name, i.description, i.max_points = rows[i.pk]
        if not errors:
            try:
                services.standard_update(standard=standard, by=request.user, rows=rows)
            except WorkflowError as error:
                errors = [error.message, *error.details]
            else:
                messages.success(request, "评价标准已保存。")
                return redirect("evaluation:standard_edit", pk=standard.pk)
        messages.error(request, "评价标准未保存，请按提示修改；已填写的内容保留在页面上。")
    return render(
        request,
        "evaluation/standard_edit.html",
        {"standard": standard, "indicators": indicators, "errors": errors,
         "problems": services.standard_problems(standard), "fixed_totals": annex4.FIXED_TEXT},
    )  # fmt: skip


@require_GET
def round_export(request, pk):
    evaluation_round = _get_round(request, pk)
    rows = selectors.evaluations_of(evaluation_round, request.user)
    return xlsx_response(
        RoundExporter(rows), f"{evaluation_round.year}-{evaluation_round.kind}-results.xlsx"
    )
