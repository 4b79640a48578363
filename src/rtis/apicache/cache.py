"""A bounded in-process store of whole HTTP answers, least recently used out first (by bytes).

Keys carry the data version they were computed at (`rtis.apicache.version`); when a request
brings another version, every entry is dropped (they all belong to the old one). One request
computes a missing answer while others asking for the same key wait for it (so a burst after a
write costs one computation, not one per client).

An answer is also kept at most `max_age` seconds: a write the version cannot see (another program
on the database, a process killed between its commit and its bump) is then served stale for at
most that long, not until the next write.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from typing import Any

Key = tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class Answer:
    """A response as the WSGI server got it from Django: status line, headers, body; once
    stored, the cache's clock reading when it was stored (for max_age)."""

    status: str
    headers: tuple[tuple[str, str], ...]
    body: bytes
    stored_at: float = field(default=0.0, compare=False)

    @property
    def size(self) -> int:
        return len(self.body) + sum(len(k) + len(v) for k, v in self.headers) + 200


class AnswerCache:
    def __init__(self, max_bytes: int, max_answer_bytes: int, max_age: float = 60.0,
                 clock: Any = time.monotonic) -> None:
        self.max_bytes, self.max_answer_bytes = max_bytes, min(max_answer_bytes, max_bytes)
        self.max_age, self._clock = max_age, clock
        self._answers: OrderedDict[Key, Answer] = OrderedDict()
        self._bytes = 0
        self._version: int | None = None
        self._lock = threading.Lock()
        self._computing: dict[Key, threading.Event] = {}
        self.hits = self.misses = self.stored = self.dropped = 0

    @property
    def size(self) -> int:
        return self._bytes

    def __len__(self) -> int:
        return len(self._answers)

    def _adopt(self, version: int) -> None:
        if version != self._version:
            self.dropped += len(self._answers)
            self._answers.clear()
            self._bytes = 0
            self._version = version

    def get(self, version: int, key: Key) -> Answer | None:
        with self._lock:
            self._adopt(version)
            answer = self._answers.get(key)
            if answer is not None and self._clock() - answer.stored_at > self.max_age:
                del self._answers[key]
                self._bytes -= answer.size
                answer = None
            if answer is None:
                self.misses += 1
                return None
            self._answers.move_to_end(key)
            self.hits += 1
            return answer

    def put(self, version: int, key: Key, answer: Answer) -> bool:
        size = answer.size
        if size > self.max_answer_bytes:
            return False
        with self._lock:
            if version != self._version:  # a write came in meanwhile: the answer is old
                return False
            old = self._answers.pop(key, None)
            if old is not None:
                self._bytes -= old.size
            self._answers[key] = replace(answer, stored_at=self._clock())
            self._bytes += size
            while self._bytes > self.max_bytes:
                _, evicted = self._answers.popitem(last=False)
                self._bytes -= evicted.size
            self.stored += 1
            return True

    def claim(self, key: Key) -> threading.Event | None:
        """None: the caller computes the answer and must `release` the key; else an event set
        when the request already computing it is done."""
        with self._lock:
            event = self._computing.get(key)
            if event is None:
                self._computing[key] = threading.Event()
            return event

    def release(self, key: Key) -> None:
        with self._lock:
            event = self._computing.pop(key, None)
        if event is not None:
            event.set()

    def clear(self) -> None:
        with self._lock:
            self._answers.clear()
            self._bytes = 0
            self._version = None
