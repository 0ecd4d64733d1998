#!/usr/bin/env bash
# Install what the tests need besides alarmapi itself (idempotent): the test
# extras, the real python-aodhclient/openstack CLIs and a real Gnocchi 4.7.1.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-python3}"
bash tools/install.sh
.venv/bin/python -m pip install -q -e '.[test]'
# The aodh and openstack CLIs in their own venv: they bring their own dependency set.
if [ ! -x .venv-aodhclient/bin/aodh ]; then
  "$PY" -m venv .venv-aodhclient
  .venv-aodhclient/bin/python -m pip install -q --upgrade pip >/dev/null
  .venv-aodhclient/bin/python -m pip install -q aodhclient==3.12.0 python-openstackclient
fi
# tempest.lib: python-aodhclient's own functional tests run on it.
if ! .venv-aodhclient/bin/python -c "import tempest.lib" 2>/dev/null; then
  .venv-aodhclient/bin/python -m pip install -q 'tempest==47.0.0'
fi
# Gnocchi where ../shared/peer/gnocchi expects it (the tests start and stop it).
PEER_HOME="${PEER_HOME:-$HOME/.cache/alarmapi-peer}"
if [ ! -x "$PEER_HOME/gnocchi-venv/bin/gnocchi-api" ]; then
  "$PY" -m venv "$PEER_HOME/gnocchi-venv"
  "$PEER_HOME/gnocchi-venv/bin/python" -m pip install -q --upgrade pip >/dev/null
  "$PEER_HOME/gnocchi-venv/bin/python" -m pip install -q \
      'gnocchi[postgresql,file,keystone]==4.7.1' psycopg2-binary uwsgi
fi
# keystonemiddleware: the tests also run this Gnocchi behind Keystone.
if ! "$PEER_HOME/gnocchi-venv/bin/python" -c "import keystonemiddleware" 2>/dev/null; then
  "$PEER_HOME/gnocchi-venv/bin/python" -m pip install -q 'gnocchi[keystone]==4.7.1'
fi
# A real Octavia 19 API in its own venv for the loadbalancer_member_health alarms
# (tests/integration/octavia_peer.py starts it on the local MariaDB).
if [ ! -x "$PEER_HOME/octavia-venv/bin/octavia-api" ] || \
    ! "$PEER_HOME/octavia-venv/bin/python" -c "import pymysql" 2>/dev/null; then
  "$PY" -m venv "$PEER_HOME/octavia-venv"
  "$PEER_HOME/octavia-venv/bin/python" -m pip install -q 'octavia==19.0.0' PyMySQL
fi
# The real Aodh 23.0.0 (../shared/peer/aodh, exact versions) for the --import-aodh tests,
# with PyMySQL for Aodh on MariaDB.
AODH_VENV="${AODH_VENV:-$PEER_HOME/aodh-venv}"
if [ ! -x "$AODH_VENV/bin/aodh-dbsync" ]; then
  PEER_HOME="$PEER_HOME" USE_LOCK=1 bash ../shared/peer/aodh/install_venvs.sh >/dev/null
fi
if ! "$AODH_VENV/bin/python" -c "import pymysql" 2>/dev/null; then
  "$AODH_VENV/bin/python" -m pip install -q PyMySQL
fi
# A real Keystone 30 for the trust+http tests (tools/keystone_peer.sh starts it).
bash tools/keystone_peer.sh install
# A real Prometheus Alertmanager (Debian's) for the alertmanager:// tests, and a real
# Prometheus (Debian's 2.42) for the prometheus alarms.
# and Debian's Chromium with its WebDriver for the console's browser tests.
if ! command -v prometheus-alertmanager >/dev/null || ! command -v prometheus >/dev/null || \
    ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
      prometheus-alertmanager prometheus chromium chromium-driver
fi
# The seed's client, python-monascaclient 1.0.1 (patched to run on Python 3.11).
bash ../shared/peer/monasca/install_seed_client.sh
