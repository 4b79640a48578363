"""Convert the money printed in Seoul government documents to and from integer won.

Tables say their unit ("(단위: 백만원)"); amounts are stored as integer won. Printed cells use
thousands separators ("7,900"), "△" or parentheses for negatives ("△1,200", "(1,200)") and
"-" or "…" for an empty cell. Korean public documents round half up (반올림).
Every refusal is a MoneyError whose message is Korean, then English, then the value and unit.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from fractions import Fraction

__all__ = [
    "MAX_WON",
    "UNITS",
    "MoneyError",
    "format_won",
    "from_won",
    "parse_amount",
    "parse_money",
    "parse_unit",
    "rounding_tolerance_won",
    "to_won",
    "won_unit_factor",
]

UNITS: dict[str, int] = {
    "원": 1,
    "천원": 1_000,
    "백만원": 1_000_000,
    "억원": 100_000_000,
    "조원": 1_000_000_000_000,
}

# Amounts are stored in a signed 64-bit column (BigIntegerField).
MAX_WON = 2**63 - 1

_MAX_INPUT = 60
_MAX_DECIMALS = 18
_EMPTY_CELLS = frozenset({"", "-", "－", "–", "—", "―", "…", "...", "‥"})
_NEGATIVE_SIGNS = ("-", "−", "△", "Δ", "∆")
_NUMBER = re.compile(r"(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?")


class MoneyError(ValueError):
    """An amount or unit that cannot be used; the message is Korean / English: value unit."""


def _show(value: object) -> str:
    """Render a value for an error message: strings quoted, numbers bare."""
    return repr(value) if not isinstance(value, int | Decimal) else str(value)


def _fail(korean: str, english: str, value: object, unit: object = None) -> MoneyError:
    """Build an error whose message names the value and, when known, the unit."""
    where = _show(value) if unit is None else f"{_show(value)} {unit}"
    return MoneyError(f"{korean} / {english}: {where}")


def _power(unit: object) -> int:
    """Return the power of ten of a unit, refusing units that are not known."""
    if not isinstance(unit, str) or unit not in UNITS:
        raise _fail(
            "알 수 없는 단위입니다 (원, 천원, 백만원, 억원, 조원)",
            "unknown unit (원, 천원, 백만원, 억원, 조원)",
            unit,
        )
    return len(str(UNITS[unit])) - 1


def _check_won(won: int, value: object, unit: object) -> int:
    """Refuse an amount that does not fit a signed 64-bit column."""
    if abs(won) > MAX_WON:
        raise _fail("금액이 너무 큽니다", "the amount is too large", value, unit)
    return won


def to_won(value: int | Decimal | str, unit: str) -> int:
    """Convert an amount printed in a unit to integer won, refusing fractions of a won."""
    power = _power(unit)
    if isinstance(value, bool) or not isinstance(value, int | Decimal | str):
        raise _fail(
            "정수, Decimal, 문자열만 받습니다 (float 불가)",
            "pass an int, Decimal or str (floats are refused)",
            value,
            unit,
        )
    if isinstance(value, int):
        return _check_won(value * 10**power, value, unit)
    if isinstance(value, str):
        amount = _parse_number(value, unit)
        if amount is None:
            raise _fail("금액이 비어 있습니다", "the cell holds no amount", value, unit)
    else:
        amount = value
    if not amount.is_finite():
        raise _fail("유한한 수가 아닙니다", "not a finite number", value, unit)
    sign, digit_tuple, exponent = amount.as_tuple()
    assert isinstance(exponent, int)
    digits = "".join(map(str, digit_tuple)).rstrip("0")
    if not digits:
        return 0
    exponent += len(digit_tuple) - len(digits) + power
    if exponent < 0:
        raise _fail("원 단위 정수가 아닙니다", "not a whole number of won", value, unit)
    if len(digits) + exponent > len(str(MAX_WON)):
        raise _fail("금액이 너무 큽니다", "the amount is too large", value, unit)
    won = int(digits) * 10**exponent
    return _check_won(-won if sign else won, value, unit)


def from_won(won: int, unit: str) -> Decimal:
    """Express integer won exactly in a unit, without trailing zeros after the point."""
    power = _power(unit)
    if isinstance(won, bool) or not isinstance(won, int):
        raise _fail("원 금액은 정수여야 합니다", "won must be an int", won, unit)
    digits = str(abs(won))
    exponent = -power
    while exponent < 0 and len(digits) > 1 and digits.endswith("0"):
        digits, exponent = digits[:-1], exponent + 1
    if digits == "0":
        return Decimal(0)
    return Decimal((int(won < 0), tuple(int(d) for d in digits), exponent))


def format_won(
    won: int, unit: str = "백만원", decimals: int | None = None, *, minus: str = "-"
) -> str:
    """Print integer won in a unit with thousands separators, rounding half up."""
    power = _power(unit)
    if isinstance(won, bool) or not isinstance(won, int):
        raise _fail("원 금액은 정수여야 합니다", "won must be an int", won, unit)
    places = 0 if decimals is None else decimals
    if isinstance(places, bool) or not isinstance(places, int):
        raise _fail("소수 자릿수는 정수여야 합니다", "decimals must be an int", places, unit)
    if not 0 <= places <= _MAX_DECIMALS:
        raise _fail(
            f"소수 자릿수는 0~{_MAX_DECIMALS}이어야 합니다",
            f"decimals must be 0–{_MAX_DECIMALS}",
            places,
            unit,
        )
    if minus not in ("-", "△"):
        raise _fail("음수 기호는 '-'나 '△'여야 합니다", "minus must be '-' or '△'", minus)
    scaled, remainder = divmod(abs(won) * 10**places, 10**power)
    if 2 * remainder >= 10**power:
        scaled += 1
    text = str(scaled).rjust(places + 1, "0")
    whole, fraction = text[: len(text) - places], text[len(text) - places :]
    printed = f"{int(whole):,}" + (f".{fraction}" if places else "")
    return f"{minus}{printed}" if won < 0 and scaled else printed


def parse_amount(text: str) -> Decimal | None:
    """Read a printed cell such as "7,900", "△1,200" or "(1,200)"; return None for "-" or "…"."""
    return _parse_number(text, None)


def _parse_number(text: object, unit: str | None) -> Decimal | None:
    """Read a printed number, quoting the unit in errors when one is given."""
    if not isinstance(text, str):
        raise _fail("문자열이 아닙니다", "not a string", text, unit)
    if len(text) > _MAX_INPUT:
        raise _fail("입력이 너무 깁니다", f"longer than {_MAX_INPUT} characters", text, unit)
    cleaned = unicodedata.normalize("NFKC", text).strip()
    if cleaned in _EMPTY_CELLS:
        return None
    negative = False
    if cleaned.startswith("(") and cleaned.endswith(")"):
        negative, cleaned = True, cleaned[1:-1].strip()
    if cleaned.startswith(_NEGATIVE_SIGNS):
        if negative:
            raise _fail(
                "괄호와 음수 기호가 겹쳤습니다", "parentheses and a minus sign together", text, unit
            )
        negative, cleaned = True, cleaned[1:].strip()
    elif cleaned.startswith("+") and not negative:
        cleaned = cleaned[1:].strip()
    if cleaned.startswith(("▲", "▼")):
        raise _fail(
            "▲/▼는 뜻이 모호합니다 (음수는 △)", "▲/▼ are ambiguous, negatives are △", text, unit
        )
    if not _NUMBER.fullmatch(cleaned):
        raise _fail("금액 형식이 아닙니다", "not an amount", text, unit)
    amount = Decimal(cleaned.replace(",", ""))
    return -amount if negative else amount


def rounding_tolerance_won(unit: str, terms: int, decimals: int = 0) -> int:
    """Return the largest gap in won that rounding can explain: half a printed unit per term.

    Count every printed figure in the comparison, the total included: a total checked against
    three parts is four terms. Figures printed in whole won are exact, so their tolerance is 0.
    """
    power = _power(unit)
    if isinstance(terms, bool) or not isinstance(terms, int) or terms < 0:
        raise _fail("항의 수는 0 이상의 정수여야 합니다", "terms must be an int ≥ 0", terms, unit)
    if isinstance(decimals, bool) or not isinstance(decimals, int) or decimals < 0:
        raise _fail(
            "소수 자릿수는 0 이상의 정수여야 합니다", "decimals must be an int ≥ 0", decimals, unit
        )
    if decimals >= power:
        return 0
    printed_unit: int = 10 ** (power - decimals)
    return printed_unit // 2 * terms


_UNIT_IN_CAPTION = re.compile(r"단위\s*[:：]?\s*([가-힣]+)")


def parse_unit(text: str) -> str:
    """Find the money unit of a caption such as "(단위 : 백만원, %, '22.1.21. 기준)"."""
    if not isinstance(text, str):
        raise _fail("문자열이 아닙니다", "not a string", text)
    cleaned = unicodedata.normalize("NFKC", text).strip()
    match = _UNIT_IN_CAPTION.search(cleaned)
    unit = match.group(1) if match else cleaned.strip("()[] ")
    if unit not in UNITS:
        raise _fail("돈의 단위가 아닙니다", "no money unit found", text)
    return unit


_BIG = {"조": 10**12, "억": 10**8, "만": 10**4}
_SMALL = {"천": 1000, "백": 100, "십": 10}
_MONEY_TOKEN = re.compile(r"\s*(?:(?P<number>[0-9][0-9,]*(?:\.[0-9]+)?)|(?P<word>[조억만천백십]))")


def parse_money(text: str) -> int:
    """Read an amount written with Korean units, e.g. "85,035백만원" or "289조 7,187억원"."""
    if not isinstance(text, str):
        raise _fail("문자열이 아닙니다", "not a string", text)
    if len(text) > _MAX_INPUT:
        raise _fail("입력이 너무 깁니다", f"longer than {_MAX_INPUT} characters", text)
    cleaned = unicodedata.normalize("NFKC", text).strip()
    negative = cleaned.startswith(_NEGATIVE_SIGNS)
    if negative:
        cleaned = cleaned[1:]
    if cleaned.endswith("원"):
        cleaned = cleaned[:-1]
    elif not cleaned or cleaned[-1] not in _BIG:
        raise _fail("금액 단위가 없습니다 (원, 만, 억, 조)", "no money unit (원, 만, 억, 조)", text)
    total, section = Fraction(0), Fraction(0)
    number: Fraction | None = None
    open_section = False
    last_big, last_small = 10**16, 10**4
    position = 0
    while position < len(cleaned.rstrip()):
        token = _MONEY_TOKEN.match(cleaned, position)
        if token is None:
            raise _fail("금액 형식이 아닙니다", "not an amount", text)
        position = token.end()
        if token["number"] is not None:
            if number is not None or not _NUMBER.fullmatch(token["number"]):
                raise _fail("숫자 형식이 잘못되었습니다", "malformed number", text)
            number = Fraction(Decimal(token["number"].replace(",", "")))
        elif token["word"] in _SMALL:
            small = _SMALL[token["word"]]
            if number is None or small >= last_small:
                raise _fail("천·백·십의 순서가 잘못되었습니다", "misplaced 천/백/십", text)
            section, number, last_small = section + number * small, None, small
            open_section = True
        else:
            big = _BIG[token["word"]]
            if number is not None:
                section, number, open_section = section + number, None, True
            if not open_section or big >= last_big:
                raise _fail("조·억·만의 순서가 잘못되었습니다", "misplaced 조/억/만", text)
            total, section, last_big, last_small = total + section * big, Fraction(0), big, 10**4
            open_section = False
    if number is not None:
        section += number
    if not re.search(r"[0-9]", cleaned):
        raise _fail("금액이 없습니다", "no amount", text)
    won = total + section
    if won.denominator != 1:
        raise _fail("원 단위 정수가 아닙니다", "not a whole number of won", text)
    result = -won.numerator if negative else won.numerator
    return _check_won(result, text, None)


_WON_UNIT = re.compile(r"(?P<small>[십백천])?(?P<big>[만억조])?원|(?P<bare_small>[십백천])?(?P<bare>억)")


def won_unit_factor(unit: str | None) -> int | None:
    """Return how many won one printed unit is worth ("만원" 10,000, "억" 10^8), else None.

    Wider than UNITS (the units of tables and money columns): a number printed in running text
    may carry any Korean won unit: 원, 천원, 만원, 백만원, 천만원, 억원, 천억원, 조원, and
    억 without 원 ("50억 투자유치"). A bare 만, 천 or 조 (also a counter of groups) is not money.
    """
    if not isinstance(unit, str):
        return None
    match = _WON_UNIT.fullmatch("".join(unicodedata.normalize("NFKC", unit).split()))
    if match is None:
        return None
    small = match["small"] or match["bare_small"]
    big = match["big"] or match["bare"]
    return (_SMALL[small] if small else 1) * (_BIG[big] if big else 1)
