"""Behaviour of the Hangul bigram tokenizer that the search index and its queries share."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from rtis.lib.bigrams import (
    MAX_QUERY_CHARS,
    index_tokens,
    normalise,
    query_terms,
    query_tokens,
    strip_particle,
)

syllables = st.characters(min_codepoint=0xAC00, max_codepoint=0xD7A3)
korean_words = st.text(syllables, min_size=2, max_size=12)


def test_it_cuts_korean_into_overlapping_pairs_and_keeps_latin_words_whole() -> None:
    assert index_tokens("창업지원 R&D 5G") == ["창업", "업지", "지원", "rd", "5g"]


def test_it_pairs_across_a_space_so_the_joined_compound_finds_the_spaced_one() -> None:
    assert set(query_tokens("창업지원")) <= set(index_tokens("청년 창업 지원 사업"))


def test_a_noun_with_a_particle_is_searched_as_the_noun() -> None:
    assert query_tokens("허브를") == ["허브"]
    assert query_tokens("창업지원으로") == ["창업", "업지", "지원"]
    assert strip_particle("바이오허브에서") == "바이오허브"


def test_a_two_syllable_word_is_never_cut_as_if_it_had_a_particle() -> None:
    for word in ("제도", "지도", "인가", "연도", "기술", "사이"):
        assert query_tokens(word) == [word]


def test_a_single_syllable_stands_alone() -> None:
    assert set(index_tokens("빛 가람")) == {"빛", "빛가", "가람"}
    assert query_tokens("빛") == ["빛"]


def test_full_width_and_case_do_not_matter() -> None:
    assert query_tokens("ＡＩ　허브") == query_tokens("ai 허브") == ["ai", "허브"]
    assert index_tokens("Ｒ＆Ｄ") == index_tokens("r&d") == ["rd"]


def test_conjoining_jamo_are_composed_into_syllables() -> None:
    decomposed = "\u1112\u1165\u1107\u1173"  # 허브 typed as jamo (NFD)
    assert query_tokens(decomposed) == ["허브"]
    assert normalise(decomposed) == "허브"


def test_punctuation_and_sql_give_no_tokens_of_their_own() -> None:
    assert query_tokens("'; --") == []
    assert query_tokens("\" OR 1=1 --") == ["or", "1"]
    assert query_tokens('"창업" AND') == ["창업", "and"]


@given(korean_words, st.data())
def test_every_two_syllable_substring_of_an_indexed_word_is_found(word: str,
                                                                   data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(word) - 2))
    assert query_tokens(word[start:start + 2]) == [word[start:start + 2]]
    assert set(query_tokens(word[start:start + 2])) <= set(index_tokens(f"가나 {word}를 다라"))


@given(st.lists(korean_words, min_size=1, max_size=6), st.data())
def test_any_stretch_of_a_korean_text_finds_the_text(words: list[str], data: st.DataObject) -> None:
    text = " ".join(words)
    start = data.draw(st.integers(0, len(text) - 2))
    end = data.draw(st.integers(start + 2, len(text)))
    query = text[start:end]
    if len(query.strip()) < 2 or any(len(w) < 2 for w in query.split()):
        return  # single syllables are searched by prefix in the database, not as tokens
    assert set(query_tokens(query)) <= set(index_tokens(text))


@given(st.text(max_size=MAX_QUERY_CHARS * 2))
def test_a_query_never_raises_and_gives_only_letters_and_digits(query: str) -> None:
    for token in query_tokens(query):
        assert token and all(c.isalnum() for c in token)
        assert " " not in token and "'" not in token and '"' not in token
    for term in query_terms(query):
        assert term.text


@given(st.text())
def test_normalising_twice_changes_nothing(text: str) -> None:
    assert normalise(normalise(text)) == normalise(text)


@given(st.text(max_size=500))
def test_indexing_never_raises_and_tokens_have_no_separators(text: str) -> None:
    for token in index_tokens(text):
        assert token and not any(c.isspace() for c in token)
