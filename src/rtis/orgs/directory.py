"""Sign-in through the city's directory: the role and departments come from its groups."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django_auth_ldap.backend import LDAPBackend

from rtis.lib.directory import choose_role, normal_dn
from rtis.orgs.actions import do_sync_directory_user, find_department
from rtis.orgs.models import Department

log = logging.getLogger("rtis.directory")


class DirectoryBackend(LDAPBackend):
    """django-auth-ldap, then RTIS's role and departments from the person's groups."""

    def get_or_build_user(self, username: str, ldap_user: Any) -> tuple[Any, bool]:
        user, built = super().get_or_build_user(username, ldap_user)
        ldap_user.rtis_built = built  # the first sign-in creates the account: audited as such
        return user, built

    def authenticate_ldap_user(self, ldap_user: Any, password: str) -> Any:
        user = super().authenticate_ldap_user(ldap_user, password)
        if user is None:
            return None
        groups = set(ldap_user.group_dns)
        role = choose_role(groups, getattr(settings, "RTIS_LDAP_ROLE_GROUPS", {}),
                           getattr(settings, "RTIS_LDAP_DEFAULT_ROLE", ""))
        if role is None:  # only reachable with a default role unset and no group query
            log.warning("directory sign-in refused for %s: in no RTIS group", user.username)
            return None
        departments = self._departments(ldap_user, groups)
        return do_sync_directory_user(None, user, role=role, departments=departments,
                                      created=getattr(ldap_user, "rtis_built", False))

    def _departments(self, ldap_user: Any, groups: set[str]) -> list[Department]:
        names: list[str] = []
        base = normal_dn(getattr(settings, "RTIS_LDAP_DEPARTMENT_GROUP_BASE", ""))
        if base:
            for dn in groups:
                first, _, rest = normal_dn(dn).partition(",")
                if rest == base and first.startswith("cn="):
                    original = dn.split(",", 1)[0].split("=", 1)[1].strip()
                    names.append(original)
        attribute = getattr(settings, "RTIS_LDAP_DEPARTMENT_ATTR", "")
        if attribute:
            names.extend(ldap_user.attrs.get(attribute.lower(), []))
        found: list[Department] = []
        for name in names:
            department = find_department(name)
            if department is None:
                log.warning("directory department '%s' of %s is not an RTIS department",
                            name, ldap_user._username)
            elif department not in found:
                found.append(department)
        return found
