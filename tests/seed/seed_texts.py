"""Korean documents stay Korean, money is kept in won: checks shared by the per-document tests.

`english_prose` is a heuristic: a run of three or more English words (acronyms such as R&D, AI,
NTIS or KAIST do not count) or a text made mostly of English letters is a paraphrase that has no
place in what a user or a council report sees. Names printed in English by the document itself
are passed as `printed` and allowed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

import yaml

from rtis.ingest.seed import SEED_DIR
from rtis.lib.money import UNITS, to_won
from rtis.plans.models import StatedFigure

# Values of these keys are codes (slugs, enums, file names), not text anyone reads.
CODE_KEYS = frozenset({"key", "format", "document", "slug", "source", "measure", "kind",
                       "direction", "placement", "state", "category", "plan"})
# Claims are instructions to the checker (labels and codes), never shown as text.
SKIPPED_SUBTREES = frozenset({"claims"})

# A stretch of text without Hangul, digits or other scripts: where an English run can sit.
_LATIN_STRETCH = re.compile(r"[A-Za-z&'’\-\s,.;:!?()\"/]+")
_WORD = re.compile(r"[A-Za-z][A-Za-z&'’\-]*")
_HANGUL = re.compile(r"[가-힣]")


def _prose_words(words: Iterable[str]) -> list[str]:
    """Words with a lower-case letter: acronyms (R&D, NTIS, SBA) are not prose."""
    return [w for w in words if any(c.islower() for c in w)]


def english_prose(text: str, printed: Iterable[str] = ()) -> list[str]:
    """The English runs of a text (empty when the text reads as Korean)."""
    for name in printed:
        text = text.replace(name, " ")
    found = [m.group().strip() for m in _LATIN_STRETCH.finditer(text)
             if len(_prose_words(_WORD.findall(m.group()))) >= 3]
    letters = sum(len(w) for w in _prose_words(_WORD.findall(text)))
    if not found and letters >= 8 and letters > len(_HANGUL.findall(text)):
        found.append(text)
    return found


def texts(data: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """Every text of a parsed seed file with its path, codes and claims left out."""
    if isinstance(data, dict):
        for key, value in data.items():
            if key in SKIPPED_SUBTREES or (key in CODE_KEYS and not isinstance(value, dict)):
                continue
            yield from texts(value, f"{path}.{key}" if path else str(key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from texts(value, f"{path}[{i}]")
    elif isinstance(data, str):
        yield path, data


def english_in_seed_file(name: str, printed: Iterable[str] = ()) -> list[tuple[str, list[str]]]:
    """(path, English runs) for every text of a seed file (e.g. "plans/pledge-5-3-6.yaml")."""
    data = yaml.safe_load((SEED_DIR / name).read_text(encoding="utf-8"))
    allowed = list(printed)
    return [(path, runs) for path, text in texts(data) if (runs := english_prose(text, allowed))]


# A money unit as a document prints it (억, 억원, 만원, 천만원, 조 원 ...); ratios such as
# 명/10억원 are not amounts.
_MONEY_UNIT = re.compile(r"^(?:[조억만천백십]+\s*원?|원)$")


def unconverted_money(slug: str) -> list[tuple[str, str, Decimal]]:
    """Stated figures of a plan whose printed money amount is not stored in won.

    A figure in a money unit the loader does not know (억, 만원 ...) keeps its printed number;
    a figure in a known unit must hold exactly the printed number converted to won.
    """
    data = yaml.safe_load((SEED_DIR / "plans" / f"{slug}.yaml").read_text(encoding="utf-8"))
    printed = {f["key"]: f for f in data.get("stated_figures") or []}
    wrong = []
    for figure in StatedFigure.objects.filter(plan__slug=slug).order_by("position"):
        unit = figure.unit_as_printed.strip()
        if not _MONEY_UNIT.match(unit):
            continue
        if unit not in UNITS:
            wrong.append((figure.key, unit, figure.value))
            continue
        expected = to_won(Decimal(str(printed[figure.key]["value"])), unit)
        if figure.value != expected:
            wrong.append((figure.key, unit, figure.value))
    return wrong
