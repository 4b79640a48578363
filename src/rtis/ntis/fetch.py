"""`rtis ntis fetch`: download national projects from the NTIS OpenAPI (과제검색, XML only).

- the service address is configuration (RTIS_NTIS_API_URL); the key comes from RTIS_NTIS_API_KEY,
  a key file (RTIS_NTIS_API_KEY_FILE, default <var>/ntis_api_key) or --key-file;
- pages of `displayCnt` (≤ 100) from `startPosition`, at a polite rate (default one request a
  second); a failed request is retried with exponential back-off; a missing or wrong key answers
  an XML message, not an HTTP error, and stops the download naming that message;
- every page is kept under <var>/ntis/fetch/<query key>/ and the position reached is stored
  (FetchState), so a download that fails mid-way resumes where it stopped;
- when the last page is in, the pages are joined into one response-shaped XML file, which
  `rtis ntis import` (or --import) loads: one file, so its years are replaced once, whole.
"""

from __future__ import annotations

import hashlib
import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests
from django.conf import settings
from django.db import transaction

from rtis.config import clock
from rtis.ntis.access import require_ntis_import
from rtis.ntis.models import FetchState

MAX_DISPLAY = 100


class FetchError(Exception):
    """The download stopped; its state is kept, so running again resumes."""


@dataclass
class FetchConfig:
    url: str
    key: str
    display: int = MAX_DISPLAY
    min_interval: float = 1.0  # seconds between requests (polite rate)
    retries: int = 4
    backoff: float = 1.0  # first wait; doubles with each retry
    timeout: float = 30.0


@dataclass
class FetchReport:
    query: str
    collection: str
    total_hits: int | None = None
    pages: int = 0
    positions: list[int] = field(default_factory=list)
    resumed_from: int = 1
    output: Path | None = None
    done: bool = False


def api_key(key_file: str | None = None) -> str:
    """The OpenAPI key: a named file, RTIS_NTIS_API_KEY, RTIS_NTIS_API_KEY_FILE or var/ntis_api_key."""
    if key_file:
        return Path(key_file).read_text(encoding="utf-8").strip()
    if os.environ.get("RTIS_NTIS_API_KEY"):
        return os.environ["RTIS_NTIS_API_KEY"].strip()
    path = Path(os.environ.get("RTIS_NTIS_API_KEY_FILE")
                or Path(settings.VAR_DIR) / "ntis_api_key")
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    raise FetchError("NTIS OpenAPI 키가 없습니다 (RTIS_NTIS_API_KEY, RTIS_NTIS_API_KEY_FILE 또는 "
                     "--key-file) / no NTIS OpenAPI key configured")


def query_key(collection: str, query: str) -> str:
    return hashlib.sha256(f"{collection}\x1f{query}".encode()).hexdigest()[:32]


_TOTAL = re.compile(rb"<TOTALHITS>\s*(\d+)\s*</TOTALHITS>")
_HIT = re.compile(rb"<HIT[\s>]")
_RESULTSET = re.compile(rb"<RESULTSET>(.*)</RESULTSET>", re.S)
_DECL = re.compile(rb"^\s*<\?xml[^>]*\?>")


def _page_facts(data: bytes) -> tuple[int, int, bytes]:
    """(TOTALHITS, number of HITs, the RESULTSET's inner bytes) of a response page."""
    total = _TOTAL.search(data)
    body = _RESULTSET.search(data)
    if total is None or body is None:
        text = re.sub(rb"<[^>]+>", b" ", data[:2000]).decode("utf-8", "replace")
        message = " ".join(text.split())[:200]
        raise FetchError(f"NTIS가 검색 결과 대신 메시지를 보냈습니다: {message} / NTIS answered a "
                         f"message, not a result: {message}")
    return int(total.group(1)), len(_HIT.findall(body.group(1))), body.group(1)


def _encoding(data: bytes) -> str:
    match = re.match(rb"^\s*<\?xml[^>]*?encoding=[\"']([A-Za-z0-9_\-]+)", data)
    return match.group(1).decode("ascii") if match else "utf-8"


def _get(session: requests.Session, config: FetchConfig, params: dict[str, Any],
         sleep: Callable[[float], None]) -> bytes:
    wait = config.backoff
    last = ""
    for attempt in range(config.retries + 1):
        try:
            response = session.get(config.url, params=params, timeout=config.timeout)
            if response.status_code < 500 and response.status_code != 429:
                response.raise_for_status()
                return response.content
            last = f"HTTP {response.status_code}"
        except requests.RequestException as exc:
            if isinstance(exc, requests.HTTPError):
                raise FetchError(f"요청 거절 / request refused: {exc}") from None
            last = type(exc).__name__
        if attempt < config.retries:
            sleep(wait)
            wait *= 2
    raise FetchError(f"{config.retries + 1}번 시도했으나 실패 ({last}), 시작위치 "
                     f"{params['startPosition']}부터 다시 받을 수 있습니다 / failed after "
                     f"{config.retries + 1} attempts ({last}); run again to resume at "
                     f"{params['startPosition']}")


def _save_state(state: FetchState, **values: Any) -> None:
    with transaction.atomic():
        for name, value in values.items():
            setattr(state, name, value)
        state.updated_at = clock.now()
        state.save(update_fields=[*values, "updated_at"])


def do_fetch_projects(actor: Any | None, query: str, config: FetchConfig, *,
                      collection: str = "project", restart: bool = False,
                      sleep: Callable[[float], None] = time.sleep,
                      log: Callable[[str], None] = lambda _m: None) -> FetchReport:
    """Download every page of a search (resuming unless `restart`); return what was done."""
    require_ntis_import(actor)
    if not 1 <= config.display <= MAX_DISPLAY:
        raise FetchError(f"displayCnt는 1~{MAX_DISPLAY} / displayCnt must be 1..{MAX_DISPLAY}")
    key = query_key(collection, query)
    state, _created = FetchState.objects.get_or_create(
        query_key=key, defaults={"collection": collection, "query": query[:300],
                                 "updated_at": clock.now()})
    folder = Path(settings.VAR_DIR) / "ntis" / "fetch" / key
    folder.mkdir(parents=True, exist_ok=True)
    if restart or state.done:
        for page in folder.glob("page-*.xml"):
            page.unlink()
        _save_state(state, next_position=1, total_hits=None, done=False)
    report = FetchReport(query, collection, state.total_hits, resumed_from=state.next_position)
    session = requests.Session()
    position = state.next_position
    last_request = 0.0
    while True:
        gap = config.min_interval - (time.monotonic() - last_request)
        if gap > 0 and last_request:
            sleep(gap)
        last_request = time.monotonic()
        params = {"apprvKey": config.key, "collection": collection, "SRWR": query,
                  "searchRnkn": "DATE/DESC", "startPosition": position,
                  "displayCnt": config.display}
        data = _get(session, config, params, sleep)
        total, hits, _body = _page_facts(data)
        report.total_hits = total
        if hits:
            (folder / f"page-{position:09d}.xml").write_bytes(data)
            report.pages += 1
            report.positions.append(position)
            log(f"{position:,}–{position + hits - 1:,} / {total:,}")
        position += hits
        finished = hits == 0 or position > total
        _save_state(state, next_position=position, total_hits=total, done=finished)
        if finished:
            break
    report.output = _join(folder, collection, query, report.total_hits or 0)
    report.done = True
    return report


def _join(folder: Path, collection: str, query: str, total: int) -> Path:
    """One response-shaped XML file of every page (UTF-8), numbered HITs kept."""
    target = folder.parent / f"{collection}-{query_key(collection, query)}.xml"
    with target.open("wb") as out:
        out.write(b'<?xml version="1.0" encoding="UTF-8"?>\n<RESULT><TOTALHITS>'
                  + str(total).encode() + b"</TOTALHITS><RESULTSET>\n")
        for page in sorted(folder.glob("page-*.xml")):
            data = page.read_bytes()
            body = _page_facts(data)[2]
            encoding = _encoding(data)
            if encoding.lower().replace("-", "") not in ("utf8",):
                body = body.decode(encoding).encode("utf-8")
            out.write(body)
        out.write(b"</RESULTSET></RESULT>\n")
    return target
