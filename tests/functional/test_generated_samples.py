"""The sample config and policy under etc/alarmapi are what the generators produce."""

from __future__ import annotations

import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
BIN = pathlib.Path(sys.executable).parent


@pytest.mark.parametrize(("tool", "config", "sample"), [
    ("oslo-config-generator", "alarmapi-config-generator.conf", "alarmapi.conf.sample"),
    ("oslopolicy-sample-generator", "alarmapi-policy-generator.conf", "policy.yaml.sample"),
])
def test_sample_is_current(tmp_path: pathlib.Path, tool: str, config: str, sample: str) -> None:
    out = tmp_path / sample
    subprocess.run([str(BIN / tool), "--config-file", str(ROOT / "etc/alarmapi" / config),
                    "--output-file", str(out)], check=True, cwd=ROOT, capture_output=True)
    assert out.read_text() == (ROOT / "etc/alarmapi" / sample).read_text(), (
        f"etc/alarmapi/{sample} is stale: run tox -e genconfig / genpolicy")
