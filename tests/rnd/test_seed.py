"""The programmes of seed 001 are linked to the plan's items, whose money stays in the plan."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from rtis.audit.models import AuditEvent
from rtis.ingest.seed import load_seed
from rtis.plans.models import BudgetLine
from rtis.rnd.models import Programme, ProgrammeBudget
from rtis.rnd.seed import PROGRAMMES, do_load_programmes

pytestmark = pytest.mark.django_db


def test_the_programmes_are_linked_to_the_plan_items_and_reach_their_planned_money() -> None:
    load_seed(only="st-promotion-5th")
    assert do_load_programmes() == [f"created: {p.name}" for p in PROGRAMMES]
    linked = {p.name: (p.kind, p.node.code) for p in Programme.objects.select_related("node")
              if p.node is not None}
    assert linked == {"기술상용화 R&D": ("commercialisation", "4-1"),
                      "도시문제해결 R&D": ("urban_problem", "4-2"),
                      "서울혁신챌린지": ("innovation_challenge", "4-3"),
                      "중소기업 지식재산권 창출지원사업": ("ip", "4-4")}
    commercialisation = Programme.objects.get(name="기술상용화 R&D")
    planned = dict(BudgetLine.objects.filter(node=commercialisation.node)
                   .values_list("year", "amount_won"))
    assert planned[2018] == 4_000_000_000 and planned[2022] == 5_000_000_000  # 백만원 as printed
    assert not ProgrammeBudget.objects.exists()  # the plan's figures are not copied
    assert "SIC예선 → 프로토타입 제작 → SIC결선" in Programme.objects.get(
        name="서울혁신챌린지").description
    assert AuditEvent.objects.filter(target_type="rnd.programme", actor_name="system").count() == 4


def test_loading_again_changes_nothing_and_links_once_the_plan_arrives() -> None:
    assert len(do_load_programmes()) == 4
    assert not Programme.objects.filter(node__isnull=False).exists()
    load_seed(only="st-promotion-5th")
    assert do_load_programmes() == [f"linked: {p.name}" for p in PROGRAMMES]
    assert do_load_programmes() == []
    assert Programme.objects.filter(node__isnull=False).count() == 4


def test_the_command_says_what_it_did(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("load_rnd_programmes")
    out = capsys.readouterr().out
    assert "created: 기술상용화 R&D" in out and "4 programme change(s)" in out
