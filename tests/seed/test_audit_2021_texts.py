"""Seed oversight/audit-2021 (source 004_a83344de83f6b86a.txt, the 2021 council audit follow-up).

The follow-up items are shown on the council pages and in the 주요 업무보고 for the City Council:
every text of the file is Korean (the printed 처리결과 총괄 table's note was an English
paraphrase).
"""

from __future__ import annotations

from rtis.oversight.models import CouncilSession
from tests.conftest import load_seed_of, module_data
from tests.seed.seed_texts import english_in_seed_file, english_prose

FILE = "oversight/audit-2021.yaml"


def test_its_texts_are_korean_not_english_paraphrase() -> None:
    assert english_in_seed_file(FILE) == []


# The report's seed file carries the audit's sessions; built once per process (tests.conftest).
seeded = module_data(load_seed_of("econ-office-report-2022"), share=True)


def test_the_printed_summary_note_is_korean_when_loaded(seeded: None) -> None:
    session = CouncilSession.objects.get()
    note = session.summary_table["note"]
    # "(기준 : '22.1.21 기준)" and the footnote on the two added items stay quoted as printed
    assert note.startswith("건수(건).") and "(178건 → 180건)" in note
    assert english_prose(note) == []
