"""Benchmark: importing 1,000,000 synthetic NTIS project rows (CSV) into SQLite, against
`sqlite-utils insert --csv` into a plain table, in one run over the same file.

Target (issue 12): RTIS import into SQLite ≤ 9 s and ≥ 10× faster than sqlite-utils; peak RSS
≤ 1.5 GB (the import runs in a child process so its peak is its own). The import uses the C path
(rtis.ntis.fastcsv) when it is built; the Python path (`fast=False`) is measured beside it on
the same file, and the script says which path each run took. sqlite-utils is installed
into its own venv under the temporary folder (pip, pinned). Also reported: the columnar rebuild
after the import, the same import into PostgreSQL when RTIS_BENCH_PG_URL names a database, and
100,000 rows from CP949 XML.

    PYTHONPATH=src python benchmarks/ntis_import.py [ROWS]
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROWS = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
SQLITE_UTILS = "sqlite-utils==3.38"
SRC = Path(__file__).resolve().parents[1] / "src"

CHILD = r"""
import json, os, resource, sys, time
os.environ["DJANGO_SETTINGS_MODULE"] = "rtis.config.settings"
import django
django.setup()
from pathlib import Path
from django.core.management import call_command
call_command("migrate", verbosity=0)
from rtis.ingest.seed import SEED_DIR
from rtis.refdata.seed import load_refdata
load_refdata(None, sorted((SEED_DIR / "refdata").glob("*.yaml")))
from rtis.ntis.importer import do_import_projects
from rtis.ntis.columnar import rebuild
path = Path(sys.argv[1])
started = time.perf_counter()
cpu = time.process_time()
report = do_import_projects(None, path, fast=False if sys.argv[3] == "0" else None)
elapsed = time.perf_counter() - started
cpu = time.process_time() - cpu
assert report.written, (report.refused, [str(p) for p in report.problems[:5]])
started = time.perf_counter()
rows = rebuild() if sys.argv[2] == "1" else 0
rebuild_s = time.perf_counter() - started
print(json.dumps({"import_s": elapsed, "import_cpu_s": cpu, "rows": report.added,
                  "fast": report.fast,
                  "rebuild_s": rebuild_s, "columnar_rows": rows,
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def run_child(path: Path, database_url: str, var: Path, rebuild: bool = True,
              fast: bool = True) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(SRC), "RTIS_DATABASE_URL": database_url,
           "RTIS_VAR_DIR": str(var), "RTIS_DEBUG": "1"}
    out = subprocess.run([sys.executable, "-c", CHILD, str(path), "1" if rebuild else "0",
                          "1" if fast else "0"],
                         env=env, check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="rtis-ntis-bench-"))
    sys.path.insert(0, str(SRC))
    from rtis.ntis.synth import write_file

    csv_path = tmp / "ntis.csv"
    started = time.perf_counter()
    write_file(csv_path, ROWS, "csv")
    print(f"synthetic CSV: {ROWS:,} rows, {csv_path.stat().st_size / 1e6:.0f} MB "
          f"({time.perf_counter() - started:.0f} s to write)")

    rtis = run_child(csv_path, f"sqlite:///{tmp / 'rtis.sqlite3'}", tmp / "var")
    path = "C path" if rtis["fast"] else "Python path (the C extension is not built here)"
    print(f"RTIS import → SQLite ({path}): {rtis['import_s']:.2f} s wall, "
          f"{rtis['import_cpu_s']:.2f} s CPU, {rtis['rows']:,} rows; columnar rebuild "
          f"{rtis['rebuild_s']:.2f} s; peak RSS {rtis['peak_rss_mb']:.0f} MB")
    python = run_child(csv_path, f"sqlite:///{tmp / 'rtis-py.sqlite3'}", tmp / "var-py",
                       rebuild=False, fast=False)
    print(f"RTIS import → SQLite (Python path, for reference): {python['import_s']:.2f} s wall, "
          f"{python['import_cpu_s']:.2f} s CPU; peak RSS {python['peak_rss_mb']:.0f} MB")

    venv = tmp / "sqlite-utils-venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run([str(venv / "bin" / "pip"), "install", "-q", SQLITE_UTILS], check=True)
    started = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([str(venv / "bin" / "sqlite-utils"), "insert", str(tmp / "plain.sqlite3"),
                    "projects", str(csv_path), "--csv"], check=True, capture_output=True)
    baseline = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    print(f"baseline {SQLITE_UTILS} insert --csv: {baseline:.2f} s wall, {cpu:.2f} s CPU")
    print(f"ratio: RTIS is {baseline / rtis['import_s']:.1f}× faster (wall), "
          f"{cpu / rtis['import_cpu_s']:.1f}× (CPU)")
    if ROWS == 1_000_000:
        verdict = {True: "met", False: "NOT met"}
        print(f"targets at 1M rows: ≤ 9 s {verdict[rtis['import_s'] <= 9]}; ≥ 10× sqlite-utils "
              f"{verdict[baseline >= 10 * rtis['import_s']]}; peak RSS ≤ 1.5 GB "
              f"{verdict[rtis['peak_rss_mb'] <= 1536]}")

    pg = os.environ.get("RTIS_BENCH_PG_URL")
    if pg:
        result = run_child(csv_path, pg, tmp / "var-pg", rebuild=False)
        print(f"RTIS import → PostgreSQL: {result['import_s']:.2f} s wall, "
              f"{result['import_cpu_s']:.2f} s CPU")

    xml_path = tmp / "ntis-cp949.xml"
    write_file(xml_path, 100_000, "xml", encoding="cp949")
    xml = run_child(xml_path, f"sqlite:///{tmp / 'xml.sqlite3'}", tmp / "var-xml", rebuild=False)
    print(f"RTIS import of 100,000 rows from CP949 XML → SQLite: {xml['import_s']:.2f} s wall, "
          f"{xml['import_cpu_s']:.2f} s CPU")


if __name__ == "__main__":
    main()
