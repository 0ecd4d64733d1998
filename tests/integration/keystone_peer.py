"""A real Keystone 30 (tools/keystone_peer.sh) for integration tests, and what they do
with it: sessions and resources created as admin."""

from __future__ import annotations

import pathlib
import subprocess
from collections.abc import Iterator
from typing import Any

from keystoneauth1 import session as ka_session
from keystoneauth1.identity import v3

from tests import databases
from tests.integration.live import free_port

ROOT = pathlib.Path(__file__).resolve().parents[2]
PEER = ROOT / "tools" / "keystone_peer.sh"
IDENTITY = {"endpoint_filter": {"service_type": "identity", "interface": "public"}}


def running(directory: pathlib.Path) -> Iterator[str]:
    """Start a fresh Keystone in ``directory``; yield its /v3 URL; stop it after."""
    port = free_port()
    started = subprocess.run(["bash", str(PEER), "start", str(directory), str(port)],
                             capture_output=True, text=True, timeout=300)
    if started.returncode != 0:
        databases.unavailable(f"keystone did not start: {started.stderr}")
    try:
        yield f"http://127.0.0.1:{port}/v3"
    finally:
        subprocess.run(["bash", str(PEER), "stop", str(directory)], check=False)


def session(auth_url: str, user: str, password: str, project: str | None) -> Any:
    """A keystoneauth1 session of a user (project-scoped when ``project`` is given)."""
    auth = v3.Password(auth_url=auth_url, username=user, password=password,
                       user_domain_id="default", project_name=project,
                       project_domain_id="default" if project else None)
    return ka_session.Session(auth=auth)


def create(admin: Any, kind: str, body: dict[str, Any]) -> str:
    """Create a Keystone resource (project, user, service ...) as admin; its id."""
    answer = admin.post(f"/{kind}s", json={kind: body}, **IDENTITY)
    return str(answer.json()[kind]["id"])


def grant(admin: Any, project: str, user: str, role: str) -> None:
    """Give ``user`` the named role on ``project``."""
    roles = {r["name"]: r["id"] for r in admin.get("/roles", **IDENTITY).json()["roles"]}
    admin.put(f"/projects/{project}/users/{user}/roles/{roles[role]}", **IDENTITY)
