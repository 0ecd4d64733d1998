"""A real Octavia 19 API (PyPI octavia in its own venv) on loopback, the way Octavia's
functional tests run it: noauth, the noop provider and network drivers; its own
database on the local MariaDB, migrated by octavia-db-manage. Pools and members are
created through its API; their health, which the health manager would write, is written
into its database."""

from __future__ import annotations

import contextlib
import os
import pathlib
import subprocess
import uuid
from collections.abc import Iterator
from typing import Any

import requests
import sqlalchemy as sa

from tests import databases
from tests.integration.live import free_port, wait_ready

PEER_HOME = pathlib.Path(os.environ.get("PEER_HOME",
                                        pathlib.Path.home() / ".cache/alarmapi-peer"))
VENV = PEER_HOME / "octavia-venv"
SERVER = databases.SERVERS["mysql"]

CONFIG = """[api_settings]
auth_strategy = noauth
bind_host = 127.0.0.1
bind_port = {port}
default_provider_driver = noop_driver
enabled_provider_drivers = noop_driver:The noop driver
pagination_max_limit = 3
[database]
connection = {url}
[controller_worker]
network_driver = network_noop_driver
"""


class Octavia:
    """A running Octavia: its URL, and what the tests do to its pools."""

    def __init__(self, url: str, db_url: str) -> None:
        self.url = url
        self.engine = sa.create_engine(db_url)

    def _activate(self) -> None:
        """What the provider driver would do: everything pending becomes ACTIVE."""
        with self.engine.begin() as conn:
            for table in ("load_balancer", "pool", "member"):
                conn.execute(sa.text(f"UPDATE {table} SET provisioning_status = 'ACTIVE'"))

    def _post(self, path: str, project: str, body: dict[str, Any]) -> dict[str, Any]:
        response = requests.post(self.url + path, json=body, timeout=30, headers={
            "X-Project-Id": project, "X-User-Id": "u", "X-Roles": "admin"})
        assert response.status_code == 201, response.text
        self._activate()
        return dict(response.json())

    def pool(self, project: str) -> str:
        """A new load balancer with one pool, in ``project``; the pool's id."""
        lb = self._post("/v2.0/lbaas/loadbalancers", project, {"loadbalancer": {
            "vip_subnet_id": str(uuid.uuid4()), "name": "lb"}})["loadbalancer"]
        return str(self._post("/v2.0/lbaas/pools", project, {"pool": {
            "loadbalancer_id": lb["id"], "protocol": "HTTP",
            "lb_algorithm": "ROUND_ROBIN"}})["pool"]["id"])

    def member(self, pool_id: str, project: str, address: str) -> str:
        """A new member of the pool; its id."""
        return str(self._post(f"/v2.0/lbaas/pools/{pool_id}/members", project, {"member": {
            "address": address, "protocol_port": 80}})["member"]["id"])

    def health(self, member_id: str, status: str, age_s: int = 3600,
               admin_state_up: bool = True) -> None:
        """Set a member's operating status, creation time and admin state."""
        with self.engine.begin() as conn:
            conn.execute(sa.text(
                "UPDATE member SET operating_status = :status, enabled = :up, "
                "created_at = UTC_TIMESTAMP() - INTERVAL :age SECOND WHERE id = :id"),
                {"status": status, "up": admin_state_up, "age": age_s, "id": member_id})


@contextlib.contextmanager
def running(directory: pathlib.Path) -> Iterator[Octavia]:
    """Start the Octavia API; yield it; stop it by its pid and drop its database."""
    api = VENV / "bin" / "octavia-api"
    if not api.exists():
        databases.unavailable(f"{api} is missing: run tools/install-test.sh")
    name = f"octavia_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(SERVER, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f"CREATE DATABASE {name}"))
    db_url = f"{SERVER}/{name}"
    port = free_port()
    config = directory / "octavia.conf"
    config.write_text(CONFIG.format(port=port, url=db_url))
    log_path = directory / "octavia.log"
    subprocess.run([str(VENV / "bin" / "octavia-db-manage"), "--config-file", str(config),
                    "upgrade", "head"], check=True, capture_output=True, timeout=300)
    log = open(log_path, "wb")  # noqa: SIM115
    proc = subprocess.Popen([str(api), "--config-file", str(config)], stdout=log,
                            stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    octavia = Octavia(url, db_url)
    try:
        wait_ready(url + "/", proc, log_path)
        yield octavia
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()
        octavia.engine.dispose()
        with admin.connect() as conn:
            conn.execute(sa.text(f"DROP DATABASE IF EXISTS {name}"))
        admin.dispose()
