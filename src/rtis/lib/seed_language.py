"""Korean documents stay Korean: find English prose among a seed file's user-visible texts.

A heuristic, tuned on the Seoul dataset (docs/seed-format.md, "Language"). A text reads as
English prose when, after removing URLs, e-mail addresses and titles quoted in 「」 or 『』:

- it holds an English function word in lower case ("from", "the", "of", "printed" ...), or
- it holds two or more lower-case English words (units such as "m" or "km" aside), or
- it holds a run of three or more Latin-letter words, one of them in lower case, that no
  Hangul interrupts.

Names and codes as documents print them stay allowed: acronyms and capitalised names ("R&D",
"AI", "SBA", "NTIS", "ICT", "Seoul Beauty Week", "CEO-biz 포럼", "Tech Trade-On"), units and
numbers. Notes for maintainers go to YAML comments or a `note_en` field, never checked and never
shown.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from typing import Any

__all__ = ["CODE_KEYS", "MAINTAINER_KEYS", "english_fields", "english_prose"]

# A word of Latin letters; letters glued to digits or underscores are a code ("B2층", "5G",
# "a83344de", "table_sum"), not a word.
LATIN_WORD = re.compile(r"(?<![0-9A-Za-z_])[A-Za-z]+(?:['’\-&.][A-Za-z]+)*(?![0-9A-Za-z_])")
_URL_OR_MAIL = re.compile(r"(?:https?://|www\.)\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_QUOTED_TITLE = re.compile(r"「[^」]*」|『[^』]*』")
# What may stand between two words of one run: spaces, digits and punctuation, not Hangul.
_RUN_GAP = re.compile(r"[\s0-9,.;:()\[\]'\"’“”/\-–—%&+~!?*·]*")
FUNCTION_WORDS = frozenset({
    "a", "an", "the", "of", "and", "or", "but", "from", "to", "in", "into", "on", "at", "by",
    "for", "with", "without", "as", "is", "are", "was", "were", "be", "been", "not", "no",
    "this", "that", "these", "those", "which", "who", "it", "its", "each", "every", "only",
    "than", "then", "also", "after", "before", "under", "over", "per", "if", "so", "see",
    "read", "meant", "printed", "kept", "split", "here", "there", "where", "when", "what",
    "how", "all", "both", "between", "same", "does", "do", "has", "have", "had",
})
UNIT_WORDS = frozenset({
    "m", "km", "cm", "mm", "kg", "g", "t", "ml", "l", "kw", "kwh", "mw", "mwh", "gw", "gwh",
    "ha", "kb", "mb", "gb", "tb", "ppm", "db", "kcal",
})
# Keys whose strings are codes or references, not text a reader sees.
CODE_KEYS = frozenset({
    "format", "document", "slug", "key", "code", "node", "source", "kind", "direction",
    "state", "placement", "category", "plan", "language",
})
# Keys that hold maintainers' notes (any language, never shown) or machine-read structures.
MAINTAINER_KEYS = frozenset({"note_en", "claims"})


def _lower_words(words: list[str]) -> list[str]:
    return [w for w in words if w.islower() and w.lower() not in UNIT_WORDS]


def english_prose(text: str) -> str | None:
    """Return the words that make a text read as English prose, or None when it does not."""
    cleaned = unicodedata.normalize("NFKC", text)
    cleaned = _QUOTED_TITLE.sub(" ", _URL_OR_MAIL.sub(" ", cleaned))
    matches = list(LATIN_WORD.finditer(cleaned))
    words = [m.group() for m in matches]
    function = [w for w in words if w in FUNCTION_WORDS]
    if function:
        return function[0]
    lower = _lower_words(words)
    if len(lower) >= 2:
        return " ".join(lower)
    run: list[re.Match[str]] = []
    for match in matches:
        if run and not _RUN_GAP.fullmatch(cleaned, run[-1].end(), match.start()):
            run = []
        run.append(match)
        if len(run) >= 3 and _lower_words([m.group() for m in run]):
            return cleaned[run[0].start():run[-1].end()]
    return None


def english_fields(data: Any, path: tuple[Any, ...] = ()
                   ) -> Iterator[tuple[tuple[Any, ...], str, str]]:
    """Yield (path, text, English words) for every user-visible text that reads as English."""
    if isinstance(data, dict):
        for key, value in data.items():
            if key in MAINTAINER_KEYS or (key in CODE_KEYS and not isinstance(value, dict | list)):
                continue
            yield from english_fields(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from english_fields(value, (*path, index))
    elif isinstance(data, str):
        found = english_prose(data)
        if found is not None:
            yield path, data, found
