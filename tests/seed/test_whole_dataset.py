"""The whole Seoul dataset: what docs/seed-findings.md says is exactly what `rtis check` finds."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from rtis.ingest.seed import SEED_DIR, load_seed
from rtis.lib.seed_schema import SeedError
from rtis.plans.models import Node, Plan, Reference
from tests.conftest import ensure_funding_sources, load_whole_seed, module_data

pytestmark = pytest.mark.django_db


seeded = module_data(load_whole_seed, share=True)  # one build per process (tests.conftest)


def test_the_checker_reports_exactly_the_documented_findings(seeded: None) -> None:
    out = StringIO()
    call_command("check_data", "--format", "json", stdout=out)
    findings = json.loads(out.getvalue())["findings"]
    counts = Counter((f["plan"], f["severity"]) for f in findings)
    # docs/seed-findings.md, table at the top
    assert counts == {
        ("innovation-growth-2018", "error"): 2, ("innovation-growth-2018", "info"): 18,
        ("st-promotion-5th", "error"): 15, ("st-promotion-5th", "warning"): 1,
        ("st-promotion-5th", "info"): 3,
        ("econ-office-report-2022", "error"): 5, ("econ-office-report-2022", "info"): 2,
    }
    for finding in findings:
        assert finding["figures"], finding["message"]
        assert all("provenance" in figure for figure in finding["figures"])
        if finding["severity"] == "error" and finding["rule"] != "execution-order":
            assert finding["suggestion"], finding["message"]


def test_the_research_digest_is_linked_to_the_areas_it_concerns(seeded: None) -> None:
    assert Reference.objects.count() == 5
    bio = Reference.objects.get(key="si-bio-medical-hongneung-hub")
    assert bio.publisher == "서울연구원"
    assert {(n.plan.slug, n.code) for n in bio.nodes.select_related("plan")} == {
        ("innovation-growth-2018", "2"), ("st-promotion-5th", "3")}
    area = Node.objects.get(plan__slug="innovation-growth-2018", code="2")
    assert bio in area.references.all()


def test_the_node_page_lists_related_research(seeded: None, client: Any) -> None:
    response = client.get("/plans/innovation-growth-2018/nodes/2/")
    assert response.status_code == 200
    assert 'data-testid="references"' in response.text
    assert "바이오의료산업과 홍릉 서울바이오허브 지원방안" in response.text


def test_a_reference_to_a_missing_node_names_it_and_loads_nothing(
    db: Any, tmp_path: Path
) -> None:
    ensure_funding_sources()
    copy = tmp_path / "seed"
    shutil.copytree(SEED_DIR, copy)
    target = copy / "plans" / "references.yaml"
    target.write_text(target.read_text(encoding="utf-8").replace(
        '{plan: innovation-growth-2018, node: "4"}', '{plan: innovation-growth-2018, node: "9"}'),
        encoding="utf-8")
    with pytest.raises(SeedError, match=r"concerns\[0\].*innovation-growth-2018 9"):
        load_seed(directory=copy)
    assert Plan.objects.count() == 0 and Reference.objects.count() == 0
