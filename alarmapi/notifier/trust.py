"""trust+http(s):// actions: the POST carries a keystone token obtained through the
trust named in the URL's user part (``trust+https://<trust id>@host/path``), as the
[service_credentials] user, as in Aodh."""

from __future__ import annotations

import collections
import threading
import urllib.parse
from typing import Any

from keystoneauth1 import exceptions as ka_exceptions
from keystoneauth1 import loading as ka_loading
from keystoneauth1.identity import v3
from oslo_config import cfg

from alarmapi.conf import service_credentials
from alarmapi.deliveries import Delivery
from alarmapi.notifier.base import Outcome
from alarmapi.notifier.http_client import HTTPClient
from alarmapi.notifier.rest import RestNotifier


def plain_action(action: urllib.parse.SplitResult) -> urllib.parse.SplitResult:
    """The http(s) URL a trust action posts to: no trust+ prefix, no credentials."""
    netloc = action.netloc.rpartition("@")[2]
    return action._replace(scheme=action.scheme.removeprefix("trust+"), netloc=netloc)


#: Trusts whose sessions (and tokens) are kept.
MAX_TRUSTS = 1024


class TrustSessions:
    """keystoneauth sessions of the [service_credentials] user scoped by trusts, the
    most recently used MAX_TRUSTS kept (with their tokens, until they near expiry)."""

    def __init__(self, conf: cfg.ConfigOpts) -> None:
        self.conf = conf
        self._lock = threading.Lock()
        self._sessions: collections.OrderedDict[str, Any] = collections.OrderedDict()

    def session(self, trust_id: str) -> Any:
        """The session of one trust."""
        with self._lock:
            session = self._sessions.get(trust_id)
            if session is None:
                opts = self.conf.service_credentials
                # Scoped by the trust alone: no project, as keystone requires.
                auth = v3.Password(auth_url=opts.auth_url, username=opts.username,
                                   password=opts.password, user_id=opts.user_id,
                                   user_domain_id=opts.user_domain_id,
                                   user_domain_name=opts.user_domain_name, trust_id=trust_id)
                session = ka_loading.load_session_from_conf_options(
                    self.conf, service_credentials.GROUP, auth=auth)
                self._sessions[trust_id] = session
            self._sessions.move_to_end(trust_id)
            while len(self._sessions) > MAX_TRUSTS:
                self._sessions.popitem(last=False)
        return session


def trust_of(action: urllib.parse.SplitResult) -> str:
    """The trust id in an action's user part ("" when it names none)."""
    return urllib.parse.unquote(action.username or "")


class TrustNotifier(RestNotifier):
    """POSTs with a token redeemed from the action's trust."""

    def __init__(self, conf: cfg.ConfigOpts, http: HTTPClient) -> None:
        super().__init__(conf, http)
        self.sessions = TrustSessions(conf)

    def notify(self, action: urllib.parse.SplitResult, delivery: Delivery) -> Outcome:
        if self.conf.api.auth_mode != "keystone":
            return Outcome.failed("trust actions need auth_mode = keystone")
        trust_id = trust_of(action)
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
        """A token of the service user scoped by the trust (kept by keystoneauth until
        it nears expiry)."""
        return str(self.sessions.session(trust_id).get_token())
