"""Chromium reports no Content-Security-Policy violation and no console error on any main page."""

from __future__ import annotations

from typing import Any

import pytest

from rtis.orgs.models import Department
from rtis.plans.models import Plan
from tests.browser.conftest import log_in
from tests.conftest import PASSWORD
from tests.dashboards.conftest import record_execution
from tests.oversight.conftest import KEY, council  # noqa: F401  (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " blocked=" + e.blockedURI + " at " + e.sourceFile +
                    ":" + e.lineNumber + " sample=" + e.sample);
});
"""
PUBLIC_PAGES = ["/login/", "/admin/login/", "/plans/", "/plans/sample-plan/",
                "/plans/sample-plan/nodes/2-1-1/", "/oversight/", f"/oversight/{KEY}/", f"/oversight/{KEY}/items/corrective/1/",
                "/orgs/", "{department}"]
PLANNER_PAGES = [
    *PUBLIC_PAGES[2:],
    "/plans/sample-plan/nodes/2-1-1/edit/",
    "/tracking/", "/tracking/plans/sample-plan/", "/tracking/plans/sample-plan/nodes/2-1-1/",
    "/tracking/approvals/", "/tracking/bulk/",
    "/dashboards/", "/dashboards/execution/?plan=sample-plan&as_of=2019-07-31",
    "/dashboards/projection/?plan=sample-plan&as_of=2019-07-31",
    "/dashboards/indicators/?plan=sample-plan", "/dashboards/milestones/?plan=sample-plan",
    "/dashboards/execution/records/?plan=sample-plan&as_of=2019-07-31",
    f"/oversight/{KEY}/overdue/", "/reports/", "/imports/", "/checks/",
]


def watched_page(browser: Any) -> tuple[Any, Any, list[str]]:
    context = browser.new_context(locale="ko-KR")
    context.add_init_script(WATCH)
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(f"console: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(f"pageerror: {e}"))
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    return context, page, errors


def visit_all(page: Any, errors: list[str], base: str, paths: list[str]) -> list[str]:
    found: list[str] = []
    charts: list[str] = []
    department = Department.objects.order_by("pk").first()
    assert department is not None
    for path in paths:
        path = path.replace("{department}", f"/orgs/{department.pk}/")
        response = page.goto(base + path)
        assert response is not None and response.status == 200, path
        assert response.headers.get("content-security-policy", "").startswith("default-src 'self'")
        if page.locator('[data-testid="chart"]').count():
            page.locator('[data-testid="chart"][data-rendered="true"]').first.wait_for()
            charts.append(path)
        if path == "/plans/sample-plan/":
            # The unit switch swaps the budget table in through htmx.
            page.locator("#budget a[data-unit='억원']").first.click()
            page.locator("#budget [aria-current=true]", has_text="억원").wait_for()
        page.wait_for_load_state("load")
        found += [f"{path}: {v}" for v in page.evaluate("window.__csp")]
        found += [f"{path}: {e}" for e in errors]
        errors.clear()
    if any(p.startswith("/dashboards/") for p in paths):
        assert "/dashboards/execution/?plan=sample-plan&as_of=2019-07-31" in charts
    return found


def test_a_planner_sees_every_main_page_without_a_policy_violation(
        browser: Any, live_server: Any, plan: Plan, planner: Any, council: Any) -> None:  # noqa: F811
    record_execution(plan, planner)
    context, page, errors = watched_page(browser)
    try:
        log_in(page, live_server, "planner", PASSWORD)
        assert visit_all(page, errors, live_server.url, PLANNER_PAGES) == []
    finally:
        context.close()


def test_the_public_sees_every_public_page_without_a_policy_violation(
        browser: Any, live_server: Any, plan: Plan, council: Any) -> None:  # noqa: F811
    context, page, errors = watched_page(browser)
    try:
        assert visit_all(page, errors, live_server.url, PUBLIC_PAGES) == []
    finally:
        context.close()


def test_an_inline_script_would_be_reported(browser: Any, live_server: Any, plan: Plan) -> None:
    """The watch itself works: an injected inline style is refused and reported."""
    context, page, _ = watched_page(browser)
    try:
        page.goto(f"{live_server.url}/plans/")
        page.evaluate("""() => { const s = document.createElement('style');
                                 s.textContent = 'body{color:red}'; document.head.appendChild(s); }""")
        page.wait_for_timeout(300)
        assert "style-src" in page.evaluate("window.__csp")[0]
    finally:
        context.close()


def test_a_confirm_question_guards_a_delete(browser: Any, live_server: Any, plan: Plan,
                                           planner: Any) -> None:
    """The delete button's question (formerly an inline handler) still asks; "no" keeps the line."""
    context, page, _ = watched_page(browser)
    try:
        log_in(page, live_server, "planner", PASSWORD)
        page.goto(f"{live_server.url}/plans/sample-plan/nodes/2-1-1/")
        asked: list[str] = []

        def answer(dialog: Any) -> None:
            asked.append(dialog.message)
            dialog.dismiss()

        page.on("dialog", answer)
        rows = page.locator("form[data-confirm] button")
        before = rows.count()
        assert before > 0
        rows.first.click()
        page.wait_for_timeout(300)
        assert asked == ["이 항목을 삭제할까요?"]
        page.reload()
        assert page.locator("form[data-confirm] button").count() == before
    finally:
        context.close()


def test_an_admin_works_in_the_admin_without_a_policy_violation(
        browser: Any, live_server: Any, plan: Plan) -> None:
    from rtis.orgs.actions import do_create_user
    from rtis.orgs.models import Role

    chief = do_create_user(None, "chief", PASSWORD, Role.ADMIN)
    department = Department.objects.order_by("pk").first()
    assert department is not None
    context, page, errors = watched_page(browser)
    try:
        page.goto(f"{live_server.url}/admin/login/")
        page.get_by_label("사용자 이름").fill("chief")
        page.get_by_label("비밀번호").fill(PASSWORD)
        page.get_by_role("button", name="로그인").click()
        page.wait_for_url(f"{live_server.url}/admin/")
        found = visit_all(page, errors, live_server.url, [
            "/admin/", "/admin/orgs/user/", f"/admin/orgs/user/{chief.pk}/change/",
            "/admin/orgs/department/", f"/admin/orgs/department/{department.pk}/change/",
            "/admin/orgs/department/add/", "/admin/web/signinthrottle/", "/admin/audit/auditevent/",
        ])
        assert found == []
    finally:
        context.close()
