"""Synthetic national R&D project data (clearly invented) for tests, the demo and benchmarks.

Distributions, rough and stated here so a reader can judge them: years 2005–2025 with ~3 %
yearly growth in the number of projects; regions with Seoul about a fifth, Gyeonggi and Daejeon
next; performer types led by universities and SMEs; funds lognormal (median about 1.5억원);
projects run 1–5 years as chains whose later years name the earlier numbers (이전과제고유번호).
Ministry names follow the reorganisations (the refdata list in force in the year). No Django.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any
from xml.sax.saxutils import escape

from rtis.ntis.fields import FIELDS

FIRST_YEAR, LAST_YEAR = 2005, 2025

REGIONS = (("서울", 20), ("경기", 20), ("대전", 17), ("부산", 5), ("대구", 4), ("인천", 4),
           ("광주", 4), ("울산", 2), ("세종", 2), ("강원", 3), ("충북", 3), ("충남", 4),
           ("전북", 3), ("전남", 3), ("경북", 4), ("경남", 5), ("제주", 1))
PERFORMERS = (("대학", 35), ("중소기업", 26), ("출연연구소", 16), ("중견기업", 6), ("대기업", 3),
              ("국공립연구소", 5), ("정부부처", 2), ("기타", 7))
STAGES = (("기초연구", 30), ("응용연구", 20), ("개발연구", 40), ("기타", 10))
SCIENCE = (("EE", "정보/통신", 16), ("LC", "보건의료", 13), ("ED", "전기/전자", 9),
           ("EA", "기계", 9), ("LA", "생명과학", 8), ("LB", "농림수산식품", 7),
           ("EB", "재료", 6), ("EF", "에너지/자원", 6), ("EH", "환경", 5), ("EI", "건설/교통", 5),
           ("EC", "화공", 4), ("NB", "물리학", 3), ("NC", "화학", 3), ("ND", "지구과학", 2),
           ("EG", "원자력", 2), ("NA", "수학", 1), ("SC", "경제/경영", 1))
SIX_T = (("IT", 30), ("BT", 25), ("NT", 8), ("ST", 4), ("ET", 15), ("CT", 4), ("OT", 14))
# Ministries by era (the refdata 'ministry' versions) with rough weights.
MINISTRIES: tuple[tuple[int, tuple[tuple[str, int], ...]], ...] = (
    (2008, (("과학기술부", 30), ("산업자원부", 25), ("정보통신부", 10), ("교육인적자원부", 8),
            ("보건복지부", 7), ("중소기업청", 8), ("농촌진흥청", 4), ("환경부", 3),
            ("건설교통부", 3), ("해양수산부", 2))),
    (2013, (("교육과학기술부", 35), ("지식경제부", 30), ("보건복지부", 7), ("중소기업청", 9),
            ("농촌진흥청", 4), ("환경부", 3), ("국토해양부", 5), ("방송통신위원회", 2),
            ("농림수산식품부", 3), ("원자력안전위원회", 2))),
    (2017, (("미래창조과학부", 32), ("산업통상자원부", 25), ("교육부", 10), ("보건복지부", 7),
            ("중소기업청", 10), ("농촌진흥청", 4), ("환경부", 3), ("국토교통부", 4),
            ("해양수산부", 2), ("농림축산식품부", 3))),
    (9999, (("과학기술정보통신부", 33), ("산업통상자원부", 24), ("교육부", 9),
            ("보건복지부", 7), ("중소벤처기업부", 12), ("농촌진흥청", 3), ("환경부", 3),
            ("국토교통부", 4), ("해양수산부", 2), ("농림축산식품부", 3))),
)
TOPICS = ("인공지능", "미세먼지", "수소연료전지", "이차전지", "자율주행", "바이오의약", "반도체",
          "디지털헬스", "스마트시티", "태양광", "로봇", "양자", "빅데이터", "신소재", "백신",
          "탄소중립", "스마트팜", "드론", "블록체인", "메타버스")
ACTIONS = ("기반 핵심기술 개발", "실증 연구", "원천기술 확보", "상용화 지원", "플랫폼 구축",
           "성능 고도화", "표준화 연구", "융합 연구")
SURNAMES = "김이박최정강조윤장임한오서신권황안송류홍"
SYLLABLES = "민서준지현우수영도윤하은주성진혜경태호재"
ORG_KIND = {"대학": "대학교", "중소기업": "(주)", "출연연구소": "연구원", "중견기업": "(주)",
            "대기업": "(주)", "국공립연구소": "시험연구소", "정부부처": "청", "기타": "재단"}


def _cum(pairs: tuple[tuple[Any, int], ...]) -> tuple[list[Any], list[int]]:
    values, weights = [p[0] for p in pairs], [p[-1] for p in pairs]
    total, cum = 0, []
    for w in weights:
        total += w
        cum.append(total)
    return values, cum


@dataclass
class SynthRow:
    values: dict[str, Any]


class Synth:
    """A deterministic generator of project-years (same seed, same rows)."""

    def __init__(self, seed: int = 2022) -> None:
        self.rng = random.Random(seed)
        self.regions = _cum(REGIONS)
        self.performers = _cum(PERFORMERS)
        self.stages = _cum(STAGES)
        self.science = _cum(tuple((c, w) for c, _n, w in SCIENCE))
        self.six_t = _cum(SIX_T)
        self.ministries = [(until, _cum(pairs)) for until, pairs in MINISTRIES]
        self.next_number = 1_700_000_000
        self.orgs: dict[tuple[str, str], list[str]] = {}

    def _pick(self, table: tuple[list[Any], list[int]]) -> Any:
        values, cum = table
        return self.rng.choices(values, cum_weights=cum)[0]

    def _ministry(self, year: int) -> str:
        for until, table in self.ministries:
            if year < until:
                return str(self._pick(table))
        return str(self._pick(self.ministries[-1][1]))

    def _org(self, region: str, performer: str) -> str:
        pool = self.orgs.setdefault((region, performer), [])
        if len(pool) < 40 or self.rng.random() < 0.02:
            name = (f"{region}{self.rng.choice(SYLLABLES)}{self.rng.choice(SYLLABLES)}"
                    f"{ORG_KIND[performer]}")
            if ORG_KIND[performer] == "(주)":
                name = f"(주){region}{self.rng.choice(SYLLABLES)}{self.rng.choice(SYLLABLES)}테크"
            pool.append(name)
            return name
        return self.rng.choice(pool)

    def chains(self) -> Iterator[list[dict[str, Any]]]:
        """Yield projects as lists of their years' rows, forever, spread over 2005–2025."""
        rng = self.rng
        years = list(range(FIRST_YEAR, LAST_YEAR + 1))
        cum, total = [], 0.0
        for y in years:
            total += 1.03 ** (y - FIRST_YEAR)
            cum.append(total)
        while True:
            start = rng.choices(years, cum_weights=cum)[0]
            length = min(1 + int(rng.expovariate(0.7)), 5, LAST_YEAR - start + 1)
            region = self._pick(self.regions)
            if region == "세종" and start < 2012:  # 세종특별자치시 from 2012-07-01
                region = "대전"
            performer = self._pick(self.performers)
            stage = self._pick(self.stages)
            sci_code, sci_name = self._science()
            six_t = self._pick(self.six_t)
            topic = rng.choice(TOPICS)
            title = f"{topic} {rng.choice(ACTIONS)}"
            org = self._org(region, performer)
            manager = rng.choice(SURNAMES) + rng.choice(SYLLABLES) + rng.choice(SYLLABLES)
            base = math.exp(rng.gauss(math.log(150_000_000), 1.1))
            begin = dt.date(start, 1 + rng.randrange(12), 1)
            end = dt.date(start + length - 1, 12, 31)
            numbers: list[str] = []
            rows = []
            for i in range(length):
                year = start + i
                self.next_number += 1 + rng.randrange(3)
                number = str(self.next_number)
                total_funds = int(base * rng.uniform(0.85, 1.15)) // 1000 * 1000
                gov = int(total_funds * rng.uniform(0.6, 1.0)) // 1000 * 1000
                ministry = self._ministry(year)
                rows.append({
                    "year": year, "project_no": number, "title": title,
                    "title_en": "", "ministry": ministry,
                    "business_name": f"{topic}산업기술개발사업",
                    "sub_business_name": f"{topic} {stage[:2]}", "manager": manager,
                    "organisation": org, "manage_agency": "한국산업기술평가관리원",
                    "goal": f"{topic} 분야 {stage} 목표 달성", "content": f"{title} 수행",
                    "effect": f"{topic} 경쟁력 강화", "keywords": f"{topic};{sci_name}",
                    "total_funds": total_funds, "gov_funds": gov,
                    "private_funds": total_funds - gov,
                    "continuing": "신규" if i == 0 else "계속",
                    "previous_numbers": ";".join(numbers), "detail_no": f"S{number[-6:]}",
                    "stage": stage, "performer": performer, "region": region,
                    "science_code": sci_code, "science_name": sci_name, "six_t": six_t,
                    "start_date": begin.isoformat(), "end_date": end.isoformat(),
                })
                numbers.append(number)
            yield rows

    def _science(self) -> tuple[str, str]:
        values, cum = self.science
        code = self.rng.choices(values, cum_weights=cum)[0]
        name = next(n for c, n, _w in SCIENCE if c == code)
        return code, name

    def rows(self, count: int) -> Iterator[dict[str, Any]]:
        """Exactly `count` project-years (a chain cut short at the end)."""
        made = 0
        for chain in self.chains():
            for row in chain:
                if made >= count:
                    return
                made += 1
                yield row


HEADERS = [f.header for f in FIELDS]


def write_csv(rows: Iterator[dict[str, Any]], out: IO[str]) -> int:
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADERS)
    names = [f.name for f in FIELDS]
    count = 0
    for row in rows:
        writer.writerow([row.get(n, "") for n in names])
        count += 1
    return count


def xml_hit(number: int, row: dict[str, Any]) -> str:
    """One HIT element in the OpenAPI shape (ScienceClass with Large/Medium/Small @code)."""
    parts: list[str] = [f'<HIT NO="{number}">']
    groups: dict[str, list[tuple[str, str]]] = {}
    for f in FIELDS:
        if not f.xml or f.name in ("science_code",):
            continue
        value = escape(str(row.get(f.name, "") or ""))
        if "/" in f.xml:
            parent, child = f.xml.split("/", 1)
            groups.setdefault(parent, []).append((child, value))
            if len(groups[parent]) == 1:
                parts.append(f"\x00{parent}")
        else:
            parts.append(f"<{f.xml}>{value}</{f.xml}>")
    code = escape(str(row.get("science_code", "") or ""))
    name = escape(str(row.get("science_name", "") or ""))
    parts.append(f'<ScienceClass type="new"><Large code="{code[:2]}">{name}</Large>'
                 f'<Small code="{code}">{name}</Small></ScienceClass>')
    out = []
    for part in parts:
        if part.startswith("\x00"):
            parent = part[1:]
            inner = "".join(f"<{c}>{v}</{c}>" for c, v in groups[parent])
            out.append(f"<{parent}>{inner}</{parent}>")
        else:
            out.append(part)
    out.append("</HIT>")
    return "".join(out)


def write_xml(rows: Iterator[dict[str, Any]], out: IO[str], total: int | None = None) -> int:
    body = io.StringIO()
    count = 0
    for count, row in enumerate(rows, start=1):
        body.write(xml_hit(count, row))
        body.write("\n")
    out.write('<?xml version="1.0" encoding="{enc}"?>\n'.format(
        enc=getattr(out, "encoding", None) or "UTF-8"))
    out.write(f"<RESULT><TOTALHITS>{total if total is not None else count}</TOTALHITS>"
              f"<SEARCHTIME>0.01</SEARCHTIME><RESULTSET>\n")
    out.write(body.getvalue())
    out.write("</RESULTSET></RESULT>\n")
    return count


def write_xlsx(rows: Iterator[dict[str, Any]], path: Path) -> int:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("검색결과")
    sheet.append(["국가R&D 과제 검색결과 (합성 자료)"])
    sheet.append(HEADERS)
    names = [f.name for f in FIELDS]
    count = 0
    for row in rows:
        sheet.append([row.get(n, "") for n in names])
        count += 1
    book.save(path)
    return count


def write_file(path: Path, rows: int, file_format: str, encoding: str = "utf-8",
               seed: int = 2022) -> int:
    """Write `rows` synthetic project-years to `path` as csv, xml or xlsx."""
    generated = Synth(seed).rows(rows)
    if file_format == "xlsx":
        return write_xlsx(generated, path)
    with path.open("w", encoding=encoding, newline="") as out:
        if file_format == "csv":
            return write_csv(generated, out)
        return write_xml(generated, out)
