"""A council session whose items belong to the sample plan's departments, with dated schedules."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from rtis.oversight.actions import do_import_council_session
from rtis.oversight.models import AuditItem, CouncilSession

# officer = 신성장산업과, other_officer = 문화융합경제과 (tests/conftest.py).
COUNCIL_ITEMS = [
    {"category": "corrective", "number": 1, "title": "동북권 캠퍼스 조성 계획 필요",
     "departments": ["경제정책과"], "status": "추진중", "next_steps": "계획 수립: '22.3."},
    {"category": "corrective", "number": 2, "title": "바이오허브 개관 지연",
     "departments": ["신성장산업과"], "status": "추진중", "actions": "",
     "next_steps": "개관: '22.5월; 운영: '22.6.~"},
    {"category": "corrective", "number": 3, "title": "창업허브 공간 부족",
     "departments": ["신성장산업과"], "status": "완료", "actions": "공간 확보",
     "next_steps": "'22.1."},
    {"category": "recommendation", "number": 1, "title": "문화 콘텐츠 연계",
     "departments": ["문화융합경제과"], "status": "검토중", "next_steps": "'22년 상반기 중"},
    {"category": "recommendation", "number": 2, "title": "연구 용역 시행",
     "departments": ["신성장산업과"], "status": "미반영", "next_steps": "용역: '22.4.~10."},
    {"category": "recommendation", "number": 3, "title": "공동 협의체 구성",
     "departments": ["경제정책과", "신성장산업과"], "status": "추진중",
     "next_steps": "협의체 구성: '22.2."},
    {"category": "document_request", "number": 1, "title": "자료 제출",
     "departments": ["없는과"], "status": "추진중", "next_steps": "지속 협력(날짜 없음)"},
]
KEY = "audit-test"


@pytest.fixture
def council(plan: Any) -> CouncilSession:
    """A 2021 session reported in the (published) sample plan."""
    return do_import_council_session(
        None, {"key": KEY, "title": "시험 행정사무감사", "year": 2021, "plan": "sample-plan",
               "committee": "기획경제위원회"}, COUNCIL_ITEMS,
        summary={"columns": ["계"], "rows": [{"label": "계", "values": [7]}], "claims": []})


def item(category: str, number: int) -> AuditItem:
    return AuditItem.objects.get(session__key=KEY, category=category, number=number)


def item_url(category: str, number: int, key: str = KEY) -> str:
    return reverse("oversight:item", args=[key, category, number])


def edit_url(category: str, number: int, key: str = KEY) -> str:
    return reverse("oversight:item_edit", args=[key, category, number])


def overdue_url(key: str = KEY) -> str:
    return reverse("oversight:overdue", args=[key])
