"""Korean full-text search at scale: the seed plus up to 1,500,000 synthetic R&D projects.

    PYTHONPATH=src python benchmarks/search.py                       # SQLite in a temp folder
    PYTHONPATH=src python benchmarks/search.py --postgres postgres://postgres@127.0.0.1/rtis_bench
    PYTHONPATH=src python benchmarks/search.py --sizes 15000,150000   # a quicker run

The projects are registered as one more search kind ("project", the way NTIS projects will
be) and added in steps (1×, 10×, 100× of 15,000). At each size it reports the index's build
time and size, then the p95 of searches as the page makes them (the grouped overview: counts of
every kind and their first results; and page 1 and page 50 of one kind), compared in the same
run with a LIKE '%…%' scan of the same entries, and on SQLite with an FTS5 `trigram` index of
the same text, which finds nothing for a 2-syllable word. The database is dropped afterwards.
Titles and summaries are invented from a fixed vocabulary with a fixed seed (clearly synthetic).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

QUERIES = ["창업", "허브", "펀드", "바이오", "허브를", "창업지원", "AI 플랫폼"]
TWO_SYLLABLES = ["창업", "허브", "펀드"]

REGIONS = ["서울", "성수", "홍릉", "양재", "마곡", "구로", "G밸리", "여의도", "창동", "상계", "공덕",
           "개포", "문정", "DMC", "수서", "영등포", "동대문", "금천", "강서", "노원"]
TECHS = ["인공지능", "AI", "빅데이터", "블록체인", "바이오", "의료기기", "핀테크", "자율주행", "드론",
         "로봇", "스마트시티", "IoT", "5G", "메타버스", "수소", "이차전지", "반도체", "디지털헬스",
         "탄소중립", "스마트제조", "유전체", "신약", "나노소재", "양자암호", "증강현실", "클라우드",
         "엣지컴퓨팅", "에너지저장", "미세먼지", "정밀의료"]
OBJECTS = ["플랫폼", "센서", "진단키트", "소재", "시스템", "서비스", "솔루션", "모듈", "알고리즘",
           "장비", "데이터셋", "엔진", "치료제", "소프트웨어", "부품", "공정", "인터페이스"]
ACTIONS = ["개발", "실증", "고도화", "사업화", "상용화", "검증", "구축", "최적화", "표준화"]
SUBJECTS = ["중소기업", "대학 연구실", "출연연", "스타트업", "의료기관", "제조기업", "공공기관"]
SENTENCES = [
    "{tech} 기반 {obj}의 핵심 기술을 확보하고 {region} 지역 {subj}과 함께 현장 {action}을 수행함",
    "기존 {obj} 대비 성능을 30% 이상 높이고 {tech} 분야의 국산화를 추진함",
    "{region} 소재 {subj}의 연구개발 역량을 높여 기술이전과 {action} 성과를 창출함",
    "연구 결과를 {subj} 수요처에 적용하여 시제품을 제작하고 시험 인증을 받음",
    "{tech} 전문 인력 양성과 일자리 창출을 통해 지역 산업 생태계를 강화함",
    "창업기업의 기술 경쟁력을 높이고 후속 투자 유치를 지원함",  # 창업
    "서울창업허브와 연계하여 입주 기업의 {action}을 지원함",  # 창업, 허브
    "{region} 바이오허브의 공용 장비를 활용하여 {obj} 시험을 진행함",  # 허브
    "모태펀드 및 민간 투자 펀드와 연계한 후속 사업화를 추진함",  # 펀드
    "창업지원 프로그램을 통해 예비 창업자의 {tech} 아이디어를 검증함",  # 창업지원
]
# How often each sentence is drawn: the keyword sentences are rarer, as in real summaries.
WEIGHTS = [10, 10, 8, 8, 6, 3, 1, 1, 1, 1]


def synthetic_projects(start: int, count: int, seed: int = 20220315) -> Iterator[Any]:
    """Yield `count` invented projects numbered from `start` (the same ones on every run)."""
    from rtis.search.registry import Document

    rng = random.Random(seed + start)
    for n in range(start, start + count):
        words = {"region": rng.choice(REGIONS), "tech": rng.choice(TECHS),
                 "obj": rng.choice(OBJECTS), "action": rng.choice(ACTIONS),
                 "subj": rng.choice(SUBJECTS)}
        title = "{region} {tech} 기반 {obj} {action} 기술 개발".format(**words)
        chosen = rng.choices(SENTENCES, WEIGHTS, k=rng.randint(2, 4))
        summary = ". ".join(s.format(**words) for s in chosen) + "."
        yield Document(str(n), title, summary, f"/ntis/projects/{n}/", "public",
                       f"가상 과제 {2016 + n % 7}")


def projects_kind(keys: Any) -> Iterator[Any]:
    """The synthetic kind's documents (a rebuild is never asked for in this run)."""
    return iter(())


def percentile(times: list[float], share: float) -> float:
    ordered = sorted(times)
    return ordered[max(0, round(len(ordered) * share) - 1)]


CPU_TIMES: list[float] = []  # this process's CPU time of the last timed() call, per round


def timed(function: Any, rounds: int) -> tuple[float, float, Any]:
    """Return the median and p95 wall-clock milliseconds of rounds of a call, and its result.

    The CPU milliseconds of this process are kept in CPU_TIMES: on SQLite (in-process) they are
    the search's own work, whatever else the machine's cores are busy with.
    """
    times, result = [], None
    CPU_TIMES.clear()
    for _ in range(rounds):
        start, cpu = time.perf_counter(), time.process_time()
        result = function()
        times.append((time.perf_counter() - start) * 1000)
        CPU_TIMES.append((time.process_time() - cpu) * 1000)
    return statistics.median(times), percentile(times, 0.95), result


def setup(postgres: str | None) -> str:
    """Point Django at a new database, migrate and load the seed; return its description."""
    tmp = Path(tempfile.mkdtemp(prefix="rtis-search-bench-"))
    os.environ["RTIS_VAR_DIR"] = str(tmp)
    os.environ.setdefault("RTIS_DEBUG", "0")
    os.environ.setdefault("RTIS_SECRET_KEY", "benchmark-" + "x" * 60)
    if postgres:
        import psycopg

        url = urlparse(postgres)
        name = url.path.lstrip("/")
        admin = postgres.rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
            connection.execute(f'CREATE DATABASE "{name}"')
        os.environ["RTIS_DATABASE_URL"] = postgres
    else:
        os.environ["RTIS_DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rtis.config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    with open(os.devnull, "w") as quiet:
        call_command("load_seed", stdout=quiet)
    from django.db import connection

    version = (connection.cursor().connection.info.server_version if postgres  # type: ignore[attr-defined]
               else __import__("sqlite3").sqlite_version)
    return f"{connection.vendor} {version}"


def database_size() -> str:
    from django.db import connection

    from rtis.search.backend import size_bytes

    tokens = size_bytes()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_total_relation_size('search_searchentry')")
            entries = int(cursor.fetchone()[0])
        else:
            entries = Path(connection.settings_dict["NAME"]).stat().st_size - (tokens or 0)
    token_text = f"{tokens / 1_048_576:.0f} MiB" if tokens is not None else "?"
    return f"tokens {token_text}, entries {entries / 1_048_576:.0f} MiB"


def like_baseline(q: str) -> tuple[int, int]:
    """A LIKE '%q%' scan of titles and texts: the count (capped as the search caps) and 5 rows."""
    from django.db.models import Q

    from rtis.search.models import SearchEntry
    from rtis.search.queries import COUNT_CAP

    rows = SearchEntry.objects.filter(Q(title__contains=q) | Q(body__contains=q))
    count = rows.order_by()[:COUNT_CAP].count()
    first = list(rows.order_by("pk").values_list("pk", flat=True)[:5])
    return count, len(first)


def trigram_table() -> None:
    """An FTS5 trigram index of the same text, for comparison (SQLite only)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_trigram")
        cursor.execute("CREATE VIRTUAL TABLE bench_trigram USING fts5(text, tokenize='trigram')")
        cursor.execute("INSERT INTO bench_trigram (rowid, text) SELECT id, title || ' ' || body "
                       "FROM search_searchentry")


def trigram_count(q: str) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM bench_trigram WHERE bench_trigram MATCH %s",
                       [f'"{q}"'])
        return int(cursor.fetchone()[0])


def copy_from_sqlite(path: str) -> int:
    """Copy a SQLite run's synthetic projects and their tokens into PostgreSQL; return how many."""
    import sqlite3

    from django.db import connection, transaction

    from rtis.search.backend import bulk_loading

    source = sqlite3.connect(path)
    columns = "kind, key, title, body, context, url, audience"
    start = time.perf_counter()
    with transaction.atomic(), bulk_loading(), connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM search_searchentry")
        offset = int(cursor.fetchone()[0])
        raw = cursor.cursor
        with raw.copy(f"COPY search_searchentry (id, {columns}) FROM STDIN") as copy:
            for row in source.execute(f"SELECT id, {columns} FROM search_searchentry "
                                      "WHERE kind = 'project' ORDER BY id"):
                copy.write_row((row[0] + offset, *row[1:]))
        with raw.copy("COPY search_tokens (entry_id, tokens) FROM STDIN") as copy:
            for rowid, tokens in source.execute(
                    "SELECT t.rowid, t.tokens FROM search_tokens t JOIN search_searchentry e "
                    "ON e.id = t.rowid WHERE e.kind = 'project' ORDER BY t.rowid"):
                copy.write_row((rowid + offset, tokens))
        cursor.execute("SELECT setval(pg_get_serial_sequence('search_searchentry', 'id'), "
                       "(SELECT MAX(id) FROM search_searchentry))")
        cursor.execute("SELECT COUNT(*) FROM search_searchentry WHERE kind = 'project'")
        have = int(cursor.fetchone()[0])
    print(f"copied {have:,} projects with their tokens from {path} and built the GIN index in "
          f"{time.perf_counter() - start:.1f} s (COPY: no tokenizing; load average "
          f"{os.getloadavg()[0]:.1f})")
    return have


def drop_postgres(url_text: str) -> None:
    from django.db import connections

    connections.close_all()
    import psycopg

    name = urlparse(url_text).path.lstrip("/")
    admin = url_text.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')


def run(sizes: list[int], rounds: int, trigram_limit: int, have: int = 0) -> None:
    from django.contrib.auth.models import AnonymousUser
    from django.db import connection, transaction

    from rtis.search.backend import bulk_loading
    from rtis.search.index import add_documents
    from rtis.search.queries import parse_request, search
    from rtis.search.registry import Kind, register

    register(Kind("project", "가상 R&D 과제", projects_kind))
    public = AnonymousUser()
    for size in sizes:
        print(f"\n## {size:,} synthetic projects (+ seed) on {connection.vendor}")
        if size > have:
            start = time.perf_counter()
            with transaction.atomic(), bulk_loading():
                add_documents("project", synthetic_projects(have, size - have))
            built = time.perf_counter() - start
            print(f"index build: +{size - have:,} in {built:.1f} s ({(size - have) / built:,.0f}/s)"
                  f"; load average {os.getloadavg()[0]:.1f}")
        print(f"size: {database_size()}")
        have = size
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE search_tokens")
                cursor.execute("VACUUM ANALYZE search_searchentry")
        trigram = connection.vendor == "sqlite" and size <= trigram_limit
        if trigram:
            t0 = time.perf_counter()
            trigram_table()
            print(f"(FTS5 trigram index of the same text built in {time.perf_counter() - t0:.1f} s)")
        print(f"(load average before the queries: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
        print("| query | mode | median ms | p95 ms | CPU p95 ms | results | LIKE p95 ms | "
              "LIKE results | × LIKE | trigram results |")
        print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
        for q in QUERIES:
            for mode, params in (("overview", {"q": q}),
                                 ("kind p1", {"q": q, "kind": "project"}),
                                 ("kind p50", {"q": q, "kind": "project", "page": "50"})):
                wanted = parse_request(params)
                median, p95, results = timed(lambda w=wanted: search(public, w), rounds)
                cpu = percentile(CPU_TIMES, 0.95)
                total = sum(g.count for g in results.groups)
                capped = "+" if results.capped else ""
                if mode == "overview":
                    like_rounds = max(3, rounds // 10)
                    _, like_p95, like = timed(lambda q=q: like_baseline(q), like_rounds)
                    tri = str(trigram_count(q)) if trigram else "–"
                    print(f"| {q} | {mode} | {median:.1f} | {p95:.1f} | {cpu:.1f} | "
                          f"{total:,}{capped} | {like_p95:.0f} | {like[0]:,} | "
                          f"{like_p95 / p95:.0f}× | {tri} |")
                else:
                    print(f"| {q} | {mode} | {median:.1f} | {p95:.1f} | {cpu:.1f} | "
                          f"{total:,}{capped} | | | | |")
        sys.stdout.flush()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", help="a PostgreSQL URL whose database is (re)created")
    parser.add_argument("--sizes", default="15000,150000,1500000")
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--existing-sqlite", metavar="PATH",
                        help="measure a database a previous run left (no build; its size)")
    parser.add_argument("--from-sqlite", metavar="PATH",
                        help="with --postgres: copy the projects and their tokens from a SQLite "
                             "run's database (COPY, no tokenizing) and measure at that size")
    parser.add_argument("--trigram-limit", type=int, default=150_000,
                        help="build the FTS5 trigram comparison up to this size (SQLite)")
    args = parser.parse_args()
    if args.existing_sqlite:
        os.environ["RTIS_DATABASE_URL"] = f"sqlite:///{args.existing_sqlite}"
        os.environ.setdefault("RTIS_DEBUG", "0")
        os.environ.setdefault("RTIS_SECRET_KEY", "benchmark-" + "x" * 60)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rtis.config.settings")
        import django

        django.setup()
        from rtis.search.models import SearchEntry

        have = SearchEntry.objects.filter(kind="project").count()
        print(f"database: {args.existing_sqlite} ({have:,} projects); rounds: {args.rounds}")
        run([have], args.rounds, args.trigram_limit, have=have)
        return
    described = setup(args.postgres)
    print(f"database: {described}; rounds per query: {args.rounds}")
    if args.postgres and args.from_sqlite:
        try:
            have = copy_from_sqlite(args.from_sqlite)
            run([have], args.rounds, args.trigram_limit, have=have)
        finally:
            drop_postgres(args.postgres)
        return
    try:
        run([int(s) for s in args.sizes.split(",")], args.rounds, args.trigram_limit)
    finally:
        if args.postgres:
            drop_postgres(args.postgres)


if __name__ == "__main__":
    main()
