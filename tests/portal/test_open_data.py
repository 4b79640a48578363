"""Open data: every dataset as a page, CSV (UTF-8 BOM / CP949) and XLSX, keeping filters and
columns; the bulk ZIP and SQLite; bad parameters are a 400 with a message."""

from __future__ import annotations

import io
import sqlite3
import zipfile
from typing import Any

import pytest
from django.http import QueryDict
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from openpyxl import load_workbook

from rtis.orgs.models import User
from rtis.plans.models import Plan
from rtis.portal.actions import do_publish_plan
from rtis.portal.bundle import built_stamp, rebuild_if_stale
from rtis.portal.tabular import Column, Table, TabularError, choice, render_csv
from tests.conftest import client_for

pytestmark = pytest.mark.django_db
DATASETS = ("plans", "nodes", "budget", "indicators", "milestones", "council-items", "departments")


@pytest.mark.parametrize("name", DATASETS)
def test_every_dataset_is_a_page_a_csv_and_an_xlsx(plan: Plan, name: str) -> None:
    client = client_for(None)
    assert client.get(f"/data/{name}/").status_code == 200
    csv = client.get(f"/data/{name}/?format=csv")
    assert csv.status_code == 200 and csv.content.startswith(b"\xef\xbb\xbf")
    xlsx = client.get(f"/data/{name}/?format=xlsx")
    assert load_workbook(io.BytesIO(xlsx.content)).active.max_row >= 3


def test_the_csv_keeps_korean_in_utf8_and_in_cp949(plan: Plan) -> None:
    client = client_for(None)
    utf8 = client.get(f"/data/nodes/?plan={plan.slug}&format=csv").content
    assert "글로벌협력동 신축" in utf8.decode("utf-8-sig")
    cp949 = client.get(f"/data/nodes/?plan={plan.slug}&format=csv&encoding=cp949")
    assert not cp949.content.startswith(b"\xef\xbb\xbf")
    assert "글로벌협력동 신축" in cp949.content.decode("cp949")
    assert "cp949" in cp949["Content-Type"]


def test_a_download_keeps_the_filters_and_the_chosen_columns(plan: Plan) -> None:
    client = client_for(None)
    page = client.get(f"/data/budget/?plan={plan.slug}&year=2019&col=node&col=amount_won")
    links = page.context["downloads"]
    assert "year=2019" in links.csv and "columns=node%2Camount_won" in links.csv
    rows = client.get(links.csv).content.decode("utf-8-sig").splitlines()
    assert rows[0] == "과제 번호,금액(원)"
    assert sorted(rows[1:]) == ["1-1-1,10000000000", "2-1-1,2250000000"]


def test_column_keys_can_head_the_file(plan: Plan) -> None:
    text = client_for(None).get("/data/plans/?format=csv&header=key").content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("plan,title,")


@pytest.mark.parametrize("query", ["format=pdf", "columns=nope", "encoding=latin1", "page=0",
                                   "page=abc", "plan=no-such-plan", "year=20x9",
                                   "columns=" + "a," * 3000, "q=" + "가" * 10000,
                                   # digits str.isdigit() takes: int() refuses '²', reads '٢٠١٩'
                                   "page=²", "year=²", "year=٢٠١٩"])
def test_bad_parameters_are_a_400_with_a_message(plan: Plan, query: str) -> None:
    name = "council-items" if query.startswith("q=") else "budget"
    response = client_for(None).get(f"/data/{name}/?{query}")
    assert response.status_code == 400
    assert " / " in response.context["message"]


def test_an_unpublished_plan_is_not_a_filter_for_the_public(private_plan: Plan, viewer: User) -> None:
    assert client_for(None).get(f"/data/budget/?plan={private_plan.slug}").status_code == 400
    assert client_for(viewer).get(f"/data/budget/?plan={private_plan.slug}").status_code == 200


TABLE = Table("t", "t", [Column("a", "가", lambda r: r[0]), Column("b", "나", lambda r: r[1])],
              [("=1+1", 2)])


@hsettings(max_examples=60, deadline=None)
@given(st.dictionaries(st.sampled_from(["format", "encoding", "columns", "header", "col"]),
                       st.text(max_size=30), max_size=5))
def test_download_options_are_honoured_or_refused_never_crash(params: dict[str, str]) -> None:
    query = QueryDict(mutable=True)
    for key, value in params.items():
        query[key] = value
    try:
        chosen = choice(query, TABLE)
    except TabularError as exc:
        assert " / " in str(exc)
    else:
        assert chosen.columns and set(chosen.columns) <= {"a", "b"}


def test_text_that_looks_like_a_formula_stays_text() -> None:
    assert render_csv([["=1+1"]]).decode("utf-8-sig").strip() == "'=1+1"


def test_the_bundle_holds_every_public_table_a_dictionary_and_a_sqlite_file(
        plan: Plan, private_plan: Plan) -> None:
    client = client_for(None)
    archive = zipfile.ZipFile(io.BytesIO(b"".join(client.get("/data/all.zip").streaming_content)))
    names = set(archive.namelist())
    assert {f"{d}.csv" for d in DATASETS} | {"data-dictionary.csv", "about.json"} <= names
    nodes = archive.read("nodes.csv").decode("utf-8-sig")
    assert plan.slug in nodes and private_plan.slug not in nodes
    dictionary = archive.read("data-dictionary.csv").decode("utf-8-sig")
    assert "budget.csv,amount_won,금액(원),integer" in dictionary
    data = b"".join(client.get("/data/all.sqlite3").streaming_content)
    path = rebuild_if_stale().sqlite_path
    assert path.read_bytes() == data
    db = sqlite3.connect(path)
    assert db.execute("select sum(amount_won) from budget where plan = ?", (plan.slug,)).fetchone()[0] \
        == 21_650_000_000
    db.close()


def test_publishing_a_plan_rebuilds_the_bundle(private_plan: Plan, planner: User,
                                               django_capture_on_commit_callbacks: Any) -> None:
    rebuild_if_stale()
    before = built_stamp()
    with django_capture_on_commit_callbacks(execute=True):
        do_publish_plan(planner, private_plan, True, None)
    assert built_stamp() != before
    archive = zipfile.ZipFile(rebuild_if_stale().zip_path)
    assert private_plan.slug in archive.read("plans.csv").decode("utf-8-sig")


def test_rnd_applicants_never_reach_the_open_data(plan: Plan, planner: User) -> None:
    from rtis.rnd.actions import do_create_organisation

    do_create_organisation(planner, name="(주)비밀지원기업", kind="seoul_sme",
                           business_number="124-81-00998")
    archive = zipfile.ZipFile(rebuild_if_stale().zip_path)
    everything = "".join(archive.read(n).decode("utf-8-sig") for n in archive.namelist())
    assert "비밀지원기업" not in everything and "124-81-00998" not in everything


def test_the_portal_bundle_command_builds_the_files(plan: Plan, settings: Any) -> None:
    from django.core.management import call_command

    out = io.StringIO()
    call_command("portal", "bundle", stdout=out)
    assert "rtis-open-data.zip" in out.getvalue()
    assert zipfile.ZipFile(settings.VAR_DIR / "portal" / "rtis-open-data.zip").testzip() is None


def test_the_plan_list_and_departments_pages_link_their_downloads(plan: Plan) -> None:
    client = client_for(None)
    plans = client.get("/plans/").content.decode()
    assert 'href="/data/plans/?format=csv"' in plans
    departments = client.get("/orgs/?on=2019-01-01").content.decode()
    assert "/data/departments/?on=2019-01-01&amp;format=csv" in departments
    csv = client.get("/data/departments/?on=2019-01-01&format=csv").content.decode("utf-8-sig")
    assert "신성장산업과" in csv
