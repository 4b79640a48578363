"""Validate API responses against our own OpenAPI document (the document is a tested artefact)."""

from __future__ import annotations

import json
import re
from functools import cache
from typing import Any

import jsonschema

PREFIX = "/api/v1"


@cache
def openapi_document() -> dict[str, Any]:
    from rtis.config.api import api

    return json.loads(json.dumps(api.get_openapi_schema(path_prefix=PREFIX + "/")))


def _match(path: str) -> tuple[str, dict[str, Any]]:
    doc = openapi_document()
    bare = path.split("?", 1)[0].rstrip("/")
    for template, item in doc["paths"].items():
        pattern = "^" + re.sub(r"\{[^}]+\}", "[^/]+", template.rstrip("/")) + "$"
        if re.match(pattern, bare):
            return template, item
    raise AssertionError(f"{path} is not documented in the OpenAPI document")


def assert_matches_openapi(method: str, path: str, response: Any) -> None:
    """Fail unless the status is documented and the JSON body fits its schema."""
    template, item = _match(path)
    operation = item.get(method)
    assert operation is not None, f"{method.upper()} {template} is not documented"
    status = str(response.status_code)
    if response.status_code == 422:
        return  # validation errors: shape checked by tests of the error handler
    assert status in operation["responses"], (
        f"{method.upper()} {template} answered {status}, documented: {list(operation['responses'])}"
    )
    content = operation["responses"][status].get("content", {}).get("application/json")
    assert content is not None, f"{template} {status} has no JSON schema"
    schema = {**content["schema"], "components": openapi_document().get("components", {})}
    if response.streaming:  # read here, and handed back to the caller as a stream again
        body = b"".join(response.streaming_content)
        response.streaming_content = [body]
    else:
        body = response.content
    jsonschema.validate(json.loads(body), schema)
