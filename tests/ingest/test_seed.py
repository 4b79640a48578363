"""The Seoul seed dataset: loads all or nothing, idempotently, and holds the documents' figures."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from rtis.facilities.models import Facility
from rtis.ingest.actions import import_plan_text
from rtis.ingest.export import dumps, export_plan
from rtis.ingest.seed import SEED_DIR, load_seed
from rtis.lib.seed_schema import SeedError
from rtis.orgs.models import Department, DepartmentParent
from rtis.plans.models import BudgetLine, Indicator, Node, Plan, StatedFigure
from rtis.plans.queries import budget_by_source
from rtis.tracking.models import ExecutionRecord, IndicatorReport, Milestone
from tests.conftest import load_whole_seed, module_data

pytestmark = pytest.mark.django_db

SEEDED = {"innovation-growth-2018", "st-promotion-5th", "pledge-5-3-6", "econ-office-report-2022"}


seeded = module_data(load_whole_seed, share=True)  # one build per process (tests.conftest)


def test_it_loads_the_four_seeded_plans(seeded: None) -> None:
    assert set(Plan.objects.values_list("slug", flat=True)) == SEEDED


def test_loading_again_keeps_what_is_there(seeded: None) -> None:
    before = (Node.objects.count(), BudgetLine.objects.count())
    report = load_seed()
    assert set(report.kept) == SEEDED | {"audit-2021"} and not report.created
    assert (Node.objects.count(), BudgetLine.objects.count()) == before


def test_the_2018_plan_has_6_projects_and_23_tasks_19_new_4_expanded(seeded: None) -> None:
    nodes = Node.objects.filter(plan__slug="innovation-growth-2018")
    assert nodes.filter(depth=1).count() == 6
    tasks = nodes.filter(depth=2)
    assert tasks.count() == 23
    assert tasks.filter(kind="신규").count() == 19 and tasks.filter(kind="확대").count() == 4
    assert sorted(tasks.values_list("code", flat=True))[:3] == ["1-1", "1-2", "1-3"]


def test_the_2018_plan_totals_3_4472_trillion_won(seeded: None) -> None:
    plan = Plan.objects.get(slug="innovation-growth-2018")
    matrix = budget_by_source(plan)
    # 34,472억원 printed; the lines in 백만원 add up to 3,447,222 백만원.
    assert matrix.grand_total == 3_447_222_000_000
    # 국비 prints as 1,625억원: the lines add up to 162,476백만원, rounded in the summary.
    assert matrix.column_total("national") == 162_476_000_000


def test_the_2018_plan_owning_departments_are_as_printed(seeded: None) -> None:
    task = Node.objects.get(plan__slug="innovation-growth-2018", code="2-1")
    owners = [r.department.name for r in task.department_roles.all() if r.role == "owner"]
    assert owners == ["신성장산업과"]
    assert task.title == "홍릉 서울바이오허브 조성"


def test_the_2018_plan_keeps_its_headline_figures_as_printed(seeded: None) -> None:
    figures = StatedFigure.objects.filter(plan__slug="innovation-growth-2018")
    values = {int(f.value) for f in figures}
    assert {66, 9396, 62533}.issubset(values)


def test_the_2018_core_indicators_carry_targets(seeded: None) -> None:
    tenants = Indicator.objects.get(node__plan__slug="innovation-growth-2018", node__code="1",
                                    name="입주기업수")
    assert tenants.unit == "개"
    assert tenants.targets.count() >= 4


def test_the_pledge_has_its_planned_city_money(seeded: None) -> None:
    lines = BudgetLine.objects.filter(node__plan__slug="pledge-5-3-6", source_id="city")
    assert sorted(line.amount_won for line in lines) == sorted(
        v * 1_000_000 for v in [18613, 10733, 19000, 21370, 10000])


def test_every_seeded_plan_round_trips_through_an_empty_database(seeded: None) -> None:
    exported = {slug: dumps(export_plan(Plan.objects.get(slug=slug))) for slug in sorted(SEEDED)}
    for model in (Milestone, IndicatorReport, ExecutionRecord):  # they hold the periods
        model.objects.all().delete()
    Plan.objects.all().delete()
    DepartmentParent.objects.all().delete()  # the dated hierarchy protects parents
    Facility.objects.all().delete()  # facilities name their operating departments
    while Department.objects.exists():
        Department.objects.filter(children__isnull=True).delete()
    for slug, text in exported.items():
        import_plan_text(None, text, f"{slug}.json")
    for slug, text in exported.items():
        assert dumps(export_plan(Plan.objects.get(slug=slug))) == text, slug


def test_a_broken_seed_file_names_file_and_line_and_loads_nothing(db: Any, tmp_path: Path) -> None:
    copy = tmp_path / "seed"
    shutil.copytree(SEED_DIR, copy)
    target = copy / "plans" / "pledge-5-3-6.yaml"
    lines = target.read_text(encoding="utf-8").splitlines()
    index = next(i for i, line in enumerate(lines) if "source: city" in line)
    lines[index] = lines[index].replace("source: city", "source: lottery")
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(SeedError) as caught:
        load_seed(directory=copy)
    file, line, path, _message = caught.value.problems[0]
    assert file.endswith("pledge-5-3-6.yaml") and line == index + 1
    assert "source" in path
    assert Plan.objects.count() == 0


def test_the_2021_audit_follow_up_is_loaded_item_by_item(seeded: None) -> None:
    from rtis.oversight.models import AuditItem

    items = AuditItem.objects.filter(session__key="audit-2021")
    assert items.count() == 180
    assert items.filter(category="corrective").count() == 85
    assert items.filter(category="recommendation").count() == 16
    assert items.filter(category="document_request").count() == 79
    assert items.filter(status="검토중").count() == 2
    first = items.get(category="corrective", number=1)
    assert first.department_names == ["캠퍼스타운활성화과"]
    assert first.departments.get().name == "캠퍼스타운활성화과"


def test_the_printed_audit_summary_disagrees_with_its_items_in_the_total_row(
    seeded: None,
) -> None:
    from rtis.checks.run import run_checks

    audit = [f for f in run_checks("econ-office-report-2022") if f.rule == "data-audit_items"]
    assert sorted((f.figures[0]["provenance"]["column"], int(f.stated), int(f.computed))
                  for f in audit) == [("검토 중", 0, 2), ("미반영", 2, 0)]
    assert all(f.severity == "error" for f in audit)


def test_a_yaml_syntax_error_names_the_line(db: Any, tmp_path: Path) -> None:
    copy = tmp_path / "seed"
    shutil.copytree(SEED_DIR, copy)
    (copy / "plans" / "broken.yaml").write_text("format: rtis-seed/1\nplan: [unclosed\n",
                                                encoding="utf-8")
    with pytest.raises(SeedError, match=r"broken.yaml:3"):
        load_seed(directory=copy)
    assert Plan.objects.count() == 0
