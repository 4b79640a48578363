"""Sign-in through the city's directory against a real OpenLDAP server (Debian's slapd).

The server is started here on a free loopback port with a throw-away database; the tests skip,
saying why, when slapd or django-auth-ldap (the `ldap` extra) is not installed.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from rtis.audit.models import AuditEvent
from rtis.orgs.actions import do_create_department
from rtis.orgs.models import Role, User

SLAPD = shutil.which("slapd") or "/usr/sbin/slapd"
SLAPADD = shutil.which("slapadd") or "/usr/sbin/slapadd"
HAVE_SLAPD = Path(SLAPD).exists() and Path(SLAPADD).exists()
HAVE_BACKEND = importlib.util.find_spec("django_auth_ldap") is not None
pytestmark = pytest.mark.django_db
MISSING = [why for have, why in [
    (HAVE_SLAPD, "Debian's slapd is not installed (apt-get install slapd)"),
    (HAVE_BACKEND, "django-auth-ldap is not installed (pip install 'rtis[ldap]')"),
] if not have]

BASE = "dc=seoul,dc=go,dc=kr"
ROOT_DN = f"cn=admin,{BASE}"
GROUPS = f"ou=groups,{BASE}"
DEPARTMENTS = f"ou=departments,{BASE}"


def person(uid: str, name: str, password: str) -> str:
    return (f"dn: uid={uid},ou=people,{BASE}\nobjectClass: inetOrgPerson\nuid: {uid}\n"
            f"cn: {name}\nsn: {name[0]}\ngivenName: {name[1:]}\nmail: {uid}@seoul.go.kr\n"
            f"userPassword: {password}\n")


def group(dn: str, *members: str) -> str:
    cn = dn.split(",")[0].split("=")[1]
    lines = [f"dn: {dn}", "objectClass: groupOfNames", f"cn: {cn}"]
    lines += [f"member: uid={m},ou=people,{BASE}" for m in members]
    return "\n".join(lines) + "\n"


DIRECTORY = "\n".join([
    f"dn: {BASE}\nobjectClass: dcObject\nobjectClass: organization\ndc: seoul\no: Seoul\n",
    f"dn: ou=people,{BASE}\nobjectClass: organizationalUnit\nou: people\n",
    f"dn: {GROUPS}\nobjectClass: organizationalUnit\nou: groups\n",
    f"dn: {DEPARTMENTS}\nobjectClass: organizationalUnit\nou: departments\n",
    person("kim", "김기획", "planner-pass-123"),
    person("lee", "이담당", "officer-pass-123"),
    person("park", "박외부", "outsider-pass-123"),
    group(f"cn=rtis-planners,{GROUPS}", "kim"),
    group(f"cn=rtis-officers,{GROUPS}", "lee"),
    group(f"cn=경제정책과,{DEPARTMENTS}", "lee"),
])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def slapd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Run slapd on a free loopback port with the directory above; yield its URI."""
    if MISSING:
        reason = "; ".join(MISSING) + ": directory sign-in not tested"
        if os.environ.get("RTIS_TEST_LDAP_REQUIRED"):  # CI installs both
            pytest.fail(reason)
        pytest.skip(reason)
    root = tmp_path_factory.mktemp("slapd")
    (root / "db").mkdir()
    config = root / "slapd.conf"
    config.write_text("\n".join([
        *(f"include /etc/ldap/schema/{name}.schema"
          for name in ("core", "cosine", "inetorgperson", "nis")),
        f"pidfile {root / 'slapd.pid'}", "modulepath /usr/lib/ldap", "moduleload back_mdb",
        "database mdb", f'suffix "{BASE}"', f'rootdn "{ROOT_DN}"', "rootpw root-secret",
        f"directory {root / 'db'}", "",
    ]), encoding="utf-8")
    (root / "data.ldif").write_text(DIRECTORY, encoding="utf-8")
    subprocess.run([SLAPADD, "-f", str(config), "-l", str(root / "data.ldif")], check=True,
                   capture_output=True)
    port = free_port()
    uri = f"ldap://127.0.0.1:{port}"
    server = subprocess.Popen([SLAPD, "-f", str(config), "-h", uri + "/", "-d", "0"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if server.poll() is not None:
                raise RuntimeError(f"slapd stopped: {server.stderr.read().decode()[-500:]}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError("slapd did not start within 15 s")
        yield uri
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def directory(slapd: str, settings: Any) -> None:
    from rtis.config.directory import directory_settings

    values = directory_settings({
        "RTIS_LDAP_SERVER_URI": slapd, "RTIS_LDAP_BIND_DN": ROOT_DN,
        "RTIS_LDAP_BIND_PASSWORD": "root-secret", "RTIS_LDAP_USER_BASE": f"ou=people,{BASE}",
        "RTIS_LDAP_GROUP_BASE": BASE,
        "RTIS_LDAP_ROLE_GROUPS": (f"planner=cn=rtis-planners,{GROUPS};"
                                  f"officer=cn=rtis-officers,{GROUPS}"),
        "RTIS_LDAP_DEPARTMENT_GROUP_BASE": DEPARTMENTS,
    })
    for name, value in values.items():
        setattr(settings, name, value)
    settings.AUTHENTICATION_BACKENDS = ["rtis.orgs.directory.DirectoryBackend",
                                        "django.contrib.auth.backends.ModelBackend"]
    do_create_department(None, "경제정책과")


def sign_in(username: str, password: str) -> tuple[Client, Any]:
    client = Client()
    response = client.post("/login/", {"username": username, "password": password})
    return client, response


def test_a_planner_signs_in_with_the_directory_password(directory: None) -> None:
    _, response = sign_in("kim", "planner-pass-123")
    assert response.status_code == 302
    kim = User.objects.get(username="kim")
    assert kim.role == Role.PLANNER and not kim.is_staff
    assert kim.email == "kim@seoul.go.kr" and not kim.has_usable_password()
    created = AuditEvent.objects.get(target_type="orgs.user", target_id=str(kim.pk))
    assert created.action == "create"


def test_an_officer_gets_the_department_of_its_directory_group(directory: None) -> None:
    _, response = sign_in("lee", "officer-pass-123")
    assert response.status_code == 302
    lee = User.objects.get(username="lee")
    assert lee.role == Role.OFFICER
    assert [d.name for d in lee.departments.all()] == ["경제정책과"]


def test_someone_in_no_rtis_group_gets_no_account(directory: None) -> None:
    _, response = sign_in("park", "outsider-pass-123")
    assert response.status_code == 200  # the login form again, with its error
    assert not User.objects.filter(username="park").exists()


def test_a_wrong_directory_password_is_refused(directory: None) -> None:
    _, response = sign_in("kim", "wrong-password")
    assert response.status_code == 200
    assert not User.objects.filter(username="kim").exists()


def test_a_role_changed_in_the_directory_applies_at_the_next_sign_in(
    directory: None, settings: Any
) -> None:
    sign_in("lee", "officer-pass-123")
    settings.RTIS_LDAP_ROLE_GROUPS = {"planner": f"cn=rtis-officers,{GROUPS}"}
    sign_in("lee", "officer-pass-123")
    lee = User.objects.get(username="lee")
    assert lee.role == Role.PLANNER
    change = AuditEvent.objects.filter(target_type="orgs.user", target_id=str(lee.pk),
                                       action="update").get()
    assert change.changes["role"] == ["officer", "planner"] and change.reason == "directory"


def test_local_accounts_still_sign_in_next_to_the_directory(directory: None,
                                                            planner: Any) -> None:
    planner.set_password("local-pass-123")
    planner.save(update_fields=["password"])
    _, response = sign_in(planner.username, "local-pass-123")
    assert response.status_code == 302
