"""Writes to the reference code lists: one transaction each, audited.

Lists come only from the seed files (seed/refdata/*.yaml) through `load_seed`; a version whose
content is unchanged is left alone, a changed version has its codes replaced (audited with the
old and the new codes); a version new to the file is added beside the others.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from rtis.audit.log import record_change, record_create
from rtis.lib.refdata_schema import RefdataFile
from rtis.refdata.models import Code, CodeList, CodeListVersion


@transaction.atomic
def do_load_refdata(actor: Any | None, parsed: RefdataFile) -> list[str]:
    """Create or update one list's versions; return what changed ("refdata: list version")."""
    changed: list[str] = []
    code_list, created = CodeList.objects.get_or_create(name=parsed.list_name,
                                                         defaults={"title": parsed.title})
    if created:
        record_create(actor, code_list, reason="seed")
    elif code_list.title != parsed.title:
        record_change(actor, code_list, {"title": [code_list.title, parsed.title]}, reason="seed")
        code_list.title = parsed.title
        code_list.save(update_fields=["title"])
    for version in parsed.versions:
        digest = version.digest()
        existing = CodeListVersion.objects.filter(code_list=code_list,
                                                  version=version.version).first()
        if existing is not None and existing.digest == digest:
            continue
        values = {"valid_from": version.valid_from, "valid_to": version.valid_to,
                  "source": version.source, "verified": version.verified, "digest": digest}
        if existing is None:
            existing = CodeListVersion.objects.create(code_list=code_list,
                                                      version=version.version, **values)
            record_create(actor, existing, reason="seed")
            changed.append(f"refdata: {parsed.list_name} {version.version}")
        else:
            # The old codes go into the audit event, so a corrected list keeps its history: what
            # a code meant before the correction stays readable after the codes are replaced.
            changes = {k: [getattr(existing, k), v] for k, v in values.items()}
            changes["codes"] = [
                [f"{code} {name}" for code, name in
                 existing.codes.order_by("sort", "code").values_list("code", "name")],
                [f"{c.code} {c.name}" for c in version.codes]]
            record_change(actor, existing, changes, reason="seed: codes replaced")
            for key, value in values.items():
                setattr(existing, key, value)
            existing.save(update_fields=list(values))
            existing.codes.all().delete()
            changed.append(f"refdata: {parsed.list_name} {version.version} (replaced)")
        Code.objects.bulk_create([
            Code(list_version=existing, code=c.code, name=c.name, name_en=c.name_en,
                 parent=c.parent, group=c.group, aliases=list(c.aliases), sort=i)
            for i, c in enumerate(version.codes)])
    return changed
