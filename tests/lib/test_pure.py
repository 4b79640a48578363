"""rtis.lib holds pure helpers: none of its modules imports Django (the house's layout rule).
A module there that needs Django belongs in an app (a middleware in rtis.web, say)."""

from __future__ import annotations

import ast
from pathlib import Path

import rtis.lib

LIB = Path(rtis.lib.__file__).parent


def django_imports(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                 else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
        found += [f"{path.name}:{node.lineno} {n}" for n in names
                  if n == "django" or n.startswith("django.")]
    return found


def test_no_module_of_rtis_lib_imports_django() -> None:
    found = [hit for path in sorted(LIB.rglob("*.py")) for hit in django_imports(path)]
    assert found == []


def test_the_check_sees_a_django_import(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text("import os\nfrom django.http import HttpRequest\n", encoding="utf-8")
    assert django_imports(module) == ["m.py:2 django.http"]
