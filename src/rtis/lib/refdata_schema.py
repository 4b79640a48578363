"""The reference code list seed format (`rtis-refdata/1`, seed/refdata/*.yaml); no Django.

One file is one list with its dated versions; each version names its source (provenance) and
whether its codes were checked against the official table (`verified`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json

from pydantic import BaseModel, ConfigDict, Field, model_validator


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RefCode(_Strict):
    code: str = Field(min_length=1, max_length=20)
    name: str = Field(min_length=1, max_length=100)
    name_en: str = Field(default="", max_length=100)
    parent: str = ""
    group: str = ""
    aliases: list[str] = Field(default_factory=list)


class RefVersion(_Strict):
    version: str = Field(min_length=1, max_length=20)
    valid_from: dt.date
    valid_to: dt.date | None = None
    source: str = Field(min_length=1)
    verified: bool = False
    note_en: str = ""
    codes: list[RefCode] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> RefVersion:
        seen: dict[str, str] = {}
        for code in self.codes:
            for key in (code.code, code.name, *code.aliases):
                folded = fold(key)
                if folded in seen and seen[folded] != code.code:
                    raise ValueError(f"'{key}'가 두 코드({seen[folded]}, {code.code})에 쓰임 / "
                                     f"'{key}' names two codes ({seen[folded]}, {code.code})")
                seen[folded] = code.code
        if self.valid_to is not None and self.valid_to < self.valid_from:
            raise ValueError("종료일이 시행일보다 앞섬 / valid_to before valid_from")
        return self

    def digest(self) -> str:
        """A stable hash of what the version says; equal digests mean nothing to reload."""
        payload = self.model_dump(mode="json", exclude={"note_en"})
        return hashlib.sha256(json.dumps(payload, ensure_ascii=False, sort_keys=True)
                              .encode()).hexdigest()


class RefdataFile(_Strict):
    format: str
    list_name: str = Field(alias="list", pattern=r"^[a-z][a-z0-9_]{1,39}$")
    title: str = Field(min_length=1, max_length=100)
    note_en: str = ""
    versions: list[RefVersion] = Field(min_length=1)

    @model_validator(mode="after")
    def _ordered(self) -> RefdataFile:
        names = [v.version for v in self.versions]
        if len(set(names)) != len(names):
            raise ValueError("판 이름 중복 / duplicate version name")
        for earlier, later in zip(self.versions, self.versions[1:], strict=False):
            if later.valid_from <= earlier.valid_from:
                raise ValueError(f"판 {later.version}의 시행일이 앞 판보다 늦어야 함 / versions "
                                 f"must be in order of valid_from")
            if earlier.valid_to is not None and earlier.valid_to >= later.valid_from:
                raise ValueError(f"판 {earlier.version}과 {later.version}의 기간이 겹침 / "
                                 f"versions {earlier.version} and {later.version} overlap")
        return self


def fold(value: str) -> str:
    """The matching form of a code or name: trimmed, inner spaces removed, case folded."""
    return "".join(value.split()).casefold()
