"""Table import: upload, map, preview with the checker, commit all or nothing."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from rtis.audit.models import AuditEvent
from rtis.ingest.models import ImportBatch
from rtis.plans.models import BudgetLine
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def xlsx_bytes(rows: list[list[Any]]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


BUDGET = [["사업명", "2018", "2019", "2020"],
          ["도심제조 스마트앵커 조성", 7900, 11000, 1200],
          ["글로벌협력동 신축", 1500, None, 300]]


def upload(client: Any, data: bytes, name: str = "budget.xlsx") -> Any:
    return client.post(reverse("ingest:index"), {
        "plan": "sample-plan", "file": SimpleUploadedFile(name, data)})


def test_a_planner_uploads_maps_and_commits_all_lines(planner: Any) -> None:
    client = client_for(planner)
    response = upload(client, xlsx_bytes(BUDGET))
    assert response.status_code == 302
    batch = ImportBatch.objects.get()
    assert batch.mapping[0]["rows"] == {"1": "1-1-1", "2": "2-1-1"}  # guessed from titles
    page = client.get(reverse("ingest:batch", args=[batch.pk]))
    assert page.status_code == 200
    assert len(page.context["preview"].candidates) == 5
    assert page.context["preview"].findings is not None
    response = client.post(reverse("ingest:batch", args=[batch.pk]), {"action": "commit"})
    assert response.status_code == 302
    line = BudgetLine.objects.get(node__code="1-1-1", year=2020, source_id="city")
    assert line.amount_won == 1_200_000_000
    assert BudgetLine.objects.get(node__code="2-1-1", year=2020).amount_won == 300_000_000
    # the unchanged 2-1-1 line keeps its printed note; only real changes are audited
    assert BudgetLine.objects.get(node__code="2-1-1", year=2018).note == "(~23)"
    batch.refresh_from_db()
    assert batch.status == "committed"
    events = AuditEvent.objects.filter(target_type="plans.budgetline", actor_name="planner")
    assert sorted(e.action for e in events) == ["create", "create", "update"]
    update = events.get(action="update")
    assert update.changes == {"amount_won": [10_000_000_000, 11_000_000_000]}


def test_one_bad_cell_blocks_the_whole_commit(planner: Any) -> None:
    client = client_for(planner)
    rows = [list(r) for r in BUDGET]
    rows[2][3] = "삼백"
    upload(client, xlsx_bytes(rows))
    batch = ImportBatch.objects.get()
    page = client.get(reverse("ingest:batch", args=[batch.pk]))
    problems = page.context["preview"].problems
    assert [(p.row, p.column) for p in problems] == [(2, 3)]
    assert "표 1, 3행, 4열" in page.text
    before = list(BudgetLine.objects.values_list("id", "amount_won"))
    response = client.post(reverse("ingest:batch", args=[batch.pk]), {"action": "commit"})
    assert response.status_code == 400
    assert list(BudgetLine.objects.values_list("id", "amount_won")) == before


def test_the_planner_remaps_a_row_and_a_column(planner: Any) -> None:
    client = client_for(planner)
    upload(client, xlsx_bytes(BUDGET))
    batch = ImportBatch.objects.get()
    response = client.post(reverse("ingest:batch", args=[batch.pk]), {
        "action": "map", "t0_unit": "억원", "t0_source": "national", "t0_row_1": "1-1-1",
        "t0_col_1": "2021", "version": batch.version})
    assert response.status_code == 302
    preview = client.get(reverse("ingest:batch", args=[batch.pk])).context["preview"]
    assert [(c.node, c.year, c.source, c.amount_won) for c in preview.candidates] == [
        ("1-1-1", 2021, "national", 790_000_000_000)]


def test_two_planners_mapping_the_same_import_do_not_overwrite_each_other(planner: Any) -> None:
    client = client_for(planner)
    upload(client, xlsx_bytes(BUDGET))
    batch = ImportBatch.objects.get()
    shown = batch.version
    first = {"action": "map", "version": shown, "t0_unit": "억원", "t0_source": "national",
             "t0_row_1": "1-1-1", "t0_col_1": "2021"}
    assert client.post(reverse("ingest:batch", args=[batch.pk]), first).status_code == 302
    second = {**first, "t0_source": "city"}  # made from the same page, before the first save
    response = client.post(reverse("ingest:batch", args=[batch.pk]), second)
    assert response.status_code == 409
    batch.refresh_from_db()
    assert batch.mapping[0]["source"] == "national" and batch.version == shown + 1


def test_a_file_that_is_not_a_table_document_is_refused_and_nothing_staged(planner: Any) -> None:
    response = upload(client_for(planner), b"not a zip at all", "evil.hwpx")
    assert response.status_code == 400
    assert "evil.hwpx" in response.text
    assert ImportBatch.objects.count() == 0


def test_formulas_are_refused(planner: Any) -> None:
    rows = [list(r) for r in BUDGET]
    rows[1][3] = "=B2+C2"
    response = upload(client_for(planner), xlsx_bytes(rows))
    assert response.status_code == 400
    assert ImportBatch.objects.count() == 0


@pytest.mark.parametrize("who", ["officer", "viewer"])
def test_only_planners_import(request: Any, who: str, planner: Any) -> None:
    client = client_for(request.getfixturevalue(who))
    assert client.get(reverse("ingest:index")).status_code == 403
    assert upload(client, xlsx_bytes(BUDGET)).status_code == 403
    upload(client_for(planner), xlsx_bytes(BUDGET))
    batch = ImportBatch.objects.get()
    assert client.get(reverse("ingest:batch", args=[batch.pk])).status_code == 403
    assert client.post(reverse("ingest:batch", args=[batch.pk]),
                       {"action": "commit"}).status_code == 403


def test_the_public_is_sent_to_login_and_unknown_batches_are_404(planner: Any) -> None:
    assert client_for(None).get(reverse("ingest:index")).status_code == 302
    assert client_for(planner).get(reverse("ingest:batch", args=[999])).status_code == 404
    assert client_for(planner).delete(reverse("ingest:index")).status_code == 405


def test_a_committed_batch_cannot_be_committed_again(planner: Any) -> None:
    client = client_for(planner)
    upload(client, xlsx_bytes(BUDGET))
    batch = ImportBatch.objects.get()
    client.post(reverse("ingest:batch", args=[batch.pk]), {"action": "commit"})
    again = client.post(reverse("ingest:batch", args=[batch.pk]), {"action": "commit"})
    assert again.status_code == 400


def test_a_budget_table_in_an_hwpx_document_is_imported(planner: Any) -> None:
    import datetime as dt

    from rtis.lib.report_model import Paragraph, Report, Row, Section, TableBlock
    from rtis.reports.render.hwpx import render_hwpx

    document = render_hwpx(Report(kind="t", title="연차별 소요예산", as_of=dt.date(2018, 2, 24),
                                  sections=[Section("Ⅴ", 1, [
                                      Paragraph("도심제조 활력 도시"),
                                      TableBlock(key="b", caption="연차별 소요예산", unit="백만원",
                                                 columns=["사업명", "2018", "2019"],
                                                 decimals=[None, 0, 0],
                                                 rows=[Row(["도심제조 스마트앵커 조성", 7900, 10500])]),
                                      TableBlock(key="n", caption="참고", columns=["구분", "내용"],
                                                 rows=[Row(["비고", "없음"])])])]))
    client = client_for(planner)
    assert upload(client, document, "budget.hwpx").status_code == 302
    batch = ImportBatch.objects.get()
    assert batch.file_kind == "hwpx" and len(batch.tables) == 2
    assert batch.mapping[0]["rows"] == {"1": "1-1-1"}
    client.post(reverse("ingest:batch", args=[batch.pk]), {"action": "commit"})
    assert BudgetLine.objects.get(node__code="1-1-1", year=2019).amount_won == 10_500_000_000


# --- where the planner came from, titles, nothing to import ------------------------------------


def test_the_upload_form_defaults_to_the_plan_the_planner_came_from(planner: Any,
                                                                    private_plan: Any) -> None:
    client = client_for(planner)
    plan_page = client.get(reverse("plans:detail", args=["sample-plan"])).content.decode()
    assert f'{reverse("ingest:index")}?plan=sample-plan' in plan_page
    page = client.get(reverse("ingest:index"), {"plan": "sample-plan"}).content.decode()
    assert '<option value="sample-plan" selected>' in page
    assert '<option value="private-plan" selected>' not in page
    page = client.get(reverse("ingest:index"), {"plan": "private-plan"}).content.decode()
    assert '<option value="private-plan" selected>' in page


def test_the_plan_stays_chosen_after_a_failed_upload(planner: Any, private_plan: Any) -> None:
    response = client_for(planner).post(reverse("ingest:index"), {
        "plan": "sample-plan", "file": SimpleUploadedFile("x.xlsx", b"not a workbook")})
    assert response.status_code == 400
    assert '<option value="sample-plan" selected>' in response.content.decode()


def test_viewers_see_no_import_link_on_the_plan_page(viewer: Any) -> None:
    page = client_for(viewer).get(reverse("plans:detail", args=["sample-plan"])).content.decode()
    assert 'data-testid="planner-links"' not in page


def test_rows_numbered_by_the_table_are_matched_by_title(planner: Any) -> None:
    client = client_for(planner)
    rows = [["사업명", "2018", "2019"], ["1. 도심제조 스마트앵커 조성", 7900, 10500],
            ["2. 글로벌협력동 신축 (신규)", 1500, 2250]]
    upload(client, xlsx_bytes(rows))
    assert ImportBatch.objects.get().mapping[0]["rows"] == {"1": "1-1-1", "2": "2-1-1"}


def test_commit_is_disabled_and_refused_when_nothing_would_change(planner: Any) -> None:
    client = client_for(planner)
    # Exactly what the plan already holds for 1-1-1 (7,900 and 10,000 백만원, 시비).
    upload(client, xlsx_bytes([["사업명", "2018", "2019"], ["도심제조 스마트앵커 조성", 7900, 10000]]))
    batch = ImportBatch.objects.get()
    page = client.get(reverse("ingest:batch", args=[batch.pk]))
    body = page.content.decode()
    assert len(page.context["preview"].candidates) == 2 and page.context["preview"].changes == []
    assert 'data-testid="nothing-to-import"' in body
    assert 'data-testid="commit" disabled' in body
    response = client.post(reverse("ingest:batch", args=[batch.pk]), {"action": "commit"})
    assert response.status_code == 400
    batch.refresh_from_db()
    assert batch.status == "staged"


def test_commit_is_disabled_when_no_row_is_matched(planner: Any) -> None:
    client = client_for(planner)
    upload(client, xlsx_bytes([["사업명", "2018", "2019"], ["알 수 없는 사업", 1, 2]]))
    batch = ImportBatch.objects.get()
    body = client.get(reverse("ingest:batch", args=[batch.pk])).content.decode()
    assert 'data-testid="nothing-to-import"' in body
    assert 'data-testid="commit" disabled' in body


def test_the_preview_counts_the_values_that_change(planner: Any) -> None:
    client = client_for(planner)
    upload(client, xlsx_bytes(BUDGET))
    batch = ImportBatch.objects.get()
    page = client.get(reverse("ingest:batch", args=[batch.pk]))
    # 1-1-1: 2018 same, 2019 and 2020 change; 2-1-1: 2018 same, 2020 new.
    assert len(page.context["preview"].changes) == 3
    assert 'data-testid="commit">' in page.content.decode()


def test_a_mapping_saved_without_the_version_shown_overwrites_nothing(planner: Any) -> None:
    client = client_for(planner)
    upload(client, xlsx_bytes(BUDGET))
    batch = ImportBatch.objects.get()
    before = (batch.mapping, batch.version)
    response = client.post(reverse("ingest:batch", args=[batch.pk]), {
        "action": "map", "t0_unit": "억원", "t0_source": "national", "t0_row_1": "1-1-1",
        "t0_col_1": "2021"})
    assert response.status_code == 409
    batch.refresh_from_db()
    assert (batch.mapping, batch.version) == before
