"""Publishing control for reports: a planner publishes a generated report with a date; the public
sees published reports only — on the open-data page and its CSV, the download, the search page
and API, and the bulk download — and never who made or published one (a test per field)."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from rtis.audit.models import AuditEvent
from rtis.orgs.models import User
from rtis.plans.models import Plan
from rtis.portal.actions import (
    do_publish_plan,
    do_publish_report,
    do_withhold_node,
)
from rtis.portal.models import ReportPublication
from rtis.reports.actions import do_generate_report
from rtis.reports.models import ReportSnapshot
from rtis.search.index import index_objects
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

AUTHOR = "작성자비공개ZQX"  # the user who generated the reports: never public
PUBLISHER = "공개자비공개WVY"  # the planner who published: never public
TITLE_SHOWN = "공개보고서허브 총괄표"
TITLE_HIDDEN = "내부보고서허브 총괄표"
SHOWN, HIDDEN = TITLE_SHOWN[:5], TITLE_HIDDEN[:5]  # what survives the search's <mark>


def _user(name: str) -> User:
    user = User.objects.create_user(name, password="x")
    user.role = "planner"
    user.save()
    return user


@pytest.fixture
def reports(plan: Plan) -> dict[str, Any]:
    """Two plan-table reports of the sample plan by AUTHOR, one published by PUBLISHER."""
    author, publisher = _user(AUTHOR), _user(PUBLISHER)
    shown = do_generate_report(author, "plan-tables", plan, dt.date(2019, 12, 31))
    hidden = do_generate_report(author, "plan-tables", plan, dt.date(2019, 6, 30))
    ReportSnapshot.objects.filter(pk=shown.pk).update(title=TITLE_SHOWN)
    ReportSnapshot.objects.filter(pk=hidden.pk).update(title=TITLE_HIDDEN)
    index_objects("report", [shown.pk, hidden.pk])
    do_publish_report(publisher, shown, dt.date(2019, 12, 20))
    return {"shown": shown, "hidden": hidden, "publisher": publisher}


def _public_text(shown: ReportSnapshot) -> dict[str, str]:
    """Everything the public can read about reports, by where it reads it."""
    client = client_for(None)
    archive = zipfile.ZipFile(io.BytesIO(b"".join(client.get("/data/all.zip").streaming_content)))
    bundle = "\n".join(archive.read(n).decode("utf-8-sig") for n in archive.namelist()
                       if n.endswith((".csv", ".json")))
    return {
        "dataset page": client.get("/data/reports/").content.decode(),
        "dataset csv": client.get("/data/reports/?format=csv").content.decode("utf-8-sig"),
        "all columns csv": client.get(
            "/data/reports/?format=csv&columns=id,kind,kind_label,title,plan,node,as_of,"
            "published_on,html,pdf,xlsx,hwpx").content.decode("utf-8-sig"),
        "search page": client.get("/search/", {"q": "허브"}).content.decode(),
        "search api": json.dumps(client.get("/api/v1/search", {"q": "보고서허브"}).json(),
                                 ensure_ascii=False),
        "download": client.get(f"/data/reports/{shown.pk}/download.html").content.decode(),
        "bundle": bundle,
    }


def test_the_public_sees_the_published_report_everywhere(reports: dict[str, Any]) -> None:
    seen = _public_text(reports["shown"])
    for where in ("dataset page", "dataset csv", "search page", "search api", "bundle"):
        assert SHOWN in seen[where], where
    assert "2019-12-20" in seen["dataset csv"]
    for fmt in ("html", "pdf", "xlsx", "hwpx"):
        response = client_for(None).get(f"/data/reports/{reports['shown'].pk}/download.{fmt}")
        assert response.status_code == 200 and len(response.content) > 100, fmt


@pytest.mark.parametrize("secret", [HIDDEN, AUTHOR, PUBLISHER],
                         ids=["unpublished report", "created_by", "published_by"])
def test_no_internal_field_reaches_the_public(reports: dict[str, Any], secret: str) -> None:
    for where, text in _public_text(reports["shown"]).items():
        assert secret not in text, f"{secret} in the public {where}"
    hidden = reports["hidden"].pk
    assert client_for(None).get(f"/data/reports/{hidden}/download.html").status_code == 404
    api = client_for(None).get("/api/v1/search", {"q": "내부보고서", "kind": "report"}).json()
    assert api["groups"] == []


def test_report_readers_still_find_the_unpublished_one(reports: dict[str, Any],
                                                      viewer: User) -> None:
    found = client_for(viewer).get("/api/v1/search", {"q": "내부보고서", "kind": "report"}).json()
    assert [h["title"] for g in found["groups"] for h in g["hits"]] == [TITLE_HIDDEN]
    # and staff get no unpublished report from the public download either
    assert client_for(viewer).get(
        f"/data/reports/{reports['hidden'].pk}/download.html").status_code == 404


def test_withdrawing_takes_it_off_every_public_place(reports: dict[str, Any],
                                                     planner: User) -> None:
    response = client_for(planner).post(f"/reports/{reports['shown'].pk}/publication/",
                                        {"published": "0"})
    assert response.status_code == 302
    assert not ReportPublication.objects.exists()
    for where, text in _public_text(reports["shown"]).items():
        if where != "download":
            assert SHOWN not in text, where
    assert client_for(None).get(
        f"/data/reports/{reports['shown'].pk}/download.pdf").status_code == 404
    assert AuditEvent.objects.filter(target_type="portal.reportpublication",
                                     action="delete").exists()


def test_a_withdrawn_plan_or_a_withheld_node_hides_its_published_reports(
        reports: dict[str, Any], plan: Plan, planner: User) -> None:
    shown = reports["shown"].pk
    do_withhold_node(planner, plan.nodes.get(code="2"), "협의 중")
    assert SHOWN not in client_for(None).get("/data/reports/?format=csv").content.decode(
        "utf-8-sig")
    assert client_for(None).get(f"/data/reports/{shown}/download.html").status_code == 404
    assert client_for(None).get("/api/v1/search", {"q": "공개보고서"}).json()["groups"] == []
    from rtis.portal.actions import do_release_node

    do_release_node(planner, plan.nodes.get(code="2"))
    assert client_for(None).get(f"/data/reports/{shown}/download.html").status_code == 200
    do_publish_plan(planner, plan, False, None)
    assert client_for(None).get(f"/data/reports/{shown}/download.html").status_code == 404
    assert client_for(None).get("/api/v1/search", {"q": "공개보고서"}).json()["groups"] == []


def test_publishing_is_refused_when_the_report_would_leak(plan: Plan, private_plan: Plan,
                                                          planner: User) -> None:
    private = do_generate_report(planner, "plan-tables", private_plan, dt.date(2019, 12, 31))
    with pytest.raises(ValueError, match="not published"):
        do_publish_report(planner, private, None)
    do_withhold_node(planner, plan.nodes.get(code="2-1"), "협의 중")
    whole = do_generate_report(planner, "plan-tables", plan, dt.date(2019, 12, 31))
    with pytest.raises(ValueError, match="withheld"):
        do_publish_report(planner, whole, None)
    with pytest.raises(ValueError, match="published_on"):
        do_publish_report(planner, private, dt.date(2030, 1, 1))
    assert not ReportPublication.objects.exists()
    response = client_for(planner).post(f"/reports/{whole.pk}/publication/", {"published": "1"})
    assert response.status_code == 400 and "withheld" in response.content.decode()


def test_only_planners_publish_reports(plan: Plan, officer: User, viewer: User,
                                       planner: User) -> None:
    snapshot = do_generate_report(planner, "plan-tables", plan, dt.date(2019, 12, 31))
    for user in (officer, viewer):
        with pytest.raises(PermissionDenied):
            do_publish_report(user, snapshot, None)
        assert client_for(user).post(f"/reports/{snapshot.pk}/publication/",
                                     {"published": "1"}).status_code == 403
    assert client_for(None).post(f"/reports/{snapshot.pk}/publication/",
                                 {"published": "1"}).status_code in {302, 403}
    assert not ReportPublication.objects.exists()
    page = client_for(planner).get("/reports/").content.decode()
    assert 'data-testid="publish-report"' in page
    client_for(planner).post(f"/reports/{snapshot.pk}/publication/",
                             {"published": "1", "published_on": "2019-12-01"})
    assert ReportPublication.objects.get().published_on == dt.date(2019, 12, 1)
    assert "2019-12-01 공개" in client_for(viewer).get("/reports/").content.decode()
