"""The four Seoul-type R&D programmes of the 5th regional S&T promotion plan (seed 001, Ⅳ-4).

Each is linked to its plan item (`st-promotion-5th`, 4-1 … 4-4): the planned money ('18–'22,
the 연차별 투자계획 table) and the printed figures (e.g. ’14년 64개 과제 149억, in the pledge
plan) stay where the plan seed keeps them and are reached through that link, never copied here.
Names are the rows of the investment table; the outline is the document's 사업개요; the operator
is filled only where the document names it (서울산업진흥원 for 도시문제해결).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction

from rtis.audit.versioned import update_versioned
from rtis.plans.models import Node
from rtis.rnd.actions import do_create_programme
from rtis.rnd.models import Programme, ProgrammeKind

PLAN_SLUG = "st-promotion-5th"


@dataclass(frozen=True)
class ProgrammeSeed:
    name: str
    kind: str
    node_code: str
    operator: str
    description: str


PROGRAMMES = (
    ProgrammeSeed("기술상용화 R&D", ProgrammeKind.COMMERCIALISATION, "4-1", "",
                  "지원자격: 서울소재 중소기업, 스타트업, 예비창업자 · 지원분야: 시제품/완제품 제작 가능 "
                  "또는 ICT기술이 적용된 전 분야 · 지원내용: 기술상용화를 위한 인건비 및 직접비 · "
                  "공모유형: 공개평가(크라우드펀딩, 자유공모). 크라우드펀딩과 시장전문가 평가로 "
                  "시장성을 검증하고, 연차평가를 차년도 과제계획에 반영하며, 종료과제의 사업화 "
                  "성과조사와 실패 원인분석·추적조사를 한다. (Ⅳ-4-1)"),
    ProgrammeSeed("도시문제해결 R&D", ProgrammeKind.URBAN_PROBLEM, "4-2", "서울산업진흥원",
                  "사회문제 발굴(시민·전문가 등 지역사회수요 Bottom-up, 시정수요 Top-down) → 과제 "
                  "기획(사회문제 DB 구축, 기술기획·RFP 작성) → 대상기술 확정. 중점: 미세먼지 저감 "
                  "기술개발, 태양광 산업 육성 R&D. (Ⅳ-4-2)"),
    ProgrammeSeed("서울혁신챌린지", ProgrammeKind.INNOVATION_CHALLENGE, "4-3", "",
                  "지원자격: 서울소재 시민, 기업, 대학 개별 및 프로젝트 팀 · 지원분야: 4차 산업혁명 "
                  "요소기술 활용 상용화/도시문제 해결 · 지원방법: 자유공모 · 추진절차: 공고·모집 → "
                  "아이디어·팀빌딩 → SIC예선 → 프로토타입 제작 → SIC결선. (Ⅳ-4-3)"),
    ProgrammeSeed("중소기업 지식재산권 창출지원사업", ProgrammeKind.IP, "4-4", "",
                  "지식재산권 창출·보호·활용 지원, IP스타기업 육성(서울시+특허청 매칭), 변리사·변호사로 "
                  "구성된 기술보호 지원단 운영. (Ⅳ-4-4)"),
)


@transaction.atomic
def do_load_programmes(actor: Any | None = None) -> list[str]:
    """Create the missing programmes and link unlinked ones to their plan item; return what
    changed ("created: 이름" / "linked: 이름"). Running it again changes nothing."""
    nodes = {n.code: n for n in Node.objects.filter(plan__slug=PLAN_SLUG,
                                                     code__in=[p.node_code for p in PROGRAMMES])}
    done: list[str] = []
    for seed in PROGRAMMES:
        node = nodes.get(seed.node_code)
        existing = Programme.objects.filter(name=seed.name).first()
        if existing is None:
            do_create_programme(actor, name=seed.name, kind=seed.kind, operator=seed.operator,
                                node=node, description=seed.description)
            done.append(f"created: {seed.name}")
        elif existing.node_id is None and node is not None:
            update_versioned(actor, existing, existing.version, {"node": node}, reason="seed")
            done.append(f"linked: {seed.name}")
    return done
