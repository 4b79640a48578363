"""The demo's search index: built from everything the demo has loaded, once it is loaded."""

from __future__ import annotations

from typing import Any

from rtis.search.index import reindex


def build_demo_index(write: Any) -> None:
    """Rebuild the whole index and say how many entries of each kind it holds."""
    report = reindex()
    counts = ", ".join(f"{kind} {n}" for kind, n in report.counts.items())
    write(f"검색 색인 / search index: {counts} ({report.seconds:.1f} s)")
