"""Parse the dates printed in Seoul government documents.

Examples of what is read: "’22.3." (March 2022), "'18.1월", "2018.2.24.", "2017. 11. 1.",
"2021년 11월 3일", "2018-02-24", "(’22.1.21. 기준)", "'22.2.9.(수)", "’21년 12월말",
"’15~’23", "(~23)", "'21. 4분기", "21.1Q", "22년 상반기".

Two-digit years: 90–99 are 19xx, 00–89 are 20xx. Accepted years are 1990–2100.
Every refusal is a KoreanDateError whose message is Korean, then English, then the input.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Literal

__all__ = [
    "MAX_YEAR",
    "MIN_YEAR",
    "KoreanDate",
    "KoreanDateError",
    "Precision",
    "expand_year",
    "find_as_of",
    "half_bounds",
    "parse_date_range",
    "parse_half",
    "parse_korean_date",
    "parse_quarter",
    "parse_year_range",
    "quarter_bounds",
]

MIN_YEAR = 1990
MAX_YEAR = 2100
_MAX_INPUT = 80
_WEEKDAYS = "월화수목금토일"  # date.weekday(): Monday is 0

Precision = Literal["year", "month", "day"]


class KoreanDateError(ValueError):
    """A printed date that cannot be read; the message is Korean / English: input."""


def _fail(korean: str, english: str, text: object) -> KoreanDateError:
    """Build an error whose message quotes the input."""
    return KoreanDateError(f"{korean} / {english}: {text!r}")


@dataclass(frozen=True, slots=True)
class KoreanDate:
    """A date as precise as it was printed: a year, a month of a year, or a day."""

    year: int
    month: int | None = None
    day: int | None = None

    def __post_init__(self) -> None:
        """Refuse a year, month or day that is out of range or does not exist."""
        shown = (self.year, self.month, self.day)
        for part in shown:
            if part is not None and (type(part) is not int):
                raise _fail("연·월·일은 정수여야 합니다", "year, month and day must be int", shown)
        _check_year(self.year, shown)
        if self.month is None:
            if self.day is not None:
                raise _fail("월 없이 일만 있습니다", "a day needs a month", shown)
            return
        _check_month(self.month, shown)
        if self.day is not None:
            _check_day(self.year, self.month, self.day, shown)

    @property
    def precision(self) -> Precision:
        """Return how precisely the date was printed: 'year', 'month' or 'day'."""
        if self.month is None:
            return "year"
        if self.day is None:
            return "month"
        return "day"

    def first_day(self) -> date:
        """Return the first calendar day the printed date covers."""
        return date(self.year, self.month or 1, self.day or 1)

    def last_day(self) -> date:
        """Return the last calendar day the printed date covers."""
        if self.month is None:
            return date(self.year, 12, 31)
        if self.day is None:
            return date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])
        return date(self.year, self.month, self.day)

    def contains(self, day: date) -> bool:
        """Tell whether a calendar day falls inside the printed date."""
        return self.first_day() <= day <= self.last_day()

    def iso(self) -> str:
        """Return the date as ISO 8601 at its own precision: 2022, 2022-03 or 2022-03-21."""
        text = f"{self.year:04d}"
        if self.month is not None:
            text += f"-{self.month:02d}"
        if self.day is not None:
            text += f"-{self.day:02d}"
        return text

    def short(self) -> str:
        """Return the date the way Seoul documents print it, e.g. ’22.3.21. or ’22.3."""
        two_digits = self.year % 100
        year = f"’{two_digits:02d}" if expand_year(two_digits) == self.year else str(self.year)
        if self.month is None:
            return f"{year}년"
        text = f"{year}.{self.month}."
        if self.day is not None:
            text += f"{self.day}."
        return text

    def __str__(self) -> str:
        """Return the ISO form."""
        return self.iso()


def expand_year(two_digits: int) -> int:
    """Turn a two-digit year into a full one: 90–99 → 19xx, 00–89 → 20xx."""
    if type(two_digits) is not int or not 0 <= two_digits <= 99:
        raise _fail("두 자리 연도는 0~99여야 합니다", "a two-digit year must be 0–99", two_digits)
    return 1900 + two_digits if two_digits >= 90 else 2000 + two_digits


def _check_year(year: int, text: object) -> None:
    """Refuse a year outside 1990–2100."""
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise _fail(
            f"연도는 {MIN_YEAR}~{MAX_YEAR} 사이여야 합니다",
            f"year must be {MIN_YEAR}–{MAX_YEAR}",
            text,
        )


def _check_month(month: int, text: object) -> None:
    """Refuse a month outside 1–12."""
    if not 1 <= month <= 12:
        raise _fail("월은 1~12 사이여야 합니다", "month must be 1–12", text)


def _check_day(year: int, month: int, day: int, text: object) -> None:
    """Refuse a day that the month does not have (Feb 30, Apr 31, Feb 29 of 2023)."""
    last = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last:
        raise _fail(
            f"{year}년 {month}월에는 {day}일이 없습니다 (1~{last}일)",
            f"day must be 1–{last} in {year}-{month:02d}",
            text,
        )


# --- cleaning -------------------------------------------------------------------------------

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "′": "'", "´": "'", "‛": "'"})
_TILDES = str.maketrans({"∼": "~", "〜": "~", "～": "~", "〰": "~"})
_SPACES = re.compile(r"\s+")


def _clean(text: object) -> str:
    """Normalise width, apostrophes, tildes and spaces, and drop enclosing parentheses."""
    if not isinstance(text, str):
        raise _fail("문자열이 아닙니다", "not a string", text)
    if len(text) > _MAX_INPUT:
        raise _fail("입력이 너무 깁니다", f"input longer than {_MAX_INPUT} characters", text)
    cleaned = unicodedata.normalize("NFKC", text).translate(_APOSTROPHES).translate(_TILDES)
    cleaned = _SPACES.sub(" ", cleaned).strip()
    while _enclosed(cleaned):
        cleaned = cleaned[1:-1].strip()
    return cleaned


def _enclosed(text: str) -> bool:
    """Tell whether the whole text is one pair of matching parentheses or brackets."""
    pairs = {"(": ")", "[": "]", "〈": "〉"}
    if len(text) < 2 or pairs.get(text[0]) != text[-1]:
        return False
    depth = 0
    for index, char in enumerate(text):
        if char == text[0]:
            depth += 1
        elif char == text[-1]:
            depth -= 1
            if depth == 0 and index != len(text) - 1:
                return False
    return True


def _year_of(digits: str, apostrophe: bool, text: str) -> int:
    """Read a printed year of two or four digits."""
    if apostrophe and len(digits) != 2:
        raise _fail(
            "' 뒤의 연도는 두 자리여야 합니다",
            "a year after an apostrophe must have 2 digits",
            text,
        )
    if len(digits) == 2:
        return expand_year(int(digits))
    if len(digits) == 4:
        year = int(digits)
        _check_year(year, text)
        return year
    raise _fail("연도는 두 자리나 네 자리여야 합니다", "year must have 2 or 4 digits", text)


def _small(digits: str, what_ko: str, what_en: str, text: str) -> int:
    """Read a month or day of at most two digits."""
    if len(digits) > 2:
        raise _fail(f"{what_ko}은 두 자리 이하여야 합니다", f"{what_en} has too many digits", text)
    return int(digits)


# --- single dates ---------------------------------------------------------------------------

_DATE = re.compile(
    r"""
    (?P<ap>')?\s*(?P<year>[0-9]+)
    (?:\s*(?P<ysep>년도|년|\.|-)
      (?:\s*(?P<month>[0-9]+)
        (?:\s*(?P<msep>월|\.|-)
          (?:\s*(?P<day>[0-9]+)(?:\s*(?P<dsep>일|\.))?)?
        )?
      )?
    )?
    (?:\s*(?P<qual>초|중|말|경))?
    (?:\s*\((?P<weekday>[월화수목금토일])\))?
    (?:\s*(?P<asof>기준|현재))?
    """,
    re.VERBOSE,
)


def parse_korean_date(text: str) -> KoreanDate:
    """Read one printed date such as "’22.3.", "2018.2.24." or "(’22.1.21. 기준)"."""
    cleaned = _clean(text)
    if not cleaned:
        raise _fail("날짜가 비어 있습니다", "the date is empty", text)
    if "~" in cleaned:
        raise _fail(
            "기간입니다 (parse_date_range를 쓰세요)", "this is a range, use parse_date_range", text
        )
    match = _DATE.fullmatch(cleaned)
    if match is None:
        raise _fail("날짜 형식이 아닙니다", "not a date", text)
    year = _year_of(match["year"], match["ap"] is not None, text)
    month = day = None
    if match["month"] is not None:
        month = _small(match["month"], "월", "month", text)
        _check_month(month, text)
    elif match["ysep"] == "-":
        raise _fail("'-' 뒤에 월이 없습니다", "no month after '-'", text)
    if match["day"] is not None:
        if month is None:  # pragma: no cover - the pattern puts a day only after a month
            raise _fail("월 없이 일만 있습니다", "a day needs a month", text)
        day = _small(match["day"], "일", "day", text)
        _check_day(year, month, day, text)
    elif match["msep"] == "-":
        raise _fail("'-' 뒤에 일이 없습니다", "no day after '-'", text)
    separators = [sep for sep in (match["ysep"], match["msep"]) if sep is not None]
    if "-" in separators:
        if len(match["year"]) != 4:
            raise _fail("'-'는 네 자리 연도 뒤에만 씁니다", "'-' needs a four-digit year", text)
        if any(sep != "-" for sep in separators) or match["dsep"] is not None:
            raise _fail("'-'와 다른 구분자를 섞었습니다", "'-' mixed with other separators", text)
    if match["ysep"] == "년도" and month is not None:
        raise _fail(
            "'년도' 뒤에는 월이 올 수 없습니다", "'년도' cannot be followed by a month", text
        )
    if match["weekday"] is not None:
        if day is None:
            raise _fail("요일은 일자가 있어야 합니다", "a weekday needs a day", text)
        actual = _WEEKDAYS[date(year, month or 1, day).weekday()]
        if actual != match["weekday"]:
            raise _fail(
                f"요일이 맞지 않습니다 ({actual}요일입니다)",
                f"the weekday does not match, it is {actual}",
                text,
            )
    return KoreanDate(year, month, day)


_AS_OF = re.compile(
    r"(?:['’‘`] ?[0-9]{2}|(?<![0-9])[0-9]{4})(?![0-9])"
    r"(?: ?(?:년|월|일|\.)(?: ?[0-9]{1,2}(?![0-9]))?){0,3} ?(?:[초중말] ?)?"
    r"(?:\([월화수목금토일]\) ?)?(?:기준|현재)"
)


def find_as_of(text: str) -> KoreanDate | None:
    """Find the as-of date of a caption such as "(단위 : 백만원, %, '22.1.21. 기준)"."""
    if not isinstance(text, str):
        raise _fail("문자열이 아닙니다", "not a string", text)
    match = _AS_OF.search(_SPACES.sub(" ", unicodedata.normalize("NFKC", text)))
    return None if match is None else parse_korean_date(match.group())


# --- ranges ---------------------------------------------------------------------------------

_YEAR_ONLY = r"(?P<{n}ap>')?\s*(?P<{n}>[0-9]+)\s*(?:년도|년|\.)?"
_YEAR_RANGE = re.compile(
    r"(?:{start})?\s*(?P<sep>~|-|–|—)\s*{end}(?:\s*까지)?".format(
        start=_YEAR_ONLY.format(n="start"), end=_YEAR_ONLY.format(n="end")
    )
)


def parse_year_range(text: str) -> tuple[int | None, int]:
    """Read a span of years such as "’15~’23", "(~23)", "2018~2022" or "2018-2022"."""
    cleaned = _clean(text)
    match = _YEAR_RANGE.fullmatch(cleaned)
    if match is None:
        if re.fullmatch(r"'?\s*[0-9]+\s*(?:년도|년|\.)?\s*~", cleaned):
            raise _fail(
                "끝 연도가 없습니다 (parse_date_range를 쓰세요)",
                "the end year is missing, use parse_date_range",
                text,
            )
        raise _fail("연도 기간 형식이 아닙니다", "not a span of years", text)
    end = _year_of(match["end"], match["endap"] is not None, text)
    if match["start"] is None:
        if match["sep"] != "~":
            raise _fail("시작 연도가 없습니다", "the start year is missing", text)
        return None, end
    if match["sep"] != "~" and not (len(match["end"]) == 4 or match["endap"] is not None):
        raise _fail(
            "'-' 기간의 끝 연도는 네 자리나 '로 시작해야 합니다",
            "after '-' the end year needs 4 digits or an apostrophe",
            text,
        )
    start = _year_of(match["start"], match["startap"] is not None, text)
    if start > end:
        raise _fail("끝 연도가 시작 연도보다 앞섭니다", "the end year is before the start", text)
    return start, end


_PART = re.compile(r"([0-9]+)\s*(년도|년|월|일|\.)?")
_PARTS = re.compile(r"(?:[0-9]++\s*+(?:년도|년|월|일|\.)?+\s*+)++")


def parse_date_range(text: str) -> tuple[KoreanDate | None, KoreanDate | None]:
    """Read a printed period such as "’19.10~’22.6", "’16.6.25.~26.", "'22.3.~" or "(~’23)"."""
    cleaned = _clean(text)
    if cleaned.endswith("까지") and "~" not in cleaned:
        return None, parse_korean_date(cleaned[: -len("까지")])
    if cleaned.endswith("부터") and "~" not in cleaned:
        return parse_korean_date(cleaned[: -len("부터")]), None
    cleaned = cleaned.replace("–", "~").replace("—", "~")
    if cleaned.count("~") != 1:
        raise _fail("'~'가 하나인 기간이어야 합니다", "a range needs exactly one '~'", text)
    left, right = (side.strip() for side in cleaned.split("~"))
    if right.endswith("까지"):
        right = right[: -len("까지")].strip()
    if not left and not right:
        raise _fail("기간의 시작과 끝이 모두 없습니다", "the range has neither start nor end", text)
    start = _read_side(left, text) if left else None
    end = _read_end(right, start, text) if right else None
    if start is not None and end is not None and start.first_day() > end.last_day():
        raise _fail("끝이 시작보다 앞섭니다", "the end is before the start", text)
    return start, end


def _read_side(side: str, text: str) -> KoreanDate:
    """Read one side of a range, quoting the whole range on failure."""
    try:
        return parse_korean_date(side)
    except KoreanDateError as error:
        raise _fail(
            "기간의 한쪽을 읽을 수 없습니다", f"cannot read one side ({error})", text
        ) from error


def _read_end(right: str, start: KoreanDate | None, text: str) -> KoreanDate:
    """Read the end of a range, taking the year (and month) it leaves out from the start."""
    if start is None or right.startswith("'") or _PARTS.fullmatch(right) is None:
        return _read_side(right, text)
    parts = _PART.findall(right)
    if len(parts) > 2 or any(unit.startswith("년") for _, unit in parts):
        return _read_side(right, text)
    known = [start.year, start.month, start.day]
    depth = {"year": 1, "month": 2, "day": 3}[start.precision]
    if len(parts) >= depth:
        return _read_side(right, text)
    if any(unit == "월" for _, unit in parts):
        slots = [1] if len(parts) == 1 else [1, 2]
    elif any(unit == "일" for _, unit in parts):
        slots = [2] if len(parts) == 1 else [1, 2]
    else:
        slots = list(range(depth - len(parts), depth))
    values: list[int | None] = known[: slots[0]]
    for digits, _ in parts:
        values.append(_small(digits, "월·일", "month or day", text))
    if len(values) > 3 or (values[2:] and values[1] is None):
        raise _fail("기간의 끝을 읽을 수 없습니다", "cannot read the end of the range", text)
    month = values[1] if len(values) > 1 else None
    day = values[2] if len(values) > 2 else None
    try:
        return KoreanDate(start.year, month, day)
    except KoreanDateError as error:
        raise _fail(
            "기간의 끝이 올바른 날짜가 아닙니다", f"the end is not a valid date ({error})", text
        ) from error


# --- quarters and halves --------------------------------------------------------------------

_YEAR_PREFIX = r"(?:(?P<ap>')?\s*(?P<year>[0-9]+)(?:\s*(?:년도|년|\.)\s*|\s+))?"
_QUARTER = re.compile(
    _YEAR_PREFIX
    + r"(?:(?P<q>[0-9]+)\s*(?:/\s*4\s*)?분기|(?P<q2>[0-9]+)\s*[Qq]|[Qq]\s*(?P<q3>[0-9]+))"
    + r"(?:\s*(?:초|중|말))?"
)
_HALF = re.compile(
    _YEAR_PREFIX
    + r"(?:(?P<word>상반기|하반기|전반기|후반기)|(?P<h>[0-9]+)\s*[Hh]|[Hh]\s*(?P<h2>[0-9]+))"
    + r"(?:\s*(?:초|중|말))?"
)


def _year_or_default(match: re.Match[str], default_year: int | None, text: str) -> int:
    """Return the printed year, or the caller's default when none is printed."""
    if match["year"] is not None:
        return _year_of(match["year"], match["ap"] is not None, text)
    if default_year is None:
        raise _fail("연도가 없습니다", "the year is missing", text)
    _check_year(default_year, text)
    return default_year


def parse_quarter(text: str, default_year: int | None = None) -> tuple[int, int]:
    """Read a quarter such as "'21. 4분기", "2021년 3분기", "21.1Q" or "3/4분기" as (year, 1–4)."""
    cleaned = _clean(text)
    match = _QUARTER.fullmatch(cleaned)
    if match is None:
        raise _fail("분기 형식이 아닙니다", "not a quarter", text)
    digits = match["q"] or match["q2"] or match["q3"]
    if len(digits) > 1 or not 1 <= int(digits) <= 4:
        raise _fail("분기는 1~4 사이여야 합니다", "quarter must be 1–4", text)
    return _year_or_default(match, default_year, text), int(digits)


def parse_half(text: str, default_year: int | None = None) -> tuple[int, int]:
    """Read a half year such as "22년 상반기" or "'22. 하반기" as (year, 1|2)."""
    cleaned = _clean(text)
    match = _HALF.fullmatch(cleaned)
    if match is None:
        raise _fail("반기 형식이 아닙니다", "not a half year", text)
    if match["word"] is not None:
        half = 1 if match["word"] in ("상반기", "전반기") else 2
    else:
        digits = match["h"] or match["h2"]
        if len(digits) > 1 or not 1 <= int(digits) <= 2:
            raise _fail("반기는 1이나 2여야 합니다", "half must be 1 or 2", text)
        half = int(digits)
    return _year_or_default(match, default_year, text), half


def quarter_bounds(year: int, quarter: int) -> tuple[date, date]:
    """Return the first and last day of a quarter."""
    _check_year(year, (year, quarter))
    if type(quarter) is not int or not 1 <= quarter <= 4:
        raise _fail("분기는 1~4 사이여야 합니다", "quarter must be 1–4", (year, quarter))
    first = 3 * quarter - 2
    return date(year, first, 1), KoreanDate(year, first + 2).last_day()


def half_bounds(year: int, half: int) -> tuple[date, date]:
    """Return the first and last day of a half year."""
    _check_year(year, (year, half))
    if type(half) is not int or half not in (1, 2):
        raise _fail("반기는 1이나 2여야 합니다", "half must be 1 or 2", (year, half))
    if half == 1:
        return date(year, 1, 1), date(year, 6, 30)
    return date(year, 7, 1), date(year, 12, 31)
