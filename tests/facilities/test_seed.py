"""The seed's facilities and funds carry the documents' figures, linked to the plans' items."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from rtis.facilities.models import Facility, Fund
from rtis.facilities.seed import do_load_facility_seed
from rtis.plans.models import IndicatorTarget
from tests.seed.helpers import seed_fixture

pytestmark = pytest.mark.django_db
seeded = seed_fixture("innovation-growth-2018")


@pytest.fixture
def loaded(seeded: None) -> None:
    do_load_facility_seed()


def facility(name: str) -> Facility:
    return Facility.objects.get(name=name)


def test_the_2018_smart_anchors_have_the_printed_area_and_tenants(loaded: None) -> None:
    printed = {"성북 봉제 스마트앵커": (5900, 50), "중랑 봉제 스마트앵커": (5900, 50),
               "성동 수제화 스마트앵커": (2700, 30), "중구 인쇄 스마트앵커": (5900, 50)}
    for name, (area, spaces) in printed.items():
        anchor = facility(name)
        assert (anchor.floor_area_m2, anchor.tenant_spaces) == (Decimal(area), spaces)
        assert [n.code for n in anchor.nodes.all()] == ["1-1-1"]
        assert anchor.provenance["document"] == "000_0aceb20338ea57e3.txt"


def test_the_four_anchors_add_up_to_the_2018_floor_area_target(loaded: None) -> None:
    target = IndicatorTarget.objects.get(indicator__node__plan__slug="innovation-growth-2018",
                                         indicator__node__code="1", indicator__name="조성연면적",
                                         year=2018)
    anchors = Facility.objects.filter(nodes__code="1-1-1", nodes__plan__slug="innovation-growth-2018")
    assert anchors.count() == 4  # the table's 4 앵커시설 of 2018
    assert sum(a.floor_area_m2 for a in anchors) == target.value == 20400


def test_the_bio_hub_and_bt_it_centre_as_printed(loaded: None) -> None:
    hub = facility("서울바이오허브")
    assert (hub.floor_area_m2, hub.tenant_spaces, hub.buildings) == (Decimal(29912), 120, 4)
    assert hub.cluster == "hongneung" and hub.operating_department.name == "신성장산업과"
    bt_it = facility("BT-IT 융합센터")
    assert (bt_it.floor_area_m2, bt_it.tenant_spaces) == (Decimal(3000), 30)
    assert bt_it.opened_on.isoformat() == "2021-09-01"
    assert bt_it.provenance["opened_precision"] == "month"


def test_the_funds_and_the_citys_planned_leverage(loaded: None) -> None:
    bio = Fund.objects.get(name="제2호 서울바이오펀드")
    assert (bio.target_size_won, bio.city_target_won) == (100_000_000_000, 10_000_000_000)
    assert (bio.investment_years, bio.recovery_years) == (5, 5)
    assert [n.code for n in bio.nodes.all()] == ["2-3"]
    fourth = Fund.objects.get(name="4차 산업혁명 지원 펀드")
    assert (fourth.target_size_won, fourth.city_target_won) == (30_000_000_000, 7_000_000_000)
    assert (fourth.investment_years, fourth.recovery_years) == (4, 4)
    culture = Fund.objects.get(name="문화콘텐츠 펀드")
    assert culture.target_size_won == 100_000_000_000


def test_loading_again_changes_nothing(loaded: None) -> None:
    assert do_load_facility_seed() == []
    assert Facility.objects.count() == 14 and Fund.objects.count() == 4


def test_every_facility_is_published_with_its_source(loaded: Any) -> None:
    assert not Facility.objects.filter(published=False).exists()
    assert all(f.provenance.get("document") for f in Facility.objects.all())
