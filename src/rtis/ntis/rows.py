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
PROJECT_NO = re.compile(r"[0-9]{10}")  # ASCII digits, as the SQL check (GLOB [0-9])
WON = re.compile(r"[+-]?[0-9]+")  # after commas and one trailing ".0" are removed
MAX_WON_DIGITS = 18  # fits a signed 64-bit column on both databases
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
    if len(digits) != 8 or not (digits.isascii() and digits.isdigit()):
        raise ValueError(raw)
    return dt.date(int(digits[:4]), int(digits[4:6]), int(digits[6:])).isoformat()


def parse_won(raw: str) -> int | None:
    """'1,234', '1234.0', '-5', '+5' → int; ASCII digits only (the SQL check's rule); '' → None."""
    text = raw.strip()
    if not text:
        return None
    cleaned = text.replace(",", "")
    if cleaned.endswith(".0"):
        cleaned = cleaned[:-2]
    if not WON.fullmatch(cleaned) or len(cleaned.lstrip("+-").lstrip("0")) > MAX_WON_DIGITS:
        raise ValueError(raw)
    return int(cleaned)


def make_converter(positions: dict[str, int], resolve: Resolver,
                   ) -> Callable[[list[str]], tuple[Any, ...]]:
    """Build the function that turns a record's cells into a row tuple in COLUMNS order.

    Every record gets one empty cell appended; a field the file lacks reads that cell (index
    -1), so the hot path indexes directly with no function call per field.
    """
    width = max(positions.values()) + 1 if positions else 0
    padding = [""] * width

    def at(name: str) -> int:
        return positions.get(name, -1)  # the empty cell appended to every record

    (p_year, p_no, p_title, p_ministry, p_gov, p_private, p_total, p_stage, p_performer,
     p_region, p_science, p_science_name, p_six_t, p_start, p_end) = (
        at(n) for n in ("year", "project_no", "title", "ministry", "gov_funds",
                        "private_funds", "total_funds", "stage", "performer", "region",
                        "science_code", "science_name", "six_t", "start_date", "end_date"))
    text_fields = [(name, at(name), TEXT_LIMITS.get(name, 0)) for name in (
        "title_en", "business_name", "sub_business_name", "manager", "organisation",
        "manage_agency", "goal", "content", "effect", "keywords", "continuing",
        "previous_numbers", "detail_no")]
    text_positions = [p for _n, p, _l in text_fields]
    limited = [(n, p, limit) for n, p, limit in text_fields if limit]
    date_cache: dict[str, str | None] = {"": None}
    caches: dict[str, dict[tuple[str, int], str]] = {
        name: {("", y): "" for y in range(MIN_YEAR, MAX_YEAR + 1)} for name in
        ("ministry", "rnd_stage", "performer", "region", "six_t", "science_class")}
    ministry_c, stage_c, performer_c = caches["ministry"], caches["rnd_stage"], caches["performer"]
    region_c, six_t_c = caches["region"], caches["six_t"]
    is_project_no = PROJECT_NO.fullmatch

    def code(field: str, list_name: str, raw: str, year: int) -> str:
        found = resolve(list_name, raw, year)
        if found is None:
            raise RowProblem(field, raw, "알 수 없는 코드 / unknown code")
        caches[list_name][(raw, year)] = found
        return found

    def date(field: str, raw: str) -> str | None:
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
        cells = cells + padding[len(cells):] if len(cells) < width else cells[:]
        cells.append("")
        number = cells[p_no].strip()
        if not is_project_no(number):
            raise RowProblem("과제고유번호", number,
                             "과제고유번호는 숫자 10자리 / project number must be 10 digits")
        year_text = cells[p_year].strip()
        if not (year_text.isascii() and year_text.isdigit() and len(year_text.lstrip("0")) <= 4
                and MIN_YEAR <= int(year_text) <= MAX_YEAR):
            raise RowProblem("기준년도", year_text, "기준년도 오류 / not a year")
        year = int(year_text)
        title = cells[p_title].strip()
        if not title:
            raise RowProblem("과제명", "", "과제명이 비어 있음 / title missing")
        if len(title) > 500:
            raise RowProblem("과제명", title[:40], "500자 초과 / longer than 500 characters")
        texts = [cells[p].strip() for p in text_positions]
        for name, p, limit in limited:
            if len(cells[p]) > limit and len(cells[p].strip()) > limit:
                raise RowProblem(name, cells[p][:40], f"{limit}자 초과 / longer than {limit} "
                                                      f"characters")
        raw = cells[p_gov].strip()
        gov = won("정부투자연구비", raw) or 0
        raw = cells[p_private].strip()
        private = won("민간연구비", raw) or 0
        raw = cells[p_total].strip()
        checked = won("연구비합계", raw)
        total = checked if checked is not None else gov + private
        ministry = cells[p_ministry].strip()
        if len(ministry) > 100:
            raise RowProblem("부처명", ministry[:40], "100자 초과 / longer than 100 characters")
        key = (ministry, year)
        ministry_code = ministry_c.get(key)
        if ministry_code is None:
            ministry_code = code("부처명", "ministry", ministry, year)
        raw = cells[p_stage].strip()
        stage = stage_c.get((raw, year))
        if stage is None:
            stage = code("연구개발단계", "rnd_stage", raw, year)
        raw = cells[p_performer].strip()
        performer = performer_c.get((raw, year))
        if performer is None:
            performer = code("연구수행주체", "performer", raw, year)
        raw = cells[p_region].strip()
        region = region_c.get((raw, year))
        if region is None:
            region = code("지역", "region", raw, year)
        raw = cells[p_six_t].strip()
        six_t = six_t_c.get((raw, year))
        if six_t is None:
            six_t = code("6T관련기술", "six_t", raw, year)
        science = cells[p_science].strip().upper()
        if science:
            if len(science) > 10:
                raise RowProblem("과학기술표준분류코드", science, "코드가 너무 김 / code too long")
            large = caches["science_class"].get((science[:2], year))
            if large is None:
                large = code("과학기술표준분류코드", "science_class", science[:2], year)
        else:
            science_name = cells[p_science_name].strip()
            if science_name:
                large = code("과학기술표준분류명", "science_class",
                             science_name.split("-")[0], year)
                science = large
            else:
                large = ""
        raw = cells[p_start].strip()
        start = date_cache[raw] if raw in date_cache else date("총연구기간시작일자", raw)
        raw = cells[p_end].strip()
        end = date_cache[raw] if raw in date_cache else date("총연구기간종료일자", raw)
        (title_en, business, sub_business, manager, organisation, agency, goal, content,
         effect, keywords, continuing, previous, detail) = texts
        return (number, year, title, title_en, ministry, ministry_code, business, sub_business,
                manager, organisation, agency, goal, content, effect, keywords, total, gov,
                private, continuing, previous, detail, stage, performer, region, science, large,
                six_t, start, end)

    return convert
