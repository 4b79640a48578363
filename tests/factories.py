"""Build test data through the real import path: a small plan shaped like seed 000."""

from __future__ import annotations

import copy
from typing import Any

SAMPLE_PLAN: dict[str, Any] = {
    "format": "rtis-plan/1",
    "plan": {
        "slug": "sample-plan", "title": "표본 혁신성장 계획", "document_number": "경제정책과-1",
        "approved_on": "2018-02-24", "period": [2018, 2020], "department": "경제정책과",
        "summary": "시험용 계획", "source_document": "sample.txt", "published": True,
    },
    "departments": [
        {"name": "경제진흥본부", "parent": None, "kind": "office"},
        {"name": "경제정책과", "parent": "경제진흥본부", "kind": "department"},
        {"name": "신성장산업과", "parent": "경제진흥본부", "kind": "department"},
        {"name": "문화융합경제과", "parent": "경제진흥본부", "kind": "department"},
    ],
    "nodes": [
        {"code": "1", "title": "도심제조 활력 도시", "depth": 1, "parent": None,
         "level_name": "프로젝트", "kind": None, "departments": [],
         "cooperating_departments": [], "description": "", "provenance": {}},
        {"code": "1-1", "title": "도심제조 스마트 앵커 조성", "depth": 2, "parent": "1",
         "level_name": "전략과제", "kind": "신규", "departments": ["경제정책과"],
         "cooperating_departments": [], "description": "", "provenance": {}},
        {"code": "1-1-1", "title": "도심제조 스마트앵커 조성", "depth": 3, "parent": "1-1",
         "level_name": "단위사업", "kind": None, "departments": [],
         "cooperating_departments": [], "description": "", "provenance": {}},
        {"code": "2", "title": "바이오 의료 벤처도시", "depth": 1, "parent": None,
         "level_name": "프로젝트", "kind": None, "departments": [],
         "cooperating_departments": [], "description": "", "provenance": {}},
        {"code": "2-1", "title": "홍릉 서울바이오허브 조성", "depth": 2, "parent": "2",
         "level_name": "전략과제", "kind": "확대", "departments": ["신성장산업과"],
         "cooperating_departments": ["경제정책과"], "description": "바이오 창업 거점",
         "provenance": {"section": "Ⅴ-②"}},
        {"code": "2-1-1", "title": "글로벌협력동 신축", "depth": 3, "parent": "2-1",
         "level_name": "단위사업", "kind": None, "departments": [],
         "cooperating_departments": [], "description": "", "provenance": {}},
    ],
    "budget_lines": [
        {"node": "1-1-1", "year": 2018, "source": "city", "amount_won": 7_900_000_000,
         "note": "", "provenance": {"table": "연차별 소요예산", "unit": "백만원"}},
        {"node": "1-1-1", "year": 2019, "source": "city", "amount_won": 10_000_000_000,
         "note": "", "provenance": {}},
        {"node": "2-1-1", "year": 2018, "source": "city", "amount_won": 1_500_000_000,
         "note": "(~23)", "provenance": {}},
        {"node": "2-1-1", "year": 2019, "source": "national", "amount_won": 2_250_000_000,
         "note": "", "provenance": {}},
    ],
    "indicators": [
        {"node": "1", "name": "입주기업수", "unit": "개", "direction": "increase",
         "definition": "", "targets": {"2018": 100, "2019": 200}, "actuals": {"2018": 110},
         "provenance": {}},
        {"node": "2", "name": "조성연면적", "unit": "㎡", "direction": "increase",
         "definition": "", "targets": {"2019": 1234.5}, "actuals": {}, "provenance": {}},
    ],
    "stated_figures": [
        {"key": "total-investment", "label": "총 투자규모", "value": 21_650_000_000,
         "unit_as_printed": "억원", "printed": "216.5억원", "provenance": {}},
    ],
    "stated_tables": [
        {"key": "by-year", "title": "연도별 투자계획", "unit_as_printed": "백만원", "as_of": None,
         "columns": ["계", "2018", "2019"],
         "rows": [{"label": "계", "values": [21650, 9400, 12250]},
                  {"label": "시비", "values": [19400, 9400, 10000]},
                  {"label": "국비", "values": [2250, None, 2250]}],
         "note": "", "provenance": {}},
    ],
}


def sample_plan_doc(**changes: Any) -> dict[str, Any]:
    """Return a fresh copy of the sample plan, with top-level plan fields changed."""
    doc = copy.deepcopy(SAMPLE_PLAN)
    doc["plan"].update(changes)
    return doc
