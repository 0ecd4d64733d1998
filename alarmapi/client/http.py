"""The HTTP layer: JSON requests to alarmapi with a token, noauth identity headers or a
keystoneauth1 session; error answers become exc.HTTPException subclasses."""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping, Sequence
from typing import Any

import requests

from alarmapi.client import exc

LOG = logging.getLogger(__name__)
USER_AGENT = "python-alarmapiclient"
#: The catalog service type alarmapi registers under (Aodh's).
SERVICE_TYPE = "alarming"


class HTTPClient:
    """Sends JSON requests to one alarmapi endpoint.

    With ``session`` (a keystoneauth1 Session) the token and, when no endpoint is
    given, the endpoint come from keystone. Otherwise ``token`` is sent as
    X-Auth-Token and ``user_id``/``project_id``/``roles`` as the identity headers a
    noauth server reads.
    """

    def __init__(self, endpoint: str | None = None, *, token: str | None = None,
                 session: Any = None, user_id: str | None = None,
                 project_id: str | None = None, roles: Sequence[str] | None = None,
                 insecure: bool = False, cacert: str | None = None,
                 cert: str | None = None, key: str | None = None,
                 timeout: float | None = 600.0, region_name: str | None = None,
                 interface: str = "public") -> None:
        if endpoint is None and session is None:
            raise exc.CommandError("an endpoint (or a keystoneauth1 session) is required")
        self.endpoint = endpoint.rstrip("/") if endpoint else None
        self.session = session
        self.headers = {"User-Agent": USER_AGENT, "Accept": "application/json"}
        if token:
            self.headers["X-Auth-Token"] = token
        if user_id:
            self.headers["X-User-Id"] = user_id
        if project_id:
            self.headers["X-Project-Id"] = project_id
        if roles:
            self.headers["X-Roles"] = ",".join(roles)
        self.verify: bool | str = False if insecure else (cacert or True)
        self.cert: str | tuple[str, str] | None = (cert, key) if cert and key else cert
        self.timeout = timeout
        self.endpoint_filter = {"service_type": SERVICE_TYPE, "interface": interface,
                                "region_name": region_name}
        self._requests = requests.Session() if session is None else None

    def request(self, method: str, path: str, body: Any = None,
                params: Mapping[str, Any] | Sequence[tuple[str, Any]] | None = None) -> Any:
        """Send one request; the decoded JSON answer (None when empty)."""
        headers = dict(self.headers)
        data = None
        if body is not None:
            headers["Content-Type"] = "application/json"
            data = json.dumps(body)
        LOG.debug("REQ %s %s params=%s body=%s", method, path, params, data)
        try:
            status, text = self._send(method, path, headers, data, params)
        except requests.RequestException as error:
            raise exc.ConnectionFailed(f"cannot reach {self.endpoint}: {error}") from error
        LOG.debug("RESP %s %s", status, text[:2000])
        if status >= 400:
            raise exc.from_response(status, text)
        if not text:
            return None
        try:
            return json.loads(text)
        except ValueError as error:
            raise exc.ClientException(f"the answer is not JSON: {text[:200]}") from error

    def _send(self, method: str, path: str, headers: dict[str, str], data: str | None,
              params: Any) -> tuple[int, str]:
        if self.session is not None:
            kwargs: dict[str, Any] = {"headers": headers, "data": data, "params": params,
                                      "raise_exc": False, "timeout": self.timeout}
            if self.endpoint is None:
                kwargs["endpoint_filter"] = self.endpoint_filter
                url = path
            else:
                url = self.endpoint + path
            response = self.session.request(url, method, **kwargs)
            return response.status_code, response.text
        assert self._requests is not None and self.endpoint is not None
        response = self._requests.request(method, self.endpoint + path, headers=headers,
                                          data=data, params=params, verify=self.verify,
                                          cert=self.cert, timeout=self.timeout)
        return response.status_code, response.text

    def get(self, path: str, params: Any = None) -> Any:
        """GET."""
        return self.request("GET", path, params=params)

    def post(self, path: str, body: Any = None, params: Any = None) -> Any:
        """POST."""
        return self.request("POST", path, body, params)

    def put(self, path: str, body: Any = None) -> Any:
        """PUT."""
        return self.request("PUT", path, body)

    def patch(self, path: str, body: Any = None) -> Any:
        """PATCH."""
        return self.request("PATCH", path, body)

    def delete(self, path: str, params: Any = None) -> Any:
        """DELETE."""
        return self.request("DELETE", path, params=params)
