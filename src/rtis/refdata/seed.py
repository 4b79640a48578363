"""Load the reference code lists of the seed (seed/refdata/*.yaml), in file order."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rtis.lib.refdata_schema import RefdataFile
from rtis.lib.seed_schema import parse_seed_text
from rtis.refdata.actions import do_load_refdata


def load_refdata(actor: Any | None, paths: list[Path]) -> list[str]:
    """Load every refdata file among `paths`; return what changed (nothing on a reload)."""
    changed: list[str] = []
    for path in sorted(paths):
        if path.parent.name != "refdata":
            continue
        parsed = parse_seed_text(path.read_text(encoding="utf-8"),
                                 f"{path.parent.parent.name}/{path.parent.name}/{path.name}")
        if isinstance(parsed, RefdataFile):
            changed.extend(do_load_refdata(actor, parsed))
    return changed
