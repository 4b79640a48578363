"""The seeded lineage of 양재 across 001 (2017), 000 (2018) and 004 (2022) shows the documents'
numbers."""

from __future__ import annotations

import pytest

from rtis.lineage.queries import group_of, lineage_of
from rtis.lineage.seed import do_load_lineage_seed
from rtis.plans.models import Node
from tests.conftest import load_whole_seed, module_data

pytestmark = pytest.mark.django_db
MILLION = 1_000_000


# The whole seed (its plans load the lineage file too), shared with the other modules that
# need it: one build per process (tests.conftest).
seeded = module_data(load_whole_seed, share=True)


def test_yangjae_across_the_three_plans(seeded: None) -> None:
    node = Node.objects.get(plan__slug="econ-office-report-2022", code="4-1")
    lineage = lineage_of(group_of(node))
    assert [c.plan.slug for c in lineage.columns] == [
        "st-promotion-5th", "innovation-growth-2018", "econ-office-report-2022"]
    st5, ig, econ = lineage.columns
    # 001 Ⅴ 연차별 투자계획 '양재 R&CD 혁신지구 조성' (백만원): 123,159 174,537 169,550 17,220 -
    assert st5.money == {2018: 123_159 * MILLION, 2019: 174_537 * MILLION,
                         2020: 169_550 * MILLION, 2021: 17_220 * MILLION}
    # 000 Ⅴ-3 양재 R&D 캠퍼스 조성 (계 434,981) + 양재 R&D 혁신허브 인재양성 (13,120)
    assert ig.money[2018] == (465 + 2_320) * MILLION
    assert ig.money[2021] == (190_330 + 2_700) * MILLION
    assert ig.total == (434_981 + 13_120) * MILLION
    # 004 Ⅳ-1 '22년 예산 262억원 (인프라 조성 142, 민간위탁 68, 임차·관리 등 52)
    assert econ.money == {2022: 26_200 * MILLION}
    assert lineage.amount_change == (26_200 - 484_466) * MILLION
    assert lineage.delay_years == 1  # 001's last funded year 2021, 004's 2022


def test_hongneung_links_the_pledge_and_three_plans(seeded: None) -> None:
    node = Node.objects.get(plan__slug="innovation-growth-2018", code="2-1")
    lineage = lineage_of(group_of(node))
    assert [c.plan.slug for c in lineage.columns] == [
        "pledge-5-3-6", "st-promotion-5th", "innovation-growth-2018", "econ-office-report-2022"]
    # 001 '홍릉 바이오 의료 클러스터 조성': 13,964 3,000 3,000 2,000 -
    assert lineage.columns[1].money == {2018: 13_964 * MILLION, 2019: 3_000 * MILLION,
                                        2020: 3_000 * MILLION, 2021: 2_000 * MILLION}
    # 004 Ⅳ-2 '22년 예산 352억원 (인프라 조성 268, 앵커시설 운영 84)
    assert lineage.columns[-1].money == {2022: 35_200 * MILLION}


def test_loading_again_adds_nothing(seeded: None) -> None:
    assert do_load_lineage_seed() == []
