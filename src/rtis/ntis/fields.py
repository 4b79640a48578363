"""The NTIS field set: web-export column headers (Korean), OpenAPI XML paths, our columns.

Pure data, no Django: the importers map a file's header by name (unknown columns tolerated),
the exporters write the same names back, so export → import round-trips.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Field:
    name: str  # our column
    header: str  # the web export's header
    xml: str  # the OpenAPI element path under HIT ("" when the API has none)
    synonyms: tuple[str, ...] = ()
    personal: bool = False  # a person's name: never shown to the public


FIELDS: tuple[Field, ...] = (
    Field("year", "기준년도", "ProjectYear"),
    Field("project_no", "과제고유번호", "ProjectNumber"),
    Field("title", "과제명(국문)", "ProjectTitle/Korean", ("과제명",)),
    Field("title_en", "과제명(영문)", "ProjectTitle/English"),
    Field("ministry", "부처명", "Ministry/Name", ("부처",)),
    Field("business_name", "사업명", "BusinessName"),
    Field("sub_business_name", "내역사업명", "BudgetProject/Name"),
    Field("manager", "연구책임자명", "Manager/Name", personal=True),
    Field("organisation", "과제수행기관명", "ResearchAgency/Name", ("연구수행기관명",)),
    Field("manage_agency", "전문기관명", "ManageAgency/Name", ("과제관리(전문)기관명",)),
    Field("goal", "연구목표요약", "Goal/Full"),
    Field("content", "연구내용요약", "Abstract/Full"),
    Field("effect", "기대효과요약", "Effect/Full"),
    Field("keywords", "한글키워드", "Keyword/Korean"),
    Field("total_funds", "연구비합계", "TotalFunds", ("총연구비",)),
    Field("gov_funds", "정부투자연구비", "GovernmentFunds", ("정부연구비",)),
    Field("private_funds", "민간연구비_소계", "SbusinessFunds", ("민간연구비",)),
    Field("continuing", "신규계속구분", "ContinuousFlag"),
    Field("previous_numbers", "이전과제고유번호", "PreviousProjectNumber"),
    Field("detail_no", "(기관)세부과제번호", "", ("세부과제번호",)),
    Field("stage", "연구개발단계", "DevelopmentPhases"),
    Field("performer", "연구수행주체", "PerformAgent"),
    Field("region", "지역", "Region"),
    Field("science_code", "과학기술표준분류코드", "ScienceClass", ("과학기술표준분류1-대코드",)),
    Field("science_name", "과학기술표준분류명", "", ("과학기술표준분류1-대",)),
    Field("six_t", "6T관련기술", "SixTechnology", ("6T",)),
    Field("start_date", "총연구기간시작일자", "ProjectPeriod/TotalStart"),
    Field("end_date", "총연구기간종료일자", "ProjectPeriod/TotalEnd"),
)
BY_NAME = {f.name: f for f in FIELDS}
KEY_HEADERS = ("과제고유번호", "기준년도")


def header_map(headers: list[str]) -> tuple[dict[str, int], list[str]]:
    """Map our field names to column positions by header name; return (positions, unknown).

    Headers are matched after removing spaces and a BOM; unknown columns are returned, not
    refused. The first column holding a field wins.
    """
    lookup: dict[str, str] = {}
    for f in FIELDS:
        for label in (f.header, *f.synonyms):
            lookup.setdefault(_norm(label), f.name)
    positions: dict[str, int] = {}
    unknown: list[str] = []
    for i, raw in enumerate(headers):
        name = lookup.get(_norm(raw))
        if name is None:
            if raw.strip():
                unknown.append(raw.strip())
        else:
            positions.setdefault(name, i)
    return positions, unknown


def _norm(label: str) -> str:
    return "".join(label.replace("\ufeff", "").split())


@dataclass(frozen=True)
class OutputField:
    name: str
    header: str
    synonyms: tuple[str, ...] = ()


# 성과 exports: 논문, 특허, 사업화, 기술료 (the columns each names; money in won).
OUTPUT_KINDS: dict[str, tuple[str, tuple[OutputField, ...]]] = {
    "paper": ("논문", (OutputField("title", "논문명"), OutputField("journal", "학술지명"),
                       OutputField("sci", "SCI여부", ("SCI구분",)))),
    "patent": ("특허", (OutputField("title", "발명의 명칭", ("발명의명칭",)),
                        OutputField("status", "출원/등록 구분", ("출원등록구분",)),
                        OutputField("country", "출원/등록 국가", ("출원등록국가",)))),
    "commercial": ("사업화", (OutputField("form", "사업화형태"),
                              OutputField("title", "사업화명"),
                              OutputField("amount", "기매출액(원)", ("기매출액",)))),
    "royalty": ("기술료", (OutputField("title", "기술실시계약명"),
                           OutputField("amount", "당해연도 기술료(원)", ("당해연도기술료",)))),
}
OUTPUT_COMMON = (OutputField("year", "성과발생년도"), OutputField("project_no", "과제고유번호"))
