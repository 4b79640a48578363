"""The evaluation API: every operation answers each role by its rule, and each answer fits the
OpenAPI document; a conflict is refused with its reason; a revision needs a reason."""

from __future__ import annotations

import json
from typing import Any

import pytest

from rtis.review.actions import do_create_panel
from rtis.review.models import ScoreRevision
from tests.openapi import assert_matches_openapi
from tests.review.conftest import EVALUATOR, MANAGER, ROLES, World, client_as, refused

pytestmark = pytest.mark.django_db
API = "/api/v1/review"


def operations(world: World) -> list[tuple[str, str, dict[str, Any] | None, frozenset[str]]]:
    s = world.scenario
    stage, panel, mine = s.stage.pk, world.panel.pk, world.mine.pk
    app = s.applications[1].pk
    evaluators = MANAGER | {"evaluator", "other_evaluator"}
    return [
        ("get", f"{API}/evaluators", None, MANAGER),
        ("get", f"{API}/stages/{stage}/panels", None, MANAGER),
        ("get", f"{API}/panels/{panel}/conflicts", None, MANAGER),
        ("post", f"{API}/panels/{panel}/assignments",
         {"evaluator_id": s.evaluators[4].pk, "application_id": app}, MANAGER),
        ("get", f"{API}/my-assignments", None, evaluators),
        ("get", f"{API}/assignments/{mine}", None, MANAGER | EVALUATOR),
        ("put", f"{API}/assignments/{mine}/scores", {"version": 1, "scores": {}}, EVALUATOR),
        ("post", f"{API}/assignments/{mine}/recuse", {"reason": "사유"}, EVALUATOR),
        ("get", f"{API}/stages/{stage}/ranking", None, MANAGER),
        ("post", f"{API}/stages/{stage}/selection", None, MANAGER),
        ("get", f"{API}/applications/{app}/disclosure", None, MANAGER | {"applicant"}),
    ]


def call(client: Any, method: str, path: str, body: dict[str, Any] | None) -> Any:
    if body is None:
        return getattr(client, method)(path)
    return getattr(client, method)(path, json.dumps(body), content_type="application/json")


def test_every_review_operation_is_in_the_openapi_document(client: Any) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    documented = {(m, p) for p, item in paths.items() for m in item if p.startswith(API)}
    assert len(documented) == 11 + 6  # rnd-screen: declarations and people to avoid


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_exactly_what_its_rules_allow(selected: World, role: str) -> None:
    """After selection: the allowed get an answer (writes a 422 naming why), others a refusal."""
    wrong = []
    for method, path, body, allowed in operations(selected):
        response = call(client_as(selected, role), method, path, body)
        if response.status_code >= 500:
            wrong.append(f"{method} {path}: {response.status_code}")
            continue
        denied = refused(response) or response.status_code == 401
        if role in allowed and denied:
            wrong.append(f"{method} {path}: refused ({response.status_code}) but allowed")
        elif role not in allowed and not denied:
            wrong.append(f"{method} {path}: {response.status_code}, should be refused")
        assert_matches_openapi(method, path, response)
    assert not wrong, "\n".join(wrong)


def test_an_assignment_with_a_conflict_is_a_422_with_the_reason(world: World) -> None:
    s = world.scenario
    panel = do_create_panel(world.users["manager"], s.stage, name="분과 3",
                            applications=[s.applications[0]])
    response = call(client_as(world, "manager"), "post", f"{API}/panels/{panel.pk}/assignments",
                    {"evaluator_id": s.evaluators[0].pk, "application_id": s.applications[0].pk})
    assert response.status_code == 422
    assert "same organisation and department" in response.json()["detail"]
    conflicts = client_as(world, "manager").get(f"{API}/panels/{panel.pk}/conflicts")
    assert conflicts.json() == []  # nothing screened yet; the refusal wrote nothing


def test_an_evaluator_revises_a_submitted_sheet_only_with_a_reason(world: World) -> None:
    client = client_as(world, "evaluator")
    path = f"{API}/assignments/{world.mine.pk}"
    sheet = client.get(path).json()
    scores = world.scenario.full(70, 40, 16)
    response = call(client, "put", f"{path}/scores", {"version": sheet["version"],
                                                       "scores": scores})
    assert response.status_code == 422 and "수정 사유" in response.json()["detail"]
    response = call(client, "put", f"{path}/scores", {"version": sheet["version"],
                                                       "scores": scores, "reason": "재검토"})
    assert response.status_code == 200
    assert_matches_openapi("put", f"{path}/scores", response)
    assert ScoreRevision.objects.get().reason == "재검토"
    stale = call(client, "put", f"{path}/scores", {"version": sheet["version"],
                                                    "scores": scores, "reason": "또"})
    assert stale.status_code == 409


def test_the_disclosure_names_evaluators_only_by_letter(selected: World) -> None:
    path = f"{API}/applications/{selected.scenario.applications[1].pk}/disclosure"
    body = client_as(selected, "applicant").get(path).json()
    assert [c["evaluator"] for c in body["comments"]] == ["위원 A"]
    assert "가상위원나" not in json.dumps(body["comments"], ensure_ascii=False)
    assert body["panel"] == [{"name": "가상위원나", "organisation": "연세대학교"}]
    assert body["outcome"] == "selected" and body["awarded_won"] == 200_000_000


# rnd-screen: the evaluator's own declarations over JSON -----------------------------------------

def test_an_evaluator_declares_over_json_and_recuses_from_the_organisations_sheets(
        world: World) -> None:
    client = client_as(world, "evaluator")
    path = f"{API}/my-conflicts"
    before = client.get(path)
    assert before.status_code == 200 and before.json()["declared"] == []
    assert [a["assignment_id"] for a in before.json()["assignments"]] == [world.mine.pk]
    assert_matches_openapi("get", path, before)
    declared = call(client, "post", f"{path}/organisations",
                    {"organisation": "(주)가온로보틱스", "reason": "전 직장"})
    assert declared.status_code == 201, declared.content
    assert_matches_openapi("post", f"{path}/organisations", declared)
    assert declared.json()["recused"] == [world.mine.pk]
    again = call(client, "post", f"{path}/organisations",
                 {"organisation": "주식회사 가온로보틱스", "reason": "전 직장"})
    assert again.status_code == 422
    assert [e["field"] for e in again.json()["errors"]] == ["organisation"]
    # another panel's application looks like none: 422 naming the field, nothing saved
    theirs = call(client, "post", f"{path}/applications",
                  {"application_id": world.theirs.application_id, "reason": "자문"})
    assert theirs.status_code == 422
    assert [e["field"] for e in theirs.json()["errors"]] == ["application_id"]
    missing = call(client, "post", f"{path}/applications", {"reason": "자문"})
    assert missing.status_code == 422 and "application_id" in missing.json()["detail"]
    after = client.get(path).json()
    assert [d["organisation"] for d in after["declared"]] == ["(주)가온로보틱스"]
    assert [a["state"] for a in after["assignments"]] == ["recused"]
    assert client_as(world, "manager").get(path).status_code == 403
    assert client_as(world, "public").get(path).status_code == 401
