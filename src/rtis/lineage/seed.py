"""The undertakings the seed documents follow across plans: 양재 and 홍릉.

Each link names both nodes by plan slug and code, its kind, a note in Korean and the evidence
(documents, sections, rows as printed). Loaded by `load-seed` after the plans; idempotent.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction

from rtis.lineage.actions import do_link_nodes
from rtis.lineage.models import NodeLink
from rtis.plans.models import Node


@dataclass(frozen=True)
class LinkSeed:
    earlier: tuple[str, str]
    later: tuple[str, str]
    kind: str
    note: str
    evidence: str


ST5 = "st-promotion-5th"  # seed 001, approved 2017-11-01
IG = "innovation-growth-2018"  # seed 000, approved 2018-02-24
PLEDGE = "pledge-5-3-6"  # seed 003, term 2014–2018
ECON = "econ-office-report-2022"  # seed 004, 2022-02-09

LINKS = (
    # 양재: 001's R&CD 혁신지구 → 000's R&D 캠퍼스 and R&D 혁신허브 → 004's AI 혁신지구.
    LinkSeed((ST5, "3-1-1"), (IG, "3-1"), "split",
             "양재 R&CD 혁신지구 조성 중 캠퍼스 조성 부분이 2018년 계획의 전략과제 3-1로 나뉨",
             "001 Ⅳ-3-1 '양재 R&CD 캠퍼스 조성추진(’18~’22)', Ⅴ 연차별 투자계획 '양재 R&CD 혁신지구 조성'; "
             "000 Ⅴ-3 ① 양재 R&D 캠퍼스 조성"),
    LinkSeed((ST5, "3-1-1"), (IG, "3-2"), "split",
             "양재 R&CD 혁신허브 운영 부분이 2018년 계획의 전략과제 3-2로 나뉨",
             "001 Ⅳ-3-1 '양재 R&CD 혁신허브 운영(’18~)'; 000 Ⅴ-3 ② 양재 R&D 혁신허브 활성화"),
    LinkSeed((IG, "3-1"), (ECON, "4-1"), "merged",
             "캠퍼스는 2022년 'AI·R&D 캠퍼스'(’27 준공)로 AI 혁신지구 사업에 통합",
             "000 Ⅴ-3 ① 추진일정 착공(’21); 004 Ⅳ-1 ① 양재 AI·R&D 캠퍼스 조성('27)"),
    LinkSeed((IG, "3-2"), (ECON, "4-1"), "merged",
             "혁신허브는 AI 양재허브로 AI 혁신지구 사업에 통합",
             "000 Ⅴ-3 ②; 004 Ⅳ-1 'AI 양재허브를 중심으로 …'"),
    # 홍릉: 001's 바이오 의료 R&D 클러스터 → 000's 바이오허브·공간 확충 → 004's 글로벌 바이오 클러스터.
    LinkSeed((ST5, "3-1-2"), (IG, "2-1"), "split",
             "홍릉 클러스터 중 서울바이오허브 조성이 2018년 계획의 전략과제 2-1로 나뉨",
             "001 Ⅳ-3-1 '서울바이오허브 개관(’18)'; 000 Ⅴ-2 ① 서울바이오허브 조성('15~'23)"),
    LinkSeed((ST5, "3-1-2"), (IG, "2-2"), "split",
             "홍릉 클러스터의 공간 확충이 2018년 계획의 전략과제 2-2로 나뉨",
             "001 Ⅳ-3-1 '연구장비시스템 구축(’18~’21)'; 000 Ⅴ-2 ① BT-IT 융합센터·첨단의료기기 개발센터"),
    LinkSeed((IG, "2-1"), (ECON, "4-2"), "merged",
             "서울바이오허브는 2022년 홍릉 글로벌 바이오 클러스터 사업에 통합(글로벌협력동 '22.12 완공)",
             "000 Ⅴ-2 ①; 004 Ⅳ-2 ① 서울바이오허브 글로벌협력동"),
    LinkSeed((IG, "2-2"), (ECON, "4-2"), "merged",
             "BT-IT 융합센터('21.9 개관) 등 공간 확충이 홍릉 클러스터 사업에 통합",
             "000 Ⅴ-2 ① BT-IT 융합센터 조성('19); 004 Ⅳ-2 추진실적 'BT-IT융합센터(27실)' 개관('21.9월)"),
    LinkSeed((PLEDGE, "5-3-6"), (ECON, "4-2"), "successor",
             "공약의 홍릉 창업연계 산학협력을 2022년 홍릉 클러스터 사업이 이어받음",
             "003 공약 5-3-6 창동·상계,홍릉 창업연계 산학협력 구축; 004 Ⅳ-2 ② KIST·고려대·경희대 협력"),
)


@transaction.atomic
def do_load_lineage_seed(actor: Any | None = None) -> list[str]:
    """Create the seed's links whose nodes exist and that are missing; return what was created."""
    created = []
    for seed in LINKS:
        earlier = Node.objects.filter(plan__slug=seed.earlier[0], code=seed.earlier[1]).first()
        later = Node.objects.filter(plan__slug=seed.later[0], code=seed.later[1]).first()
        if earlier is None or later is None:
            continue
        if NodeLink.objects.filter(earlier=earlier, later=later).exists():
            continue
        do_link_nodes(actor, earlier, later, kind=seed.kind, note=seed.note,
                      evidence=seed.evidence)
        created.append(f"lineage: {seed.earlier[0]} {seed.earlier[1]} → {seed.later[0]} "
                       f"{seed.later[1]}")
    return created
