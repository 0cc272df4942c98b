"""Excel exports: an exporter lists rows; one writer turns it into a streamed
write-only workbook (openpyxl), whatever the number of rows.

Every cell goes through ``cell_value``: text that Excel (or a CSV reader after "save as") could
take for a formula is written as a string cell with Excel's quote-prefix style (OWASP, "CSV
injection"). The reader sees exactly what was typed; editing the cell does not turn it into a
formula either. Numbers, dates and empty cells are written as they are: a negative amount stays
a number. An exporter that builds its own workbook (the import template) passes its cells
through ``guard_workbook``.
"""

import tempfile
from collections.abc import Iterable, Iterator
from urllib.parse import quote

from django.http import FileResponse
from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Font

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# OWASP's list (= + - @ tab, carriage return), line feed, and their full-width forms, which
# Excel's Chinese input turns into the ASCII ones when a cell is edited.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")


class ListExporter:
    title = "导出"
    headers: tuple[str, ...] = ()
    widths: tuple[int, ...] = ()

    def iter_rows(self) -> Iterator[Iterable]:
        raise NotImplementedError


def looks_like_formula(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def as_text(cell):
    """Make ``cell`` hold its text as text: a string, shown with Excel's quote prefix."""
    if looks_like_formula(cell.value):
        cell.data_type = "s"  # openpyxl typed a leading "=" as a formula
        cell.quotePrefix = True
    return cell


def cell_value(sheet, value):
    """What to append to a write-only ``sheet`` for ``value``: the value itself, or a
    string cell with the quote prefix when it starts like a formula."""
    if isinstance(value, Cell):  # an exporter that styles its own cells
        return as_text(value)
    if looks_like_formula(value):
        return as_text(WriteOnlyCell(sheet, value=value))
    return value


def guard_workbook(workbook: Workbook) -> Workbook:
    """The same rule for a workbook built in memory cell by cell."""
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                as_text(cell)
    return workbook


def write_xlsx(exporter: ListExporter, target) -> None:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(exporter.title[:31])
    for index, width in enumerate(exporter.widths, start=1):
        sheet.column_dimensions[_column(index)].width = width
    bold = Font(bold=True)
    header = []
    for text in exporter.headers:
        cell = as_text(WriteOnlyCell(sheet, value=text))
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in exporter.iter_rows():
        sheet.append([cell_value(sheet, value) for value in row])
    workbook.save(target)


def xlsx_response(exporter: ListExporter, filename: str) -> FileResponse:
    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115  (closed by FileResponse)
    write_xlsx(exporter, spool)
    spool.seek(0)
    response = FileResponse(spool, as_attachment=True, filename=filename, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def _column(index: int) -> str:
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
