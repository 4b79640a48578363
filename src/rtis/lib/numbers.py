"""Whole numbers typed by a person: ASCII digits only. Pure: no Django.

``str.isdigit()`` is true for characters that are no use as a number here: superscripts ("²")
that ``int()`` refuses with ValueError (a 500 where a 400 was meant), and other scripts' digits
("٣", "١٢") that ``int()`` reads as 3 and 12 although nobody typed 3 or 12 on a Korean keyboard.
A string of more digits than ``int()`` converts (4,300 by default since Python 3.11) is no
number either. Every check of a user-supplied string for digits goes through these functions.
"""

from __future__ import annotations

__all__ = ["ascii_int", "is_ascii_digits"]


def is_ascii_digits(text: str) -> bool:
    """Return whether text is one or more of the digits 0–9 and nothing else (no sign, no space)."""
    return text.isascii() and text.isdigit()


def ascii_int(text: str, *, signed: bool = False) -> int | None:
    """Return the whole number text spells in ASCII digits (a leading "-" if signed), else None."""
    digits = text[1:] if signed and text.startswith("-") else text
    if not is_ascii_digits(digits):
        return None
    try:
        return int(text)
    except ValueError:  # past sys.get_int_max_str_digits(): a page of digits is not a number
        return None
