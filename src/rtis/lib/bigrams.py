"""Hangul bigram tokens for full-text search: 2-syllable words and nouns with particles match.

Korean words are written without spaces between a noun and its particle (허브를) and compounds
are written both joined and apart (창업지원, 창업 지원). A word index would miss both; SQLite's
FTS5 `trigram` tokenizer finds nothing for a 2-syllable query. So text in a CJK script is cut
into overlapping pairs of characters (창업지원 → 창업 업지 지원), and across a space between two
such words as well (창업 지원 → … 업지 …), so the joined compound finds the spaced one. Latin
letters and digits are whole tokens (R&D → rd, 5G → 5g). A query is cut the same way, after
dropping a particle from the end of each word (허브를 → 허브), and every query token must occur.

Text is normalised first: NFKC (full-width Ｒ＆Ｄ, half-width ﾊﾝｸﾞﾙ, conjoining jamo) then
casefold. Pure Python, no Django: the index and the benchmark share it.
"""

from __future__ import annotations

import operator
import re
import unicodedata
from dataclasses import dataclass

__all__ = ["MAX_QUERY_CHARS", "QueryTerm", "index_tokens", "normalise", "query_terms",
           "query_tokens", "strip_particle"]

MAX_QUERY_CHARS = 200  # a longer query is refused by the pages and the API
MAX_TOKEN_CHARS = 60  # a longer Latin/digit run is cut (PostgreSQL lexemes have a limit)

# Scripts without spaces between morphemes: Hangul syllables, CJK ideographs, kana.
_BIGRAM_CHAR = (r"\uac00-\ud7a3\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
                r"\u3041-\u3096\u30a1-\u30fa")
_BIGRAM_RUN = re.compile(f"[{_BIGRAM_CHAR}]+")
# Between two runs of such script, only spaces: their boundary pair is indexed too.
_RUN_OR_OTHER = re.compile(f"([{_BIGRAM_CHAR}]+)|([^{_BIGRAM_CHAR}]+)")
_JOIN_SPACES = re.compile(f"(?<=[{_BIGRAM_CHAR}])\\s{{1,3}}(?=[{_BIGRAM_CHAR}])")
_SINGLE = re.compile(f"(?<![{_BIGRAM_CHAR}])[{_BIGRAM_CHAR}](?![{_BIGRAM_CHAR}])")
# Letters/digits of other scripts; a joiner (R&D, 3.5, co-op, ai_hub) keeps one token.
_WORD = re.compile(r"[^\W_]+(?:[&.\-_'’][^\W_]+)*")
_JOINERS = re.compile(r"[&.\-_'’]")

# Particles (조사) and copula endings a searcher types after a noun, longest first.
PARTICLES = tuple(sorted({
    "으로서", "으로써", "에서는", "에서도", "이라는", "으로는", "에게서", "까지는", "부터는",
    "에서", "에게", "으로", "까지", "부터", "이나", "이란", "라는", "처럼", "보다", "과는", "와는",
    "에는", "에도", "로서", "로써", "만큼", "마다", "조차", "이다", "입니다", "하고", "이랑", "한테",
    "을", "를", "이", "가", "은", "는", "의", "에", "와", "과", "도", "만", "로", "나", "랑",
}, key=len, reverse=True))


def normalise(text: str) -> str:
    """Return text in NFKC, casefolded: the form both the index and queries are cut from."""
    return unicodedata.normalize("NFKC", text).casefold()


def _pairs(run: str) -> list[str]:
    """Return the overlapping character pairs of a run (a single character stands alone)."""
    if len(run) == 1:
        return [run]
    return [run[i:i + 2] for i in range(len(run) - 1)]


def _latin_tokens(text: str) -> list[str]:
    """Return the whole letter/digit tokens of text outside the bigram scripts."""
    return [_JOINERS.sub("", word)[:MAX_TOKEN_CHARS] if len(word) > 1 else word
            for word in _WORD.findall(text)]


def index_tokens(text: str) -> list[str]:
    """Return the distinct tokens of a text to index.

    Written for speed (the benchmark indexes 1.5 million summaries): the loops run in C.
    """
    text = normalise(text)
    tokens: list[str] = []
    for run in _BIGRAM_RUN.findall(_JOIN_SPACES.sub("", text)):
        tokens.extend(map(operator.add, run, run[1:]))
    tokens.extend(_SINGLE.findall(text))  # a one-character word also stands alone
    tokens.extend(_latin_tokens(_BIGRAM_RUN.sub(" ", text)))
    distinct = dict.fromkeys(tokens)  # in C; then drop the empty token if any
    distinct.pop("", None)
    return list(distinct)


def strip_particle(word: str) -> str:
    """Return a Hangul word without a particle at its end, keeping at least two syllables."""
    for ending in PARTICLES:
        if word.endswith(ending) and len(word) - len(ending) >= 2:
            return word[: -len(ending)]
    return word


@dataclass(frozen=True)
class QueryTerm:
    """One word of a query as it is matched: normalised, without its particle."""

    text: str
    bigram: bool  # cut into pairs (Hangul/CJK) rather than a whole Latin/digit token

    def tokens(self) -> list[str]:
        return _pairs(self.text) if self.bigram else [self.text]


def query_terms(query: str) -> list[QueryTerm]:
    """Return the distinct terms of a query, in order (empty when nothing is searchable)."""
    text = normalise(query)
    terms: list[QueryTerm] = []
    for match in _RUN_OR_OTHER.finditer(text):
        run, other = match.group(1), match.group(2)
        if run:
            terms.append(QueryTerm(strip_particle(run), True))
        else:
            terms.extend(QueryTerm(t, False) for t in _latin_tokens(other))
    return list(dict.fromkeys(t for t in terms if t.text))


def query_tokens(query: str) -> list[str]:
    """Return the distinct tokens every match must contain."""
    return list(dict.fromkeys(t for term in query_terms(query) for t in term.tokens()))
