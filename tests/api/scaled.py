"""The sample plan copied N times into one plan: the data of query-count pins at two sizes."""

from __future__ import annotations

import copy
from typing import Any

from tests.factories import sample_plan_doc


def _shift(code: str, by: int) -> str:
    head, _, rest = code.partition("-")
    return f"{int(head) + by}" + (f"-{rest}" if rest else "")


def scaled_doc(copies: int) -> dict[str, Any]:
    """The sample plan's nodes, lines and indicators `copies` times (copy k: area a → a + 2k)."""
    base = sample_plan_doc()
    doc = sample_plan_doc(slug=f"sample-x{copies}", title=f"표본 계획 ×{copies}")
    doc["nodes"], doc["budget_lines"], doc["indicators"] = [], [], []
    doc["stated_tables"], doc["stated_figures"] = [], []
    for k in range(copies):
        for node in copy.deepcopy(base["nodes"]):
            node["code"] = _shift(node["code"], 2 * k)
            node["parent"] = _shift(node["parent"], 2 * k) if node["parent"] else None
            doc["nodes"].append(node)
        for key in ("budget_lines", "indicators"):
            for item in copy.deepcopy(base[key]):
                item["node"] = _shift(item["node"], 2 * k)
                doc[key].append(item)
    return doc
