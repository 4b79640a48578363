"""Uploads that Django's parser would refuse bare or drop silently get a message people can act on.

Two cases come from the multipart parser itself, before any view runs: a part header longer than
Django's 1,024-byte limit (a very long file name) raises MultiPartParserError, which would end in
a bare 400; a file name in bytes that are not UTF-8 (an old client sending CP949) makes the parser
skip the whole part, so the view sees no file and asks the user to choose one. The middleware
parses the upload once, early, while watching the part headers go by, and says which it was.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.utils.translation import gettext as _

# The part header's file name, as raw bytes (quoted; Django reads nothing else for it).
FILE_NAME = re.compile(rb'[Cc]ontent-[Dd]isposition:[^\r\n]*?filename="([^"\r\n]*)"')
TAIL = 4096  # a header split across two reads is still seen whole


class HeaderWatchingStream:
    """Pass a request body through unchanged, noting file names that are not UTF-8."""

    def __init__(self, stream: Any) -> None:
        self.stream = stream
        self.tail = b""
        self.undecodable: list[bytes] = []

    def read(self, *args: Any) -> bytes:
        data: bytes = self.stream.read(*args)
        self._watch(data)
        return data

    def readline(self, *args: Any) -> bytes:
        data: bytes = self.stream.readline(*args)
        self._watch(data)
        return data

    def _watch(self, data: bytes) -> None:
        if not data:
            return
        window = self.tail + data
        # The regex has no literal prefix to skip ahead by: over a 1 MB file's bytes it costs
        # ≈ 70 ms a request; a plain search for its fixed part costs under 1 ms.
        if b'filename="' not in window:
            self.tail = window[-TAIL:]
            return
        for match in FILE_NAME.finditer(window):
            if match.end() <= len(self.tail):
                continue  # seen in the previous read
            name = match.group(1)
            try:
                name.decode("utf-8")
            except UnicodeDecodeError:
                self.undecodable.append(name)
        self.tail = window[-TAIL:]


def upload_problem(request: HttpRequest) -> str:
    """Return why an expected file did not arrive (empty when nothing is known)."""
    return str(getattr(request, "upload_problem", ""))


class UploadProblemMiddleware:
    """Parse multipart uploads early and explain a refused or silently dropped file."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "POST" and request.content_type == "multipart/form-data":
            watcher = HeaderWatchingStream(request._stream)
            # Django reads the body from _stream; there is no public hook before the parser.
            request._stream = watcher  # type: ignore[assignment]
            try:
                request.FILES  # noqa: B018 (parse here, so the failure is ours to explain)
            except MultiPartParserError as exc:
                return self._refused(request, str(exc))
            if watcher.undecodable:
                request.upload_problem = _(  # type: ignore[attr-defined]
                    "파일 이름을 읽을 수 없어 파일을 받지 못했습니다(UTF-8이 아닌 글자). 파일 이름을 "
                    "한글·영문·숫자로 바꾸어 다시 올리십시오.")
        return self.get_response(request)

    def _refused(self, request: HttpRequest, reason: str) -> HttpResponse:
        if "header size" in reason:
            message = _("파일 이름이 너무 깁니다(업로드 머리글 1,024바이트 초과). 파일 이름을 "
                        "줄여 다시 올리십시오.")
        else:
            message = _("업로드 형식이 잘못되어 읽을 수 없습니다. 파일을 다시 골라 올리십시오.")
        return render(request, "error.html", {"title": _("파일을 받지 못했습니다"),
                                              "message": message}, status=400)
