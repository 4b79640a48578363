"""Korean full-text search: what it finds, for whom, and how it stays current."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command

from rtis.oversight.actions import do_update_audit_item
from rtis.plans.actions import do_set_plan_published, do_update_node
from rtis.plans.models import Plan
from rtis.search import backend
from rtis.search.index import index_objects, reindex
from rtis.search.models import SearchEntry
from rtis.search.queries import parse_request, search
from rtis.search.registry import KINDS, Document, Kind, register, unregister
from tests.oversight.conftest import item

pytestmark = pytest.mark.django_db
PUBLIC = AnonymousUser()


def titles(user: Any, q: str, kind: str | None = None) -> dict[str, list[str]]:
    params = {"q": q, **({"kind": kind, "per_page": "100"} if kind else {})}
    results = search(user, parse_request(params))
    return {g.kind: [h.entry.title for h in g.hits] for g in results.groups}


def test_a_two_syllable_word_finds_the_items_that_contain_it(plan: Plan) -> None:
    found = titles(PUBLIC, "허브")
    assert found["node"] == ["홍릉 서울바이오허브 조성"]
    assert titles(PUBLIC, "창업")["node"] == ["홍릉 서울바이오허브 조성"]  # its description


def test_a_noun_with_a_particle_finds_the_noun(plan: Plan) -> None:
    assert titles(PUBLIC, "허브를") == titles(PUBLIC, "허브")
    assert titles(PUBLIC, "바이오허브에서")["node"] == ["홍릉 서울바이오허브 조성"]


def test_a_compound_written_joined_finds_it_written_apart(plan: Plan) -> None:
    assert titles(PUBLIC, "스마트앵커")["node"] == ["도심제조 스마트 앵커 조성",
                                                  "도심제조 스마트앵커 조성"]


def test_every_word_of_the_query_must_occur(plan: Plan) -> None:
    assert titles(PUBLIC, "도심제조 앵커")["node"] == ["도심제조 스마트 앵커 조성",
                                                    "도심제조 스마트앵커 조성"]
    assert titles(PUBLIC, "도심제조 바이오") == {}


def test_a_single_syllable_finds_the_words_that_start_with_it(plan: Plan) -> None:
    assert "홍릉 서울바이오허브 조성" in titles(PUBLIC, "홍")["node"]


def test_the_public_finds_published_plans_only_and_staff_also_internal_ones(
        private_plan: Plan, viewer: Any, officer: Any) -> None:
    public = titles(PUBLIC, "표본")["plan"]
    assert public == ["표본 혁신성장 계획"]
    assert titles(PUBLIC, "비공개") == {}
    assert titles(viewer, "비공개")["plan"] == ["비공개 계획"]
    assert titles(officer, "허브")["node"] == ["홍릉 서울바이오허브 조성"] * 2


def test_publishing_a_plan_makes_it_findable_and_withdrawing_hides_it(
        private_plan: Plan, planner: Any) -> None:
    do_set_plan_published(planner, private_plan, True)
    assert titles(PUBLIC, "비공개")["plan"] == ["비공개 계획"]
    do_set_plan_published(planner, private_plan, False)
    assert titles(PUBLIC, "비공개") == {}


def test_editing_a_node_updates_its_entry_in_place(plan: Plan, planner: Any) -> None:
    node = plan.nodes.get(code="2-1-1")
    before = SearchEntry.objects.get(kind="node", key=str(node.pk)).pk
    do_update_node(planner, node, node.version, title="글로벌협력동 펀드 신축", kind="",
                   description="")
    assert titles(PUBLIC, "펀드")["node"] == ["글로벌협력동 펀드 신축"]
    assert SearchEntry.objects.get(kind="node", key=str(node.pk)).pk == before
    do_update_node(planner, node, node.version, title="글로벌협력동 신축", kind="",
                   description="")
    assert titles(PUBLIC, "펀드") == {}


def test_council_items_are_found_and_follow_their_updates(council: Any, planner: Any) -> None:
    assert titles(PUBLIC, "창업허브를")["audititem"] == ["창업허브 공간 부족"]
    target = item("recommendation", 1)
    do_update_audit_item(planner, target, target.version, status="추진중",
                         actions="콘텐츠 펀드 조성", next_steps="", due_on=None)
    assert titles(PUBLIC, "펀드")["audititem"] == ["문화 콘텐츠 연계"]


def test_the_council_items_of_an_unpublished_report_are_for_staff(council: Any, plan: Plan,
                                                                  planner: Any,
                                                                  viewer: Any) -> None:
    do_set_plan_published(planner, plan, False)
    assert "audititem" not in titles(PUBLIC, "창업허브")
    assert titles(viewer, "창업허브")["audititem"] == ["창업허브 공간 부족"]


def test_a_kind_registers_with_one_entry_and_is_found(plan: Plan) -> None:
    def facilities(keys: Any) -> list[Document]:
        rows = [Document("1", "서울창업허브 공덕", "창업 보육 시설", "/facilities/1/", "public")]
        return [d for d in rows if keys is None or d.key in keys]

    register(Kind("facility", "시설", facilities))
    try:
        reindex(["facility"])
        assert titles(PUBLIC, "공덕") == {"facility": ["서울창업허브 공덕"]}
        with pytest.raises(ValueError):
            register(Kind("facility", "시설", facilities))
    finally:
        unregister("facility")
        SearchEntry.objects.filter(kind="facility").delete()


def test_an_object_that_is_gone_leaves_the_index(plan: Plan) -> None:
    node = plan.nodes.get(code="2-1-1")
    node.indicators.all().delete()
    node.delete()
    deleted_key = str(SearchEntry.objects.filter(kind="node", title="글로벌협력동 신축")
                      .values_list("key", flat=True).get())
    index_objects("node", [deleted_key])
    assert "node" not in titles(PUBLIC, "글로벌협력동")


def test_the_reindex_command_rebuilds_every_kind(plan: Plan) -> None:
    backend.clear()
    SearchEntry.objects.all().delete()
    assert titles(PUBLIC, "허브") == {}
    call_command("rtis_search", "reindex", stdout=_Sink())
    assert titles(PUBLIC, "허브")["node"] == ["홍릉 서울바이오허브 조성"]
    assert set(SearchEntry.objects.values_list("kind", flat=True)) <= set(KINDS)


def test_results_page_by_kind_in_index_order(plan: Plan) -> None:
    first = search(PUBLIC, parse_request({"q": "조성", "kind": "node", "per_page": "2"}))
    second = search(PUBLIC, parse_request({"q": "조성", "kind": "node", "per_page": "2",
                                           "page": "2"}))
    assert first.groups[0].count == 3
    assert [h.entry.title for h in first.groups[0].hits] == ["도심제조 스마트 앵커 조성",
                                                            "도심제조 스마트앵커 조성"]
    assert [h.entry.title for h in second.groups[0].hits] == ["홍릉 서울바이오허브 조성"]


def test_the_match_is_marked_and_everything_else_escaped(plan: Plan, planner: Any) -> None:
    node = plan.nodes.get(code="2-1-1")
    do_update_node(planner, node, node.version, title="<script>허브</script> & 펀드", kind="",
                   description="")
    hits = search(PUBLIC, parse_request({"q": "허브"})).groups[0].hits
    hit = next(h for h in hits if h.entry.key == str(node.pk))
    assert str(hit.title) == "&lt;script&gt;<mark>허브</mark>&lt;/script&gt; &amp; 펀드"


class _Sink:
    def write(self, text: str) -> None:
        pass

    def flush(self) -> None:
        pass


def test_bulk_added_entries_get_their_own_ids_and_tokens(plan: Plan) -> None:
    """add_documents writes entries without the ORM (COPY / INSERT … RETURNING): every entry is
    found by its own words, so no id was paired with another entry's tokens."""
    from rtis.search.index import add_documents

    words = ["가람", "나래", "다솜", "라온", "마루", "바다", "사랑", "아라"]
    docs = [Document(str(n), f"{w}과제 {n}", f"{w} 설명", f"/x/{n}/", "public")
            for n, w in enumerate(words * 3)]
    register(Kind("bulktest", "시험", lambda keys: []))
    try:
        assert add_documents("bulktest", docs, batch=5) == 24
        for w in words:
            found = titles(PUBLIC, w, "bulktest")["bulktest"]
            assert sorted(found) == sorted(d.title for d in docs if d.title.startswith(w)), w
    finally:
        unregister("bulktest")
        SearchEntry.objects.filter(kind="bulktest").delete()


def test_a_kind_page_counts_one_row_past_itself_not_every_match(
        plan: Plan, monkeypatch: pytest.MonkeyPatch) -> None:
    """With the count capped (COUNT_CAP, here 1), page 1 says 2+ and page 2 still has its row."""
    from rtis.search import queries

    monkeypatch.setattr(queries, "COUNT_CAP", 1)
    first = search(PUBLIC, parse_request({"q": "조성", "kind": "node", "per_page": "1"}))
    assert (first.groups[0].count, first.groups[0].capped) == (2, True)
    third = search(PUBLIC, parse_request({"q": "조성", "kind": "node", "per_page": "1",
                                          "page": "3"}))
    assert [h.entry.title for h in third.groups[0].hits] == ["홍릉 서울바이오허브 조성"]
    assert (third.groups[0].count, third.groups[0].capped) == (3, False)
