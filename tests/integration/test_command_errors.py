"""Every command tells its fatal error on the terminal (issue 28.2): alarmapi-dbsync with
a missing driver or a missing database exited 1 and printed nothing (the error went to
the log file aodh.conf names). Real PostgreSQL and MariaDB; the log file keeps the trace."""

from __future__ import annotations

import pathlib
import subprocess
import sys

import pytest

BIN = pathlib.Path(sys.executable).parent


def dbsync(tmp_path: pathlib.Path, url: str) -> tuple[subprocess.CompletedProcess[str], str]:
    config = tmp_path / "aodh.conf"
    log = tmp_path / "aodh.log"
    config.write_text(f"[DEFAULT]\nlog_file = {log}\n\n[database]\nconnection = {url}\n")
    done = subprocess.run([str(BIN / "alarmapi-dbsync"), "--config-file", str(config)],
                          capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    return done, log.read_text() if log.exists() else ""


@pytest.mark.parametrize(("url", "told"), [
    ("mysql+mysqldb://root@127.0.0.1:3306/alarmapi",
     "the Python module MySQLdb is not installed: the mysqlclient package"),
    ("postgresql+psycopg2://postgres@127.0.0.1:5432/alarmapi_no_such_db",
     "the database of [database] connection does not exist"),
    ("mysql+pymysql://root@127.0.0.1:3306/alarmapi_no_such_db",
     "the database of [database] connection does not exist"),
    ("postgresql://postgres@127.0.0.1:9/test",
     "the database server of [database] connection cannot be reached"),
])
def test_dbsync_says_what_is_missing_on_stderr(tmp_path: pathlib.Path, url: str,
                                               told: str) -> None:
    done, log = dbsync(tmp_path, url)
    assert done.returncode == 1
    assert done.stderr.startswith(f"alarmapi-dbsync: {told}"), done.stderr
    assert len(done.stderr.strip().splitlines()) == 1  # one line, no traceback
    assert "Traceback" in log  # the log file still has the whole story


def test_a_working_dbsync_prints_no_error(tmp_path: pathlib.Path) -> None:
    done, _ = dbsync(tmp_path, f"sqlite:///{tmp_path}/ok.sqlite")
    assert (done.returncode, done.stderr) == (0, "")
