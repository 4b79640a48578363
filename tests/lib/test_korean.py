"""Particles that follow the word's last sound, and one language out of "한국어 / English"."""

from __future__ import annotations

import pytest

from rtis.lib.korean import has_final_consonant, one_language, particle


@pytest.mark.parametrize(("word", "pair", "expected"), [
    ("지출액", "이가", "지출액이"), ("예산이체", "이가", "예산이체가"),
    ("본예산", "은는", "본예산은"), ("예산이체", "은는", "예산이체는"),
    ("집행실적", "을를", "집행실적을"), ("2019-07", "은는", "2019-07은"),
    ("2019-Q2", "은는", "2019-Q2는"), ("서울", "으로", "서울로"), ("분기", "으로", "분기로"),
    ("지연", "으로", "지연으로"), ("'2-1-1 2019-07 집행실적'", "을를", "'2-1-1 2019-07 집행실적'을"),
])
def test_it_picks_the_particle_the_last_sound_takes(word: str, pair: str, expected: str) -> None:
    assert particle(word, pair) == expected


def test_it_knows_which_words_end_in_a_consonant() -> None:
    assert has_final_consonant("액") and not has_final_consonant("체")
    assert not has_final_consonant("")


@pytest.mark.parametrize(("message", "korean", "english"), [
    ("지출액이 큽니다 / the amount spent is larger", "지출액이 큽니다", "the amount spent is larger"),
    ("'조성연면적'의 단위는 '㎡'입니다 / '조성연면적' is measured in '㎡', not '개'",
     "'조성연면적'의 단위는 '㎡'입니다", "'조성연면적' is measured in '㎡', not '개'"),
    ("원 / 백만원 중 하나 / one of 원, 백만원", "원 / 백만원 중 하나", "one of 원, 백만원"),
    ("한국어만", "한국어만", "한국어만"),
    ("English only / still English", "English only / still English",
     "English only / still English"),
])
def test_it_shows_one_language_of_a_bilingual_message(message: str, korean: str,
                                                      english: str) -> None:
    assert one_language(message, "ko") == korean
    assert one_language(message, "en") == english
