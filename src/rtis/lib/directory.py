"""The city's directory (LDAP) in RTIS terms: which group makes which role. No Django here."""

from __future__ import annotations

from collections.abc import Iterable

# Highest first: a person in the planners' and the viewers' groups is a planner.
ROLE_ORDER = ("admin", "planner", "officer", "viewer")


class DirectoryConfigError(ValueError):
    """RTIS_LDAP_ROLE_GROUPS is malformed."""


def normal_dn(dn: str) -> str:
    """Return a DN compared the way directories compare them: case and spaces around , = ignored."""
    parts = []
    for rdn in dn.split(","):
        key, sep, value = rdn.partition("=")
        parts.append(f"{key.strip().lower()}{sep}{value.strip().lower()}")
    return ",".join(parts)


def parse_role_groups(text: str) -> dict[str, str]:
    """Read 'planner=cn=rtis-planners,ou=groups,dc=seoul;viewer=cn=…' into {role: group DN}."""
    groups: dict[str, str] = {}
    for item in text.split(";"):
        if not item.strip():
            continue
        role, sep, dn = item.partition("=")
        role, dn = role.strip(), dn.strip()
        if not sep or role not in ROLE_ORDER:
            raise DirectoryConfigError(
                f"'{item.strip()}': 역할=그룹DN 형식이어야 합니다 (역할: {', '.join(ROLE_ORDER)}) "
                f"/ expected role=group-DN with a role of {', '.join(ROLE_ORDER)}")
        if "=" not in dn:
            raise DirectoryConfigError(f"'{item.strip()}': 그룹 DN이 아닙니다 / not a group DN")
        if role in groups:
            raise DirectoryConfigError(f"'{role}': 두 번 지정되었습니다 / given twice")
        groups[role] = dn
    return groups


def choose_role(member_of: Iterable[str], role_groups: dict[str, str],
                default: str = "") -> str | None:
    """Return the highest role whose group the person is in, else the default (None: no entry)."""
    mine = {normal_dn(dn) for dn in member_of}
    for role in ROLE_ORDER:
        dn = role_groups.get(role)
        if dn is not None and normal_dn(dn) in mine:
            return role
    return default or None
