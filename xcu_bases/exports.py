"""Excel exports: an exporter lists rows; one writer turns it into a streamed
write-only workbook (openpyxl), whatever the number of rows."""

import tempfile
from collections.abc import Iterable, Iterator
from urllib.parse import quote

from django.http import FileResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ListExporter:
    title = "导出"
    headers: tuple[str, ...] = ()
    widths: tuple[int, ...] = ()

    def iter_rows(self) -> Iterator[Iterable]:
        raise NotImplementedError


def write_xlsx(exporter: ListExporter, target) -> None:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(exporter.title[:31])
    for index, width in enumerate(exporter.widths, start=1):
        sheet.column_dimensions[_column(index)].width = width
    bold = Font(bold=True)
    header = []
    for text in exporter.headers:
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in exporter.iter_rows():
        sheet.append(list(row))
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
