"""Korean business numbers: 사업자등록번호 (10 digits) and 법인등록번호 (13 digits).

Both end in a check digit computed from the others (the National Tax Service's and the
court registry's published rules). Input may carry hyphens or spaces ("123-45-67890",
"110111-1234567"); the normalised form is the bare digits. Every refusal is a BizNoError whose
message is Korean, then English, with the value as typed. Pure: no Django.

사업자등록번호 detects every single-digit error (weights 1, 3, 7 are prime to 10 and the 9th
digit's ``5·d + ⌊5·d/10⌋`` takes ten different values mod 10). 법인등록번호 alternates weights 1 and 2,
so a digit in a weight-2 place changed by exactly 5 keeps the same check digit: that is the
algorithm's limit, not ours.
"""

from __future__ import annotations

import re

__all__ = [
    "BUSINESS_WEIGHTS",
    "CORPORATE_WEIGHTS",
    "BizNoError",
    "business_check_digit",
    "corporate_check_digit",
    "format_business_number",
    "format_corporate_number",
    "normalise_business_number",
    "normalise_corporate_number",
]

BUSINESS_WEIGHTS = (1, 3, 7, 1, 3, 7, 1, 3, 5)
CORPORATE_WEIGHTS = (1, 2) * 6

_SEPARATORS = re.compile(r"[\s\-‐‑–—]")


class BizNoError(ValueError):
    """A business or corporate registration number that is malformed or fails its check digit."""


def _digits(value: object, length: int, label: str, english: str) -> str:
    if not isinstance(value, str):
        raise BizNoError(f"{label}는 문자열이어야 합니다 / the {english} must be text: {value!r}")
    bare = _SEPARATORS.sub("", value)
    if not bare.isascii() or not bare.isdigit() or len(bare) != length:
        raise BizNoError(f"{label}는 숫자 {length}자리여야 합니다: '{value}' / "
                         f"the {english} must be {length} digits: '{value}'")
    return bare


def business_check_digit(first_nine: str) -> int:
    """Return the check digit of a 사업자등록번호 from its first nine digits."""
    if len(first_nine) != 9 or not first_nine.isascii() or not first_nine.isdigit():
        raise BizNoError(f"앞 9자리 숫자가 필요합니다: '{first_nine}' / nine digits expected: "
                         f"'{first_nine}'")
    digits = [int(c) for c in first_nine]
    total = sum(d * w for d, w in zip(digits, BUSINESS_WEIGHTS, strict=True))
    total += (digits[8] * 5) // 10
    return (10 - total % 10) % 10


def corporate_check_digit(first_twelve: str) -> int:
    """Return the check digit of a 법인등록번호 from its first twelve digits."""
    if len(first_twelve) != 12 or not first_twelve.isascii() or not first_twelve.isdigit():
        raise BizNoError(f"앞 12자리 숫자가 필요합니다: '{first_twelve}' / twelve digits expected: "
                         f"'{first_twelve}'")
    total = sum(int(c) * w for c, w in zip(first_twelve, CORPORATE_WEIGHTS, strict=True))
    return (10 - total % 10) % 10


def normalise_business_number(value: object) -> str:
    """Return the 10 bare digits of a valid 사업자등록번호, or raise BizNoError."""
    bare = _digits(value, 10, "사업자등록번호", "business registration number")
    if business_check_digit(bare[:9]) != int(bare[9]):
        raise BizNoError(f"사업자등록번호의 검증번호가 맞지 않습니다: '{value}' / the business "
                         f"registration number fails its check digit: '{value}'")
    return bare


def normalise_corporate_number(value: object) -> str:
    """Return the 13 bare digits of a valid 법인등록번호, or raise BizNoError."""
    bare = _digits(value, 13, "법인등록번호", "corporate registration number")
    if corporate_check_digit(bare[:12]) != int(bare[12]):
        raise BizNoError(f"법인등록번호의 검증번호가 맞지 않습니다: '{value}' / the corporate "
                         f"registration number fails its check digit: '{value}'")
    return bare


def format_business_number(bare: str) -> str:
    """Return '123-45-67890' for ten digits."""
    return f"{bare[:3]}-{bare[3:5]}-{bare[5:]}"


def format_corporate_number(bare: str) -> str:
    """Return '110111-1234567' for thirteen digits."""
    return f"{bare[:6]}-{bare[6:]}"
