"""The error raised when a save would overwrite someone else's newer change."""

from __future__ import annotations

from typing import Any

from rtis.lib.korean import josa


class EditConflict(Exception):
    """The record changed since the editor loaded it; carries what it holds now."""

    def __init__(self, label: str, current: dict[str, Any], current_version: int,
                 changed_by: str = "") -> None:
        self.label = label
        self.current = current
        self.current_version = current_version
        self.changed_by = changed_by
        who = f" ({changed_by})" if changed_by else ""
        super().__init__(
            f"'{label}'{josa(label, '을를')} 다른 사람이 먼저 수정했습니다{who}. 최신 내용을 확인하고 다시 저장하십시오 "
            f"/ '{label}' was changed by someone else{who}; review the latest and save again"
        )
