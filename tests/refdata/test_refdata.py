"""Versioned code lists: loading, resolving by code/name/other spelling on a day, choices."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rtis.audit.models import AuditEvent
from rtis.ingest.seed import SEED_DIR
from rtis.lib.refdata_schema import RefdataFile
from rtis.lib.seed_schema import SeedError, parse_seed_text
from rtis.refdata.actions import do_load_refdata
from rtis.refdata.models import Code, CodeListVersion
from rtis.refdata.queries import choices, resolve
from rtis.refdata.seed import load_refdata

pytestmark = pytest.mark.django_db


def test_the_seed_lists_load_once_and_a_reload_changes_nothing(refdata: list[str]) -> None:
    assert "refdata: science_class 2018" in refdata
    assert "refdata: region 2024" in refdata
    count = Code.objects.count()
    events = AuditEvent.objects.count()
    assert load_refdata(None, sorted((SEED_DIR / "refdata").glob("*.yaml"))) == []
    assert Code.objects.count() == count
    assert AuditEvent.objects.count() == events


def test_science_class_has_the_33_large_classes_with_provenance(refdata: list[str]) -> None:
    codes = choices("science_class", on=dt.date(2020, 1, 1))
    assert len(codes) == 33
    assert ("EE", "정보/통신") in codes
    version = CodeListVersion.objects.get(code_list__name="science_class", version="2018")
    assert "2018" in version.source and version.verified is False


def test_resolve_matches_code_name_and_other_spellings_ignoring_spaces_and_case(
        refdata: list[str]) -> None:
    day = dt.date(2020, 6, 1)
    assert resolve("science_class", "ee", on=day).name == "정보/통신"  # type: ignore[union-attr]
    assert resolve("science_class", " 정보통신 ", on=day).code == "EE"  # type: ignore[union-attr]
    assert resolve("region", "서울", on=day).code == "11"  # type: ignore[union-attr]
    assert resolve("six_t", "IT(정보기술)", on=day).code == "IT"  # type: ignore[union-attr]
    assert resolve("region", "서울특별시청", on=day) is None
    assert resolve("region", "", on=day) is None
    assert resolve("no_such_list", "11", on=day) is None


def test_resolve_follows_the_version_in_force_on_the_day(refdata: list[str]) -> None:
    assert resolve("region", "세종", on=dt.date(2011, 12, 31)) is None
    assert resolve("region", "세종", on=dt.date(2012, 7, 1)).code == "36"  # type: ignore[union-attr]
    assert resolve("region", "강원", on=dt.date(2023, 6, 10)).code == "42"  # type: ignore[union-attr]
    gangwon = resolve("region", "강원도", on=dt.date(2023, 6, 11))
    assert gangwon is not None and (gangwon.code, gangwon.name) == ("51", "강원특별자치도")
    assert resolve("region", "전북", on=dt.date(2024, 1, 18)).code == "52"  # type: ignore[union-attr]
    assert resolve("ministry", "미래창조과학부", on=dt.date(2016, 1, 1)).code == "MSIP"  # type: ignore[union-attr]
    assert resolve("ministry", "미래창조과학부", on=dt.date(2018, 1, 1)) is None
    assert len(choices("region", on=dt.date(2010, 1, 1))) == 16
    assert len(choices("region", on=dt.date(2025, 1, 1))) == 17


def test_science_class_uses_the_2018_code_set_of_the_kistep_table(refdata: list[str]) -> None:
    codes = dict(choices("science_class", on=dt.date(2020, 1, 1)))
    expected = ({f"N{c}" for c in "ABCD"} | {f"L{c}" for c in "ABC"} | {f"E{c}" for c in "ABCDEFGHI"}
                | {f"H{c}" for c in "ABCDE"} | {f"S{c}" for c in "ABCDEFGHI"} | {f"O{c}" for c in "ABC"})
    assert set(codes) == expected
    assert (codes["LA"], codes["HA"], codes["SI"], codes["OA"]) == (
        "생명과학", "역사/고고학", "미디어/커뮤니케이션/문헌정보", "뇌과학")


def test_region_follows_the_official_jeju_code_change_and_marks_what_was_checked(
        refdata: list[str]) -> None:
    assert resolve("region", "제주", on=dt.date(2006, 6, 30)).code == "49"  # type: ignore[union-attr]
    jeju = resolve("region", "제주", on=dt.date(2006, 7, 1))
    assert jeju is not None and (jeju.code, jeju.name) == ("50", "제주특별자치도")
    verified = dict(CodeListVersion.objects.filter(code_list__name="region")
                    .values_list("version", "verified"))
    assert verified == {"1997": True, "2006": True, "2012": True, "2023": False, "2024": False}
    assert "KIKcd_B.20230501" in CodeListVersion.objects.get(
        code_list__name="region", version="2012").source


def test_ministry_versions_follow_the_reorganisations_after_2017(refdata: list[str]) -> None:
    assert resolve("ministry", "질병관리청", on=dt.date(2020, 9, 11)) is None
    assert resolve("ministry", "질병관리청", on=dt.date(2020, 9, 12)).code == "KDCA"  # type: ignore[union-attr]
    assert resolve("ministry", "우주항공청", on=dt.date(2024, 5, 27)).code == "KASA"  # type: ignore[union-attr]
    assert resolve("ministry", "환경부", on=dt.date(2025, 9, 30)).code == "ME"  # type: ignore[union-attr]
    assert resolve("ministry", "환경부", on=dt.date(2025, 10, 1)) is None
    assert resolve("ministry", "기후에너지환경부", on=dt.date(2025, 10, 1)).code == "MCEE"  # type: ignore[union-attr]
    assert resolve("ministry", "산업통상부", on=dt.date(2026, 1, 1)).code == "MOTI"  # type: ignore[union-attr]


def test_correcting_a_seed_version_replaces_its_codes_and_keeps_the_old_ones_in_the_audit(
        db: Any) -> None:
    first = _one_version([{"code": "SJ", "name": "생활"}, {"code": "SA", "name": "역사/고고학"}],
                         version="2018")
    do_load_refdata(None, first)
    fixed = _one_version([{"code": "SE", "name": "생활"}, {"code": "HA", "name": "역사/고고학"}],
                         version="2018")
    assert do_load_refdata(None, fixed) == ["refdata: demo_list 2018 (replaced)"]
    day = dt.date(2021, 1, 1)
    assert resolve("demo_list", "생활", on=day).code == "SE"  # type: ignore[union-attr]
    assert resolve("demo_list", "SJ", on=day) is None
    event = AuditEvent.objects.filter(target_type="refdata.codelistversion").order_by("id").last()
    assert event is not None and event.changes["codes"] == [["SJ 생활", "SA 역사/고고학"],
                                                           ["SE 생활", "HA 역사/고고학"]]
    assert do_load_refdata(None, fixed) == []


def _one_version(codes: list[dict[str, Any]], version: str = "1") -> RefdataFile:
    return RefdataFile.model_validate({
        "format": "rtis-refdata/1", "list": "demo_list", "title": "시험 목록",
        "versions": [{"version": version, "valid_from": "2020-01-01", "source": "시험",
                      "codes": codes}]})


def test_a_changed_version_replaces_its_codes_with_an_audit_trail(db: Any) -> None:
    assert do_load_refdata(None, _one_version([{"code": "A", "name": "가"}])) == [
        "refdata: demo_list 1"]
    changed = do_load_refdata(None, _one_version([{"code": "B", "name": "나"}]))
    assert changed == ["refdata: demo_list 1 (replaced)"]
    assert choices("demo_list", on=dt.date(2021, 1, 1)) == [("B", "나")]
    assert AuditEvent.objects.filter(target_type="refdata.codelistversion").count() == 2


def test_a_file_naming_one_value_for_two_codes_is_refused() -> None:
    text = ("format: rtis-refdata/1\nlist: bad\ntitle: 나쁜 목록\nversions:\n"
            "  - version: '1'\n    valid_from: 2020-01-01\n    source: 시험\n    codes:\n"
            "      - {code: A, name: 가}\n      - {code: B, name: 가}\n")
    with pytest.raises(SeedError) as caught:
        parse_seed_text(text, "bad.yaml")
    assert "'가'" in str(caught.value.problems)


def test_overlapping_versions_are_refused() -> None:
    text = ("format: rtis-refdata/1\nlist: bad\ntitle: 나쁜 목록\nversions:\n"
            "  - {version: '1', valid_from: 2020-01-01, valid_to: 2021-01-01, source: 시험,\n"
            "     codes: [{code: A, name: 가}]}\n"
            "  - {version: '2', valid_from: 2020-06-01, source: 시험, codes: [{code: A, name: 가}]}\n")
    with pytest.raises(SeedError):
        parse_seed_text(text, "bad.yaml")


@settings(max_examples=60, deadline=None)
@given(st.text(min_size=1, max_size=12), st.lists(st.integers(0, 12), max_size=4))
def test_matching_ignores_inserted_spaces_and_case(value: str, cuts: list[int]) -> None:
    from rtis.lib.refdata_schema import fold

    spaced = value
    for cut in sorted(cuts, reverse=True):
        spaced = spaced[:cut] + " " + spaced[cut:]
    assert fold(spaced.upper()) == fold(value.upper())
    assert fold("  " + spaced + "\t") == fold(value)
