"""The demo's fixed "today", kept in the var folder so every `rtis` command on the demo sees it.

`rtis demo` writes `today` next to the demo's SQLite file and secret key; the `rtis` script reads
it before Django starts and sets RTIS_TODAY from it unless RTIS_TODAY is already set (an empty
RTIS_TODAY turns the fixed day off). No Django imports: the script runs this before settings.

Why 2022-03-15: the seeds tell the story of early 2022. The 2022 work report to the City Council
(seed 004, made on 2022-02-09) reports 2021's results and prints execution by department as of
2022-01-21; the council's follow-up of the 2021 audit (처리결과) is in progress, its first
completion dates falling between December 2021 and February 2022; the five-year plans of 2018
(innovation growth, 5th science and technology plan) are in their last year. On 15 March 2022
January's execution is locked, February's was due on 10 March (a few entries still open), March
and the first quarter are being entered, and a handful of council items are past their dates.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

DEMO_TODAY = dt.date(2022, 3, 15)
TODAY_FILE = "today"
VARIABLE = "RTIS_TODAY"


def read_demo_today(var_dir: Path) -> str | None:
    """Return the day stored in the var folder (as written, YYYY-MM-DD), or None without one."""
    path = var_dir / TODAY_FILE
    if not path.is_file():
        return None
    return path.read_text(encoding="utf-8").strip() or None


def write_demo_today(var_dir: Path, day: dt.date = DEMO_TODAY) -> bool:
    """Store the demo's day in the var folder unless one is stored; tell whether it wrote."""
    path = var_dir / TODAY_FILE
    if path.exists():
        return False
    var_dir.mkdir(parents=True, exist_ok=True)
    path.write_text(day.isoformat() + "\n", encoding="utf-8")
    return True
