"""Integration fixtures: real servers and real clients."""

from __future__ import annotations

import os
import pathlib
from collections.abc import Iterator

import pytest

from tests import databases
from tests.integration import keystone_peer

ROOT = pathlib.Path(__file__).resolve().parents[2]


def client_venv_bin(name: str) -> pathlib.Path:
    """A command of the python-aodhclient venv that tools/install.sh builds."""
    base = pathlib.Path(os.environ.get("ALARMAPI_AODHCLIENT_VENV", ROOT / ".venv-aodhclient"))
    path = base / "bin" / name
    if not path.exists():
        databases.unavailable(f"{path} is missing: run tools/install.sh")
    return path


@pytest.fixture
def aodh_bin() -> pathlib.Path:
    """The real `aodh` CLI of python-aodhclient 3.12.0."""
    return client_venv_bin("aodh")


@pytest.fixture
def openstack_bin() -> pathlib.Path:
    """The real `openstack` CLI with aodhclient's plugin."""
    return client_venv_bin("openstack")


@pytest.fixture(scope="module")
def keystone(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real Keystone 30 on loopback (admin/secret); its /v3 URL."""
    yield from keystone_peer.running(tmp_path_factory.mktemp("keystone"))
