"""Benchmark: RTIS's read API against Datasette on the same SQLite files (issue 13).

Builds two SQLite databases under RTIS_BENCH_DIR (default /tmp/rtis-vs-datasette):
  - seed.sqlite3: migrated, the Seoul seed loaded (`rtis manage load_seed`);
  - million.sqlite3: a copy with a **synthetic** published plan `synthetic-1m` of 1,000,000 budget
    lines: 10 areas × 100 tasks × 10 unit projects (11,010 nodes) × 20 years (2001–2020) × 5
    sources (city, national, district, sh, private), amounts made up from the indices.
Serves each with `rtis serve` (waitress, 8 threads, RTIS_DEBUG=0) and with `datasette serve`
(0.65.1, installed by this script into its own venv under the same directory; immutable `-i`,
`--setting suggest_facets off`), and drives both with the same load generator: 16 client threads
with keep-alive connections, each case for RTIS_BENCH_SECONDS (default 4) per server, RTIS and
Datasette interleaved (the order alternating round by round), RTIS_BENCH_ROUNDS rounds (default 3).
Datasette answers the same questions with the same SQL through its `?sql=` JSON and CSV views:
  (a) a 100-line page of a plan's lines (in RTIS's order: node, year, source);
  (b) one year's lines of one subtree (a recursive CTE; on the seed: area 2 of the 2018 plan,
      2019; on the 1M plan: task 3-7 in 2010, 50 lines), and (b) as CSV;
  (c) the sum by year × source (RTIS's budget-summary also sums by year × area).
Prints per case: RTIS and Datasette req/s (median of the rounds), p95 ms (all requests), and the
ratio RTIS / Datasette measured in the same round. Then the full CSV of the 1M plan from RTIS,
streamed to the end, with the server's RSS sampled every 20 ms (growth = peak − before).

`rtis serve` has the public's plan reads cached in memory (rtis.apicache), so after the warm-up
RTIS's figures are cache hits. RTIS_BENCH_VARIANTS (default `cached,thin`) runs several RTIS
servers side by side in the same interleaved rounds: `cached` (the cache in front), `thin` (no
cache, `RTIS_API_CACHE_MB=0`: every budget-lines and budget-summary request computed by the thin
path of rtis.apicache.thin), `django` (no cache and `RTIS_API_THIN=0`: Django's whole path), each
with its own ratio to Datasette. The argument `cold` times the first request after a write (the data version
moved) against the next one, one client. `RTIS_BENCH_PROCESSES` / `RTIS_BENCH_THREADS`: the
server's `--processes` / `--threads` (1 / 8). Arguments `seed`, `1m`, `csv`, `cold` pick parts.

Run: `python benchmarks/vs_datasette.py` (PYTHONPATH=src; ~10 minutes, 2 GB of disk).
"""

from __future__ import annotations

import http.client
import itertools
import os
import secrets
import shutil
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORK = Path(os.environ.get("RTIS_BENCH_DIR", "/tmp/rtis-vs-datasette"))
SECONDS = float(os.environ.get("RTIS_BENCH_SECONDS", "4"))
ROUNDS = int(os.environ.get("RTIS_BENCH_ROUNDS", "3"))
CLIENTS = int(os.environ.get("RTIS_BENCH_CLIENTS", "16"))
# `rtis serve` for the comparison: threads and worker processes (the full-CSV memory test below
# always uses one process, whose RSS it samples)
THREADS = os.environ.get("RTIS_BENCH_THREADS", "8")
PROCESSES = os.environ.get("RTIS_BENCH_PROCESSES", "1")
DATASETTE = "datasette==0.65.1"
RTIS_PORT, DATASETTE_PORT = 8731, 8732
PYTHON = sys.executable
# The RTIS servers compared with Datasette in one interleaved run (RTIS_BENCH_VARIANTS, comma-
# separated): "cached" — the answer cache in front (after the warm-up every request is a hit);
# "thin" — no answer cache, every request computed by the thin path (rtis.apicache.thin);
# "django" — no cache, no thin path: every request through the whole of Django.
_VARIANT_ENV = {"cached": {"RTIS_API_CACHE_MB": "64", "RTIS_API_THIN": "1"},
                "thin": {"RTIS_API_CACHE_MB": "0", "RTIS_API_THIN": "1"},
                "django": {"RTIS_API_CACHE_MB": "0", "RTIS_API_THIN": "0"}}
VARIANTS = [v for v in os.environ.get("RTIS_BENCH_VARIANTS", "cached,thin").split(",") if v]
if not set(VARIANTS) <= set(_VARIANT_ENV):
    raise SystemExit(f"RTIS_BENCH_VARIANTS: one or more of {', '.join(_VARIANT_ENV)}")
SOURCES = ["city", "national", "district", "sh", "private"]
SEED_PLAN, BIG_PLAN = "innovation-growth-2018", "synthetic-1m"


def _env(db: Path, **extra: str) -> dict[str, str]:
    # RTIS_API_CACHE_MB / RTIS_API_THIN pass through unless a variant sets them (VARIANTS)
    return {**os.environ, "PYTHONPATH": str(ROOT / "src"), "RTIS_DATABASE_URL": f"sqlite:///{db}",
            "RTIS_VAR_DIR": str(WORK), "RTIS_DEBUG": "0",
            "RTIS_SECRET_KEY": os.environ.get("RTIS_SECRET_KEY", secrets.token_urlsafe(60)),
            **extra}


def build_seed(db: Path) -> None:
    if db.exists():
        return
    for args in (["migrate", "-v0"], ["load_seed"]):
        subprocess.run([PYTHON, "-m", "rtis", "manage", *args], env=_env(db), check=True,
                       stdout=subprocess.DEVNULL)


def build_million(seed: Path, db: Path) -> None:
    """Copy the seed and add the synthetic plan with plain INSERTs (minutes through the ORM)."""
    if db.exists():
        return
    partial = db.with_suffix(".partial")
    shutil.copy(seed, partial)
    con = sqlite3.connect(partial)
    columns = [r[1] for r in con.execute("PRAGMA table_info(plans_plan)") if r[1] != "id"]
    values = {"slug": f"'{BIG_PLAN}'", "title": "'합성 계획 (1,000,000 소요예산 행)'",
              "document_number": "''", "period_start": "2001", "period_end": "2020",
              "published": "1", "summary": "'벤치마크용 합성 자료 / synthetic benchmark data'"}
    select = ", ".join(values.get(c, c) for c in columns)
    con.execute(f"INSERT INTO plans_plan ({', '.join(columns)}) SELECT {select} FROM plans_plan "
                f"WHERE slug = ?", (SEED_PLAN,))
    plan_id = con.execute("SELECT id FROM plans_plan WHERE slug = ?", (BIG_PLAN,)).fetchone()[0]
    next_id = con.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM plans_node").fetchone()[0]
    nodes, units = [], []
    ids = itertools.count(next_id)
    position = itertools.count(1)

    def node(code: str, parent: int | None, depth: int, level: str) -> int:
        pk = next(ids)
        nodes.append((pk, plan_id, parent, code, f"합성 {level} {code}", depth, level, "",
                      next(position), "", "{}", 1))
        return pk

    for a in range(1, 11):
        area = node(f"{a}", None, 1, "분야")
        for t in range(1, 101):
            task = node(f"{a}-{t}", area, 2, "과제")
            units += [node(f"{a}-{t}-{u}", task, 3, "단위사업") for u in range(1, 11)]
    con.executemany("INSERT INTO plans_node (id, plan_id, parent_id, code, title, depth, "
                    "level_name, kind, position, description, provenance, version) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", nodes)
    lines = ((unit, year, source, 1_000_000 * ((unit + year + s) % 97 + 1), "", "{}", 1)
             for unit in units for year in range(2001, 2021) for s, source in enumerate(SOURCES))
    con.executemany("INSERT INTO plans_budgetline (node_id, year, source_id, amount_won, note, "
                    "provenance, version) VALUES (?, ?, ?, ?, ?, ?, ?)", lines)
    con.commit()
    con.execute("ANALYZE")
    con.close()
    partial.rename(db)


def datasette_bin() -> Path:
    venv = WORK / "datasette-venv"
    binary = venv / "bin" / "datasette"
    if not binary.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "pip"), "install", "-q", DATASETTE], check=True)
    return binary


class Server:
    def __init__(self, name: str, args: list[str], env: dict[str, str], port: int,
                 probe: str = "/") -> None:
        self.name, self.port = name, port
        self.process = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("GET", probe)
                conn.getresponse().read()
                return
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise SystemExit(f"{name} did not start on port {port}")

    def rss_kb(self) -> int:
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        return 0

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def rtis_server(db: Path, processes: str = "1", port: int = RTIS_PORT,
                **extra: str) -> Server:
    subprocess.run([PYTHON, "-m", "rtis", "manage", "migrate", "-v0"], env=_env(db), check=True,
                   stdout=subprocess.DEVNULL)  # databases built by an older checkout
    return Server("rtis", [PYTHON, "-m", "rtis", "serve", "--port", str(port),
                           "--threads", THREADS, "--processes", processes], _env(db, **extra),
                  port, "/api/v1/plans?limit=1")  # the home page sums every plan: minutes at 1M


def datasette_server(db: Path) -> Server:
    return Server("datasette", [str(datasette_bin()), "serve", "-i", str(db), "--port",
                                str(DATASETTE_PORT), "--setting", "suggest_facets", "off",
                                "--setting", "sql_time_limit_ms", "60000"],
                  dict(os.environ), DATASETTE_PORT)


def load(port: int, path: str, seconds: float) -> tuple[float, list[float], int]:
    """CLIENTS threads GET path over keep-alive connections: req/s, latencies, bytes of one."""
    latencies: list[float] = []
    size = [0]
    errors: list[str] = []
    stop_at = time.perf_counter() + seconds
    lock = threading.Lock()

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        mine = []
        while time.perf_counter() < stop_at:
            start = time.perf_counter()
            conn.request("GET", path)
            response = conn.getresponse()
            body = response.read()
            mine.append(time.perf_counter() - start)
            if response.status != 200:
                errors.append(f"{response.status} {path}: {body[:200]!r}")
                break
            size[0] = len(body)
            if response.getheader("Connection", "").lower() == "close":
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        conn.close()
        with lock:
            latencies.extend(mine)

    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise SystemExit(errors[0])
    return len(latencies) / (time.perf_counter() - started), latencies, size[0]


def _sql(query: str, fmt: str = "json", **params: str | int) -> str:
    extra = {"_shape": "array"} if fmt == "json" else {}
    return f"/{{db}}.{fmt}?" + urllib.parse.urlencode({"sql": query, **extra, **params})


# RTIS's statement for a page of a whole plan (plans.api.line_page_sql): the plan's nodes in id
# order, each one's lines on the unique index
PAGE_SQL = ("SELECT n.code AS node, l.year, l.source_id AS source, l.amount_won, l.note, "
            "l.provenance FROM plans_node n CROSS JOIN plans_budgetline l "
            "WHERE l.node_id = n.id AND n.plan_id = :plan "
            "ORDER BY n.id, l.year, l.source_id LIMIT 100")
SUBTREE_SQL = ("WITH RECURSIVE subtree(id) AS (SELECT id FROM plans_node WHERE plan_id = :plan "
               "AND code = :node UNION ALL SELECT c.id FROM plans_node c JOIN subtree s ON "
               "c.parent_id = s.id) SELECT n.code AS node, l.year, l.source_id AS source, "
               "l.amount_won, l.note, l.provenance FROM plans_budgetline l JOIN plans_node n "
               "ON n.id = l.node_id WHERE l.node_id IN (SELECT id FROM subtree) AND l.year = "
               ":year ORDER BY l.node_id, l.year, l.source_id")
SUM_SQL = ("SELECT l.year, l.source_id AS source, SUM(l.amount_won) AS won FROM plans_budgetline "
           "l JOIN plans_node n ON n.id = l.node_id WHERE n.plan_id = :plan "
           "GROUP BY l.year, l.source_id ORDER BY l.year, l.source_id")


def cases(db_name: str, slug: str, plan_id: int, node: str, year: int) -> list[tuple[str, str,
                                                                                      str]]:
    """The cases, or those RTIS_BENCH_CASES picks (comma-separated: a, b, csv, c)."""
    api = f"/api/v1/plans/{slug}"
    sub = urllib.parse.urlencode({"node": node, "year": year, "limit": 1000})
    picked = os.environ.get("RTIS_BENCH_CASES", "a,b,csv,c").split(",")
    return [case for tag, case in zip(["a", "b", "csv", "c"], _cases(api, sub, db_name, plan_id,
                                                                     node, year), strict=True)
            if tag in picked]


def _cases(api: str, sub: str, db_name: str, plan_id: int, node: str,
           year: int) -> list[tuple[str, str, str]]:
    return [
        ("(a) 100-line page", f"{api}/budget-lines?limit=100",
         _sql(PAGE_SQL, plan=plan_id).format(db=db_name)),
        ("(b) one year of a subtree", f"{api}/budget-lines?{sub}",
         _sql(SUBTREE_SQL, plan=plan_id, node=node, year=year).format(db=db_name)),
        ("(b) as CSV", f"{api}/budget-lines?{sub}&format=csv",
         _sql(SUBTREE_SQL, "csv", plan=plan_id, node=node, year=year).format(db=db_name)),
        ("(c) sum by year × source", f"{api}/budget-summary",
         _sql(SUM_SQL, plan=plan_id).format(db=db_name)),
    ]


def compare(label: str, db: Path, slug: str, node: str, year: int) -> list[str]:
    """Each case on Datasette and on every RTIS server of VARIANTS, interleaved round by round
    (the order rotating); a ratio is an RTIS variant's req/s over Datasette's in the same round."""
    con = sqlite3.connect(db)
    plan_id = con.execute("SELECT id FROM plans_plan WHERE slug = ?", (slug,)).fetchone()[0]
    con.close()
    servers: dict[str, Server] = {}
    ports = {"datasette": DATASETTE_PORT}
    rows = []
    try:
        servers["datasette"] = datasette_server(db)
        for i, variant in enumerate(VARIANTS):
            ports[variant] = RTIS_PORT + 10 + i
            servers[variant] = rtis_server(db, PROCESSES, ports[variant], **_VARIANT_ENV[variant])
        names = list(ports)
        for name, rtis_path, datasette_path in cases(db.stem, slug, plan_id, node, year):
            paths = {who: datasette_path if who == "datasette" else rtis_path for who in names}
            for who in names:  # warm-up, and the answers must be there
                load(ports[who], paths[who], 0.5)
            rates: dict[str, list[float]] = {who: [] for who in names}
            lat: dict[str, list[float]] = {who: [] for who in names}
            sizes: dict[str, int] = {}
            ratios: dict[str, list[float]] = {who: [] for who in VARIANTS}
            for r in range(ROUNDS):
                for who in names[r % len(names):] + names[:r % len(names)]:
                    rate, latencies, sizes[who] = load(ports[who], paths[who], SECONDS)
                    rates[who].append(rate)
                    lat[who] += latencies
                for who in VARIANTS:
                    ratios[who].append(rates[who][-1] / rates["datasette"][-1])
            p95 = {w: sorted(v)[int(len(v) * 0.95) - 1] * 1000 for w, v in lat.items()}
            for who in VARIANTS:
                row = (f"{label:6} {name:28} {who:9} {statistics.median(rates[who]):8.1f} "
                       f"{statistics.median(rates['datasette']):8.1f} {p95[who]:8.1f} "
                       f"{p95['datasette']:8.1f} {statistics.median(ratios[who]):6.2f} "
                       f"[{min(ratios[who]):.2f}–{max(ratios[who]):.2f}] {sizes[who]:>8} "
                       f"{sizes['datasette']:>8}  load {os.getloadavg()[0]:.1f}")
                print(row, flush=True)
                rows.append(row)
    finally:
        for server in servers.values():
            server.stop()
    return rows


def full_csv(db: Path, slug: str) -> None:
    server = rtis_server(db)
    try:
        before = peak = server.rss_kb()
        done = threading.Event()

        def sample() -> None:
            nonlocal peak
            while not done.is_set():
                peak = max(peak, server.rss_kb())
                time.sleep(0.02)

        sampler = threading.Thread(target=sample)
        sampler.start()
        start = time.perf_counter()
        conn = http.client.HTTPConnection("127.0.0.1", RTIS_PORT, timeout=600)
        conn.request("GET", f"/api/v1/plans/{slug}/budget-lines?format=csv")
        response = conn.getresponse()
        total = 0
        while chunk := response.read(1 << 20):
            total += len(chunk)
        seconds = time.perf_counter() - start
        done.set()
        sampler.join()
        lines = 0 if response.status != 200 else total
        print(f"full CSV of {slug}: {total / 1e6:.1f} MB in {seconds:.1f} s "
              f"({total / 1e6 / seconds:.1f} MB/s), status {response.status}; server RSS "
              f"{before / 1024:.0f} MB → peak {peak / 1024:.0f} MB "
              f"(growth {(peak - before) / 1024:.0f} MB)", flush=True)
        assert lines
    finally:
        server.stop()


def _bump(db: Path) -> None:
    """A committed write the way any write looks to the cache: the data version moves."""
    con = sqlite3.connect(db)
    con.execute("UPDATE apicache_dataversion SET value = value + 1 WHERE id = 1")
    con.commit()
    con.close()


def _once(path: str) -> tuple[float, int]:
    conn = http.client.HTTPConnection("127.0.0.1", RTIS_PORT, timeout=600)
    start = time.perf_counter()
    conn.request("GET", path)
    response = conn.getresponse()
    response.read()
    conn.close()
    return (time.perf_counter() - start) * 1000, response.status


def cold(label: str, db: Path, slug: str, node: str, year: int, repeat: int = 5) -> None:
    """The first request after a write (a cache miss: Django's whole path) against the next
    one (a hit), one client, `repeat` times per case: medians in ms."""
    con = sqlite3.connect(db)
    plan_id = con.execute("SELECT id FROM plans_plan WHERE slug = ?", (slug,)).fetchone()[0]
    con.close()
    server = rtis_server(db)
    try:
        for name, path, _ in cases(db.stem, slug, plan_id, node, year):
            misses, hits = [], []
            for _ in range(repeat):
                _bump(db)
                took, status = _once(path)
                assert status == 200, (status, path)
                misses.append(took)
                hits.append(_once(path)[0])
            print(f"{label:6} {name:28} first after a write {statistics.median(misses):9.1f} ms"
                  f"   next {statistics.median(hits):6.2f} ms", flush=True)
    finally:
        server.stop()


def main(argv: list[str]) -> None:
    WORK.mkdir(parents=True, exist_ok=True)
    seed, million = WORK / "seed.sqlite3", WORK / "million.sqlite3"
    step: Callable[[str], None] = lambda text: print(f"# {text}", flush=True)  # noqa: E731
    step("building the databases (once; delete the files to rebuild)")
    build_seed(seed)
    build_million(seed, million)
    datasette_bin()
    step(f"{CLIENTS} clients, {SECONDS:g} s per case and server, {ROUNDS} rounds, interleaved; "
         f"python {sys.version.split()[0]}, SQLite {sqlite3.sqlite_version}, {DATASETTE}")
    step(f"rtis serve --processes {PROCESSES} --threads {THREADS}; RTIS variants: "
         f"{', '.join(VARIANTS)}; load average {os.getloadavg()}")
    print(f"{'data':6} {'case':28} {'rtis':9} {'rtis/s':>8} {'dsette/s':>8} {'rtis p95':>8} "
          f"{'ds p95':>8} {'ratio':>6} [range]        {'bytes':>8} {'bytes ds':>8}")
    only = set(argv)
    if not only or "seed" in only:
        compare("seed", seed, SEED_PLAN, "2", 2019)
    if not only or "1m" in only:
        compare("1M", million, BIG_PLAN, "3-7", 2010)
    if "cold" in only:
        cold("seed", seed, SEED_PLAN, "2", 2019)
        cold("1M", million, BIG_PLAN, "3-7", 2010, repeat=3)
    if not only or "csv" in only:
        full_csv(million, BIG_PLAN)


if __name__ == "__main__":
    main(sys.argv[1:])
