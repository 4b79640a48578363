"""The streamed plan export: the same bytes as the document built whole, a chunk at a time."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from rtis.ingest import export
from rtis.ingest.export import dumps, export_plan, stream_plan
from rtis.plans.models import Plan
from rtis.portal.access import without_nodes
from tests.conftest import client_for, load_whole_seed, module_data

# The whole seed, loaded once per process and copied into this module (tests.conftest).
seeded = module_data(load_whole_seed, share=True)


def test_the_stream_of_every_seeded_plan_equals_the_whole_document(seeded: None) -> None:
    plans = list(Plan.objects.order_by("slug"))
    assert len(plans) == 4
    for plan in plans:
        assert b"".join(stream_plan(plan)) == dumps(export_plan(plan)).encode(), plan.slug


def test_small_chunks_join_into_the_same_document(seeded: None, monkeypatch: Any) -> None:
    monkeypatch.setattr(export, "STREAM_CHUNK", 2)  # 2 rows at a time: many chunks
    monkeypatch.setattr(export, "TABLE_CHUNK", 3)
    monkeypatch.setattr(export, "_FLUSH_BYTES", 1)  # and a block per piece
    plan = Plan.objects.get(slug="innovation-growth-2018")
    blocks = list(stream_plan(plan))
    assert len(blocks) > 100
    assert b"".join(blocks) == dumps(export_plan(plan)).encode()


def test_withheld_nodes_are_left_out_as_before(seeded: None) -> None:
    plan = Plan.objects.get(slug="innovation-growth-2018")
    hidden = {"2", "2-1", "2-1-1", "3-1"}
    expected = dumps(without_nodes(export_plan(plan), hidden)).encode()
    assert b"".join(stream_plan(plan, hidden)) == expected


def test_the_api_streams_the_export(plan: Plan, planner: Any) -> None:
    response = client_for(planner).get(f"/api/v1/plans/{plan.slug}/export?download=1")
    assert response.status_code == 200 and response.streaming
    assert b"".join(response.streaming_content) == dumps(export_plan(plan)).encode()
    assert response["Content-Disposition"] == f'attachment; filename="{plan.slug}.json"'


def test_the_command_writes_the_same_file(plan: Plan, tmp_path: Any) -> None:
    from django.core.management import call_command

    target = tmp_path / "plan.json"
    call_command("export_plan", "plan", plan.slug, "-o", str(target))
    assert target.read_text(encoding="utf-8") == dumps(export_plan(plan))


def test_a_float_orjson_would_write_differently_is_written_as_python_does() -> None:
    value = {"rows": [[1e16, 1e-05, 0.5, -2.5e-7, 1.2345678901234568e+16]],
             "file": "000_0aceb20338ea57e3.txt", "note": "1e5, 0.00001"}
    assert export._encode(value, 4) == json.dumps(value, ensure_ascii=False, indent=2).replace(
        "\n", "\n    ").encode()


_json_values = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20)


@settings(max_examples=300, deadline=None)
@given(_json_values, st.sampled_from([0, 2, 4]))
def test_an_item_is_encoded_exactly_as_the_standard_library_does(value: Any, indent: int) -> None:
    expected = json.dumps(value, ensure_ascii=False, indent=2).replace("\n", "\n" + " " * indent)
    assert export._encode(value, indent) == expected.encode()


def test_the_streamed_export_takes_the_same_queries_at_ten_times_the_data(
        planner: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.api.scaled import scaled_doc
    from tests.conftest import ensure_funding_sources, import_doc

    ensure_funding_sources()
    counts = []
    for copies in (1, 10):
        plan = import_doc(scaled_doc(copies))
        with CaptureQueriesContext(connection) as queries:
            body = b"".join(stream_plan(plan))
        assert json.loads(body)["plan"]["slug"] == plan.slug
        counts.append(len(queries))
    assert counts[0] == counts[1]
