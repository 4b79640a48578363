"""rtis ntis: national R&D data (NTIS) — synth, import, columnar."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = ("국가R&D(NTIS) 자료: synth(합성 자료), import(가져오기), outputs(성과 가져오기), "
            "fetch(OpenAPI 받기), export(서울 R&D 내보내기), columnar(통계용 사본 재구성) / "
            "national R&D data: synth, import, outputs, fetch, export, columnar")

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        synth = sub.add_parser("synth", help="합성 국가과제 파일 만들기 / write synthetic data")
        synth.add_argument("--rows", type=int, required=True)
        synth.add_argument("--format", choices=["csv", "xml", "xlsx"], default="csv")
        synth.add_argument("--encoding", default="utf-8",
                           help="csv/xml 인코딩 (예: cp949) / encoding for csv and xml")
        synth.add_argument("--seed", type=int, default=2022)
        synth.add_argument("-o", "--output", required=True)
        imp = sub.add_parser("import", help="국가과제 파일 가져오기 / import project files")
        imp.add_argument("files", nargs="+")
        imp.add_argument("--encoding", help="인코딩 지정 (기본: 자동 감지) / name the encoding")
        imp.add_argument("--quarantine", action="store_true",
                         help="올바른 행만 적재하고 거부 행은 거부 파일로 / load valid rows, "
                              "write rejected ones to the reject file")
        imp.add_argument("--reject-file", help="거부 파일 경로 (기본: FILE.rejects.csv)")
        imp.add_argument("--no-fast", action="store_true",
                         help="C 경로 없이 Python 경로로만 읽기 (결과는 같고 느림) / read with the "
                              "Python path only (same result, slower)")
        imp.add_argument("--no-columnar", action="store_true",
                         help="통계용 사본을 다시 만들지 않음 / skip the columnar rebuild")
        out = sub.add_parser("outputs", help="성과 파일 가져오기 (논문·특허·사업화·기술료) / "
                                              "import output files")
        out.add_argument("kind", choices=["paper", "patent", "commercial", "royalty"])
        out.add_argument("files", nargs="+")
        out.add_argument("--encoding")
        fetch = sub.add_parser("fetch", help="NTIS OpenAPI 과제검색 받기 / download from the "
                                             "NTIS OpenAPI")
        fetch.add_argument("query", help="검색어 (SRWR) / search words")
        fetch.add_argument("--url", help="서비스 주소 (기본: RTIS_NTIS_API_URL) / service address")
        fetch.add_argument("--key-file", help="키 파일 / file holding the key")
        fetch.add_argument("--display", type=int, default=100, help="쪽 크기 ≤ 100 / page size")
        fetch.add_argument("--interval", type=float, default=1.0,
                           help="요청 간격(초) / seconds between requests")
        fetch.add_argument("--restart", action="store_true",
                           help="처음부터 다시 / start over instead of resuming")
        fetch.add_argument("--import", dest="do_import", action="store_true",
                           help="받은 뒤 가져오기 / import when downloaded")
        exp = sub.add_parser("export", help="서울형 R&D 선정 과제를 NTIS 형식으로 / export Seoul "
                                             "R&D projects in NTIS's field set")
        exp.add_argument("--format", choices=["xml", "csv"], default="xml")
        exp.add_argument("--year", type=int)
        exp.add_argument("-o", "--output", required=True)
        sub.add_parser("columnar", help="통계용 Parquet 사본 재구성 / rebuild the columnar copy")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "synth":
            self._synth(options)
        elif action == "import":
            self._import(options)
        elif action == "outputs":
            self._outputs(options)
        elif action == "fetch":
            self._fetch(options)
        elif action == "export":
            from rtis.ntis.export import export_seoul

            count = export_seoul(Path(options["output"]), options["format"], options["year"])
            self.stdout.write(f"서울 R&D 과제 {count:,}건 → {options['output']} / exported")
        elif action == "columnar":
            self._columnar()

    def _synth(self, options: dict[str, Any]) -> None:
        from rtis.ntis.synth import write_file

        path = Path(options["output"])
        started = time.perf_counter()
        count = write_file(path, options["rows"], options["format"], options["encoding"],
                           options["seed"])
        self.stdout.write(f"합성 자료 {count:,}행 → {path} ({time.perf_counter() - started:.1f}s) "
                          f"/ wrote {count:,} synthetic rows")

    def _progress(self, name: str) -> Any:
        stream = sys.stderr
        if not stream.isatty():
            return None
        started = time.perf_counter()

        def show(records: int) -> None:
            rate = records / max(time.perf_counter() - started, 1e-6)
            stream.write(f"\r{name}: {records:,}행 읽음 / records read ({rate:,.0f}/s)   ")
            stream.flush()

        return show

    def _import(self, options: dict[str, Any]) -> None:
        from rtis.ntis.importer import do_import_projects

        failed = False
        for name in options["files"]:
            path = Path(name)
            if not path.exists():
                raise CommandError(f"파일이 없습니다 / no such file: {name}")
            reject = Path(options["reject_file"] or f"{path}.rejects.csv")
            started = time.perf_counter()
            report = do_import_projects(None, path, quarantine=options["quarantine"],
                                        encoding=options["encoding"], reject_path=reject,
                                        progress=self._progress(path.name),
                                        fast=False if options["no_fast"] else None)
            elapsed = time.perf_counter() - started
            if sys.stderr.isatty():
                sys.stderr.write("\n")
            self._print_report(report, elapsed, reject if options["quarantine"] else None)
            failed = failed or not report.written
        if not options["no_columnar"]:
            self._columnar()
        if failed:
            raise CommandError("일부 파일을 가져오지 못했습니다 (위 보고 참조) / some files were not "
                               "imported (see the report above)")

    def _print_report(self, report: Any, elapsed: float, reject: Path | None) -> None:
        w = self.stdout.write
        path = "C" if report.fast else "Python"
        w(f"{report.file_name}: {report.file_format} {report.encoding} · {report.mode} · "
          f"{report.records:,}건 ({elapsed:.1f}s, {path})")
        if report.unknown_columns:
            w(f"  모르는 열 무시 / unknown columns ignored: {', '.join(report.unknown_columns)}")
        if report.refused:
            w(f"  거부 / refused: {report.refused}")
        for problem in report.problems[:50]:
            w(f"  {problem}")
        if report.problem_count > 50:
            w(f"  … 외 {report.problem_count - 50:,}건 / and {report.problem_count - 50:,} more")
        if report.written:
            w(f"  추가 {report.added:,} · 변경 {report.changed:,} · 삭제 {report.removed:,} · "
              f"동일 {report.unchanged:,} · 거부 {report.problem_count:,} / added, changed, "
              f"removed, unchanged, rejected")
            if report.replaced_years:
                w(f"  교체한 기준년도 / years replaced: "
                  f"{', '.join(map(str, report.replaced_years))}")
            if report.changed_keys:
                w(f"  변경 예 / changed: {', '.join(report.changed_keys)}")
            if report.removed_keys:
                w(f"  삭제 예 / removed: {', '.join(report.removed_keys)}")
        else:
            w("  아무것도 저장하지 않았습니다 / nothing was written")
        if reject is not None:
            w(f"  거부 파일 / reject file: {reject}")

    def _outputs(self, options: dict[str, Any]) -> None:
        from rtis.ntis.outputs import do_import_outputs

        failed = False
        for name in options["files"]:
            report = do_import_outputs(None, Path(name), options["kind"],
                                       encoding=options["encoding"])
            self.stdout.write(f"{name}: {report}")
            failed = failed or bool(report.refused or report.problems)
        if failed:
            raise CommandError("성과 파일 일부를 가져오지 못했습니다 / some output files were not "
                               "imported")

    def _fetch(self, options: dict[str, Any]) -> None:
        import os

        from rtis.ntis.fetch import FetchConfig, FetchError, api_key, do_fetch_projects

        url = options["url"] or os.environ.get("RTIS_NTIS_API_URL", "")
        if not url:
            raise CommandError("서비스 주소가 없습니다 (--url 또는 RTIS_NTIS_API_URL) / no service "
                               "address")
        try:
            config = FetchConfig(url=url, key=api_key(options["key_file"]),
                                 display=options["display"], min_interval=options["interval"])
            report = do_fetch_projects(None, options["query"], config,
                                       restart=options["restart"], log=self.stdout.write)
        except FetchError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"받음 / downloaded: {report.pages}쪽, 전체 {report.total_hits:,}건 "
                          f"(시작위치 {report.resumed_from}부터) → {report.output}")
        if options["do_import"] and report.output is not None:
            self._import({"files": [str(report.output)], "encoding": None, "quarantine": False,
                          "reject_file": None, "no_columnar": False})

    def _columnar(self) -> None:
        try:
            from rtis.ntis.columnar import rebuild
        except ImportError:
            return
        started = time.perf_counter()
        rows = rebuild()
        self.stdout.write(f"통계용 사본 재구성 {rows:,}행 ({time.perf_counter() - started:.1f}s) / "
                          f"columnar copy rebuilt")
