"""Plan JSON import: all or nothing, every problem named by its JSON path, round trip exact."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rtis.ingest.actions import import_plan_text
from rtis.ingest.export import dumps, export_plan
from rtis.ingest.planfile import PlanFileError
from rtis.orgs.models import Department
from rtis.plans.models import BudgetLine, Node, Plan
from tests.factories import sample_plan_doc

pytestmark = pytest.mark.django_db


def problems_of(doc: dict[str, Any]) -> dict[str, str]:
    with pytest.raises(PlanFileError) as caught:
        import_plan_text(None, json.dumps(doc, ensure_ascii=False), "plan.json")
    return dict(caught.value.problems)


def test_export_import_export_is_identical(plan: Plan) -> None:
    first = dumps(export_plan(plan))
    Plan.objects.all().delete()
    Department.objects.filter(parent__isnull=False).delete()
    Department.objects.all().delete()
    imported = import_plan_text(None, first, "roundtrip.json")
    assert dumps(export_plan(imported)) == first


def test_it_lists_every_problem_with_its_json_path_and_writes_nothing(db: Any) -> None:
    doc = sample_plan_doc()
    doc["budget_lines"][0]["amount_won"] = -1
    doc["budget_lines"][1]["year"] = 1850
    doc["budget_lines"][2]["source"] = "bitcoin"
    doc["budget_lines"][3]["amount_won"] = 10**17
    doc["nodes"][2]["parent"] = "7"
    doc["nodes"][4]["departments"] = ["없는과"]
    doc["indicators"][0]["actuals"] = {"2018-Q5": 1}
    problems = problems_of(doc)
    assert "$.budget_lines[0].amount_won" in problems
    assert "$.budget_lines[1].year" in problems
    assert "$.budget_lines[3].amount_won" in problems
    assert Plan.objects.count() == 0 and BudgetLine.objects.count() == 0


def test_semantic_problems_are_listed_together(db: Any) -> None:
    doc = sample_plan_doc()
    doc["budget_lines"][2]["source"] = "bitcoin"
    doc["nodes"][2]["parent"] = "7"
    doc["nodes"][4]["departments"] = ["없는과"]
    doc["indicators"][0]["actuals"] = {"2018-Q5": 1}
    doc["stated_tables"][0]["rows"][0]["values"] = [1, 2]
    problems = problems_of(doc)
    assert "bitcoin" in problems["$.budget_lines[2].source"]
    assert "7" in problems["$.nodes[2].parent"]
    assert "없는과" in problems["$.nodes[4].departments[0]"]
    assert "$.indicators[0].actuals.2018-Q5" in problems
    assert "$.stated_tables[0].rows[0].values" in problems
    assert Plan.objects.count() == 0 and Node.objects.count() == 0


def test_fractional_won_is_refused(db: Any) -> None:
    text = json.dumps(sample_plan_doc(), ensure_ascii=False).replace(
        '"amount_won": 7900000000', '"amount_won": 7900000000.5')
    with pytest.raises(PlanFileError) as caught:
        import_plan_text(None, text, "plan.json")
    assert "$.budget_lines[0].amount_won" in dict(caught.value.problems)


def test_broken_json_names_line_and_column(db: Any) -> None:
    with pytest.raises(PlanFileError) as caught:
        import_plan_text(None, '{"format": "rtis-plan/1",\n  "plan": }', "plan.json")
    assert "line 2" in caught.value.problems[0][0]


def test_an_existing_slug_is_refused_unless_replaced(plan: Plan) -> None:
    text = dumps(export_plan(plan))
    with pytest.raises(PlanFileError) as caught:
        import_plan_text(None, text, "again.json")
    assert "--replace" in caught.value.problems[0][1]
    replaced = import_plan_text(None, text, "again.json", replace=True)
    assert dumps(export_plan(replaced)) == text


def test_the_import_command_fails_clearly_and_the_dry_run_saves_nothing(
    plan: Plan, tmp_path: Any
) -> None:
    doc = sample_plan_doc(slug="dry-run-plan")
    good = tmp_path / "good.json"
    good.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    call_command("import_plan", "plan", str(good), "--dry-run")
    assert not Plan.objects.filter(slug="dry-run-plan").exists()
    doc["budget_lines"][0]["amount_won"] = -5
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(CommandError, match=r"\$\.budget_lines\[0\]\.amount_won"):
        call_command("import_plan", "plan", str(bad))
    call_command("import_plan", "plan", str(good))
    assert Plan.objects.filter(slug="dry-run-plan").exists()


amounts = st.integers(min_value=0, max_value=10**16)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(amount=amounts, target=st.decimals(min_value=0, max_value=10**9, places=2))
def test_any_valid_amount_and_target_round_trip(plan: Plan, amount: int, target: Any) -> None:
    doc = json.loads(dumps(export_plan(plan)))
    doc["plan"]["slug"] = "hypo-plan"
    doc["budget_lines"][0]["amount_won"] = amount
    doc["indicators"][0]["targets"]["2018"] = float(target) if target % 1 else int(target)
    text = json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
    imported = import_plan_text(None, text, "h.json", replace=True)
    assert dumps(export_plan(imported)) == text


def test_a_target_year_in_digits_int_refuses_or_misreads_is_named_not_a_crash(db: Any) -> None:
    doc = sample_plan_doc()
    doc["indicators"][0]["targets"] = {"²": 1, "٢٠١٩": 2}  # int() refuses '²', reads 2019
    problems = problems_of(doc)
    assert "1990~2100" in problems["$.indicators[0].targets.²"]
    assert "$.indicators[0].targets.٢٠١٩" in problems
    assert Plan.objects.count() == 0
