"""An aodh.conf works as it is: the one ../shared/peer/aodh/start_aodh.sh writes for the
reference Aodh, and a keystone-mode one as a deployment has it. Every Aodh option that
means something here is read under Aodh's group and name; the ones alarmapi ignores are
reported, each once, with the reason."""

from __future__ import annotations

import pathlib
import re
from typing import Any

from alarmapi import conf as alarmapi_conf
from alarmapi.conf import aodh_compat

START_AODH = pathlib.Path(__file__).resolve().parents[2].parent / "shared" / "peer" / "aodh" / \
    "start_aodh.sh"
VALUES = {"AODH_RUN_DIR": "/tmp/aodh-run", "AODH_ENABLE_EVAL_METRICS": "true",
          "AODH_USER_ALARM_QUOTA": "7", "AODH_PROJECT_ALARM_QUOTA": "9", "PGUSER": "postgres",
          "PGHOST": "127.0.0.1", "PGPORT": "5432", "AODH_DB": "aodh",
          "GNOCCHI_ENDPOINT": "http://127.0.0.1:8049"}

KEYSTONE_AODH_CONF = """\
[DEFAULT]
transport_url = rabbit://stackrabbit:secret@10.0.0.5:5672/
enable_evaluation_results_metrics = false
additional_ingestion_lag = 30
rest_notifier_ssl_verify = false
rest_notifier_certificate_file = /etc/aodh/client.pem
event_alarm_cache_ttl = 30
notifier_topic = alarming
prometheus_project_label_name = tenant
member_creation_time = 300
evaluation_interval = 30

[api]
auth_mode = keystone
user_alarm_quota = 100
project_alarm_quota = 1000
alarm_max_actions = 5
gnocchi_external_project_owner = services

[coordination]
backend_url = redis://127.0.0.1:6379

[database]
connection = mysql+pymysql://aodh:secret@10.0.0.5/aodh?charset=utf8
alarm_history_time_to_live = 2592000
alarm_histories_delete_batch_size = 500

[evaluator]
workers = 2

[listener]
workers = 2
event_alarm_topic = alarm.all
batch_size = 10
batch_timeout = 2

[notifier]
batch_size = 1

[service_credentials]
auth_type = password
auth_url = http://10.0.0.5/identity
username = aodh
password = secret
project_name = service
user_domain_id = default
project_domain_id = default
region_name = RegionOne
interface = internal

[keystone_authtoken]
www_authenticate_uri = http://10.0.0.5/identity
auth_url = http://10.0.0.5/identity
auth_type = password
username = aodh
password = secret
"""


def peer_conf() -> str:
    """The aodh.conf start_aodh.sh writes (its heredoc, variables filled in)."""
    script = START_AODH.read_text()
    text = script.split('cat >"$CONF" <<CONF\n', 1)[1].split("\nCONF\n", 1)[0]
    return re.sub(r"\$(\w+)", lambda m: VALUES[m.group(1)], text)


def parsed(tmp_path: pathlib.Path, text: str) -> Any:
    path = tmp_path / "aodh.conf"
    path.write_text(text)
    return alarmapi_conf.prepare([str(path)])


def test_the_reference_aodh_conf(tmp_path: pathlib.Path) -> None:
    conf = parsed(tmp_path, peer_conf())
    assert conf.api.auth_mode == "noauth"
    assert conf.api.enable_evaluation_results_metrics is True
    assert (conf.api.user_alarm_quota, conf.api.project_alarm_quota) == (7, 9)
    assert conf.database.connection == "postgresql://postgres@127.0.0.1:5432/aodh"
    assert aodh_compat.set_but_ignored(conf) == []


def test_a_keystone_mode_aodh_conf(tmp_path: pathlib.Path) -> None:
    c: Any = parsed(tmp_path, KEYSTONE_AODH_CONF)
    assert c.api.auth_mode == "keystone" and c.api.alarm_max_actions == 5
    assert (c.api.user_alarm_quota, c.api.project_alarm_quota) == (100, 1000)
    assert c.api.enable_evaluation_results_metrics is False
    assert c.evaluator.additional_ingestion_lag == 30
    assert c.evaluator.evaluation_interval == 30
    assert c.evaluator.coordination_url == "redis://127.0.0.1:6379"
    assert c.notifier.rest_notifier_ssl_verify is False
    assert c.notifier.rest_notifier_certificate_file == "/etc/aodh/client.pem"
    assert c.prometheus_project_label_name == "tenant" and c.member_creation_time == 300
    assert c.database.alarm_history_time_to_live == 2592000
    assert c.database.alarm_histories_delete_batch_size == 500
    assert (c.listener.workers, c.listener.batch_size, c.listener.batch_timeout) == (2, 10, 2)
    assert c.service_credentials.region_name == "RegionOne"
    assert c.service_credentials.interface == "internal"
    ignored = aodh_compat.set_but_ignored(c)
    assert [line.split(" is ignored")[0] for line in ignored] == [
        "[DEFAULT] event_alarm_cache_ttl = 30",
        "[api] gnocchi_external_project_owner = 'services'"]
    assert c.evaluator.workers == 2
    assert "no alarm cache" in ignored[0]
