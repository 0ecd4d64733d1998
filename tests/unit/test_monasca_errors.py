"""/v2.0 errors go through the one fault table (issue 26): each error class carries its
status, no raise site gives one, and every status has Monasca's title."""

from __future__ import annotations

import ast
import pathlib

import pytest

from alarmapi.api import faults
from alarmapi.metrics import errors as metric_errors
from alarmapi.notification_methods import InvalidMethod
from alarmapi.storage.sql.methods import DuplicateName

PACKAGE = pathlib.Path(__file__).resolve().parents[2] / "alarmapi"
CLASSES = {name for name, value in vars(metric_errors).items()
           if isinstance(value, type) and issubclass(value, metric_errors.MetricsError)}


@pytest.mark.parametrize(("error", "status"), [
    (metric_errors.MetricsError("bad value"), 422),
    (metric_errors.MalformedRequest("not JSON"), 400),
    (metric_errors.NoTenant("no tenant"), 401),
    (metric_errors.NotFound("No alarm x exists"), 404),
    (metric_errors.MethodNotAllowed("POST"), 405),
    (metric_errors.MultipleMetrics(2), 409),
    (InvalidMethod("Address x is not of correct format"), 400),
    (DuplicateName("ops", "m-1"), 409),
])
def test_each_error_maps_to_its_status_through_the_fault_table(error: Exception,
                                                                 status: int) -> None:
    fault = faults.fault_of(error)
    assert fault.status == status and status in metric_errors.TITLES
    assert fault.message == str(error)


def test_a_duplicate_name_says_which_method_holds_it() -> None:
    assert str(DuplicateName("ops", "m-1")) == \
        "A notification method with name ops already exists with id m-1"


def _status_given_at_raise_site(path: pathlib.Path) -> list[str]:
    return [f"{path.name}:{node.lineno}" for node in ast.walk(ast.parse(path.read_text()))
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) in CLASSES
            and node.func.id != "MethodNotAllowed"  # (method, hint), never a status
            and (len(node.args) > 1 or any(k.arg == "status" for k in node.keywords))]


def test_no_raise_site_gives_a_status() -> None:
    found = [hit for path in sorted(PACKAGE.rglob("*.py")) if "node_modules" not in path.parts
             for hit in _status_given_at_raise_site(path)]
    assert found == []


def test_the_rule_sees_a_status_at_a_raise_site(tmp_path: pathlib.Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text('raise MetricsError("No alarm x exists", 404)\n')
    assert _status_given_at_raise_site(sample) == ["sample.py:1"]
