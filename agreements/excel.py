"""The base registry in Excel: the export, and the import of existing bases.

Export: ``BaseExporter`` lists the registry's rows (the registry's own queryset,
so filters and visibility match the page); ``xcu_bases.exports`` streams them.
Import: ``import_template()`` is the workbook the office fills in; ``read_rows()``
checks an uploaded one row by row and returns every problem with its row and
column, or the rows ready for ``services.base_import_rows``.
"""

import io
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import DecimalField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation

from agreements import compliance
from agreements.choices import AllocationState, BaseLevel, BaseState, FundingKind
from agreements.governance_rules import inspector_candidates_all
from agreements.models import Agreement, Base, FundingEntry
from practice import contacts
from xcu_bases.creditcode import check_character, normalize, validate_credit_code
from xcu_bases.dates import add_years
from xcu_bases.exports import ListExporter, guard_workbook
from xcu_bases.models import College

# --- export ----------------------------------------------------------------------------


# Compliance lines with a column of their own (the article in the header), after the money.
LINE_COLUMNS = (
    ("funding", "建设经费（第二十七条）"),
    ("committee", "管理委员会（第九条）"),
    ("working_group", "工作小组（第十条）"),
    ("inspector", "督导员配备（第十二条）"),
    ("responsible_college", "责任学院（第十四条）"),
    ("exchange", "交流研讨（第十七条）"),
)


class BaseExporter(ListExporter):
    """One row per base: the registry, its Art 27 money and its compliance panel."""

    title = "研究生联合培养基地"
    headers = ("基地名称", "所属学院", "责任学院", "其他参与学院", "合作单位", "统一社会信用代码",
               "通讯地址", "级别", "推荐申报省级和国家级", "状态", "挂牌日期", "协议签订日期",
               "协议开始", "协议结束", "协议剩余天数", "共建课程数", "联合项目数", "已拨付(元)",
               "计划拨付(元)", "已支出(元)", "结余(元)", "督导员", "督导员电话",
               *(header for _, header in LINE_COLUMNS), "合规状况", "待办事项")  # fmt: skip
    widths = (44, 16, 16, 24, 36, 22, 40, 8, 12, 10, 12, 13, 12, 12, 13, 11, 11, 12, 12, 12,
              12, 10, 15, 30, 30, 30, 30, 24, 30, 11, 60)  # fmt: skip
    chunk_size = 2000
    # Only what the row shows: no timestamps to parse for 6,000 bases.
    fields = ("name", "level", "recommended_for_higher_level", "state", "plaque_date",
              "inspector_legacy", "college__name", "responsible_college__name", "partner__name",
              "partner__credit_code", "partner__address", "inspector__name",
              "inspector__phone")  # fmt: skip

    def __init__(self, queryset, *, today: date, internal: bool = True):
        """``queryset``: bases annotated by ``compliance.with_facts``; ``internal``: whether
        the reader may see the funding ledger and phone numbers (as on the base page)."""
        self.queryset = queryset
        self.today = today
        self.internal = internal

    def bases(self):
        latest = Agreement.objects.filter(base=OuterRef("pk")).order_by("-ends_on")
        money = DecimalField(max_digits=14, decimal_places=2)
        funding = FundingEntry.objects.filter(base=OuterRef("pk")).order_by().values("base")

        def total(**kind):
            summed = funding.filter(**kind).annotate(total=Sum("amount")).values("total")
            return Coalesce(Subquery(summed, output_field=money), Value(0), output_field=money)

        bases = self.queryset.select_related(
            "college", "responsible_college", "partner", "inspector"
        )
        return bases.only(*self.fields).annotate(
            agreement_signed=Subquery(latest.values("signed_on")[:1]),
            paid=total(kind=FundingKind.ALLOCATION, state=AllocationState.PAID),
            planned=total(kind=FundingKind.ALLOCATION, state=AllocationState.PLANNED),
            spent=total(kind=FundingKind.SPENDING),
        )

    def participating(self) -> dict[int, list[str]]:
        """Art 14 colleges of every exported base, in one query."""
        through = Base.participating_colleges.through.objects.filter(
            base__in=self.queryset.order_by().values("pk")
        )
        names: dict[int, list[str]] = {}
        for base_id, name in through.order_by("college__code").values_list(
            "base_id", "college__name"
        ):
            names.setdefault(base_id, []).append(name)
        return names

    def iter_rows(self):
        participating = self.participating()
        practices = contacts.practices_at(self.queryset)  # Art 20, for the compliance column
        checks = compliance.yearly_checks_at(self.queryset)  # Art 29
        for base in self.bases().iterator(chunk_size=self.chunk_size):
            yield self.row(
                base, participating.get(base.pk, []), practices[base.pk], checks[base.pk]
            )

    def money(self, base) -> tuple:
        """已拨付, 计划拨付, 已支出, 结余 (paid − spent), for those who see the ledger."""
        if not self.internal:
            return (None, None, None, None)
        paid, planned, spent = (v.quantize(CENTS) for v in (base.paid, base.planned, base.spent))
        return (paid, planned, spent, paid - spent)

    def row(self, base, participating: list[str], practices=(), check_years=()) -> tuple:
        facts = compliance.facts_from_annotations(base, practices, check_years)
        lines = compliance.lines(facts, today=self.today)
        by_key = {line.key: line for line in lines}
        todo = [line.title for line in lines if line.status != compliance.GREEN]
        ends = base.agreement_ends
        inspector = base.inspector
        # Empty cells as None: the writer skips them rather than writing empty strings.
        return (
            base.name,
            base.college.name,
            base.responsible_college.name if base.responsible_college else None,
            "、".join(participating) or None,
            base.partner.name,
            base.partner.credit_code,
            base.partner.address or None,
            LEVEL_LABELS.get(base.level, base.level),
            "是" if base.recommended_for_higher_level else None,  # Art 29
            STATE_LABELS.get(base.state, base.state),
            base.plaque_date,
            base.agreement_signed,
            base.agreement_starts,
            ends,
            (ends - self.today).days if ends else None,
            base.n_courses,
            base.n_projects,
            *self.money(base),
            inspector.name if inspector else (base.inspector_legacy or None),  # legacy: typed text
            (inspector.phone or None) if inspector and self.internal else None,
            *(by_key[key].cell for key, _ in LINE_COLUMNS),
            compliance.LABELS[compliance.worst(lines)],
            "；".join(todo) or None,
        )


CENTS = Decimal("0.01")
LEVEL_LABELS = dict(BaseLevel.choices)
STATE_LABELS = dict(BaseState.choices)


# --- import: the columns ---------------------------------------------------------------

SHEET = "基地导入"
HELP_SHEET = "填写说明"
MAX_ROWS = 5000
AGREEMENT_YEARS = 5  # Art 7(2): normally 5 years


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool
    help: str
    aliases: tuple[str, ...] = ()
    width: int = 16


COLUMNS = (
    Column("name", "基地名称", True, "基地的正式名称，不超过 200 字，例如“西昌学院—××有限公司研究生联合培养基地”。同一学院下不能重名。", width=44),
    Column("college", "所属学院", True, "基地所属的二级培养单位，填写学院全称或单位代码（允许值见“填写说明”工作表末尾）。", width=18),
    Column("partner_name", "合作单位名称", True, "合作单位的全称，与营业执照或法人登记证书一致，不超过 200 字。", ("合作单位",), 36),
    Column("credit_code", "统一社会信用代码", True, "18 位，按 GB 32100-2015 校验。同一代码只能对应一个合作单位名称；系统中已有该代码的合作单位时，以本表的名称和地址更新。", width=22),
    Column("address", "通讯地址", False, "合作单位的通讯地址，不超过 200 字。", width=40),
    Column("level", "级别", False, "校级、省级或国家级；留空按校级。省级、国家级基地同时记入级别变更记录，文件号为“历史数据导入”（第四条、第八条）。", width=10),
    Column("plaque_date", "挂牌日期", False, "已授牌的基地填写（第七条第五项），不得早于协议签订日期、不得晚于今天。填写后基地为“运行中”（协议已到期的为“协议到期”）；留空则为“待挂牌”。本办法施行（2025年7月13日）后挂牌的校级基地列入前三年计划拨付（第二十七条），此前挂牌的基地和省级、国家级基地不自动列支。", width=13),
    Column("signed_on", "协议签订日期", True, "协议书的签订日期，不得晚于今天。", width=13),
    Column("starts_on", "协议开始日期", True, "协议期限的开始日期。", ("协议开始",), 13),
    Column("ends_on", "协议结束日期", False, "协议期限的结束日期，须晚于开始日期；留空按 5 年计（开始日期加 5 年减 1 天，第七条第二项）。", ("协议结束",), 13),
    Column("inspector", "督导员", False, "所属学院的教师账号（校内导师或学院负责人，第十二条第三项）：填写姓名或用户名。系统中没有该账号时请留空，导入后在基地页面指定。", width=10),
)  # fmt: skip
DATE_KEYS = ("plaque_date", "signed_on", "starts_on", "ends_on")
LEVELS = {label: value for value, label in BaseLevel.choices}
GENERAL_NOTES = (
    "1. 在工作表“基地导入”中每行填写一个已有基地，第 1 行为列名，请勿修改或删除。",
    "2. 第 2 行是示例，导入前请删除或改为真实数据。日期请按“2024-06-01”格式填写或设为日期格式。",
    "3. 上传后系统逐行检查，列出全部问题（行号、列名和原因）。只要有一处问题，整个文件都不会导入；改正后重新上传即可。",
    "4. 导入的协议书没有扫描件（以纸质存档为准）；续签由学院在基地页面申请，经审核批准后由学科与研究生处登记签订的新协议并上传扫描件（第七条）。",
)
HELP_HEADINGS = ("列名", "是否必填", "说明", "允许值：级别", "允许值：所属学院", "单位代码")


def example_row(colleges: list[College]) -> list:
    code17 = "91513401MA6XCU001"
    return ["西昌学院—西昌示例农业科技有限公司研究生联合培养基地",
            colleges[0].name if colleges else "", "西昌示例农业科技有限公司",
            code17 + check_character(code17), "四川省凉山彝族自治州西昌市安宁镇示例路 1 号",
            "校级", date(2024, 6, 1), date(2024, 5, 20), date(2024, 6, 1), None, None]  # fmt: skip


def import_template(colleges: list[College]) -> bytes:
    """The workbook the office fills in: the columns, one example row, and 填写说明."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET
    sheet.append([c.header for c in COLUMNS])
    sheet.append(example_row(colleges))
    header = PatternFill("solid", fgColor="DDEBF7")
    for index, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = column.width
        cell = sheet.cell(row=1, column=index)
        cell.font, cell.fill = Font(bold=column.required, color="000000"), header
        if column.key in DATE_KEYS:
            sheet.cell(row=2, column=index).number_format = "yyyy-mm-dd"
        if column.key == "credit_code":
            sheet.cell(row=2, column=index).number_format = "@"
    sheet.freeze_panes = "A2"
    help_sheet = workbook.create_sheet(HELP_SHEET)
    college_range, level_range = _write_help(help_sheet, colleges)
    _validations(sheet, college_range, level_range)
    guard_workbook(workbook)  # college names are data: never a formula
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _write_help(sheet, colleges: list[College]) -> tuple[str, str]:
    """Write 填写说明; return the cell ranges of the college names and the levels."""
    sheet.column_dimensions["A"].width = 20
    sheet.column_dimensions["B"].width = 10
    sheet.column_dimensions["C"].width = 100
    sheet.append(["研究生联合培养基地导入模板 · 填写说明"])
    sheet["A1"].font = Font(size=14, bold=True)
    for note in GENERAL_NOTES:
        sheet.append([note])
    sheet.append([])
    sheet.append(["列名", "是否必填", "说明"])
    for column in COLUMNS:
        sheet.append([column.header, "必填" if column.required else "选填", column.help])
    sheet.append([])
    sheet.append(["允许值：级别"])
    first = sheet.max_row + 1
    for label in LEVELS:
        sheet.append([label])
    level_range = f"'{HELP_SHEET}'!$A${first}:$A${sheet.max_row}"
    sheet.append([])
    sheet.append(["允许值：所属学院", "单位代码"])
    first = sheet.max_row + 1
    for college in colleges:
        sheet.append([college.name, college.code])
    college_range = f"'{HELP_SHEET}'!$A${first}:$A${max(sheet.max_row, first)}"
    for row in sheet.iter_rows():
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if cell.value in HELP_HEADINGS:
                cell.font = Font(bold=True)
    return college_range, level_range


def _validations(sheet, college_range: str, level_range: str) -> None:
    """Drop-down lists; a warning only, so a college code may still be typed."""
    keys = [c.key for c in COLUMNS]
    for key, source, prompt in (
        ("college", college_range, "请从列表中选择学院，也可填写单位代码。"),
        ("level", level_range, "校级、省级或国家级；留空按校级。"),
    ):
        rule = DataValidation(type="list", formula1=f"={source}", allow_blank=True)
        rule.errorStyle = "warning"
        rule.error, rule.prompt = prompt, prompt
        letter = get_column_letter(keys.index(key) + 1)
        rule.add(f"{letter}2:{letter}{MAX_ROWS + 1}")
        sheet.add_data_validation(rule)


# --- import: reading and checking ------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    row: int | None  # the spreadsheet's row number; None for the file as a whole
    column: str
    message: str

    def __str__(self):
        where = f"第 {self.row} 行" if self.row else "文件"
        return (
            f"{where}“{self.column}”：{self.message}"
            if self.column
            else f"{where}：{self.message}"
        )


@dataclass(frozen=True)
class ImportRow:
    row: int
    name: str
    college: College
    partner_name: str
    credit_code: str
    address: str
    level: str
    plaque_date: date | None
    signed_on: date
    starts_on: date
    ends_on: date
    inspector: object | None  # a teacher account of the college (Art 12(3))


class _Cells:
    """One spreadsheet row: typed values by column key, problems collected on the way."""

    def __init__(self, number: int, values: dict, problems: list[Problem]):
        self.number, self.values, self.problems = number, values, problems
        self.ok = True

    def problem(self, key: str, message: str) -> None:
        header = next(c.header for c in COLUMNS if c.key == key)
        self.problems.append(Problem(self.number, header, message))
        self.ok = False

    def text(self, key: str, max_length: int, *, required: bool = False) -> str:
        value = self.values.get(key)
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        elif isinstance(value, datetime | date):
            value = value.strftime("%Y-%m-%d")
        text = " ".join(str(value).split()) if value is not None else ""
        if required and not text:
            self.problem(key, "必填，不能为空。")
        elif len(text) > max_length:
            self.problem(key, f"不能超过 {max_length} 字，当前 {len(text)} 字。")
        return text

    def date(self, key: str, *, required: bool = False) -> date | None:
        value = self.values.get(key)
        if isinstance(value, str):
            value = value.strip()
        if value is None or value == "":
            if required:
                self.problem(key, "必填，不能为空。")
            return None
        parsed = _to_date(value)
        if parsed is None:
            self.problem(key, f"“{value}”不是有效日期，请按 2024-06-01 的格式填写。")
        return parsed


def _to_date(value) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and 1 <= value < 2958466:  # an Excel serial number
        return from_excel(value).date()
    text = str(value).replace("年", "-").replace("月", "-").replace("日", "")
    text = text.replace("/", "-").replace(".", "-")
    try:
        return datetime.strptime(text, "%Y-%m-%d").date()  # noqa: DTZ007  (a calendar date)
    except ValueError:
        return None


def _parse(
    cells: _Cells, colleges: dict[str, College], teachers: dict, today: date
) -> ImportRow | None:
    name = cells.text("name", 200, required=True)
    college_text = cells.text("college", 100, required=True)
    college = colleges.get(college_text)
    if college_text and college is None:
        cells.problem("college", f"系统中没有“{college_text}”，请填写学院全称或单位代码。")
    partner_name = cells.text("partner_name", 200, required=True)
    credit_code = normalize(cells.text("credit_code", 30, required=True))
    if credit_code:
        try:
            validate_credit_code(credit_code)
        except ValidationError as error:
            cells.problem("credit_code", "".join(error.messages))
    level_text = cells.text("level", 10)
    level = LEVELS.get(level_text or "校级")
    if level is None:
        cells.problem("level", f"“{level_text}”不是允许的级别，请填写校级、省级或国家级。")
    dates = _dates(cells, today)
    inspector = _inspector(cells, college, teachers)
    address = cells.text("address", 200)
    if not cells.ok:
        return None
    return ImportRow(
        row=cells.number, name=name, college=college, partner_name=partner_name,
        credit_code=credit_code, address=address, level=level, inspector=inspector, **dates,
    )  # fmt: skip


def _inspector(cells: _Cells, college, teachers: dict):
    """Art 12(3): the inspector is a teacher account of the base's college, by name or username."""
    text = cells.text("inspector", 150)
    if not text or college is None:
        return None
    found = teachers.get((college.pk, text), [])
    if len(found) == 1:
        return found[0]
    if found:
        cells.problem(
            "inspector", f"{college.name}有 {len(found)} 位名为“{text}”的教师，请填写用户名。"
        )
    else:
        cells.problem("inspector", f"{college.name}没有名为“{text}”的教师账号（校内导师或学院负责人）；"
                      "督导员须从本学院教师账号中选择，可先留空，导入后在基地页面指定。")  # fmt: skip
    return None


def _teachers() -> dict:
    """Teacher accounts by (college, name) and (college, username), for the inspector column."""
    teachers: dict[tuple, list] = {}
    for user in inspector_candidates_all():
        teachers.setdefault((user.college_id, user.name), []).append(user)
        teachers.setdefault((user.college_id, user.username), []).append(user)
    return {key: list({u.pk: u for u in users}.values()) for key, users in teachers.items()}


def _dates(cells: _Cells, today: date) -> dict:
    plaque = cells.date("plaque_date")
    signed = cells.date("signed_on", required=True)
    starts = cells.date("starts_on", required=True)
    ends = cells.date("ends_on")
    if signed and signed > today:
        cells.problem("signed_on", "不能晚于今天：导入的是已签订的协议。")
    if plaque and plaque > today:
        cells.problem("plaque_date", "不能晚于今天：尚未挂牌的基地请留空。")
    if plaque and signed and plaque < signed:
        cells.problem("plaque_date", "不能早于协议签订日期：先签协议，后挂牌（第七条）。")
    if starts and ends is None:
        ends = add_years(starts, AGREEMENT_YEARS) - timedelta(days=1)
    if starts and ends and ends <= starts:
        cells.problem("ends_on", "必须晚于协议开始日期。")
    return {"plaque_date": plaque, "signed_on": signed, "starts_on": starts, "ends_on": ends}


def read_rows(file, *, today: date) -> tuple[list[ImportRow], list[Problem]]:
    """Every row of an uploaded workbook, checked; the rows count only when there are
    no problems at all (the import is all or nothing)."""
    try:
        workbook = load_workbook(file, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError):
        return [], [Problem(None, "", "无法读取该文件，请使用本系统提供的导入模板（.xlsx）。")]
    try:
        sheet = workbook[SHEET] if SHEET in workbook.sheetnames else workbook.worksheets[0]
        rows, problems = _read_sheet(sheet, today)
    finally:
        workbook.close()
    if not problems:
        problems = _cross_check(rows)
    return (rows, []) if not problems else ([], problems)


def _read_sheet(sheet, today: date) -> tuple[list[ImportRow], list[Problem]]:
    lines = sheet.iter_rows(values_only=True)
    header = next(lines, None) or ()
    positions, problems = _positions(header)
    if problems:
        return [], problems
    colleges = {}
    for college in College.objects.all():
        colleges[college.code] = colleges[college.name] = college
        if college.code.isdigit():  # Excel turns a typed 01 into the number 1
            colleges.setdefault(str(int(college.code)), college)
    teachers = _teachers()
    rows = []
    for number, values in enumerate(lines, start=2):
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue
        if len(rows) + 1 > MAX_ROWS:
            return [], [Problem(number, "", f"一次最多导入 {MAX_ROWS} 行，请分成几个文件。")]
        cells = _Cells(number, {k: _at(values, i) for k, i in positions.items()}, problems)
        row = _parse(cells, colleges, teachers, today)
        if row:
            rows.append(row)
    if not rows and not problems:
        problems.append(Problem(None, "", "文件中没有基地数据：请从第 2 行起填写。"))
    return rows, problems


def _at(values: tuple, index: int):
    return values[index] if index < len(values) else None


def _positions(header) -> tuple[dict[str, int], list[Problem]]:
    names = [" ".join(str(h).split()) if h is not None else "" for h in header]
    positions, problems = {}, []
    for column in COLUMNS:
        found = next(
            (i for i, n in enumerate(names) if n in (column.header, *column.aliases)), None
        )
        if found is not None:
            positions[column.key] = found
        elif column.required:
            problems.append(Problem(1, column.header, "缺少该列，请使用本系统提供的导入模板。"))
    return positions, problems


def _cross_check(rows: list[ImportRow]) -> list[Problem]:
    """Duplicates inside the file, and bases the system already has (same name + college)."""
    problems = []
    bases: dict[tuple, int] = {}
    partners: dict[str, ImportRow] = {}
    for row in rows:
        key = (row.name, row.college.pk)
        if key in bases:
            problems.append(Problem(row.row, "基地名称", f"与第 {bases[key]} 行重复（同一学院的同名基地）。"))  # fmt: skip
        bases.setdefault(key, row.row)
        first = partners.setdefault(row.credit_code, row)
        if first.partner_name != row.partner_name:
            problems.append(Problem(row.row, "合作单位名称", f"统一社会信用代码 {row.credit_code} 在第 {first.row} 行对应“{first.partner_name}”，本行为“{row.partner_name}”；同一合作单位只能有一个名称。"))  # fmt: skip
    existing = set(
        Base.objects.filter(name__in={r.name for r in rows}).values_list("name", "college_id")
    )
    for row in rows:
        if (row.name, row.college.pk) in existing:
            problems.append(Problem(row.row, "基地名称", f"系统中{row.college.name}已有基地“{row.name}”，不再重复导入。"))  # fmt: skip
    return sorted(problems, key=lambda p: p.row or 0)
