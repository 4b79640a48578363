"""Seed plans/references.yaml (source 002_d042b6446b13de11.txt, 서울연구원 research digests).

The digests are shown as 관련 연구 on the node pages: titles as printed, summaries in Korean.
"""

from __future__ import annotations

from tests.seed.seed_texts import english_in_seed_file, english_prose


def test_its_texts_are_korean_not_english_paraphrase() -> None:
    assert english_in_seed_file("plans/references.yaml") == []


def test_the_heuristic_tells_an_english_summary_from_a_korean_one() -> None:
    # what the check must catch: a paraphrase in English, whatever Korean it quotes
    assert english_prose("Summary of the report on 홍릉 bio cluster support.")
    assert english_prose("Only printed subtotal in this table (node 2-3-1).")
    # and what it must let through: acronyms and names printed in English by the document
    assert english_prose("서울형 R&D 지원사업과 NTIS 연계(SBA-KSEA MOU)") == []
    assert english_prose("KAIST AI School(연 90명)") == []
    assert english_prose("서울혁신챌린지(Seoul Innovation Challenge)",
                         ["Seoul Innovation Challenge"]) == []
