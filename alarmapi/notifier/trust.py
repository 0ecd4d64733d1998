"""trust+http(s):// actions: the POST carries a keystone token obtained through the
trust named in the URL's user part (``trust+https://<trust id>@host/path``), as the
[service_credentials] user, as in Aodh."""

from __future__ import annotations

import threading
import urllib.parse
from typing import Any

from keystoneauth1 import exceptions as ka_exceptions
from keystoneauth1 import loading as ka_loading

from alarmapi.conf import service_credentials
from alarmapi.deliveries import Delivery
from alarmapi.notifier.base import Outcome
from alarmapi.notifier.rest import RestNotifier


def plain_action(action: urllib.parse.SplitResult) -> urllib.parse.SplitResult:
    """The http(s) URL a trust action posts to: no trust+ prefix, no credentials."""
    netloc = action.netloc.rpartition("@")[2]
    return action._replace(scheme=action.scheme.removeprefix("trust+"), netloc=netloc)


class TrustNotifier(RestNotifier):
    """POSTs with a token redeemed from the action's trust."""

    _lock = threading.Lock()

    def notify(self, action: urllib.parse.SplitResult, delivery: Delivery) -> Outcome:
        if self.conf.api.auth_mode != "keystone":
            return Outcome.failed("trust actions need auth_mode = keystone")
        trust_id = urllib.parse.unquote(action.username or "")
        if not trust_id:
            return Outcome.failed(f"{action.scheme} action names no trust")
        try:
            token = self.token(trust_id)
        except ka_exceptions.ConnectFailure as exc:
            return Outcome.retry(f"keystone unreachable: {exc}")
        except ka_exceptions.ClientException as exc:
            return Outcome.failed(f"trust {trust_id} cannot be redeemed: {exc}")
        return self.post(plain_action(action), delivery, {"X-Auth-Token": token})

    def token(self, trust_id: str) -> str:
        """A token of the service user scoped by the trust."""
        with self._lock:  # option registration by the loader is not thread-safe
            auth: Any = ka_loading.load_auth_from_conf_options(
                self.conf, service_credentials.GROUP, trust_id=trust_id)
            session = ka_loading.load_session_from_conf_options(
                self.conf, service_credentials.GROUP, auth=auth)
        return str(session.get_token())
