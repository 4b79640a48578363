"""Every response carries the strict Content-Security-Policy; templates hold no inline code."""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse

from rtis.plans.models import Plan
from rtis.reports.models import ReportSnapshot
from tests.conftest import client_for

STRICT = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
          "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
TEMPLATES = sorted(Path(settings.PACKAGE_DIR).glob("**/templates/**/*.html"))


def csp(response: Any) -> str:
    return str(response["Content-Security-Policy"])


def test_the_policy_is_the_strict_one() -> None:
    assert settings.CONTENT_SECURITY_POLICY == STRICT


@pytest.mark.django_db
@pytest.mark.parametrize("path", [
    "/plans/", "/plans/sample-plan/", "/plans/sample-plan/nodes/1/", "/oversight/", "/orgs/",
    "/login/", "/admin/login/", "/api/v1/plans", "/api/v1/plans/sample-plan/budget-lines",
    "/api/v1/openapi.json", "/plans/no-such-plan/", "/static/rtis/app.css",
    "/static/rtis/session.js",
])
def test_public_responses_of_every_kind_carry_the_policy(plan: Plan, path: str) -> None:
    response = client_for(None).get(path)
    assert response.status_code in {200, 404}
    assert csp(response) == STRICT


@pytest.mark.django_db
def test_signed_in_pages_json_and_downloads_carry_the_policy(plan: Plan, planner: Any) -> None:
    client = client_for(planner)
    for path in ["/tracking/", "/dashboards/", "/checks/", "/reports/", "/imports/",
                 "/api/v1/plans/sample-plan/export?download=1",
                 "/dashboards/execution/?plan=sample-plan&as_of=2019-07-31&format=csv",
                 "/dashboards/execution/?plan=sample-plan&as_of=2019-07-31&format=xlsx"]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert csp(response) == STRICT, path
    assert client.post("/session/").status_code == 200
    assert csp(client.get("/session/")) == STRICT


@pytest.mark.django_db
def test_a_report_download_carries_the_policy_and_the_html_one_allows_only_its_own_css(
        plan: Plan, planner: Any) -> None:
    client = client_for(planner)
    client.post(reverse("reports:index"), {
        "kind": "plan-tables", "plan": "sample-plan", "as_of": "2022-01-21"})
    snapshot = ReportSnapshot.objects.get()
    xlsx = client.get(reverse("reports:download", args=[snapshot.pk, "xlsx"]))
    assert csp(xlsx) == STRICT
    html = client.get(reverse("reports:download", args=[snapshot.pk, "html"]))
    text = html.content.decode("utf-8")
    style = re.search(r"<style>(.*?)</style>", text, re.S)
    assert style is not None
    digest = base64.b64encode(hashlib.sha256(style.group(1).encode()).digest()).decode()
    assert csp(html) == STRICT.replace("style-src 'self'", f"style-src 'self' 'sha256-{digest}'")
    assert "<script" not in text and " style=" not in text


def test_the_policy_can_be_sent_report_only(settings: Any, client: Any) -> None:
    settings.CSP_REPORT_ONLY = True
    response = client.get("/static/rtis/app.css")
    assert "Content-Security-Policy" not in response
    assert response["Content-Security-Policy-Report-Only"] == STRICT


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(p.parents[2])))
def test_no_template_has_inline_script_style_or_handlers(template: Path) -> None:
    text = template.read_text(encoding="utf-8")
    if template.name == "report.html" and template.parent.name == "reports":
        # The standalone report keeps one <style> block, allowed by its hash (see above).
        text = re.sub(r"<style>.*?</style>", "", text, count=1, flags=re.S)
    assert not re.search(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")", text)
    assert not re.search(r"<style", text)
    assert not re.search(r"\sstyle=", text)
    assert not re.search(r"\son[a-z]+=", text)
    assert "javascript:" not in text
    assert "hx-on" not in text  # htmx may not evaluate code (allowEval is off)
