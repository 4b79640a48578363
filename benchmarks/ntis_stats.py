"""Benchmark: Seoul's share grouped by year × ministry × performer over 1,500,000 project rows,
through RTIS (rtis.ntis.stats over its columnar copy) against raw DuckDB over the same Parquet.

Target (issue 12): ≤ 100 ms median and within 2× of raw DuckDB. The Parquet is built by
DuckDB with the columnar copy's schema and the synthetic distributions' cardinalities (21
years, 20 ministries, 8 performer types, 17 regions with Seoul ~20 %, 33 fields, 4 stages).

    PYTHONPATH=src python benchmarks/ntis_stats.py [ROWS] [ROUNDS]
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROWS = int(sys.argv[1]) if len(sys.argv) > 1 else 1_500_000
ROUNDS = int(sys.argv[2]) if len(sys.argv) > 2 else 30


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="rtis-ntis-stats-"))
    os.environ.setdefault("RTIS_VAR_DIR", str(tmp))
    os.environ.setdefault("RTIS_DATABASE_URL", f"sqlite:///{tmp / 'x.sqlite3'}")
    os.environ.setdefault("RTIS_DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rtis.config.settings")
    import django

    django.setup()
    import duckdb

    from rtis.ntis import columnar, stats

    path = columnar.parquet_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    con.execute(f"""
        COPY (SELECT
            (2005 + (i % 21))::SMALLINT AS year,
            'M' || lpad(((i * 7919) % 20)::VARCHAR, 2, '0') AS ministry_code,
            lpad((1 + (i * 31) % 8)::VARCHAR, 2, '0') AS performer_code,
            CASE WHEN hash(i) % 5 = 0 THEN '11' ELSE (26 + hash(i * 3) % 16)::VARCHAR END
                AS region_code,
            chr(65 + (i % 5)::INT) || chr(65 + (i % 7)::INT) AS science_large,
            lpad((1 + i % 4)::VARCHAR, 2, '0') AS stage_code,
            'IT' AS six_t_code,
            (exp(ln(150000000) + 1.1 * sqrt(-2 * ln(random())) * cos(2 * pi() * random()))
                )::BIGINT AS gov_funds,
            0::BIGINT AS private_funds,
            0::BIGINT AS total_funds
          FROM range({ROWS}) t(i) ORDER BY year)
        TO '{path}' (FORMAT parquet, COMPRESSION zstd)""")
    con.close()
    dims = ["year", "ministry", "performer"]
    raw_sql = (f"SELECT year, ministry_code, performer_code, "
               f"COALESCE(SUM(gov_funds) FILTER (WHERE region_code = '11'), 0)::BIGINT, "
               f"COALESCE(SUM(gov_funds), 0)::BIGINT, "
               f"COUNT(*) FILTER (WHERE region_code = '11'), COUNT(*) "
               f"FROM read_parquet('{path}') GROUP BY ALL ORDER BY ALL")
    raw = duckdb.connect()
    raw.execute("SET threads TO 2")

    def rtis() -> int:
        return len(stats.seoul_share(dims) or [])

    def baseline() -> int:
        return len(raw.execute(raw_sql).fetchall())

    assert rtis() == baseline()  # same groups; also warms both
    timings: dict[str, list[float]] = {"rtis": [], "raw": []}
    cpu: dict[str, list[float]] = {"rtis": [], "raw": []}
    for _ in range(ROUNDS):
        for name, action in (("raw", baseline), ("rtis", rtis)):
            started, used = time.perf_counter(), time.process_time()
            action()
            timings[name].append(time.perf_counter() - started)
            cpu[name].append(time.process_time() - used)
    rtis_ms = statistics.median(timings["rtis"]) * 1000
    raw_ms = statistics.median(timings["raw"]) * 1000
    print(f"{ROWS:,} rows, {rtis():,} groups (year × ministry × performer), {ROUNDS} rounds; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"raw DuckDB over the Parquet: median {raw_ms:.1f} ms wall, "
          f"{statistics.median(cpu['raw']) * 1000:.1f} ms CPU (all threads)")
    print(f"RTIS rtis.ntis.stats.seoul_share: median {rtis_ms:.1f} ms wall, "
          f"{statistics.median(cpu['rtis']) * 1000:.1f} ms CPU (all threads)")
    print(f"ratio RTIS / raw: {rtis_ms / raw_ms:.2f}×")


if __name__ == "__main__":
    main()
