"""Turn one record's text cells into a project-year row, or say why not. No Django.

The converter is built once per file from the header's positions and a code resolver; it runs a
million times per import, so it stays a flat function over local variables with small caches
(dates, codes) rather than a validator object per row.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any, Protocol

COLUMNS = ("project_no", "year", "title", "title_en", "ministry", "ministry_code",
           "business_name", "sub_business_name", "manager", "organisation", "manage_agency",
           "goal", "content", "effect", "keywords", "total_funds", "gov_funds", "private_funds",
           "continuing", "previous_numbers", "detail_no", "stage_code", "performer_code",
           "region_code", "science_code", "science_large", "six_t_code", "start_date",
           "end_date")
TEXT_LIMITS = {"title": 500, "title_en": 500, "ministry": 100, "business_name": 300,
               "sub_business_name": 300, "manager": 100, "organisation": 300,
               "manage_agency": 300, "keywords": 500, "continuing": 10,
               "previous_numbers": 1000, "detail_no": 50}
PROJECT_NO = re.compile(r"\d{10}")
MIN_YEAR, MAX_YEAR = 1990, 2100
# Which reference list each coded field resolves against (rtis.refdata).
CODED = {"ministry": "ministry", "stage": "rnd_stage", "performer": "performer",
         "region": "region", "six_t": "six_t"}


class RowProblem(Exception):
    def __init__(self, field: str, value: str, reason: str) -> None:
        super().__init__(reason)
        self.field = field
        self.value = value
        self.reason = reason


class Resolver(Protocol):
    def __call__(self, list_name: str, value: str, year: int) -> str | None: ...


def parse_date(raw: str) -> str | None:
    """'2019-07-01 00:00:00.0', '20190701', '2019-07-01', '2019.07.01' → '2019-07-01'."""
    text = raw.strip()
    if not text:
        return None
    head = text[:10] if len(text) >= 10 and text[4] in "-./" else text[:8]
    digits = head.replace("-", "").replace(".", "").replace("/", "")
    if len(digits) != 8 or not digits.isdigit():
        raise ValueError(raw)
    return dt.date(int(digits[:4]), int(digits[4:6]), int(digits[6:])).isoformat()


def parse_won(raw: str) -> int | None:
    text = raw.strip()
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        cleaned = text.replace(",", "")
        if cleaned.endswith(".0"):
            cleaned = cleaned[:-2]
        return int(cleaned)


def make_converter(positions: dict[str, int], resolve: Resolver,
                   ) -> Callable[[list[str]], tuple[Any, ...]]:
    """Build the function that turns a record's cells into a row tuple in COLUMNS order."""
    width = max(positions.values()) + 1 if positions else 0
    pos = {name: positions.get(name, -1) for name in (
        "year", "project_no", "title", "title_en", "ministry", "business_name",
        "sub_business_name", "manager", "organisation", "manage_agency", "goal", "content",
        "effect", "keywords", "total_funds", "gov_funds", "private_funds", "continuing",
        "previous_numbers", "detail_no", "stage", "performer", "region", "science_code",
        "science_name", "six_t", "start_date", "end_date")}
    text_fields = [(name, pos[name], TEXT_LIMITS.get(name, 0)) for name in (
        "title_en", "business_name", "sub_business_name", "manager", "organisation",
        "manage_agency", "goal", "content", "effect", "keywords", "continuing",
        "previous_numbers", "detail_no")]
    date_cache: dict[str, str | None] = {"": None}
    code_cache: dict[tuple[str, str, int], str | None] = {}
    is_project_no = PROJECT_NO.fullmatch

    def cell(cells: list[str], index: int) -> str:
        return cells[index].strip() if index >= 0 else ""

    def code(field: str, list_name: str, raw: str, year: int) -> str:
        if not raw:
            return ""
        key = (list_name, raw, year)
        found = code_cache.get(key, "?")
        if found == "?":
            found = resolve(list_name, raw, year)
            code_cache[key] = found
        if found is None:
            raise RowProblem(field, raw, "알 수 없는 코드 / unknown code")
        return found

    def date(field: str, raw: str) -> str | None:
        try:
            return date_cache[raw]
        except KeyError:
            pass
        try:
            value = parse_date(raw)
        except ValueError:
            raise RowProblem(field, raw, "날짜 형식 오류 / not a date") from None
        date_cache[raw] = value
        return value

    def won(field: str, raw: str) -> int | None:
        try:
            value = parse_won(raw)
        except ValueError:
            raise RowProblem(field, raw, "금액이 정수(원)가 아님 / not an amount in won") from None
        if value is not None and value < 0:
            raise RowProblem(field, raw, "음수 금액 / negative amount")
        return value

    def convert(cells: list[str]) -> tuple[Any, ...]:
        if len(cells) < width:
            cells = cells + [""] * (width - len(cells))
        number = cell(cells, pos["project_no"])
        if not is_project_no(number):
            raise RowProblem("과제고유번호", number,
                             "과제고유번호는 숫자 10자리 / project number must be 10 digits")
        year_text = cell(cells, pos["year"])
        if not (year_text.isdigit() and MIN_YEAR <= int(year_text) <= MAX_YEAR):
            raise RowProblem("기준년도", year_text, "기준년도 오류 / not a year")
        year = int(year_text)
        title = cell(cells, pos["title"])
        if not title:
            raise RowProblem("과제명", "", "과제명이 비어 있음 / title missing")
        if len(title) > 500:
            raise RowProblem("과제명", title[:40], "500자 초과 / longer than 500 characters")
        texts = {}
        for name, index, limit in text_fields:
            value = cells[index].strip() if index >= 0 else ""
            if limit and len(value) > limit:
                raise RowProblem(name, value[:40], f"{limit}자 초과 / longer than {limit} "
                                                   f"characters")
            texts[name] = value
        gov = won("정부투자연구비", cells[pos["gov_funds"]] if pos["gov_funds"] >= 0 else "")
        private = won("민간연구비", cells[pos["private_funds"]]
                      if pos["private_funds"] >= 0 else "")
        total = won("연구비합계", cells[pos["total_funds"]] if pos["total_funds"] >= 0 else "")
        if total is None:
            total = (gov or 0) + (private or 0)
        ministry = cell(cells, pos["ministry"])
        if len(ministry) > 100:
            raise RowProblem("부처명", ministry[:40], "100자 초과 / longer than 100 characters")
        science = cell(cells, pos["science_code"]).upper()
        science_name = cell(cells, pos["science_name"])
        if science:
            if len(science) > 10:
                raise RowProblem("과학기술표준분류코드", science, "코드가 너무 김 / code too long")
            large = code("과학기술표준분류코드", "science_class", science[:2], year)
        elif science_name:
            large = code("과학기술표준분류명", "science_class", science_name.split("-")[0], year)
            science = large
        else:
            large = ""
        return (
            number, year, title, texts["title_en"], ministry,
            code("부처명", "ministry", ministry, year),
            texts["business_name"], texts["sub_business_name"], texts["manager"],
            texts["organisation"], texts["manage_agency"], texts["goal"], texts["content"],
            texts["effect"], texts["keywords"], total, gov or 0, private or 0,
            texts["continuing"], texts["previous_numbers"], texts["detail_no"],
            code("연구개발단계", "rnd_stage", cell(cells, pos["stage"]), year),
            code("연구수행주체", "performer", cell(cells, pos["performer"]), year),
            code("지역", "region", cell(cells, pos["region"]), year),
            science, large,
            code("6T관련기술", "six_t", cell(cells, pos["six_t"]), year),
            date("총연구기간시작일자", cell(cells, pos["start_date"])),
            date("총연구기간종료일자", cell(cells, pos["end_date"])),
        )

    return convert
