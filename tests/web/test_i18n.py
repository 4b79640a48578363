"""Korean first, English on request: the language switch and the English catalogue."""

from __future__ import annotations

import ast
import gettext
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from tests.conftest import client_for

LC_MESSAGES = Path(settings.LOCALE_PATHS[0]) / "en" / "LC_MESSAGES"
PO_FILE = LC_MESSAGES / "django.po"
MO_FILE = LC_MESSAGES / "django.mo"
KOREAN_HEADINGS = ["소요예산", "추진체계", "성과지표", "문서번호", "결재일자", "금액 단위"]
ENGLISH_HEADINGS = ["Planned budget", "Plan structure", "Indicators", "Document no.",
                    "Approval date", "Amount unit"]


@pytest.fixture(autouse=True)
def _default_language_afterwards() -> Iterator[None]:
    """The middleware activates a language for the thread; leave the default to later tests."""
    yield
    translation.deactivate()


def plan_url() -> str:
    return reverse("plans:detail", args=["sample-plan"])


@pytest.mark.django_db
def test_the_plan_page_is_korean_whatever_the_browser_asks(viewer: Any) -> None:
    response = client_for(viewer).get(plan_url(), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.status_code == 200
    assert '<html lang="ko">' in response.text
    assert response.headers["Content-Language"] == "ko"
    for heading in KOREAN_HEADINGS:
        assert heading in response.text
    assert "Planned budget" not in response.text


@pytest.mark.django_db
def test_choosing_english_turns_the_plan_page_english(viewer: Any) -> None:
    client = client_for(viewer)
    chosen = client.post("/i18n/setlang/", {"language": "en", "next": plan_url()},
                         HTTP_ACCEPT_LANGUAGE="ko")
    assert chosen.status_code == 302 and chosen.headers["Location"] == plan_url()
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"

    response = client.get(plan_url(), HTTP_ACCEPT_LANGUAGE="ko-KR,ko;q=0.9")
    assert response.status_code == 200
    text = response.text
    assert '<html lang="en">' in text
    assert response.headers["Content-Language"] == "en"
    for heading in ENGLISH_HEADINGS:
        assert heading in text
    for heading in KOREAN_HEADINGS:
        assert heading not in text
    assert "(Unit: 백만원)" in text  # placeholders survive; the unit is data, as printed
    assert "표본 혁신성장 계획" in text  # the plan's own data is not translated


@pytest.mark.django_db
def test_choosing_korean_again_switches_back(viewer: Any) -> None:
    client = client_for(viewer)
    client.post("/i18n/setlang/", {"language": "en", "next": plan_url()})
    client.post("/i18n/setlang/", {"language": "ko", "next": plan_url()})
    response = client.get(plan_url(), HTTP_ACCEPT_LANGUAGE="en")
    assert '<html lang="ko">' in response.text and "추진체계" in response.text


@pytest.mark.django_db
def test_an_unknown_language_cookie_falls_back_to_korean(viewer: Any) -> None:
    client = client_for(viewer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    response = client.get(plan_url())
    assert '<html lang="ko">' in response.text and "추진체계" in response.text


@pytest.mark.django_db
def test_the_node_page_follows_the_choice_too(viewer: Any, plan: Any) -> None:
    client = client_for(viewer)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    response = client.get(reverse("plans:node", kwargs={"slug": "sample-plan", "code": "2"}))
    assert response.status_code == 200
    text = response.text
    assert '<html lang="en">' in text
    for heading in ["Owning department", "Cooperating departments", "Change history",
                    "Funding source", "Target", "Actual"]:
        assert heading in text
    assert "Sub-tasks" in text and "소관부서" not in text and "협조부서" not in text


# --- the catalogue ---------------------------------------------------------------------------


def _po_string(lines: list[str]) -> str:
    """Join the quoted pieces of a PO string the way msgfmt does (C escapes, UTF-8)."""
    return "".join(ast.literal_eval(line) for line in lines)


def parse_po(path: Path) -> list[dict[str, Any]]:
    """Read the entries of a PO file: msgid, msgstr, flags, and whether it is obsolete."""
    entries: list[dict[str, Any]] = []
    for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8")):
        entry: dict[str, Any] = {"flags": set(), "obsolete": False, "msgid": [], "msgstr": [],
                                 "msgid_plural": [], "plurals": {}, "msgctxt": []}
        field = ""
        for line in block.splitlines():
            if line.startswith("#~"):
                entry["obsolete"] = True
            elif line.startswith("#,"):
                entry["flags"].update(f.strip() for f in line[2:].split(","))
            elif line.startswith("#"):
                continue
            elif line.startswith("msgctxt "):
                field = "msgctxt"
                entry[field].append(line[len("msgctxt "):])
            elif line.startswith("msgid_plural "):
                field = "msgid_plural"
                entry[field].append(line[len("msgid_plural "):])
            elif line.startswith("msgstr["):
                index = int(line[len("msgstr["):line.index("]")])
                field = "msgstr" if index == 0 else f"plural{index}"
                entry.setdefault(field, []).append(line[line.index("]") + 2:])
            elif line.startswith("msgid "):
                field = "msgid"
                entry[field].append(line[len("msgid "):])
            elif line.startswith("msgstr "):
                field = "msgstr"
                entry[field].append(line[len("msgstr "):])
            elif line.startswith('"'):
                entry[field].append(line)
        if entry["msgid"] or entry["obsolete"]:
            entry["msgid"] = _po_string(entry["msgid"])
            entry["msgstr"] = _po_string(entry["msgstr"])
            entry["msgid_plural"] = _po_string(entry["msgid_plural"])
            entry["msgctxt"] = _po_string(entry["msgctxt"])
            entry["plurals"] = {int(k[len("plural"):]): _po_string(v)
                                for k, v in entry.items() if k.startswith("plural")
                                and k != "plurals"}
            entries.append(entry)
    return entries


def messages() -> list[dict[str, Any]]:
    return [e for e in parse_po(PO_FILE) if e["msgid"] and not e["obsolete"]]


def test_the_catalogue_has_many_messages() -> None:
    assert len(messages()) > 100


def test_every_message_is_translated_and_nothing_is_fuzzy() -> None:
    entries = parse_po(PO_FILE)
    header = [e for e in entries if e["msgid"] == ""]
    assert len(header) == 1 and "fuzzy" not in header[0]["flags"]
    assert "Language: en" in header[0]["msgstr"]
    untranslated = [e["msgid"] for e in messages() if not e["msgstr"].strip()
                    or any(not text.strip() for text in e["plurals"].values())]
    fuzzy = [e["msgid"] for e in messages() if "fuzzy" in e["flags"]]
    obsolete = [e for e in entries if e["obsolete"]]
    assert untranslated == [] and fuzzy == [] and obsolete == []


def test_no_translation_is_left_in_korean() -> None:
    hangul = re.compile(r"[\uac00-\ud7a3]")
    # Units of money are data and stay as printed; the language switch names Korean in Korean.
    allowed = {"한국어"}
    left = [e["msgid"] for e in messages()
            if e["msgid"] not in allowed and hangul.search(e["msgstr"])]
    assert left == []


def test_placeholders_are_kept() -> None:
    placeholder = re.compile(r"%\(\w+\)[sd]|\{\{\s*\w+\s*\}\}")
    for entry in messages():
        assert sorted(placeholder.findall(entry["msgid"])) == sorted(
            placeholder.findall(entry["msgstr"])), entry["msgid"]


def test_the_compiled_catalogue_matches_the_po() -> None:
    """The committed .mo holds exactly what the .po says: it was compiled after the last edit."""
    with MO_FILE.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    catalog = {k: v for k, v in compiled._catalog.items() if k != ""}  # type: ignore[attr-defined]
    expected: dict[Any, str] = {}
    for e in messages():
        # gettext keys a message with a context as "context\x04msgid"
        key = f"{e['msgctxt']}\x04{e['msgid']}" if e["msgctxt"] else e["msgid"]
        if e["msgid_plural"]:  # gettext keys plural forms as (msgid, n)
            expected[(key, 0)] = e["msgstr"]
            expected.update({(key, n): text for n, text in e["plurals"].items()})
        else:
            expected[key] = e["msgstr"]
    assert catalog == expected
    assert compiled.info().get("language") == "en"
