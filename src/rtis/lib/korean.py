"""Korean wording helpers: the right particle after a word, one language of a bilingual message.

Actions raise messages carrying both languages, "한국어 / English"; a page shows only the half of
its language (`one_language`). Particles (은/는, 이/가, 을/를, 으로/로) follow the last sound of
the word, so a message says "지출액이" and "본예산은" instead of "지출액이(가)".
"""

from __future__ import annotations

import re

__all__ = ["has_final_consonant", "josa", "one_language", "particle"]

_HANGUL_FIRST, _HANGUL_LAST = 0xAC00, 0xD7A3
_RIEUL = 8  # the final ㄹ: "으로" becomes "로" after it
# How digits are read: 영 일 이 삼 사 오 육 칠 팔 구 (final consonant index, 0 = none).
_DIGIT_FINALS = {"0": 21, "1": 8, "2": 0, "3": 16, "4": 0, "5": 0, "6": 1, "7": 8, "8": 8,
                 "9": 0}
_PAIRS = {"은는": ("은", "는"), "이가": ("이", "가"), "을를": ("을", "를"), "과와": ("과", "와"),
          "으로": ("으로", "로"), "이다": ("이다", "다")}
_IGNORED_TAIL = "'\"’”)]」』 "
_HANGUL = re.compile(r"[\uac00-\ud7a3]")
_LATIN = re.compile(r"[A-Za-z]")
_SEPARATOR = " / "


def _final(word: str) -> int | None:
    """Return the final consonant index (0 = none) of the word's last sound, None if unknown."""
    for char in reversed(word.rstrip(_IGNORED_TAIL)):
        code = ord(char)
        if _HANGUL_FIRST <= code <= _HANGUL_LAST:
            return (code - _HANGUL_FIRST) % 28
        if char in _DIGIT_FINALS:
            return _DIGIT_FINALS[char]
        return None
    return None


def has_final_consonant(word: str) -> bool:
    """Tell whether the word's last sound ends in a consonant (받침), e.g. 액 yes, 체 no."""
    return bool(_final(word))


def particle(word: str, pair: str) -> str:
    """Return the word with the particle its last sound takes: particle("지출액", "이가") → "지출액이".

    pair is one of 은는, 이가, 을를, 과와, 으로, 이다. Words ending in a letter the rule cannot
    read (Latin, symbols) take the form after a vowel, which reads naturally for most of them.
    """
    with_final, without = _PAIRS[pair]
    final = _final(word)
    if pair == "으로":
        return word + (with_final if final and final != _RIEUL else without)
    return word + (with_final if final else without)


def josa(word: object, pair: str) -> str:
    """Return only the particle the word takes: josa("2019-07", "은는") → "은"."""
    return particle(str(word), pair)[len(str(word)):]


def one_language(message: str, language: str) -> str:
    """Return the half of a "한국어 / English" message in the language ("ko…" or "en…").

    The split is the first " / " with Korean before it and mostly Latin letters after it (an
    English half may quote a Korean name); a message without such a split is returned whole.
    """
    start = 0
    while True:
        at = message.find(_SEPARATOR, start)
        if at < 0:
            return message
        before, after = message[:at], message[at + len(_SEPARATOR):]
        if _HANGUL.search(before) and len(_LATIN.findall(after)) > len(_HANGUL.findall(after)):
            return (after if language.startswith("en") else before).strip()
        start = at + 1
