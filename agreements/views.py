from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from agreements import services
from agreements.forms import TemplateUploadForm
from agreements.models import AgreementTemplate
from xcu_bases import access


def _may_see_templates(user) -> bool:
    return access.is_office(user) or access.is_college_staff(user) or user.has_role("legal_office")


@require_http_methods(["GET", "POST"])
def template_list(request):
    """The office's model agreement, every version (Art 7(3))."""
    if not _may_see_templates(request.user):
        raise Http404
    is_office = access.is_office(request.user)
    form = TemplateUploadForm(request.POST or None, request.FILES or None) if is_office else None
    if request.method == "POST":
        if not is_office:
            raise Http404
        if form.is_valid():
            try:
                template = services.template_upload(
                    file=form.cleaned_data["document"],
                    note=form.cleaned_data["note"],
                    by=request.user,
                )
            except ValidationError as error:
                form.add_error("document", error)
            else:
                messages.success(request, f"已上传协议书模板第 {template.version} 版。")
                return redirect("agreements:templates")
    templates = AgreementTemplate.objects.select_related("uploaded_by")
    return render(
        request,
        "agreements/templates.html",
        {"templates": templates, "form": form, "current": templates.first()},
    )


@require_GET
def template_download(request, pk):
    if not _may_see_templates(request.user):
        raise Http404
    template = get_object_or_404(AgreementTemplate, pk=pk)
    return FileResponse(
        template.document.open("rb"), as_attachment=True, filename=template.original_name
    )
