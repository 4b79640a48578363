"""The demo's national R&D data: a small synthetic set (clearly invented) so the statistics
pages are not empty. Loaded through the import path, then the columnar copy is rebuilt."""

from __future__ import annotations

import tempfile
from pathlib import Path

from rtis.ntis.columnar import rebuild
from rtis.ntis.importer import do_import_projects
from rtis.ntis.models import Project
from rtis.ntis.synth import write_file

DEMO_ROWS = 3_000


def do_demo_ntis(rows: int = DEMO_ROWS) -> list[str]:
    """Import `rows` synthetic project-years unless national data is already there."""
    if Project.objects.exists():
        return [f"국가R&D 자료 유지 / national data kept ({Project.objects.count():,}건)"]
    with tempfile.TemporaryDirectory(prefix="rtis-ntis-demo-") as folder:
        path = Path(folder) / "합성_국가R&D과제.csv"
        write_file(path, rows, "csv", seed=2022)
        report = do_import_projects(None, path, file_name="합성 국가R&D 과제 (데모)")
    if not report.written:
        return [f"국가R&D 합성 자료를 가져오지 못함 / synthetic national data not imported: "
                f"{report.refused or report.problems[:3]}"]
    copied = rebuild()
    return [f"국가R&D 합성 자료 {report.added:,}건 (가상 자료) / synthetic national projects",
            f"통계용 사본 {copied:,}행 / columnar copy rows"]
