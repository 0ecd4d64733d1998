"""The README's quick start, as written: its shell lines (the webhook receiver, the
alarm, the breaching measurement) run by bash against alarmapi-all on the quick-start
config, with only the ports changed; the receiver prints the alarm's notification."""

from __future__ import annotations

import pathlib
import re
import subprocess

import requests

from tests.integration import live

ROOT = pathlib.Path(__file__).resolve().parents[2]


def _try_it_block() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("Try it:"):]
    return section[section.index("```\n") + 4:section.index("\n```", section.index("```\n") + 4)]


def test_the_quick_start_fires_its_webhook(tmp_path: pathlib.Path) -> None:
    api_port, hook_port = live.free_port(), live.free_port()
    quickstart = (ROOT / "etc/alarmapi/alarmapi-quickstart.conf").read_text()
    config = tmp_path / "alarmapi.conf"
    config.write_text(quickstart.replace("port = 8042", f"port = {api_port}").replace(
        "sqlite:///data/", f"sqlite:///{tmp_path}/"))
    block = _try_it_block().replace("8042", str(api_port)).replace("9000", str(hook_port))
    lines = [line for line in re.sub(r"\\\n\s*", " ", block).splitlines()
             if "<alarm_id>" not in line]
    receiver_line = next(line for line in lines if "webhook_receiver.py" in line)
    receiver_out = tmp_path / "receiver.out"
    log = tmp_path / "all.log"
    with open(log, "wb") as out, open(receiver_out, "wb") as printed:
        service = subprocess.Popen([str(live.BIN / "alarmapi-all"), "--config-file",
                                    str(config)], stdout=out, stderr=subprocess.STDOUT)
        command = receiver_line.split("&")[0].replace("python3", str(live.BIN / "python"))
        receiver = subprocess.Popen(["bash", "-c", "exec " + command], cwd=ROOT,
                                    stdout=printed, stderr=subprocess.STDOUT)
        try:
            live.wait_ready(f"http://127.0.0.1:{api_port}/healthcheck", service, log)
            assert live.poll(lambda: b"listening" in receiver_out.read_bytes())
            script = "\n".join(["set -e", *(line for line in lines if line is not receiver_line)])
            ran = subprocess.run(["bash", "-c", script], capture_output=True, text=True,
                                 timeout=60, cwd=ROOT)
            assert ran.returncode == 0, ran.stderr
            alarm_id = re.search(r'"alarm_id": "([0-9a-f-]+)"', ran.stdout).group(1)
            assert live.poll(lambda: alarm_id.encode() in receiver_out.read_bytes()), \
                receiver_out.read_text()
            printed_text = receiver_out.read_text()
            assert "POST /hook" in printed_text and '"current": "alarm"' in printed_text
            console = requests.get(f"http://127.0.0.1:{api_port}/console/", timeout=30)
            assert console.status_code == 200
        finally:
            receiver.terminate()
            service.terminate()
            receiver.wait(timeout=30)
            service.wait(timeout=60)
