"""The plaque certificate (Art 7(5)): "西昌学院研究生联合培养基地", one numbered copy per print.

``certificate_context`` builds what templates/print/certificate.html shows;
``render_certificate`` numbers the copy (``CertificatePrint``) and renders it.
"""

from django.db import IntegrityError, transaction
from django.utils import timezone

from agreements.choices import BaseState
from agreements.models import Base, CertificatePrint
from xcu_bases.printing import render_pdf

TITLE = "西昌学院研究生联合培养基地"  # the plaque's words (Art 7(5))
ISSUER = "西昌学院"
REGULATION = "《西昌学院研究生联合培养基地建设与管理办法（试行）》"
TEMPLATE = "print/certificate.html"
ESTABLISHED = (BaseState.ACTIVE, BaseState.EXPIRED)
DIGITS = "〇一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1..99 as written in dates: 一, 十, 十一, 二十, 三十一."""
    tens, ones = divmod(n, 10)
    if tens == 0:
        return DIGITS[ones]
    return ("" if tens == 1 else DIGITS[tens]) + "十" + (DIGITS[ones] if ones else "")


def chinese_date(day) -> str:
    """2026-06-01 -> 二〇二六年六月一日, as certificates are dated."""
    year = "".join(DIGITS[int(d)] for d in str(day.year))
    return f"{year}年{chinese_number(day.month)}月{chinese_number(day.day)}日"


def printable(base: Base) -> bool:
    """Only an established base has a certificate: the plaque was awarded."""
    return base.state in ESTABLISHED and base.plaque_date is not None


def certificate_context(base: Base, *, serial: str, printed_at) -> dict:
    """Everything the certificate shows, as strings."""
    return {
        "title": TITLE,
        "serial": serial,
        "partner": base.partner.name,
        "college": base.college.name,
        "body": (
            f"经学校审定，贵单位与西昌学院{base.college.name}共建的研究生联合培养基地，"
            f"符合{REGULATION}规定的建设条件，特授予“{TITLE}”称号。"
        ),
        "issuer": ISSUER,
        "plaque_date": chinese_date(base.plaque_date),
        "printed_at": timezone.localtime(printed_at).isoformat(timespec="seconds"),
    }


def _new_record(base: Base, *, by) -> CertificatePrint:
    """Number the copy XCU-PB-{year}-{base}-{n}, n counting this base's prints.

    The base row is locked so concurrent prints take turns; the unique serial is
    the backstop (SQLite ignores FOR UPDATE but serialises writers).
    """
    printed_at = timezone.now()
    year = timezone.localdate(printed_at).year
    with transaction.atomic():
        Base.objects.select_for_update().only("pk").get(pk=base.pk)
        n = base.certificate_prints.count() + 1
        while True:
            serial = f"XCU-PB-{year}-{base.pk:04d}-{n:02d}"
            try:
                with transaction.atomic():
                    return CertificatePrint.objects.create(
                        base=base, serial=serial, printed_by=by, printed_at=printed_at
                    )
            except IntegrityError:
                n += 1


def render_certificate(base: Base, *, by) -> tuple[bytes, CertificatePrint]:
    """The certificate as a PDF and the record of this numbered copy.

    Who may print is the view's business; the base must be established.
    """
    if not printable(base):
        raise ValueError("只有已挂牌的基地才能打印基地证书。")
    record = _new_record(base, by=by)
    context = certificate_context(base, serial=record.serial, printed_at=record.printed_at)
    try:
        return render_pdf(TEMPLATE, context), record
    except Exception:
        record.delete()
        raise
