"""Art 6: the partner's priority conditions are shown to those who decide — a badge in the
application list and on the review pages, a list filter and an Excel column."""

import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from applications import selectors, services
from applications.choices import ApplicationState as S
from tests.applications.factories import advance_to, complete_application

TITLE = "第六条优先考虑条件："
STATION = "建有院士工作站、博士后科研工作站或博士后创新实践基地"
PARTNERSHIP = "已与我校建立长期合作关系"


def login(client, user):
    client.force_login(user)
    return client


def claiming(secretary, base_name, **flags):
    """A complete draft claiming the given Art 6 conditions, each with its evidence."""
    values = {"base_name": base_name}
    for name in flags:
        values[name] = True
        values[f"{name}_evidence"] = f"{name} 的证明"
    for name in ("art6_station", "art6_platform", "art6_partnership"):
        values.setdefault(name, False)
    return complete_application(secretary, **values)


def badges(html: str) -> list[str]:
    """The badge's title of each priority badge on the page."""
    return re.findall(r'class="badge priority-badge" title="([^"]*)"', html)


@pytest.fixture
def priority_app(people):
    return claiming(people["secretary_a"], "优先的基地", art6_station=True, art6_partnership=True)


@pytest.fixture
def plain_app(people):
    return claiming(people["secretary_a"], "普通的基地")


def test_art6_priority_from_the_row_flags(priority_app, plain_app, django_assert_num_queries):
    with django_assert_num_queries(0):
        priority = selectors.art6_priority(priority_app)
        assert not selectors.art6_priority(plain_app)
    assert priority.labels == ("院士/博士后工作站", "长期合作关系")
    assert priority.text == "院士/博士后工作站、长期合作关系"
    assert priority.title == f"{TITLE}{STATION}；{PARTNERSHIP}"


def test_art6_priority_badge_in_list_and_review_pages(client, people, priority_app, plain_app):
    # The list: one badge, on the row that claims the conditions, naming Art 6.
    listed = login(client, people["office"]).get(reverse("applications:list")).text
    assert badges(listed) == [f"{TITLE}{STATION}；{PARTNERSHIP}"]
    row = listed[listed.index("优先的基地") :].split("</tr>")[0]
    assert "优先 · 院士/博士后工作站、长期合作关系" in row
    assert "priority-badge" not in listed[listed.index("普通的基地") :].split("</tr>")[0]

    # The college head deciding the college step, then the office's review.
    app = advance_to(priority_app, S.COLLEGE_REVIEW, people)
    page = login(client, people["head_a"]).get(
        reverse("applications:college_approve", args=[app.pk])
    )
    assert badges(page.text) == [f"{TITLE}{STATION}；{PARTNERSHIP}"]
    app = advance_to(app, S.OFFICE_REVIEW, people)
    login(client, people["office"])
    for name in ("detail", "office_approve"):
        page = client.get(reverse(f"applications:{name}", args=[app.pk]))
        assert page.status_code == 200 and len(badges(page.text)) == 1, name
    services.experts_assign(
        app=app, experts=[people["expert1"]], by=people["office"], expected=services.seen(app)
    )
    page = login(client, people["expert1"]).get(reverse("applications:review", args=[app.pk]))
    assert badges(page.text) == [f"{TITLE}{STATION}；{PARTNERSHIP}"]

    # The president's meeting record page.
    app = claiming(people["secretary_a"], "上会的基地", art6_station=True, art6_partnership=True)
    app = advance_to(app, S.MEETING, people)
    page = login(client, people["office"]).get(reverse("applications:meeting", args=[app.pk]))
    assert page.status_code == 200 and badges(page.text) == [f"{TITLE}{STATION}；{PARTNERSHIP}"]

    # No conditions, no badge.
    page = client.get(reverse("applications:detail", args=[plain_app.pk]))
    assert badges(page.text) == []


def test_art6_priority_filter(client, people, priority_app, plain_app):
    platform = claiming(people["secretary_b"], "平台的基地", art6_platform=True)
    login(client, people["office"])

    def listed(**query):
        html = client.get(reverse("applications:list"), query).text
        return {n for n in ("优先的基地", "普通的基地", "平台的基地") if n in html}

    assert listed() == {"优先的基地", "普通的基地", "平台的基地"}
    assert listed(priority="1") == {"优先的基地", "平台的基地"}
    assert listed(priority="station") == {"优先的基地"}
    assert listed(priority="platform") == {"平台的基地"}
    assert listed(priority="partnership", college=priority_app.college_id) == {"优先的基地"}
    assert listed(priority="partnership", college=platform.college_id) == set()
    # An unknown value is not a filter the form offers: the page still answers.
    response = client.get(reverse("applications:list"), {"priority": "院士"})
    assert response.status_code == 200
    # The select keeps the choice.
    html = client.get(reverse("applications:list"), {"priority": "station"}).text
    assert '<option value="station" selected>院士/博士后工作站</option>' in html


def test_art6_priority_filter_respects_visibility(client, people, priority_app):
    claiming(people["secretary_b"], "乙学院的优先基地", art6_station=True)
    html = login(client, people["secretary_a"]).get(
        reverse("applications:list"), {"priority": "station"}
    )
    assert "优先的基地" in html.text and "乙学院的优先基地" not in html.text


def test_art6_priority_in_export(client, people, priority_app, plain_app):
    response = login(client, people["office"]).get(reverse("applications:export"))
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    column = rows[0].index("优先条件（第六条）")
    by_name = {row[2]: row[column] for row in rows[1:]}
    assert by_name == {"优先的基地": "院士/博士后工作站、长期合作关系", "普通的基地": None}

    # The export follows the list's filter.
    response = client.get(reverse("applications:export"), {"priority": "1"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert [row[2] for row in list(sheet.iter_rows(values_only=True))[1:]] == ["优先的基地"]


def test_art6_priority_list_keeps_its_query_bound(client, people, django_assert_max_num_queries):
    """The badge reads the row's own flags: as many rows as a page holds, the same queries."""
    login(client, people["office"])
    for _ in range(3):
        app = services.application_create(by=people["secretary_a"])
        app.art6_station = app.art6_partnership = True
        app.save()
    with django_assert_max_num_queries(10):
        response = client.get(reverse("applications:list"), {"priority": "1"})
    assert len(badges(response.text)) == 3
    for i in range(30):
        app = services.application_create(by=people["secretary_b"])
        app.art6_platform = bool(i % 2)
        app.save()
    with django_assert_max_num_queries(10):
        response = client.get(reverse("applications:list"))
    assert len(badges(response.text)) == 10  # page 1 of 2: 20 rows, every other one a badge
    with django_assert_max_num_queries(10):
        response = client.get(reverse("applications:list"), {"priority": "platform"})
    assert len(badges(response.text)) == 15
