"""The registry in Excel (export, import of existing bases) and the plaque certificate.

Views route only: the rows come from ``agreements.excel``, the writes from
``services.base_import_rows``, the PDF from ``agreements.certificate``.
"""

from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from agreements import certificate, excel, selectors, services
from agreements.forms import BaseFilterForm
from xcu_bases import access
from xcu_bases.exports import XLSX, xlsx_response
from xcu_bases.models import College
from xcu_bases.uploads import XLSX as XLSX_KIND
from xcu_bases.uploads import check_upload, safe_display_name


@require_GET
def base_export(request):
    """The registry as it is filtered on the page (same selector, same visibility)."""
    form = BaseFilterForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    today = timezone.localdate()
    may_see_all = selectors.may_see_all(request.user)
    bases = selectors.base_list(
        user=request.user,
        today=today,
        q=data.get("q", ""),
        partner=data.get("partner", ""),
        college=data.get("college"),
        level=data.get("level", ""),
        state=data.get("state", "") if may_see_all else "",
        expires_within=data.get("expires_within"),
        expiry=data.get("expiry", ""),
        recommended=data.get("recommended") == "1",
    )
    exporter = excel.BaseExporter(
        bases, today=today, internal=selectors.may_see_internal(request.user)
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return xlsx_response(exporter, f"研究生联合培养基地-{stamp}.xlsx")


def _office_only(request):
    if not access.is_office(request.user):
        raise Http404


@require_GET
def import_template(request):
    _office_only(request)
    content = excel.import_template(list(College.objects.all()))
    response = HttpResponse(content, content_type=XLSX)
    filename = "研究生联合培养基地导入模板.xlsx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


class ImportForm(forms.Form):
    workbook = forms.FileField(
        label="Excel 文件",
        help_text="使用本页提供的导入模板填写，仅限 .xlsx，不超过 20 MB。",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )


@require_http_methods(["GET", "POST"])
def base_import(request):
    """Existing bases from the office's spreadsheets; nothing is saved unless every row is right."""
    _office_only(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    problems = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["workbook"]
        try:
            check_upload(upload, (XLSX_KIND,))
            rows, problems = excel.read_rows(upload, today=timezone.localdate())
            if not problems:
                name = safe_display_name(upload.name)
                counts = services.base_import_rows(rows=rows, by=request.user, source=name)
                messages.success(request, _summary(counts, name))
                return redirect("agreements:base_list")
        except ValidationError as error:
            form.add_error("workbook", error)
        except services.BaseError as error:
            form.add_error("workbook", error.message)
    return render(
        request,
        "agreements/import.html",
        {"form": form, "problems": problems, "columns": excel.COLUMNS, "max_rows": excel.MAX_ROWS},
    )


def _summary(counts: dict[str, int], name: str) -> str:
    preparing = counts["bases"] - counts["active"] - counts["expired"]
    return (
        f"已从“{name}”导入 {counts['bases']} 个基地，其中运行中 {counts['active']} 个、"
        f"协议到期 {counts['expired']} 个、待挂牌 {preparing} 个；"
        f"新建合作单位 {counts['partners_new']} 个，沿用已有合作单位 {counts['partners_old']} 个。"
    )


@require_GET
def certificate_pdf(request, pk):
    """Art 7(5): the plaque certificate of an established base, a numbered copy per print."""
    bases = selectors.bases_visible_to(request.user).filter(
        state__in=certificate.ESTABLISHED, plaque_date__isnull=False
    )
    base = get_object_or_404(bases.select_related("partner", "college"), pk=pk)
    pdf, record = certificate.render_certificate(base, by=request.user)
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = f"基地证书-{record.serial}.pdf"
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(filename)}"
    return response
