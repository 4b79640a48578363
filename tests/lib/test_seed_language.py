"""The English-prose heuristic of the seed validator: Korean with names and codes passes, prose not."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rtis.lib.seed_language import FUNCTION_WORDS, english_fields, english_prose

HANGUL = st.text(alphabet=st.characters(min_codepoint=0xAC00, max_codepoint=0xD7A3), min_size=1,
                 max_size=8)
PUNCTUATION = st.sampled_from([" ", ", ", " · ", "(", ")", ": ", " / ", "; ", " ※ ", "▶ "])
NUMBERS = st.from_regex(r"[0-9]{1,3}(,[0-9]{3})?(\.[0-9])?(%|㎡|명|개사|백만원|억원)?",
                        fullmatch=True)
# What documents print among Korean: acronyms, codes, capitalised names, units, URLs.
ALLOWED = st.sampled_from([
    "R&D", "AI", "SBA", "NTIS", "ICT", "DDP", "KIST", "IoT", "CVC", "VC", "AR·VR", "BT-IT",
    "CEO-biz", "M-밸리", "G밸리", "T커머스", "Scale-Up", "Seoul Beauty Week", "Startup Plus",
    "Tech Trade-On", "KAIST", "ETRI", "m^2", "km", "AI+X", "https://www.seoul.go.kr/main/index",
    "rtis@seoul.go.kr", "「Seoul Startup of the year」", "Amazon, Shopee",
])
KOREAN_PIECES = st.one_of(HANGUL, NUMBERS, ALLOWED, PUNCTUATION)
ENGLISH_WORDS = st.sampled_from([
    "report", "council", "programme", "budget", "column", "summary", "public", "firms",
    "support", "sales", "figure", "total", "training", "market", "year", "jobs", "centre",
])
SENTENCES = st.sampled_from([
    "2021 from 추진실적", "rows add up in every column", "(as printed; 추경편성 meant)",
    "the table does not say for which year", "Mixed units per row.", "(table, 5 columns)",
    "Third season of the sales support", "units differ (편 vs 개사)",
    "Public jobs for the vulnerable", "commissioned together",
])


def korean_text(pieces: list[str]) -> str:
    # Hangul between pieces, as in any Korean sentence: names and codes never touch each other.
    return "추진".join(pieces)


@given(st.lists(KOREAN_PIECES, min_size=1, max_size=12))
def test_it_accepts_korean_with_acronyms_names_units_and_links(pieces: list[str]) -> None:
    text = korean_text(pieces)
    assert english_prose(text) is None, text


@given(st.lists(KOREAN_PIECES, max_size=6), SENTENCES, st.lists(KOREAN_PIECES, max_size=6))
def test_it_finds_an_english_sentence_anywhere_in_korean(before: list[str], sentence: str,
                                                         after: list[str]) -> None:
    text = " ".join([korean_text(before), sentence, korean_text(after)])
    assert english_prose(text) is not None, text


@given(st.lists(KOREAN_PIECES, max_size=6), st.lists(ENGLISH_WORDS, min_size=2, max_size=6),
       st.lists(KOREAN_PIECES, max_size=6))
def test_two_lower_case_english_words_make_prose(before: list[str], words: list[str],
                                                 after: list[str]) -> None:
    text = f"{korean_text(before)} {', '.join(words)} {korean_text(after)}"
    assert english_prose(text) is not None, text


@given(HANGUL, st.sampled_from(sorted(FUNCTION_WORDS)), HANGUL)
def test_a_single_english_function_word_is_enough(left: str, word: str, right: str) -> None:
    assert english_prose(f"{left} {word} {right}") == word


@pytest.mark.parametrize("text", [
    "Each printed cell is \"정원/현원\" (e.g. \"307/295\"), split here into two columns",
    "The Economic Policy Office's 2022 work report to the City Council",
    "Seoul Robot museum opens",  # a run of three words, one of them lower case
])
def test_it_names_what_reads_as_english(text: str) -> None:
    assert english_prose(text)


@pytest.mark.parametrize("text", [
    "중소 뷰티기업 홍보 · 뷰티트렌드 체험 「Seoul Beauty Week」 추진",
    "마곡 CEO-biz 포럼 4회, M-밸리 포럼 4회 개최",
    "면적 : 1,124천 m^2 (약 34만평)",
    "▶ 81개: 창업지원시설(42개), 민간 창업지원시설(14개), 대기업(9개), VC, Acc(16개)",
    "온라인 창업 플랫폼 '스타트업 플러스': 기술거래장터 「서울 Tech Trade-On」, 영문 서비스",
    "node 5-3-6-1",
    "004_a83344de83f6b86a.txt",  # letters glued to digits or underscores are codes
    "연면적 4,840㎡(B2층~5층), 5G 기반, document_request",
])
def test_printed_korean_passes(text: str) -> None:
    assert english_prose(text) is None


def test_it_walks_every_text_but_codes_claims_and_maintainers_notes() -> None:
    data = {
        "format": "rtis-seed/1", "key": "the-key-is-a-code",
        "plan": {"slug": "a-plan", "title": "계획", "summary": "A plan for the city"},
        "nodes": [{"code": "1", "title": "과제", "note_en": "Checked against the print.",
                   "children": [{"description": "Funded as a grant of the city"}]}],
        "stated_tables": [{"columns": ["계"], "claims": [{"kind": "sum", "row": "the total"}],
                           "rows": [{"label": "rows of the table", "values": [1]}]}],
    }
    found = {path: words for path, _text, words in english_fields(data)}
    assert found == {
        ("plan", "summary"): "for",
        ("nodes", 0, "children", 0, "description"): "as",
        ("stated_tables", 0, "rows", 0, "label"): "of",
    }
