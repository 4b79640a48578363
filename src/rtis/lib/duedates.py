"""Read the due date of a follow-up from its printed schedule ("향후계획").

A schedule lists steps with dates: "위원 위촉: '22.1; 위원회 운영: '22.2 ~; 지원계획 수립: '22.3".
The due date is the last day of the LAST dated step that has an end, e.g.

    "'22년 상반기 중"   → 2022-06-30     "'22.3."       → 2022-03-31
    "'22.12월 중"       → 2022-12-31     "'22년 연중"   → 2022-12-31
    "'22.4.~10."        → 2022-10-31     "~'23년"       → 2023-12-31

An open range ("'22.3.~", "'24년~") names when ongoing work starts, not when it is due, so it
is passed over. A month or half printed without a year ("별빛축제(10월)", "상반기 중") takes
the year printed last before it, else ``default_year``. Years are printed with an apostrophe
("'22") or with four digits followed by 년 or a period ("2022.2월"); a bare "2년" is a duration.
Anything unreadable is skipped: the function never raises on text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from rtis.lib.kdate import (
    MAX_YEAR,
    MIN_YEAR,
    KoreanDate,
    KoreanDateError,
    expand_year,
    half_bounds,
    parse_date_range,
    parse_korean_date,
    quarter_bounds,
)

__all__ = ["due_date", "scheduled_dates"]

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "′": "'", "´": "'", "‛": "'"})
_TILDES = str.maketrans({"∼": "~", "〜": "~", "～": "~", "〰": "~"})

# A printed year: "'22" (two digits after an apostrophe) or "2022" before 년 or a period.
_YEAR = r"(?:'\s?[0-9]{2}(?![0-9])|(?<![0-9.,])(?:19[0-9]{2}|20[0-9]{2}|2100)(?=\s*(?:년|\.)))"
# A year with an optional month and day: "'22", "'22년", "'22.3.", "'22.4월", "'22.1.21.",
# "2022년 3월", "'22년 3월 5일". After 년 a month needs 월, so "'22년 32개소" stays a year.
_POINT = (
    _YEAR
    + r"(?:\s*년도?(?:\s*[0-9]{1,2}\s*월(?:\s*[0-9]{1,2}\s*일)?)?"
    + r"|\s*\.(?:\s*[0-9]{1,2}(?![0-9])(?:\s*월|\s*\.(?:\s*[0-9]{1,2}(?![0-9])\s*\.?)?)?)?)?"
)
# The short end of a range whose start gives the year: "~10.", "~6월", "~11", "~3.15.".
_SHORT_END = r"[0-9]{1,2}(?![0-9])\s*(?:월|일|\.)?(?:\s*[0-9]{1,2}(?![0-9])\s*(?:일|\.)?)?"
_HALF_WORD = r"(?P<half>상반기|하반기|전반기|후반기|上|下|(?:상|하)(?![가-힣]))"

_TOKEN = re.compile(
    r"(?P<yhalf>(?P<hy>" + _YEAR + r")\s*(?:년도|년|\.)?\s*" + _HALF_WORD + r")"
    r"|(?P<quarter>(?P<qy>" + _YEAR + r")\s*(?:년도|년|\.)?\s*(?P<q>[1-4])\s*(?:/\s*4\s*)?분기)"
    r"|(?P<range>(?P<start>" + _POINT + r")(?:\s*~\s*(?P<end>" + _POINT + "|" + _SHORT_END + r")?)?)"
    r"|(?P<upto>~\s*(?P<upto_end>" + _POINT + r"))"
    r"|(?P<month>(?<![0-9.~'])(?P<m>[0-9]{1,2})\s*월)"
    r"|(?P<bare_half>(?<![가-힣])(?:상반기|하반기))"
)


@dataclass(frozen=True, slots=True)
class Scheduled:
    """One date read from a schedule: what was printed and the last day it covers (None if open)."""

    printed: str
    due: date | None


def _clean(text: str) -> str:
    """Normalise width, apostrophes and tildes (上/下 survive NFKC as themselves)."""
    return unicodedata.normalize("NFKC", text).translate(_APOSTROPHES).translate(_TILDES)


def _year(printed: str) -> int:
    """Read the year of a printed year token ("'22" or "2022")."""
    digits = printed.lstrip("'").strip()
    return expand_year(int(digits)) if len(digits) == 2 else int(digits)


def _half_end(year: int, word: str) -> date:
    """Return the last day of the half a word names (상반기, 下, …)."""
    return half_bounds(year, 1 if word[0] in "상전上" else 2)[1]


def _read(match: re.Match[str], context_year: int | None) -> tuple[date | None, int | None]:
    """Return the last day a token covers (None when open) and the year it printed, if any."""
    if match["yhalf"]:
        year = _year(match["hy"])
        return _half_end(year, match["half"]), year
    if match["quarter"]:
        year = _year(match["qy"])
        return quarter_bounds(year, int(match["q"]))[1], year
    if match["range"]:
        start = parse_korean_date(match["start"])
        if match["end"] is None and "~" not in match["range"]:
            return start.last_day(), start.year
        if not match["end"]:
            return None, start.year
        _, end = parse_date_range(f"{match['start']}~{match['end']}")
        return (end.last_day() if end else None), start.year
    if match["upto"]:
        end = parse_korean_date(match["upto_end"])
        return end.last_day(), end.year
    if context_year is None:
        return None, None
    if match["month"]:
        return KoreanDate(context_year, int(match["m"])).last_day(), None
    return _half_end(context_year, match["bare_half"]), None


def scheduled_dates(text: str, default_year: int | None = None) -> list[Scheduled]:
    """List the dates of a schedule in printed order, with the last day each covers."""
    if not isinstance(text, str):
        return []
    if default_year is not None and not MIN_YEAR <= default_year <= MAX_YEAR:
        default_year = None
    found: list[Scheduled] = []
    context_year = default_year
    for match in _TOKEN.finditer(_clean(text)):
        try:
            due, year = _read(match, context_year)
        except (KoreanDateError, ValueError):
            continue  # a misprint such as "'23.31.~" is not a date
        if year is not None:
            context_year = year
        if due is not None or match["range"] or match["upto"]:
            found.append(Scheduled(match.group().strip(), due))
    return found


def due_date(text: str | None, default_year: int | None = None) -> date | None:
    """Return the last day of the last dated step of a schedule that has an end, or None."""
    ends = [s.due for s in scheduled_dates(text or "", default_year) if s.due is not None]
    return ends[-1] if ends else None
