"""Pages ready for a Content-Security-Policy: no inline script, style attribute or handler."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from rtis.oversight.actions import do_import_council_session
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>")
STYLE_ATTRIBUTE = re.compile(r"<[^>]+\sstyle=")
HANDLER = re.compile(r"<[^>]+\son[a-z]+=")


@pytest.fixture
def council(plan: Any) -> Any:
    return do_import_council_session(
        None, {"key": "audit-test", "title": "시험 행정사무감사", "year": 2021,
               "plan": "sample-plan"},
        [{"category": "corrective", "number": 1, "title": "창업허브 공간 부족",
          "departments": ["신성장산업과"], "status": "추진중"}],
        summary={"columns": [], "rows": [], "claims": []})


@pytest.mark.parametrize("who", [None, "viewer"])
def test_the_public_and_reading_pages_carry_no_inline_script_style_or_handler(
    request: Any, who: str | None, council: Any
) -> None:
    client = client_for(request.getfixturevalue(who) if who else None)
    for url in [reverse("plans:list"), reverse("plans:detail", args=["sample-plan"]),
                reverse("plans:node", args=["sample-plan", "2-1"]), reverse("oversight:list"),
                reverse("oversight:detail", args=["audit-test"]),
                reverse("oversight:item", args=["audit-test", "corrective", 1]),
                reverse("oversight:overdue", args=["audit-test"])]:
        html = client.get(url).text
        for pattern in (INLINE_SCRIPT, STYLE_ATTRIBUTE, HANDLER):
            assert not pattern.findall(html), (url, pattern.findall(html))


def test_the_language_switch_submits_through_the_static_script(plan: Any) -> None:
    html = client_for(None).get(reverse("plans:list")).text
    assert '<select name="language" data-autosubmit' in html
    assert "<noscript>" in html.split('name="language"', 1)[1].split("</form>", 1)[0]
