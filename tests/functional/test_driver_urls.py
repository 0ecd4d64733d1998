"""Every SQLAlchemy URL Aodh 23 accepts works as [database] connection, metric ingest
(each driver's bulk path) included: measurements with awkward value_meta come back
exactly, and alarms are stored and listed."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from sqlalchemy.engine import make_url

from tests import databases
from tests.conftest import USER_A, make_api

TENANT = {"X-Auth-Token": "tenant-1"}
#: (URL scheme, backend, the DBAPI driver it must run on)
SCHEMES = [("postgresql", "postgresql", "psycopg"),
           ("postgresql+psycopg", "postgresql", "psycopg"),
           ("postgresql+psycopg2", "postgresql", "psycopg2"),
           ("mysql", "mysql", "pymysql"),
           ("mysql+pymysql", "mysql", "pymysql"),
           ("sqlite", "sqlite", "pysqlite")]
AWKWARD = {"note": 'tab\there, "quoted", comma, back\\slash\nnew line', "ünï": "çødé"}


@pytest.mark.parametrize(("scheme", "backend", "driver"), SCHEMES,
                         ids=[s for s, _, _ in SCHEMES])
def test_each_url_ingests_and_stores(scheme: str, backend: str, driver: str) -> None:
    with databases.database(backend) as url:
        api, services = make_api(str(make_url(url).set(drivername=scheme)
                                     .render_as_string(hide_password=False)))
        try:
            assert services.storage.engine.dialect.driver == driver  # type: ignore[attr-defined]
            t = int(time.time() * 1000) - 60_000
            body: list[dict[str, Any]] = [
                {"name": "cpu", "dimensions": {"host": "a"}, "timestamp": t + i * 1000,
                 "value": 0.1 + i, **({"value_meta": AWKWARD} if i % 2 else {})}
                for i in range(50)]
            api.post("/v2.0/metrics", json.dumps(body), headers=TENANT,
                     content_type="application/json", status=204)
            found = api.get("/v2.0/metrics/measurements?name=cpu&dimensions=host:a"
                            "&start_time=2020-01-01T00:00:00Z", headers=TENANT).json
            (series,) = found["elements"]
            assert [m[1:] for m in series["measurements"]] == [
                [0.1 + i, AWKWARD if i % 2 else {}] for i in range(50)]
            api.post_json("/v2/alarms", {"name": "a", "type": "event",
                                         "event_rule": {"event_type": "x"}},
                          headers=USER_A, status=201)
            assert [a["name"] for a in api.get("/v2/alarms", headers=USER_A).json] == ["a"]
        finally:
            services.storage.dispose()
