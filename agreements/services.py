from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Max

from agreements.models import AgreementTemplate
from xcu_bases import access
from xcu_bases.uploads import DOCUMENT_KINDS, check_upload, safe_display_name


def template_upload(*, file, note: str, by) -> AgreementTemplate:
    """Art 7(3): the graduate office provides the model agreement; each upload is a new version."""
    if not access.is_office(by):
        raise PermissionDenied("只有学科与研究生处可以上传协议书模板。")
    check_upload(file, DOCUMENT_KINDS)
    for _ in range(3):
        try:
            with transaction.atomic():
                latest = AgreementTemplate.objects.aggregate(v=Max("version"))["v"] or 0
                return AgreementTemplate.objects.create(
                    version=latest + 1,
                    document=file,
                    original_name=safe_display_name(file.name),
                    note=note.strip()[:300],
                    uploaded_by=by,
                )
        except IntegrityError:  # two uploads at once: take the next number
            file.seek(0)
    raise IntegrityError("协议书模板版本号冲突，请重试。")
