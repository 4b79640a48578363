"""Departments as they stood on a day: each plan shows, exports and imports its own hierarchy."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pytest
from django.urls import reverse

from rtis.checks.run import run_checks
from rtis.facilities.models import Facility
from rtis.ingest.actions import import_plan_text
from rtis.ingest.export import dumps, export_plan
from rtis.orgs.actions import find_department
from rtis.orgs.models import Department, DepartmentAlias, DepartmentParent
from rtis.orgs.queries import hierarchy_on
from rtis.oversight.models import AuditItem, CouncilSession
from rtis.plans.models import Plan
from rtis.tracking.models import ExecutionRecord, IndicatorReport, Milestone
from tests.conftest import client_for, load_whole_seed, module_data

pytestmark = pytest.mark.django_db

OLD_CHAIN = "경제진흥본부 → 경제기획관 → 경제정책과"
NEW_CHAIN = "경제정책실 → 경제정책과"


seeded = module_data(load_whole_seed, share=True)  # one build per process (tests.conftest)


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def listed(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {d["name"]: d for d in doc["departments"]}


def test_each_plan_shows_and_exports_its_departments_as_they_stood_on_its_approval_date(
        seeded: None, viewer: Any) -> None:
    client = client_for(viewer)
    for slug in ("innovation-growth-2018", "st-promotion-5th"):
        page = client.get(reverse("plans:detail", args=[slug]))
        department = re.search(r'data-testid="plan-department">(.*?)</dd>', page.text, re.S)
        assert department is not None and OLD_CHAIN in text_of(department.group(1)), slug
        doc = export_plan(Plan.objects.get(slug=slug))
        departments = listed(doc)
        assert departments["경제정책과"]["parent"] == "경제기획관", slug
        assert departments["경제기획관"]["parent"] == "경제진흥본부", slug
        assert "경제정책실" not in departments, slug  # it had another name then
    node = client.get(reverse("plans:node", args=["innovation-growth-2018", "1-1"]))
    owners = re.search(r'data-testid="owners">(.*?)</dd>', node.text, re.S)
    assert owners is not None and OLD_CHAIN in text_of(owners.group(1))

    later = client.get(reverse("plans:detail", args=["econ-office-report-2022"]))
    assert "경제진흥본부" not in later.text and "경제기획관" not in later.text
    doc = export_plan(Plan.objects.get(slug="econ-office-report-2022"))
    assert doc["plan"]["department"] == "경제정책실" and "경제진흥본부" not in listed(doc)


def test_the_api_names_departments_as_on_the_plans_day(seeded: None, viewer: Any) -> None:
    client = client_for(viewer)
    nodes = client.get("/api/v1/plans/innovation-growth-2018/nodes").json()["items"]
    assert any("경제정책과" in n["departments"] for n in nodes)
    plan = client.get("/api/v1/plans/innovation-growth-2018").json()
    assert plan["policy_number"] == "서울특별시장 방침 제29호"


def test_the_hierarchy_of_any_day_is_answered_in_one_query(
        seeded: None, django_assert_num_queries: Any) -> None:
    policy = Department.objects.get(name="경제정책과")
    with django_assert_num_queries(1):
        org = hierarchy_on(dt.date(2018, 2, 24))
        assert org.path(policy.pk) == OLD_CHAIN
    assert hierarchy_on(dt.date(2017, 1, 13)).path(policy.pk) == (
        "경제진흥본부 → 창조경제기획관 → 경제정책과")
    assert hierarchy_on(dt.date(2022, 2, 9)).path(policy.pk) == NEW_CHAIN
    assert policy.parent_on(dt.date(2018, 2, 24)) == Department.objects.get(name="경제기획관")
    assert policy.parent_on(dt.date(2019, 1, 1)) == Department.objects.get(name="경제정책실")


def test_export_then_import_into_an_empty_database_keeps_the_dated_hierarchy(
        seeded: None) -> None:
    text = dumps(export_plan(Plan.objects.get(slug="innovation-growth-2018")))
    for model in (Milestone, IndicatorReport, ExecutionRecord):
        model.objects.all().delete()
    CouncilSession.objects.all().delete()
    Plan.objects.all().delete()
    DepartmentParent.objects.all().delete()
    Facility.objects.all().delete()  # facilities name their operating departments
    DepartmentAlias.objects.all().delete()
    while Department.objects.exists():
        Department.objects.filter(children__isnull=True).delete()

    plan = import_plan_text(None, text, "innovation-growth-2018.json")
    policy = Department.objects.get(name="경제정책과")
    assert hierarchy_on(dt.date(2018, 2, 24)).path(policy.pk) == OLD_CHAIN
    assert hierarchy_on(dt.date(2022, 2, 9)).path(policy.pk) == NEW_CHAIN
    office = find_department("경제진흥본부")
    assert office is not None and office.name == "경제정책실"
    link = policy.parent_links.get(valid_to=dt.date(2018, 12, 31))
    assert link.provenance["document"] == "001_a43e24d910e99ac0.txt"
    assert plan.policy_number == "서울특별시장 방침 제29호"
    assert dumps(export_plan(plan)) == text


def test_an_audit_item_printed_with_a_variant_name_is_found_by_the_department_filter(
        seeded: None, viewer: Any) -> None:
    bio = Department.objects.get(name="바이오 AI산업과")
    printed = dict(AuditItem.objects.filter(departments=bio)
                   .values_list("number", "department_names").order_by("category", "number"))
    assert {"바이오시산업과", "바이오산업과", "바이오AI산업과"} <= {
        name for names in printed.values() for name in names}
    page = client_for(viewer).get(reverse("oversight:detail", args=["audit-2021"]),
                                  {"department": bio.pk, "category": "corrective"})
    assert page.status_code == 200
    numbers = re.findall(r'/oversight/audit-2021/items/corrective/(\d+)/">\d+<', page.text)
    assert {"35", "36", "37"} <= set(numbers)
    assert "1" not in numbers  # another department's item is filtered out
    assert not AuditItem.objects.filter(departments__isnull=True).exists()


def test_find_department_resolves_aliases_and_spacing(seeded: None) -> None:
    bio = Department.objects.get(name="바이오 AI산업과")
    for printed in ("바이오시산업과", "바이오산업과", "바이오AI산업과", "바 이 오 AI 산 업 과"):
        assert find_department(printed) == bio, printed
    finance = find_department("금 용 투 자 과")
    assert finance is not None and finance.name == "금융투자과"
    assert find_department("없는부서과") is None


def test_the_checker_names_a_printed_department_that_resolves_to_nothing(
        seeded: None, planner: Any) -> None:
    assert not [f for f in run_checks() if f.rule == "department-unresolved"]
    item = AuditItem.objects.get(session__key="audit-2021", category="corrective", number=2)
    AuditItem.objects.filter(pk=item.pk).update(department_names=["창업정책팀과"])
    findings = [f for f in run_checks("econ-office-report-2022")
                if f.rule == "department-unresolved"]
    assert len(findings) == 1
    finding = findings[0]
    assert "창업정책팀과" in finding.message and "2" in finding.message
    assert finding.figures[0]["provenance"]["section"] == "IV-2"
    page = client_for(planner).get(reverse("checks:index"), {"plan": "econ-office-report-2022"})
    assert "창업정책팀과" in page.text


def test_the_plan_page_shows_the_policy_number_where_the_document_prints_one(
        seeded: None) -> None:
    client = client_for(None)
    page = client.get(reverse("plans:detail", args=["innovation-growth-2018"]))
    assert re.search(r'data-testid="policy-number">서울특별시장 방침 제29호<', page.text)
    other = client.get(reverse("plans:detail", args=["st-promotion-5th"]))
    assert 'data-testid="policy-number"' not in other.text  # printed blank there
    doc = export_plan(Plan.objects.get(slug="innovation-growth-2018"))
    assert doc["plan"]["policy_number"] == "서울특별시장 방침 제29호"


def test_organisation_pages_show_the_chain_and_history_of_the_day_asked(
        seeded: None, django_assert_max_num_queries: Any) -> None:
    client = client_for(None)
    policy = Department.objects.get(name="경제정책과")
    with django_assert_max_num_queries(4):
        listing = client.get(reverse("orgs:list"), {"on": "2018-02-24"})
    row = re.search(r">경제정책과</a>.*?</tr>", listing.text, re.S)
    assert row is not None and "경제진흥본부 → 경제기획관" in text_of(row.group(0))
    with django_assert_max_num_queries(9):
        detail = client.get(reverse("orgs:detail", args=[policy.pk]), {"on": "2018-02-24"})
    chain = re.search(r'data-testid="chain-on-day">(.*?)</p>', detail.text, re.S)
    assert chain is not None and OLD_CHAIN in text_of(chain.group(1))
    assert "2018-12-31" in detail.text and "001_a43e24d910e99ac0.txt" in detail.text
    bio = Department.objects.get(name="바이오 AI산업과")
    with django_assert_max_num_queries(10):
        page = client.get(reverse("orgs:detail", args=[bio.pk])).text
    aliases = re.search(r'data-testid="aliases">(.*?)</table>', page, re.S)
    assert aliases is not None and "바이오시산업과" in aliases.group(1)
    assert "IV-2 시정·처리 요구사항 35, 36" in aliases.group(1)
    items = re.search(r'data-testid="council-items">(.*?)</table>', page, re.S)
    assert items is not None  # the items printed under a variant are the department's too
    assert "/oversight/audit-2021/items/corrective/35/" in items.group(1)
    assert "/oversight/audit-2021/items/document_request/14/" in items.group(1)
    Plan.objects.filter(slug="econ-office-report-2022").update(published=False)
    hidden = client.get(reverse("orgs:detail", args=[bio.pk])).text
    assert 'data-testid="council-items"' not in hidden  # the public: published reports only


def test_the_plan_page_query_count_does_not_grow_with_departments(
        seeded: None, viewer: Any, django_assert_max_num_queries: Any) -> None:
    client = client_for(viewer)
    url = reverse("plans:detail", args=["innovation-growth-2018"])
    with django_assert_max_num_queries(16):
        client.get(url)
    with django_assert_max_num_queries(16):
        client.get(reverse("plans:node", args=["innovation-growth-2018", "1-1"]))


def test_a_reorganisation_file_refuses_overlapping_spans(db: Any) -> None:
    from rtis.lib.seed_schema import SeedError, parse_seed_text

    text = json.dumps({"format": "rtis-orgs/1", "departments": [
        {"name": "가과", "parents": [{"parent": "나과", "valid_to": "2019-12-31"},
                                    {"parent": "나과", "valid_from": "2019-06-01"}]},
        {"name": "나과"}]}, ensure_ascii=False)
    with pytest.raises(SeedError) as caught:
        parse_seed_text(text, "orgs.yaml")
    assert "겹칩니다" in str(caught.value)


def test_reports_and_pages_keep_the_name_a_department_had_on_the_plans_day(
        plan: Any, viewer: Any) -> None:
    from rtis.orgs.actions import do_rename_department
    from rtis.orgs.models import Reorganisation
    from rtis.reports.builders.pledge_card import build_pledge_card
    from rtis.reports.builders.work_report import build_work_report

    reorg = Reorganisation.objects.create(effective_on=dt.date(2020, 1, 1), title="개편")
    do_rename_department(None, Department.objects.get(name="경제정책과"), "경제정책담당관", reorg)
    plan = Plan.objects.get(pk=plan.pk)
    report = build_work_report(plan, dt.date(2020, 6, 30))
    assert report.organisation == "경제정책과"
    card = json.dumps(build_pledge_card(plan, plan.nodes.get(code="1-1"), dt.date(2020, 6, 30))
                      .to_dict(), ensure_ascii=False)
    assert "소관부서: 경제정책과" in card and "경제정책담당관" not in card
    page = client_for(viewer).get(reverse("plans:node", args=[plan.slug, "1-1"]))
    owners = re.search(r'data-testid="owners">(.*?)</dd>', page.text, re.S)
    assert owners is not None and "경제진흥본부 → 경제정책과" in text_of(owners.group(1))
