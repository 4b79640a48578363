"""Statistics on a small hand-computed fixture: exact sums and shares, pages, API, downloads,
and who sees what (aggregates for everyone; projects, which name people, for staff only)."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from rtis.ntis import columnar, stats
from rtis.ntis.importer import do_import_projects
from tests.ntis.conftest import csv_file

pytestmark = pytest.mark.django_db


def row(number: str, year: int, region: str, performer: str, gov: int, **extra: Any,
        ) -> dict[str, Any]:
    values = {"year": year, "project_no": number, "title": f"과제 {number}", "ministry": "교육부",
              "manager": "홍길동", "organisation": f"{region}기관", "keywords": "수소;전지",
              "total_funds": gov, "gov_funds": gov, "private_funds": 0, "stage": "기초연구",
              "performer": performer, "region": region, "science_code": "EE0101",
              "six_t": "IT", "start_date": f"{year}-01-01", "end_date": "2016-12-31"}
    values.update(extra)
    return values


HAND = [
    row("1711000001", 2015, "서울", "대학", 100_000_000),
    row("1711000002", 2015, "경기", "대학", 300_000_000),
    row("1711000003", 2015, "서울특별시", "중소기업", 50_000_000),
    row("1711000004", 2016, "서울", "대학", 200_000_000, previous_numbers="1711000001",
        continuing="계속"),
    row("1711000005", 2016, "대전", "출연연구소", 600_000_000),
]


@pytest.fixture
def hand(refdata: Any, tmp_path: Path, settings: Any) -> None:
    settings.VAR_DIR = tmp_path / "var"
    assert do_import_projects(None, csv_file(tmp_path, HAND)).written
    assert columnar.rebuild() == 5


def test_seoul_share_by_year_is_exact(hand: None) -> None:
    rows = stats.seoul_share(["year"])
    assert rows is not None
    assert [(r.keys, r.seoul_funds, r.nation_funds, r.share, r.seoul_projects,
             r.nation_projects) for r in rows] == [
        ((2015,), 150_000_000, 450_000_000, Decimal("33.33"), 2, 3),
        ((2016,), 200_000_000, 800_000_000, Decimal("25.00"), 1, 2)]


def test_seoul_share_by_year_and_performer_is_exact(hand: None) -> None:
    rows = stats.seoul_share(["year", "performer"])
    assert [(r.keys, r.seoul_funds, r.nation_funds, r.share) for r in rows or []] == [
        ((2015, "03"), 100_000_000, 400_000_000, Decimal("25.00")),
        ((2015, "06"), 50_000_000, 50_000_000, Decimal("100.00")),
        ((2016, "02"), 0, 600_000_000, Decimal("0.00")),
        ((2016, "03"), 200_000_000, 200_000_000, Decimal("100.00"))]


def test_filters_and_year_bounds_narrow_the_groups(hand: None) -> None:
    rows = stats.seoul_share(["ministry", "field", "stage"], year_from=2016)
    assert [(r.keys, r.share) for r in rows or []] == [(("MOE", "EE", "01"), Decimal("25.00"))]
    with pytest.raises(stats.BadQuery):
        stats.seoul_share(["region; DROP"])


def test_the_api_gives_the_same_numbers_to_the_public(hand: None, client: Client) -> None:
    body = client.get("/api/v1/ntis/share?dims=year").json()
    assert body["rows"][0] == {"keys": {"year": 2015}, "seoul_funds": 150_000_000,
                               "nation_funds": 450_000_000, "share_percent": "33.33",
                               "seoul_projects": 2, "nation_projects": 3}
    assert client.get("/api/v1/ntis/share?dims=nope").status_code == 422  # documented pattern
    printed = client.get("/api/v1/ntis/series/gov-rd-seoul").json()
    assert printed["rows"][0] == [2011, 35714, "25.2", 148528]
    assert "2016 지방과학기술연감" in printed["source"]


def test_the_public_page_shows_aggregates_printed_and_computed_but_no_names(
        hand: None, client: Client) -> None:
    page = client.get("/ntis/stats/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "33.33" in text and "25.2" in text and "R-COSTI" in text
    assert "홍길동" not in text and "1711000001" not in text


def test_the_csv_download_holds_the_table(hand: None, client: Client) -> None:
    response = client.get("/ntis/stats/download.csv?dim=performer")
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert lines[1][:5] == ["2015", "대학", "100000000", "400000000", "25.00"]
    xlsx = client.get("/ntis/stats/download.xlsx?series=r-costi")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


def test_project_search_is_for_staff_and_shows_the_chain(hand: None, client: Client,
                                                        planner: Any,
                                                        django_user_model: Any) -> None:
    assert client.get("/ntis/projects/?q=서울").status_code == 302  # to sign in
    applicant = django_user_model.objects.create_user("app1", password="x" * 12,
                                                      role="applicant")
    client.force_login(applicant)
    assert client.get("/ntis/projects/").status_code == 403
    assert client.get("/ntis/projects/1711000004/2016/").status_code == 403
    client.force_login(planner)
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/ntis/projects/?q=서울기관")
    assert page.status_code == 200 and len(queries) <= 12
    assert "1711000001" in page.content.decode() and "1711000002" not in page.content.decode()
    detail = client.get("/ntis/projects/1711000004/2016/").content.decode()
    assert "1711000001" in detail and "홍길동" in detail  # the chain's first year, the PI


def test_a_year_bound_in_digits_int_refuses_or_misreads_is_ignored_like_any_other(
        hand: None, client: Client) -> None:
    for odd in ("²٠١٥", "٢٠١٦"):  # int() refuses the first and reads the second as 2016
        response = client.get("/ntis/stats/download.csv", {"dim": "performer", "from": odd})
        assert response.status_code == 200, odd
        lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert lines[1][:2] == ["2015", "대학"], odd  # no lower bound: 2015 is still there
