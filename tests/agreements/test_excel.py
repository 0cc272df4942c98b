"""The registry in Excel: the export (columns, filters, 6,000 bases) and the import of
existing bases (template, row-by-row problems, all or nothing)."""

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from agreements import compliance, excel, services
from agreements.choices import BaseLevel, BaseState, FundingKind
from agreements.models import Agreement, Base, BaseLevelChange, Course, FundingEntry, Partner
from tests.agreements.factories import allocation
from tests.conftest import make_student, make_user
from xcu_bases.choices import RoleCode as R
from xcu_bases.creditcode import check_character
from xcu_bases.dates import add_years
from xcu_bases.exports import XLSX
from xcu_bases.models import College, TransitionLog

HEADERS = [c.header for c in excel.COLUMNS]


def credit_code(first17: str) -> str:
    return first17 + check_character(first17)


CODE_A = credit_code("91513400MA6B2C3D4")
CODE_B = credit_code("12513400MB1234567")


@pytest.fixture
def people(college_a, college_b):
    return {
        "office": make_user("office", R.GRADUATE_OFFICE, name="罗晓梅"),
        "secretary_a": make_user(
            "secretary_a", R.COLLEGE_SECRETARY, college=college_a, name="杨静"
        ),
        "secretary_b": make_user("secretary_b", R.COLLEGE_SECRETARY, college=college_b),
        "student_a": make_student("student_a", college_a).user,
    }


@pytest.fixture
def office_client(client, people):
    client.force_login(people["office"])
    return client


def inspector(college):
    """Art 12(3): a teacher account of ``college``."""
    return make_user("wangjh", R.CAMPUS_SUPERVISOR, college=college, name="王建华",
                     phone="13908150000")  # fmt: skip


def make_base(college, by, *, name, code=CODE_A, state=BaseState.ACTIVE, starts_on=None, **extra):
    partner, _ = Partner.objects.get_or_create(
        credit_code=code, defaults={"name": f"{name}合作单位", "address": "西昌市航天大道"}
    )
    base = Base.objects.create(
        name=name, partner=partner, college=college, state=state, **extra
    )  # a fresh instance may be given any state; services move it afterwards
    starts_on = starts_on or date(2024, 6, 1)
    Agreement.objects.create(
        base=base, signed_on=starts_on - timedelta(days=10), starts_on=starts_on,
        ends_on=add_years(starts_on, 5) - timedelta(days=1), scan_name="协议.pdf", recorded_by=by,
    )  # fmt: skip
    return base


def sheet_rows(response) -> list[tuple]:
    data = b"".join(response.streaming_content)
    workbook = load_workbook(io.BytesIO(data), read_only=True)
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    workbook.close()
    return rows


# --- export -----------------------------------------------------------------------------


def test_export_columns_and_one_base(office_client, people, college_a, college_b):
    office, today = people["office"], timezone.localdate()
    ends_on = today + timedelta(days=60)  # Art 7(2): within 3 months of the end -> red
    starts_on = add_years(ends_on + timedelta(days=1), -5)
    base = make_base(
        college_a, office, name="西昌学院—凉山州农业科学研究院研究生联合培养基地",
        starts_on=starts_on, level=BaseLevel.PROVINCIAL, plaque_date=starts_on,
        responsible_college=college_a, inspector=inspector(college_a),
    )  # fmt: skip
    base.participating_colleges.add(college_b)
    allocation(base, 1, office, paid_on=starts_on)  # Art 27: the office planned and paid one
    allocation(base, 2, office)
    FundingEntry.objects.create(
        base=base, kind=FundingKind.SPENDING, amount=Decimal("2500.50"),
        entry_date=starts_on, description="实践耗材", recorded_by=office,
    )  # fmt: skip
    Course.objects.create(base=base, title="马铃薯脱毒种薯繁育实践", starts_on=starts_on,
                          people="李明华")  # fmt: skip

    response = office_client.get(reverse("agreements:base_export"))

    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    header, row = sheet_rows(response)
    assert header == excel.BaseExporter.headers
    values = dict(zip(header, row, strict=True))
    assert values["基地名称"] == base.name
    assert values["所属学院"] == "测试甲学院"
    assert values["责任学院"] == "测试甲学院"
    assert values["其他参与学院"] == "测试乙学院"
    assert values["合作单位"] == f"{base.name}合作单位"
    assert values["统一社会信用代码"] == CODE_A
    assert values["通讯地址"] == "西昌市航天大道"
    assert (values["级别"], values["状态"]) == ("省级", "运行中")
    assert values["挂牌日期"].date() == starts_on
    assert values["协议签订日期"].date() == starts_on - timedelta(days=10)
    assert values["协议开始"].date() == starts_on
    assert values["协议结束"].date() == ends_on
    assert values["协议剩余天数"] == 60
    assert (values["共建课程数"], values["联合项目数"]) == (1, 0)
    assert (values["已拨付(元)"], values["计划拨付(元)"]) == (10000, 10000)
    assert (values["已支出(元)"], values["结余(元)"]) == (2500.5, 7499.5)
    assert (values["督导员"], values["督导员电话"]) == ("王建华", "13908150000")
    assert values["合规状况"] == "需立即处理"
    # One column per governance and funding line, as on the base's panel (Art 9–17, Art 27).
    by_key = {line.key: line for line in compliance.lines(compliance.facts_for(base), today=today)}
    for key, column in excel.LINE_COLUMNS:
        assert values[column] == by_key[key].cell, column
    assert values["管理委员会（第九条）"].startswith("需关注：尚未登记管理委员会成员")
    assert values["督导员配备（第十二条）"] == "正常"
    assert values["责任学院（第十四条）"] == "正常"
    # The non-green lines of the base's compliance panel, by title.
    lines = compliance.lines(compliance.facts_for(base), today=today)
    todo = [line.title for line in lines if line.status != compliance.GREEN]
    assert values["待办事项"] == "；".join(todo)
    assert todo[:2] == ["协议期限", "联合科研项目（协议期内至少 1 项）"]


def test_export_follows_the_registry_filters_and_visibility(client, people, college_a, college_b):
    office = people["office"]
    make_base(college_a, office, name="甲学院运行中基地")
    make_base(college_a, office, name="甲学院已撤销基地", state=BaseState.REVOKED)
    make_base(college_b, office, name="乙学院运行中基地", level=BaseLevel.NATIONAL)

    def names(user, **params):
        client.force_login(user)
        rows = sheet_rows(client.get(reverse("agreements:base_export"), params))
        return sorted(row[0] for row in rows[1:])

    assert names(office) == ["乙学院运行中基地", "甲学院已撤销基地", "甲学院运行中基地"]
    assert names(office, college=college_a.pk) == ["甲学院已撤销基地", "甲学院运行中基地"]
    assert names(office, level="national") == ["乙学院运行中基地"]
    assert names(office, state="revoked") == ["甲学院已撤销基地"]
    assert names(office, q="运行中") == ["乙学院运行中基地", "甲学院运行中基地"]
    # Students see active bases only, whatever they ask for.
    assert names(people["student_a"]) == ["乙学院运行中基地", "甲学院运行中基地"]
    assert names(people["student_a"], state="revoked") == ["乙学院运行中基地", "甲学院运行中基地"]


def test_export_hides_the_ledger_and_phones_from_students(client, people, college_a):
    make_base(college_a, people["office"], name="甲学院基地", inspector=inspector(college_a))
    client.force_login(people["student_a"])
    header, row = sheet_rows(client.get(reverse("agreements:base_export")))
    values = dict(zip(header, row, strict=True))
    assert values["督导员"] == "王建华"
    assert values["督导员电话"] is None
    money = ("已拨付(元)", "计划拨付(元)", "已支出(元)", "结余(元)")
    assert [values[k] for k in money] == [None] * 4


def bulk_bases(n: int, college, by) -> None:
    partners = Partner.objects.bulk_create(
        Partner(name=f"测试合作单位{i:05d}", credit_code=credit_code(f"91510000MA{i:07d}"))
        for i in range(n)
    )
    bases = Base.objects.bulk_create(
        Base(name=f"测试基地{i:05d}", partner=p, college=college, state=BaseState.ACTIVE,
             plaque_date=date(2024, 6, 1))
        for i, p in enumerate(partners)
    )  # fmt: skip
    Agreement.objects.bulk_create(
        Agreement(base=b, signed_on=date(2024, 5, 20), starts_on=date(2024, 6, 1),
                  ends_on=date(2029, 5, 31), scan_name="协议.pdf", recorded_by=by)
        for b in bases
    )  # fmt: skip
    FundingEntry.objects.bulk_create(
        FundingEntry(base=b, kind=FundingKind.ALLOCATION, year_no=year, amount=10_000,
                     due_on=date(2023 + year, 6, 1), state="planned", description="拨款",
                     recorded_by=by)
        for b in bases[::3] for year in (1, 2)
    )  # fmt: skip


def test_export_of_6000_bases_streams_in_a_few_queries(office_client, people, college_a):
    bulk_bases(6000, college_a, people["office"])
    with CaptureQueriesContext(connection) as queries:
        response = office_client.get(reverse("agreements:base_export"))
        data = b"".join(response.streaming_content)
    workbook = load_workbook(io.BytesIO(data), read_only=True)
    sheet = workbook.worksheets[0]
    rows = sum(1 for _ in sheet.iter_rows(values_only=True))
    last = next(sheet.iter_rows(min_row=6001, max_row=6001, values_only=True))
    workbook.close()
    assert rows == 6001  # the header and every base
    assert last[0] == "测试基地05999"
    # Session, user, roles, participating colleges, the bases: not one query per base.
    assert len(queries) <= 12, [q["sql"][:80] for q in queries]


# --- import: the template -------------------------------------------------------------


def test_template_has_the_columns_the_instructions_and_an_example(office_client, college_a):
    response = office_client.get(reverse("agreements:import_template"))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["基地导入", "填写说明"]
    rows = list(workbook["基地导入"].iter_rows(values_only=True))
    assert list(rows[0]) == HEADERS
    assert rows[1][0].startswith("西昌学院—")
    assert rows[1][1] == college_a.name
    notes = [c for row in workbook["填写说明"].iter_rows(values_only=True) for c in row if c]
    assert {"校级", "省级", "国家级", college_a.name, college_a.code} <= set(notes)
    assert {h for h in HEADERS} <= set(notes)  # every column explained
    formulas = [v.formula1 for v in workbook["基地导入"].data_validations.dataValidation]
    assert len(formulas) == 2 and all("填写说明" in f for f in formulas)


def test_template_example_row_imports_cleanly(office_client, people, college_a):
    template = office_client.get(reverse("agreements:import_template")).content
    response = office_client.post(reverse("agreements:base_import"), {"workbook": xlsx(template)})
    assert response.status_code == 302
    assert response["Location"] == reverse("agreements:base_list")
    base = Base.objects.get()
    assert base.name == "西昌学院—西昌示例农业科技有限公司研究生联合培养基地"
    assert (base.college, base.level, base.state) == (college_a, "school", BaseState.ACTIVE)
    assert base.plaque_date == date(2024, 6, 1)
    assert base.partner.credit_code == credit_code("91513401MA6XCU001")
    agreement = base.agreements.get()
    assert (agreement.signed_on, agreement.starts_on) == (date(2024, 5, 20), date(2024, 6, 1))
    assert agreement.ends_on == date(2029, 5, 31)  # Art 7(2): start + 5 years - 1 day
    assert not agreement.scan
    # Art 27: plaqued before the regulation came into force: no automatic allocations.
    assert not base.funding.exists()
    log = list(TransitionLog.objects.for_object(base).values_list("transition", "by"))
    assert log == [("import", people["office"].pk), ("award_plaque", people["office"].pk)]
    page = office_client.get(response["Location"])
    assert "已从“bases.xlsx”导入 1 个基地" in page.content.decode()


# --- import: rows -----------------------------------------------------------------------


def xlsx(content: bytes, name: str = "bases.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=XLSX)


def workbook_bytes(rows: list[list], headers=HEADERS) -> bytes:
    workbook = Workbook()
    workbook.active.append(list(headers))
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def row(name="西昌学院—凉山州农业科学研究院研究生联合培养基地", *, college="测试甲学院",
        partner="凉山彝族自治州农业科学研究院", code=CODE_A, level="校级",
        plaque=date(2024, 6, 18), signed=date(2024, 5, 20), starts=date(2024, 6, 1), ends=None,
        inspector=None, address="西昌市航天大道 1 号") -> list:  # fmt: skip
    return [name, college, partner, code, address, level, plaque, signed, starts, ends,
            inspector]  # fmt: skip


def post_rows(client, rows, **kwargs):
    upload = xlsx(workbook_bytes(rows, **kwargs))
    return client.post(reverse("agreements:base_import"), {"workbook": upload})


def problems(response) -> list[str]:
    return [str(p) for p in response.context["problems"]]


def nothing_saved():
    return not (Base.objects.exists() or Partner.objects.exists() or Agreement.objects.exists())


def test_one_bad_row_saves_nothing_and_names_row_and_column(office_client, college_a):
    rows = [row(), row("第二个基地", code=CODE_A[:-1] + ("0" if CODE_A[-1] != "0" else "1"))]
    response = post_rows(office_client, rows)
    assert response.status_code == 200
    assert nothing_saved()
    assert problems(response) == [
        "第 3 行“统一社会信用代码”：统一社会信用代码校验不通过（GB 32100-2015），请对照营业执照逐位核对。"
    ]
    html = response.content.decode()
    assert "文件未导入：共发现 1 处问题" in html
    assert "第 3 行" in html and "统一社会信用代码校验不通过" in html


def test_every_problem_is_reported(office_client, college_a):
    today = timezone.localdate()
    rows = [
        row(name="", code=CODE_B),
        row("乙", college="不存在的学院", plaque="2024-13-01", code=CODE_B),
        row("丙", starts=date(2024, 6, 1), ends=date(2024, 5, 1), level="市级", code=CODE_B),
        row("丁", signed=today + timedelta(days=1), plaque=None, code=CODE_B, inspector="王建华"),
        row("戊", plaque=date(2024, 5, 1), signed=date(2024, 5, 20), code="ABC"),
    ]
    response = post_rows(office_client, rows)
    assert nothing_saved()
    assert problems(response) == [
        "第 2 行“基地名称”：必填，不能为空。",
        "第 3 行“所属学院”：系统中没有“不存在的学院”，请填写学院全称或单位代码。",
        "第 3 行“挂牌日期”：“2024-13-01”不是有效日期，请按 2024-06-01 的格式填写。",
        "第 4 行“级别”：“市级”不是允许的级别，请填写校级、省级或国家级。",
        "第 4 行“协议结束日期”：必须晚于协议开始日期。",
        "第 5 行“协议签订日期”：不能晚于今天：导入的是已签订的协议。",
        "第 5 行“督导员”：测试甲学院没有名为“王建华”的教师账号（校内导师或学院负责人）；督导员须从本学院教师账号中选择，可先留空，导入后在基地页面指定。",
        "第 6 行“统一社会信用代码”：统一社会信用代码应为 18 位，当前为 3 位。",
        "第 6 行“挂牌日期”：不能早于协议签订日期：先签协议，后挂牌（第七条）。",
    ]


def test_same_credit_code_with_two_names_is_refused(office_client, college_a):
    rows = [row("甲基地", partner="凉山州农业科学研究院"), row("乙基地", partner="凉山州农科院")]
    response = post_rows(office_client, rows)
    assert nothing_saved()
    assert problems(response) == [
        f"第 3 行“合作单位名称”：统一社会信用代码 {CODE_A} 在第 2 行对应“凉山州农业科学研究院”，"
        "本行为“凉山州农科院”；同一合作单位只能有一个名称。"
    ]


def test_duplicates_in_the_file_and_in_the_system_are_refused(office_client, people, college_a):
    make_base(college_a, people["office"], name="已有基地", code=CODE_B)
    rows = [row("新基地"), row("新基地", college=college_a.code), row("已有基地")]
    response = post_rows(office_client, rows)
    assert problems(response) == [
        "第 3 行“基地名称”：与第 2 行重复（同一学院的同名基地）。",
        "第 4 行“基地名称”：系统中测试甲学院已有基地“已有基地”，不再重复导入。",
    ]
    assert Base.objects.count() == 1


def test_missing_column_is_reported(office_client, college_a):
    headers = [h for h in HEADERS if h != "协议签订日期"]
    response = post_rows(office_client, [row()[:7] + row()[8:]], headers=headers)
    assert problems(response) == ["第 1 行“协议签订日期”：缺少该列，请使用本系统提供的导入模板。"]


def test_one_partner_several_bases_levels_states_and_text_dates(office_client, people, college_a):
    Partner.objects.create(name="旧名称", credit_code=CODE_A)
    today = timezone.localdate()
    rows = [
        row("省级基地", level="省级", plaque="2024/6/18", signed="2024年5月20日"),
        row("到期基地", plaque=date(2015, 7, 1), signed=date(2015, 6, 1), starts=date(2015, 6, 1)),
        row("待挂牌基地", plaque=None, college=college_a.code, code=CODE_B, partner="乙单位"),
    ]
    response = post_rows(office_client, rows)
    assert response.status_code == 302, problems(response)
    provincial, expired, preparing = (
        Base.objects.get(name=n) for n in ("省级基地", "到期基地", "待挂牌基地")
    )
    # The partner with that credit code is reused and takes the file's name.
    assert Partner.objects.get(credit_code=CODE_A).name == "凉山彝族自治州农业科学研究院"
    assert Partner.objects.count() == 2
    assert (provincial.level, provincial.state) == (BaseLevel.PROVINCIAL, BaseState.ACTIVE)
    change = BaseLevelChange.objects.get(base=provincial)
    assert (change.level, change.document_number, change.changed_on) == (
        "provincial", "历史数据导入", date(2024, 6, 18))  # fmt: skip
    assert expired.state == BaseState.EXPIRED  # its agreement ended in 2020
    assert expired.agreements.get().ends_on == date(2020, 5, 31) < today
    assert [t for t, in TransitionLog.objects.for_object(expired).values_list("transition")] == [
        "import", "award_plaque", "expire"
    ]  # fmt: skip
    assert preparing.state == BaseState.PREPARING
    assert not preparing.funding.exists()  # Art 27 money starts with the plaque
    assert not BaseLevelChange.objects.filter(base__in=[expired, preparing]).exists()


def test_a_failure_half_way_saves_nothing(office_client, college_a, monkeypatch):
    calls = []

    def failing(**kwargs):
        calls.append(kwargs)
        if len(calls) == 2:
            raise RuntimeError("数据库断开")
        return []

    monkeypatch.setattr(services, "allocations_create", failing)
    with pytest.raises(RuntimeError):
        post_rows(office_client, [row("甲基地"), row("乙基地")])
    assert nothing_saved()
    assert not TransitionLog.objects.exists()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("bases.xlsx", b"%PDF-1.7 not a workbook"),
        ("bases.csv", "基地名称,所属学院\n".encode()),
    ],
)
def test_non_xlsx_upload_is_refused(office_client, college_a, name, content):
    response = office_client.post(
        reverse("agreements:base_import"), {"workbook": SimpleUploadedFile(name, content)}
    )
    assert response.status_code == 200
    assert "内容不是允许的类型（仅限 XLSX）" in response.content.decode()
    assert nothing_saved()


def test_xlsx_renamed_is_refused(office_client, college_a):
    upload = SimpleUploadedFile("bases.docx", workbook_bytes([row()]))
    response = office_client.post(reverse("agreements:base_import"), {"workbook": upload})
    assert "扩展名与内容（XLSX）不符" in response.content.decode()
    assert nothing_saved()


@pytest.mark.parametrize("who", ["secretary_a", "student_a"])
def test_import_is_for_the_office_only(client, people, college_a, who):
    client.force_login(people[who])
    assert client.get(reverse("agreements:base_import")).status_code == 404
    assert client.get(reverse("agreements:import_template")).status_code == 404
    response = post_rows(client, [row()])
    assert response.status_code == 404
    assert nothing_saved()


def test_import_page_shows_the_columns(office_client):
    response = office_client.get(reverse("agreements:base_import"))
    assert response.status_code == 200
    html = response.content.decode()
    assert reverse("agreements:import_template") in html
    assert all(h in html for h in HEADERS)


def test_college_code_typed_as_a_number_is_found(office_client):
    college = College.objects.create(code="07", name="测试丙学院")
    response = post_rows(office_client, [row(college=7)])  # Excel turned 07 into 7
    assert response.status_code == 302, problems(response)
    assert Base.objects.get().college == college


def test_a_base_registered_meanwhile_stops_the_whole_import(people, college_a):
    upload = xlsx(workbook_bytes([row("甲基地"), row("乙基地")]))
    rows, found = excel.read_rows(upload, today=timezone.localdate())
    assert found == [] and len(rows) == 2
    make_base(college_a, people["office"], name="乙基地", code=CODE_B)  # another office tab
    with pytest.raises(services.BaseError, match="刚刚已被登记"):
        services.base_import_rows(rows=rows, by=people["office"], source="bases.xlsx")
    assert list(Base.objects.values_list("name", flat=True)) == ["乙基地"]


def test_art29_registry_filter_and_export_show_recommended_bases(client, people, college_a):
    """Art 29: an Excellent term assessment recommends the base for the provincial and national
    level — a filter on the registry and a column of its Excel export."""
    office = people["office"]
    make_base(college_a, office, name="甲学院推荐基地", recommended_for_higher_level=True)
    make_base(college_a, office, name="甲学院普通基地")
    client.force_login(office)
    page = client.get(reverse("agreements:base_list"), {"recommended": "1"}).text
    assert "甲学院推荐基地" in page and "甲学院普通基地" not in page
    assert '<option value="1" selected>已推荐</option>' in page
    everything = client.get(reverse("agreements:base_list")).text
    assert "甲学院普通基地" in everything and everything.count(">推荐申报</span>") == 1
    header, *rows = sheet_rows(client.get(reverse("agreements:base_export")))
    column = header.index("推荐申报省级和国家级")
    assert header[column - 1] == "级别"
    assert {row[0]: row[column] for row in rows} == {
        "甲学院推荐基地": "是",
        "甲学院普通基地": None,
    }
    filtered = sheet_rows(client.get(reverse("agreements:base_export"), {"recommended": "1"}))
    assert [row[0] for row in filtered[1:]] == ["甲学院推荐基地"]
